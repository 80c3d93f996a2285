"""National working groups: recurring meetings with their members, moved or cancelled one by one.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("calendar_hooks", "personal_data"))
