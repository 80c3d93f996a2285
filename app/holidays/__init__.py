"""The public-holiday calendar of the five countries, with the organisers' corrections: what
bilateral calls, working groups and meeting dates plan around.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.holidays import personal_data  # noqa: F401  (personal-data registry)
    from app.holidays.views import bp

    app.register_blueprint(bp)
