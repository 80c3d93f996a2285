"""Feedback on past events, and the quotes chosen for the summary.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.feedback import personal_data  # noqa: F401  (personal-data registry)
    from app.feedback.views import bp

    app.register_blueprint(bp)
