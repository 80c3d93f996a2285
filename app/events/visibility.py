"""Who may see which meeting: everyone once it is no longer a draft (organisers see drafts),
except a private one (a scheduled bilateral call), which only its audience sees; to anyone
else it does not exist (404).

The audience is known to the features above events: registrations (invited in person or with
a delegation, registered) and interpretation (assigned to one of its sessions). Each adds a
query to ``AUDIENCES``, so this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union

from app.core.registry import Registry
from app.core.visibility import is_organiser
from app.core.visibility import signed_in
from app.events.models import Event
from app.events.models import EventStatus
from app.extensions import db

AUDIENCES: Registry[Callable[[object], Select]] = Registry("private-event audiences")
"""Each entry takes a signed-in viewer and returns a select of one column: the ids of the
events the viewer belongs to, by that feature's reckoning."""

JOINERS: Registry[Callable[[Event, object], bool]] = Registry("who may join online")
"""Each entry answers whether a signed-in, non-organiser viewer may read an event's online
link and joining instructions."""


def audience_event_ids(viewer):
    """The private events ``viewer`` belongs to, as a select of event ids."""
    parts = [part(viewer) for part in AUDIENCES]
    if not parts:
        return select(literal(None).label("event_id")).where(false())
    return union(*parts) if len(parts) > 1 else parts[0]


def event_visibility_clause(viewer):
    """A WHERE clause on ``Event``: the events ``viewer`` may see (anonymous included)."""
    if is_organiser(viewer):
        return true()
    public = and_(Event.status != EventStatus.DRAFT, Event.is_private.is_(false()))
    if not signed_in(viewer):
        return public
    audience = audience_event_ids(viewer).subquery()
    return and_(Event.status != EventStatus.DRAFT,
                or_(Event.is_private.is_(false()),
                    Event.id.in_(select(audience.c[0]))))


def can_see_event(viewer, event) -> bool:
    """The same rule for one loaded event (no query unless the event is private)."""
    if event is None:
        return False
    if is_organiser(viewer):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if not event.is_private:
        return True
    if not signed_in(viewer):
        return False
    return db.session.scalar(select(Event.id).where(
        Event.id == event.id, event_visibility_clause(viewer))) is not None


def visible_events(viewer, events) -> list:
    """``events`` without those the viewer may not see (links to other meetings)."""
    return [event for event in events if can_see_event(viewer, event)]


def template_globals() -> dict:
    """The same rules, for the current viewer, as template globals."""
    return {
        "can_see_event": lambda event: can_see_event(current_user, event),
        "visible_events": lambda events: visible_events(current_user, events),
    }
