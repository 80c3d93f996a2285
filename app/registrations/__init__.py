"""Registration: places, waiting lists, invitations and the roster.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.core.jobs import periodic
    from app.registrations import audience  # noqa: F401  (adds to the events' audiences)
    from app.registrations import calendar_hooks  # noqa: F401  (adds to the calendar's registries)
    from app.registrations import group_views  # noqa: F401  (adds the small-group pages)
    from app.registrations import personal_data  # noqa: F401  (personal-data registry)
    from app.registrations.notices import remind_invited_unregistered
    from app.registrations.notices import send_registration_reminders_command
    from app.registrations.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(send_registration_reminders_command)
    periodic("registration-closing", "REMINDERS_EVERY_SECONDS", remind_invited_unregistered)
