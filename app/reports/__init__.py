"""Summary reports of meetings (drafted from the agenda, checked against the Chatham House
Rule, published for anyone to read and print) and the platform's public timeline.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("personal_data",))
