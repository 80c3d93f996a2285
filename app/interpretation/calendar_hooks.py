"""What interpretation puts into calendars: each booked assignment in the interpreter's feed
(the session itself, titled with the channel), the messages when its session moves or is
cancelled, and which feeds an assignment's change moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.calendar.ical import CalendarItem
from app.calendar.models import CalendarFeed
from app.calendar.services import ANNOUNCERS
from app.calendar.services import ASSIGNMENT
from app.calendar.services import FEED_SOURCES
from app.calendar.services import FEED_WATCHERS
from app.calendar.services import Announcer
from app.calendar.services import Notice
from app.calendar.services import standing
from app.events.models import EventSession
from app.extensions import db
from app.interpretation.models import BOOKED
from app.interpretation.models import Assignment
from app.interpretation.models import SessionChannel
from app.interpretation.queries import booked_assignments
from app.interpretation.queries import interpreters_of_events
from app.interpretation.services import assignment_item
from app.interpretation.services import email_interpreter

INTERPRETING_RANK = 30  # an interpreter's item of a session is theirs, whatever else they are


@FEED_SOURCES("interpreting")
def interpreting_items(user: User, _since: datetime) -> list[tuple[int, CalendarItem]]:
    first_per_session = {}
    for assignment in db.session.scalars(booked_assignments(user.id)).unique():
        first_per_session.setdefault(assignment.channel.session_id, assignment)
    return [(INTERPRETING_RANK, assignment_item(assignment))
            for assignment in first_per_session.values()]


@FEED_WATCHERS("interpretation")
def interpreters_feeds(changed: list, event_ids: set[int]) -> list:
    """An assignment moves its interpreter's feed; a changed event its interpreters'."""
    user_ids = {obj.interpreter_id for obj in changed if isinstance(obj, Assignment)}
    user_ids.discard(None)
    clauses = [CalendarFeed.user_id.in_(user_ids)] if user_ids else []
    if event_ids:
        clauses.append(CalendarFeed.user_id.in_(interpreters_of_events(event_ids)))
    return clauses


def _interpreters(session: EventSession, cancelled: bool, told: set[int],
                  _last: dict) -> list[Notice]:
    """The interpreters of the session's channels, one message each (two channels of theirs
    share the session's UID): a booked assignment, or on cancellation one whose item still
    stands in their calendar."""
    assignments = db.session.scalars(
        select(Assignment).join(SessionChannel, SessionChannel.id == Assignment.channel_id)
        .where(SessionChannel.session_id == session.id).order_by(Assignment.id)).all()
    holding = standing(session.event_id, ASSIGNMENT, session.id) if cancelled else set()
    kind = "released" if cancelled else "changed"
    notices, seen = [], set(told)
    for assignment in sorted(assignments, key=lambda a: not a.is_booked):
        if assignment.interpreter_id in seen:
            continue
        if assignment.status in BOOKED or assignment.interpreter_id in holding:
            seen.add(assignment.interpreter_id)
            notices.append(Notice(assignment.interpreter_id, lambda assignment=assignment:
                                  email_interpreter(assignment, kind)))
    return notices


ANNOUNCERS.add("interpreters", Announcer(session_audience=_interpreters))
