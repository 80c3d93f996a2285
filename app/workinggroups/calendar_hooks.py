"""What working groups put into calendars: a group's series in its members' (and the
organisers') feeds, and which feeds a group's change moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.auth.models import User
from app.calendar.ical import CalendarItem
from app.calendar.models import CalendarFeed
from app.calendar.services import FEED_SOURCES
from app.calendar.services import FEED_WATCHERS
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupException
from app.workinggroups.models import WorkingGroupMember
from app.workinggroups.services import group_items
from app.workinggroups.services import groups_for

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


