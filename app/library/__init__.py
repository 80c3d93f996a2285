"""The resource library: documents and links shared with an event's participants.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.library import personal_data  # noqa: F401  (personal-data registry)
    from app.library.views import bp

    app.register_blueprint(bp)
