"""Minutes and action items of a working group's meetings.

A meeting is named by its place in the series (``original_start_dt``), which a move does not
change, so its minutes and actions follow it. Organisers write the minutes and the actions;
an action's owner is one of the group's members, and the owner (or an organiser) marks it
done. Actions still open carry over: each meeting shows those of the meetings before it.
Who may read them (the group's members and organisers) is the views' loader's to decide.
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core.time import now_utc
from app.extensions import db
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupAction
from app.workinggroups.models import WorkingGroupMinutes
from app.workinggroups.notices import tell_action_owner
from app.workinggroups.services import Occurrence
from app.workinggroups.services import Unprocessable
from app.workinggroups.services import group_occurrences
from app.workinggroups.services import is_member
from app.workinggroups.services import lock_group

_KEY = re.compile(r"^(\d{8})T(\d{4})Z$")
MAX_ACTION = 500
MAX_MINUTES = 20000


def meeting_key(original: datetime) -> str:
    """A meeting's name in its page's URL: its place in the series, in UTC, to the minute."""
    return original.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def parse_meeting_key(key: str) -> datetime | None:
    match = _KEY.match(key or "")
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M").replace(
            tzinfo=UTC)
    except ValueError:
        return None


def find_meeting(group: WorkingGroup, original: datetime) -> Occurrence | None:
    """The series' meeting at that place, moved or cancelled as it is; None if the series
    has no meeting there."""
    found = group_occurrences(group, after=original - timedelta(seconds=1), limit=1)
    return found[0] if found and found[0].original_start_dt == original else None


def past_meetings(group: WorkingGroup, limit: int = 3) -> list[Occurrence]:
    """The last ``limit`` meetings of the series already held (not cancelled), newest first."""
    now = now_utc()
    # Enough meetings to reach now from four months a meeting back, even for a daily group.
    held = group_occurrences(group, after=now - timedelta(days=120 * limit), limit=500,
                             before=now)
    return [o for o in reversed(held) if not o.is_cancelled and o.start_dt <= now][:limit]


def minutes_of(group: WorkingGroup, original: datetime) -> WorkingGroupMinutes | None:
    return db.session.scalar(select(WorkingGroupMinutes).where(
        WorkingGroupMinutes.group_id == group.id,
        WorkingGroupMinutes.original_start_dt == original))


def _meeting_or_refuse(group: WorkingGroup, original: datetime) -> Occurrence:
    meeting = find_meeting(group, original)
    if meeting is None:
        raise Unprocessable(_("That meeting is not part of this working group's series."))
    return meeting


def save_minutes(group: WorkingGroup, original: datetime, text: str,
                 actor: User) -> WorkingGroupMinutes:
    """Write (or rewrite) a meeting's minutes; under the group's lock, so two organisers
    saving at once each write whole minutes, one after the other."""
    group = lock_group(group)
    _meeting_or_refuse(group, original)
    text = (text or "").strip()
    if len(text) > MAX_MINUTES:
        raise Unprocessable(_("Minutes can be at most %(num)d characters.", num=MAX_MINUTES),
                            field="minutes")
    minutes = minutes_of(group, original)
    if minutes is None:
        minutes = WorkingGroupMinutes(group_id=group.id, original_start_dt=original)
        db.session.add(minutes)
    minutes.text, minutes.updated_by_id = text, actor.id
    db.session.flush()
    return minutes


def add_action(group: WorkingGroup, original: datetime, text: str, owner_id: int,
               due_date: date | None, actor: User) -> WorkingGroupAction:
    """An action agreed at a meeting, given to one of the group's members, who is told."""
    group = lock_group(group)
    _meeting_or_refuse(group, original)
    text = (text or "").strip()
    if not text:
        raise Unprocessable(_("Say what is to be done."), field="text")
    if len(text) > MAX_ACTION:
        raise Unprocessable(_("An action can be at most %(num)d characters.", num=MAX_ACTION),
                            field="text")
    owner = db.session.get(User, owner_id)
    if owner is None or not is_member(group, owner):
        raise Unprocessable(_("Choose the action's owner among the group's members."),
                            field="owner")
    action = WorkingGroupAction(group_id=group.id, original_start_dt=original, text=text,
                                owner_id=owner.id, due_date=due_date, created_by_id=actor.id)
    db.session.add(action)
    db.session.flush()
    tell_action_owner(group, owner, text, meeting_key(original))
    return action


def may_mark(action: WorkingGroupAction, user: User) -> bool:
    return user.is_organiser or action.owner_id == user.id


def set_action_done(group: WorkingGroup, action_id: int, user: User, done: bool
                    ) -> WorkingGroupAction | None:
    """Mark an action done or open again, by its owner or an organiser; None when the
    action is not this group's or not theirs to mark. Pressing twice changes nothing more."""
    group = lock_group(group)
    action = db.session.get(WorkingGroupAction, action_id, populate_existing=True)
    if action is None or action.group_id != group.id or not may_mark(action, user):
        return None
    action.mark(done)
    db.session.flush()
    return action


def meeting_actions(group: WorkingGroup, original: datetime) -> list[WorkingGroupAction]:
    return list(db.session.scalars(select(WorkingGroupAction).where(
        WorkingGroupAction.group_id == group.id,
        WorkingGroupAction.original_start_dt == original).options(
        selectinload(WorkingGroupAction.owner)).order_by(WorkingGroupAction.id)))


def open_earlier_actions(group: WorkingGroup, original: datetime) -> list[WorkingGroupAction]:
    """Actions of the meetings before this one still open: they carry over until done."""
    return list(db.session.scalars(select(WorkingGroupAction).where(
        WorkingGroupAction.group_id == group.id,
        WorkingGroupAction.original_start_dt < original,
        WorkingGroupAction.done_dt.is_(None)).options(
        selectinload(WorkingGroupAction.owner)).order_by(
        WorkingGroupAction.original_start_dt, WorkingGroupAction.id)))
