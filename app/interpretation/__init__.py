"""Simultaneous interpretation: demand, channels, interpreters and assignments.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.interpretation import audience  # noqa: F401  (adds to the events' audiences)
    from app.interpretation import bilateral_calls  # noqa: F401  (staffs bilateral calls)
    from app.interpretation import calendar_hooks  # noqa: F401  (adds to the calendar's registries)
    from app.interpretation import personal_data  # noqa: F401  (personal-data registry)
    from app.interpretation import preparation_views  # noqa: F401  (its routes join bp)
    from app.interpretation import small_groups  # noqa: F401  (languages asked per session)
    from app.interpretation.views import bp

    app.register_blueprint(bp)
