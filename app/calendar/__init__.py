"""Calendars: iCalendar items, personal feeds, invitations by email and reminders.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.calendar import personal_data  # noqa: F401  (personal-data registry)
    from app.calendar.views import bp

    app.register_blueprint(bp)

    from app.calendar.itemcache import prune
    from app.calendar.itemcache import prune_command
    from app.core.jobs import periodic

    app.cli.add_command(prune_command)
    periodic("calendar item cache", "CALENDAR_CACHE_PRUNE_EVERY_SECONDS", prune)

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.calendar.services import follow_changes

    if not event.contains(Session, "after_flush", follow_changes):
        event.listen(Session, "after_flush", follow_changes)
