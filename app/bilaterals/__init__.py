"""Bilateral follow-up calls, the public-holiday calendar and national working groups.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.bilaterals import calendar_hooks  # noqa: F401  (adds to the calendar's registries)
    from app.bilaterals import personal_data  # noqa: F401  (personal-data registry)
    from app.bilaterals.notices import remind_unanswered
    from app.bilaterals.notices import send_poll_reminders_command
    from app.bilaterals.views import bp
    from app.core.jobs import periodic

    app.register_blueprint(bp)
    app.cli.add_command(send_poll_reminders_command)
    periodic("poll-reminders", "POLL_REMINDERS_EVERY_SECONDS", remind_unanswered)
