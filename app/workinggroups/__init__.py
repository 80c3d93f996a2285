"""National working groups: recurring meetings with their members, moved or cancelled one by one.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.workinggroups import calendar_hooks  # noqa: F401  (adds to the calendar's registries)
    from app.workinggroups import personal_data  # noqa: F401  (personal-data registry)
    from app.workinggroups.views import bp

    app.register_blueprint(bp)
