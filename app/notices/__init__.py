"""Notices: what happened that concerns a person, on their Notices page and by email.

A notice is a row (recipient, kind, parameters, link, read or not). Its text is written at
display or send time, in the recipient's language, from the kind's message in ``KINDS``:
features add their kinds there and call ``notify`` from their services (this package sits
just above auth, so every feature may call it), or answer a signal that does.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("personal_data",))
