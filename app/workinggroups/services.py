"""Working groups: the rules, as plain functions. Callers commit.

A group's series is an RRULE over wall-clock time in its zone; a meeting moved or cancelled
by hand is an exception of the series. Changes take the group's row lock first
(``lock_group``), so two organisers editing one group wait for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.calendar.ical import CalendarItem
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.models import AuditRecord
from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import fmt_date
from app.core.time import fmt_time
from app.core.time import localize
from app.core.time import now_utc
from app.core.time import to_zone
from app.core.time import utc_offset_label
from app.extensions import db
from app.workinggroups import recurrence
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupException
from app.workinggroups.models import WorkingGroupMember
from app.workinggroups.notices import tell_members_changed


class WorkingGroupError(Refusal):
    """A rule of working groups broken; see ``app.core.errors.Refusal``."""


class Unprocessable(WorkingGroupError):
    """Settings that cannot make a series (a rule without meetings, a time the clocks skip)."""

    status = 422


class WorkingGroupConflict(WorkingGroupError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


@dataclass
class GroupSettings:
    """What a working group is, apart from its members: asked when it is created and when
    it is edited. ``rrule`` is built from the forms' plain choices (recurrence.PlainRecurrence),
    or kept as stored."""

    name: str
    country_code: str | None
    timezone: str
    rrule: str
    first_date: date
    start_time: time
    duration_minutes: int
    until_date: date | None = None
    online_url: str = ""
    prefer_later: bool | None = None


@dataclass
class GroupInput(GroupSettings):
    member_ids: list[int] = field(default_factory=list)


def rule_message(error: recurrence.RecurrenceError) -> str:
    if error.code == "unsupported_freq":
        return _("Roundtable cannot honour FREQ=%(part)s: working groups meet daily, weekly, "
                 "monthly or yearly.", part=error.part)
    if error.code == "unsupported_part":
        return _("Roundtable cannot honour %(part)s in a rule: the meeting time comes from "
                 "the start time and the end from the end date.", part=error.part)
    if error.code == "unsupported_setpos":
        return _("Roundtable cannot honour BYSETPOS=%(part)s: use one position, 1 to 5 or -1 "
                 "(the last).", part=error.part)
    if error.code == "empty":
        return _("Enter a recurrence rule, such as FREQ=MONTHLY;BYDAY=2TU.")
    return _("This recurrence rule is not valid near “%(part)s”. Example: "
             "FREQ=MONTHLY;BYDAY=2TU (the second Tuesday of every month).", part=error.part)


def _checked_series(data: GroupSettings) -> tuple[str, datetime]:
    """The stored rule and the first start (UTC) of a group's series, or the reason they
    cannot be, naming the field to change."""
    try:
        rule = recurrence.normalise_rule(data.rrule)
    except recurrence.RecurrenceError as error:
        raise Unprocessable(rule_message(error)) from None
    if not 15 <= data.duration_minutes <= 480:
        raise Unprocessable(_("The duration must be between 15 minutes and 8 hours."),
                            field="duration")
    if data.until_date is not None and data.until_date < data.first_date:
        raise Unprocessable(_("The end date cannot be before the first date."),
                            field="until_date")
    naive = datetime.combine(data.first_date, data.start_time)
    try:
        first_start = localize(naive, data.timezone, prefer_later=data.prefer_later)
    except NonExistentLocalTime:
        raise Unprocessable(_("%(time)s does not exist in %(zone)s that day (the clocks "
                              "change). Choose another time.", time=naive.strftime("%H:%M"),
                              zone=data.timezone), field="start_time") from None
    except AmbiguousLocalTime:
        raise Unprocessable(_("%(time)s happens twice in %(zone)s that day (the clocks go "
                              "back). Choose another time.", time=naive.strftime("%H:%M"),
                              zone=data.timezone), field="start_time") from None
    if recurrence.first_occurrence(rule, first_start, data.timezone, data.until_date) is None:
        raise Unprocessable(_("This rule has no meeting between the first date and the end "
                              "date."), field="until_date")
    return rule, first_start


def create_working_group(data: GroupInput, actor: User) -> WorkingGroup:
    rule, first_start = _checked_series(data)
    group = WorkingGroup(name=data.name.strip(), country_code=data.country_code or None,
                         timezone=data.timezone, rrule=rule, first_start_dt=first_start,
                         duration_minutes=data.duration_minutes, until_date=data.until_date,
                         online_url=data.online_url.strip(), created_by_id=actor.id)
    db.session.add(group)
    db.session.flush()
    set_members(group, data.member_ids)
    return group


def lock_group(group: WorkingGroup) -> WorkingGroup:
    """The group's row, locked and re-read with its meetings' changes: a change to the
    series or to one meeting is decided on what the last one left."""
    group = lock_row(WorkingGroup, group.id)
    db.session.expire(group, ["exceptions"])
    return group


def update_working_group(group: WorkingGroup, data: GroupSettings, actor: User) -> int:
    """Change what the group is (name, country, zone, pattern, first date, local time,
    duration, end date, link); its members are changed apart (``set_members``). Returns how
    many meetings moved or cancelled by hand were dropped.

    Meetings changed by hand follow the series by their day: a meeting moved or cancelled
    stays so when the new series still meets that day (in the group's zone), even at
    another time of day (a moved one keeps its new start and takes the new duration); one
    whose day is no longer in the series is dropped, as there is no such meeting any more.

    Calendars are told through SEQUENCE, raised once when anything changed: subscribers'
    clients replace the series they hold (SEQUENCE only ever grows per UID)."""
    group = lock_group(group)
    rule, first_start = _checked_series(data)
    settings = {"name": data.name.strip(), "country_code": data.country_code or None,
                "timezone": data.timezone, "rrule": rule, "first_start_dt": first_start,
                "duration_minutes": data.duration_minutes, "until_date": data.until_date,
                "online_url": data.online_url.strip()}
    changed = {name for name, value in settings.items() if getattr(group, name) != value}
    if not changed:
        return 0
    old_zone = group.timezone
    for name in changed:
        setattr(group, name, settings[name])
    duration = timedelta(minutes=group.duration_minutes)
    kept, dropped = [], 0
    for exception in list(group.exceptions):
        day = to_zone(exception.original_start_dt, old_zone).date()
        start = _meeting_on(group, day)
        if start is None:
            dropped += 1
            continue
        new_start = exception.new_start_dt
        kept.append(WorkingGroupException(
            original_start_dt=start, new_start_dt=new_start,
            new_end_dt=new_start + duration if new_start else None))
    # Replaced, not re-keyed in place: a kept meeting's new original start may be another
    # one's old one until both are written.
    group.exceptions.clear()
    db.session.flush()
    group.exceptions.extend(kept)
    group.sequence += 1
    db.session.add(AuditRecord(actor_id=actor.id, action="working_group_changed",
                               subject_type="working_group", subject_id=group.id,
                               detail={"changed": sorted(changed), "dropped": dropped}))
    db.session.flush()
    db.session.expire(group, ["exceptions"])
    return dropped


def _meeting_on(group: WorkingGroup, day: date) -> datetime | None:
    """The start (UTC) of the series' meeting on a local day in the group's zone, if any."""
    midnight = recurrence.local_wall_time(datetime.combine(day, time()), group.timezone)
    found = recurrence.occurrences(group.rrule, group.first_start_dt, group.timezone,
                                   until=group.until_date, after=midnight - timedelta(seconds=1),
                                   limit=1)
    if found and to_zone(found[0], group.timezone).date() == day:
        return found[0]
    return None


def set_members(group: WorkingGroup, user_ids) -> None:
    wanted = set(user_ids)
    found = set(db.session.scalars(select(User.id).where(User.id.in_(wanted))))
    if found != wanted:
        raise Unprocessable(_("Choose the members from the list."))
    current = {member.user_id: member for member in group.members}
    for user_id, member in current.items():
        if user_id not in wanted:
            group.members.remove(member)
    for user_id in wanted - set(current):
        group.members.append(WorkingGroupMember(user_id=user_id))
    db.session.flush()
    changed = (wanted - set(current)) | (set(current) - wanted)
    people = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(changed)))} if changed else {}
    tell_members_changed(group, [people[i] for i in sorted(wanted - set(current))],
                         [people[i] for i in sorted(set(current) - wanted)])


@dataclass(frozen=True)
class Occurrence:
    original_start_dt: datetime
    start_dt: datetime
    end_dt: datetime
    is_cancelled: bool = False
    is_moved: bool = False


def group_occurrences(group: WorkingGroup, *, after: datetime | None = None, limit: int = 6,
                      before: datetime | None = None) -> list[Occurrence]:
    """The next occurrences after ``after`` (default now), exceptions applied; a moved
    meeting keeps its place in the series under its original start."""
    after = after or now_utc()
    duration = timedelta(minutes=group.duration_minutes)
    changes = {e.original_start_dt: e for e in group.exceptions}
    found = []
    for start in recurrence.occurrences(group.rrule, group.first_start_dt, group.timezone,
                                        until=group.until_date, after=after, limit=limit):
        if before is not None and start >= before:
            break
        change = changes.get(start)
        if change is None:
            found.append(Occurrence(start, start, start + duration))
        elif change.is_cancelled:
            found.append(Occurrence(start, start, start + duration, is_cancelled=True))
        else:
            found.append(Occurrence(start, change.new_start_dt, change.new_end_dt,
                                    is_moved=True))
    return found


def _is_occurrence(group: WorkingGroup, original: datetime) -> bool:
    return any(o == original for o in recurrence.occurrences(
        group.rrule, group.first_start_dt, group.timezone, until=group.until_date,
        after=original - timedelta(seconds=1), limit=1))


def change_occurrence(group: WorkingGroup, original: datetime, *,
                      new_start: datetime | None = None) -> WorkingGroupException:
    """Cancel one meeting (``new_start`` None) or move it; other meetings are untouched."""
    group = lock_group(group)
    if not _is_occurrence(group, original):
        raise Unprocessable(_("That meeting is not part of this working group's series."))
    exception = db.session.scalar(select(WorkingGroupException).where(
        WorkingGroupException.group_id == group.id,
        WorkingGroupException.original_start_dt == original))
    if exception is None:
        exception = WorkingGroupException(group_id=group.id, original_start_dt=original)
        db.session.add(exception)
    exception.new_start_dt = new_start
    exception.new_end_dt = new_start + timedelta(minutes=group.duration_minutes) \
        if new_start else None
    group.sequence += 1
    db.session.flush()
    db.session.expire(group, ["exceptions"])
    return exception


def restore_occurrence(group: WorkingGroup, original: datetime) -> None:
    group = lock_group(group)
    db.session.execute(delete(WorkingGroupException).where(
        WorkingGroupException.group_id == group.id,
        WorkingGroupException.original_start_dt == original))
    group.sequence += 1
    db.session.flush()
    db.session.expire(group, ["exceptions"])


def groups_for(user: User) -> list[WorkingGroup]:
    query = select(WorkingGroup).options(selectinload(WorkingGroup.exceptions),
                                         selectinload(WorkingGroup.members)).order_by(
        WorkingGroup.name)
    if not user.is_organiser:
        query = query.where(WorkingGroup.id.in_(select(WorkingGroupMember.group_id).where(
            WorkingGroupMember.user_id == user.id)))
    return list(db.session.scalars(query))


def is_member(group: WorkingGroup, user: User) -> bool:
    return any(member.user_id == user.id for member in group.members)


def group_items(group: WorkingGroup) -> list[CalendarItem]:
    """The series as calendar items: the master with its RRULE, cancelled meetings as
    EXDATE, moved ones as RECURRENCE-ID overrides.

    The master starts at the first real meeting (a first date off the rule would be a
    phantom meeting: RFC 5545 counts DTSTART as one), at its nominal wall-clock time. A
    meeting that a clock change touches (its time skipped or repeated, or the clocks changing
    while it runs) is read differently by different clients, so it gets an override with
    its instants in UTC; EXDATE and RECURRENCE-ID name meetings by their nominal wall-clock
    time, the value every client compares with its own expansion."""
    zone = group.timezone
    duration = timedelta(minutes=group.duration_minutes)
    first = recurrence.wall_occurrences(group.rrule, group.first_start_dt, zone,
                                        until=group.until_date,
                                        after=group.first_start_dt - timedelta(seconds=1),
                                        limit=1)
    if not first:
        return []
    first_wall = first[0][0]
    rule = group.rrule
    if group.until_date:
        end = datetime.combine(group.until_date, time(23, 59, 59))
        until = localize(end, zone, prefer_later=True)
        rule += ";UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ")
    changes = recurrence.clock_changes(group.rrule, group.first_start_dt, zone, duration,
                                       until=group.until_date)
    nominal = {change.start_dt: change.wall for change in changes}

    def wall(instant: datetime) -> datetime:
        return nominal.get(instant) or to_zone(instant, zone).replace(tzinfo=None)

    def override(start: datetime, end: datetime, original: datetime, *,
                 in_utc: bool = False) -> CalendarItem:
        return CalendarItem(
            uid=group.uid, sequence=group.sequence, summary=group.name, start=start, end=end,
            timezone=zone, recurrence_id=wall(original), url=group.online_url,
            location=group.online_url, last_modified=group.updated_dt, in_utc=in_utc)

    master = CalendarItem(
        uid=group.uid, sequence=group.sequence, summary=group.name,
        start=first_wall, end=first_wall + duration,
        timezone=zone, rrule=rule, url=group.online_url,
        location=group.online_url, categories=[_("Working group")],
        exdates=[wall(e.original_start_dt) for e in group.exceptions if e.is_cancelled],
        last_modified=group.updated_dt)
    changed = {e.original_start_dt for e in group.exceptions}
    moved = [override(e.new_start_dt, e.new_end_dt, e.original_start_dt)
             for e in group.exceptions if not e.is_cancelled]
    pinned = [override(change.start_dt, change.end_dt, change.start_dt, in_utc=True)
              for change in changes if change.start_dt not in changed]
    return [master, *sorted(moved + pinned, key=lambda item: item.recurrence_id)]


def clock_change_warnings(group: WorkingGroup, limit: int = 6) -> list[str]:
    """What the organiser should know about meetings of the series that a clock change
    touches: when each one really is (calendars all show that time)."""
    zone = group.timezone
    changes = recurrence.clock_changes(group.rrule, group.first_start_dt, zone,
                                       timedelta(minutes=group.duration_minutes),
                                       until=group.until_date)
    locale = str(get_locale() or "en")
    warnings = []
    for change in changes[:limit]:
        day = fmt_date(change.start_dt, zone, locale)
        nominal = change.wall.strftime("%H:%M")
        held = fmt_time(change.start_dt, zone, locale)
        if change.kind == "gap":
            warnings.append(_("%(day)s: %(time)s does not exist in %(zone)s (the clocks go "
                              "forward), so this meeting is at %(held)s.", day=day,
                              time=nominal, zone=zone, held=held))
        elif change.kind == "fold":
            warnings.append(_("%(day)s: %(time)s happens twice in %(zone)s (the clocks go "
                              "back), so this meeting is at the first %(time)s (%(offset)s).",
                              day=day, time=nominal, zone=zone,
                              offset=utc_offset_label(change.start_dt, zone)))
        else:
            warnings.append(_("%(day)s: the clocks change in %(zone)s during this meeting; "
                              "it starts at %(held)s and ends at %(end)s.", day=day,
                              zone=zone, held=held, end=fmt_time(change.end_dt, zone, locale)))
    if len(changes) > limit:
        warnings.append(ngettext("%(num)d more meeting of this series meets a clock change.",
                                 "%(num)d more meetings of this series meet a clock change.",
                                 len(changes) - limit))
    return warnings


