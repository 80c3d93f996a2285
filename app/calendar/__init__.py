"""Calendars: iCalendar items, personal feeds, invitations by email and reminders.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature
from app.core.features import Job

FEATURE = Feature(
    __name__,
    hooks=("personal_data",),
    commands=("itemcache:prune_command",),
    jobs=(Job("calendar item cache", "CALENDAR_CACHE_PRUNE_EVERY_SECONDS", "itemcache:prune"),),
    session_listeners=(("after_flush", "services:follow_changes"),),
)
