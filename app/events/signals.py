"""What the events feature announces, so other features act on it without events importing
them (blinker signals, as Indico's and pretix's plugins use)."""

from blinker import Namespace

_signals = Namespace()

session_places_changing = _signals.signal("session-places-changing")
"""Sent with a session, locked, and ``capacity`` (its new number of places; None: no own
limit) before the change is made. A receiver refuses by raising ``EventRuleError``."""

session_places_changed = _signals.signal("session-places-changed")
"""Sent with a session after its places changed (still under the lock): fill what was freed."""

event_changed = _signals.signal("event-changed")
"""Sent with an event (as sender) and ``cancelled`` when it changed in a way calendars show
(its days, place, title) or was cancelled, before the commit: the calendar tells everyone
holding an invitation to it."""

session_changed = _signals.signal("session-changed")
"""Sent with a session (as sender) when it moved or was cancelled, before the commit."""

session_materials_changed = _signals.signal("session-materials-changed")
"""Sent with a session (as sender) after its materials, speakers or pre-recorded items
changed, before the commit: the interpreters assigned to it are told."""
