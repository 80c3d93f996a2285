"""Planning the annual meeting: venues, travel, visas, dietary and access needs.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.events.services import DATE_WARNINGS
    from app.planning import personal_data  # noqa: F401  (personal-data registry)
    from app.planning.services import holiday_warnings
    from app.planning.views import bp

    app.register_blueprint(bp)
    DATE_WARNINGS.add("public holidays", holiday_warnings)
