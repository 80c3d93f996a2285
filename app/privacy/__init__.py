"""Personal data: each person's "Your data" page (download, consent, asking for erasure),
the organisers' erasure of a person, the retention purge and the audit log.

What each feature holds is declared by the feature itself (its ``personal_data`` module,
registered in ``app.core.personal_data.HOLDINGS``); this package only asks the registry.
Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature
from app.core.features import Job

FEATURE = Feature(
    __name__,
    hooks=("personal_data",),
    commands=("services:purge_command",),
    jobs=(Job("personal data", "PERSONAL_DATA_PURGE_EVERY_SECONDS", "services:purge_job"),),
)
