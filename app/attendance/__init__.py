"""Attendance: who was there, session by session. Organisers check people in at an
in-person meeting from a phone, and import the attendance list a video platform exports for
an online session. What it records feeds the participation statistics and the summary report.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("personal_data",))
