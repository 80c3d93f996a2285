"""Bilateral follow-up calls, the public-holiday calendar and national working groups.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.bilaterals import calendar_hooks  # noqa: F401  (adds to the calendar's registries)
    from app.bilaterals.views import bp

    app.register_blueprint(bp)
