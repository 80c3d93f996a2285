"""Planning the annual meeting: venues, travel, visas, dietary and access needs.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("date_warnings", "personal_data"))
