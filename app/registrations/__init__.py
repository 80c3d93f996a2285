"""Registration: places, waiting lists, invitations and the roster.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature
from app.core.features import Job

FEATURE = Feature(
    __name__,
    hooks=("audience", "calendar_hooks", "group_views", "personal_data"),
    commands=("notices:send_registration_reminders_command", "cli:send_reminders_command"),
    jobs=(Job("registration-closing", "REMINDERS_EVERY_SECONDS",
              "notices:remind_invited_unregistered"),
          Job("reminders", "REMINDERS_EVERY_SECONDS", "calendar_hooks:send_reminders")),
)
