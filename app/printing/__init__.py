"""Printouts: an event's agenda as PDF, and each registrant's programme as a page and a PDF.

Importing a module of this package (its services) loads no views: the app factory plugs in
what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__)
