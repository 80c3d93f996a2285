"""What every feature builds on: access rules, time, i18n, forms, mail, locking, jobs.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature
from app.core.features import Job

FEATURE = Feature(
    __name__,
    commands=("mail:send_outbox_command", "jobs:jobs_command"),
    jobs=(Job("outbox", "OUTBOX_EVERY_SECONDS", "mail:send_outbox"),),
)
