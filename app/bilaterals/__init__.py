"""Bilateral follow-up calls, the public-holiday calendar and national working groups.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature
from app.core.features import Job

FEATURE = Feature(
    __name__,
    hooks=("calendar_hooks", "personal_data"),
    commands=("notices:send_poll_reminders_command",),
    jobs=(Job("poll-reminders", "POLL_REMINDERS_EVERY_SECONDS", "notices:remind_unanswered"),),
)
