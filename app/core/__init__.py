"""What every feature builds on: access rules, time, i18n, forms, mail, locking, jobs.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.core.views import bp

    app.register_blueprint(bp)
