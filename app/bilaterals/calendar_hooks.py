"""What bilateral calls and working groups put into calendars: a group's series in its
members' (and organisers') feeds, a scheduled call's invitation to its invitees when the call
moves or is cancelled, and which feeds a group's change moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.bilaterals.models import WorkingGroup, WorkingGroupException, WorkingGroupMember
from app.bilaterals.services import group_items, groups_for
from app.calendar.ical import CalendarItem
from app.calendar.models import CalendarFeed
from app.calendar.services import (
    ANNOUNCERS,
    FEED_SOURCES,
    FEED_WATCHERS,
    SESSION,
    Announcer,
    Notice,
    send_session_invitation,
    standing,
)
from app.events.models import EventSession, SessionKind
from app.extensions import db
from app.registrations.models import Registration, RegistrationStatus

SERIES_RANK = 10  # a series has its own UID: nothing else gives it


@FEED_SOURCES("working-groups")
def group_series(user: User, _since: datetime) -> list[tuple[int, CalendarItem]]:
    """Working groups recur: the series with its RRULE, cancelled meetings as EXDATE and
    moved ones as RECURRENCE-ID overrides."""
    return [(SERIES_RANK, item) for group in groups_for(user) for item in group_items(group)]


@FEED_WATCHERS("working-groups")
def members_feeds(changed: list, _event_ids: set[int]) -> list:
    """A group's change moves its members' feeds (also of someone who just left it) and the
    organisers'."""
    group_ids, user_ids = set(), set()
    for obj in changed:
        if isinstance(obj, WorkingGroup):
            group_ids.add(obj.id)
        elif isinstance(obj, WorkingGroupException | WorkingGroupMember):
            group_ids.add(obj.group_id)
            if isinstance(obj, WorkingGroupMember):
                user_ids.add(obj.user_id)
    group_ids.discard(None)
    user_ids.discard(None)
    clauses = [CalendarFeed.user_id.in_(user_ids)] if user_ids else []
    if group_ids:
        clauses += [
            CalendarFeed.user_id.in_(select(WorkingGroupMember.user_id).where(
                WorkingGroupMember.group_id.in_(group_ids))),
            CalendarFeed.user_id.in_(select(User.id).where(User.is_organiser)),
        ]
    return clauses


def _invitees(session: EventSession, cancelled: bool, told: set[int],
              last: dict) -> list[Notice]:
    """A bilateral call's invitees (its confirmed registrants) hold the session's own
    invitation. On cancellation, also those who hold it and are no longer registered;
    invitations sent before deliveries were recorded count for the confirmed invitees."""
    confirmed = []
    if session.kind == SessionKind.BILATERAL:
        confirmed = db.session.scalars(
            select(User).join(Registration, Registration.user_id == User.id)
            .where(Registration.event_id == session.event_id,
                   Registration.status == RegistrationStatus.CONFIRMED)).all()
    invitees = [user for user in confirmed if user.id not in told]
    if cancelled:
        holding = standing(session.event_id, SESSION, session.id) - told
        invitees = [user for user in invitees if user.id in holding or user.id not in last]
        known = {user.id for user in invitees}
        invitees += db.session.scalars(select(User).where(
            User.id.in_(holding - known)).order_by(User.id)).all()
    return [Notice(user.id, lambda user=user: send_session_invitation(
        user, session, cancel=cancelled)) for user in invitees]


ANNOUNCERS.add("invitees", Announcer(session_audience=_invitees))
