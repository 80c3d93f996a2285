"""Topics participants propose and vote on for coming meetings.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.topics import personal_data  # noqa: F401  (personal-data registry)
    from app.topics.views import bp

    app.register_blueprint(bp)
