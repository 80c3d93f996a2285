"""Statistics: participation across the years, by country, kind of organisation, way of
attending, first-time or returning, and sessions attended; pages with charts drawn on the
server and CSV downloads, for organisers. Counts only: no page of it names a person.

Importing a module of this package (its services) loads no views: the app factory plugs in
what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__)
