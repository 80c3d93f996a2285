"""Working-group meetings against the public holidays and weekends of the people who meet.

A monthly rule knows nothing of Eid: the second Tuesday of March 2027 is an Eid al-Fitr joint
leave day in Indonesia. Each upcoming meeting is read on the local day of every place its
people live in (each member's country, and state where holidays differ by state, in the
member's own zone; and the group's country in the group's zone), against that country's
holidays with its joint leave days and the organisers' corrections (the calendar the slot
finder and planning use), and its weekend. A meeting at 18:00 in Jakarta is already Wednesday
in Auckland during New Zealand's summer time, so it is Wednesday's holidays that count there.

The clash is a warning on the group's page; organisers move the meeting, in one step, to the
next day that clashes nowhere, at the same local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core.models import AuditRecord
from app.core.models import Country
from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import localize
from app.core.time import now_utc
from app.core.time import to_zone
from app.extensions import db
from app.holidays.services import holidays_for
from app.holidays.services import overrides_for
from app.holidays.workdays import subdivision_for
from app.holidays.workdays import weekend_of
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupMember
from app.workinggroups.notices import tell_meeting_moved
from app.workinggroups.services import Occurrence
from app.workinggroups.services import Unprocessable
from app.workinggroups.services import WorkingGroupConflict
from app.workinggroups.services import change_occurrence
from app.workinggroups.services import group_occurrences
from app.workinggroups.services import lock_group

# How far the next good day is looked for: Eid with its joint leave and a weekend is ten days.
SEARCH_DAYS = 60


@dataclass(frozen=True, order=True)
class Place:
    """Where some of a group's people live: whose holidays and weekend, read in which zone."""

    country_code: str
    subdivision: str
    zone: str


@dataclass(frozen=True)
class Clash:
    """A meeting's local day in one country is a holiday (``name``) or its weekend
    (``name`` empty)."""

    day: date
    country_code: str
    name: str

    @property
    def is_weekend(self) -> bool:
        return not self.name


def member_places(group: WorkingGroup) -> list[Place]:
    """The places whose calendars a group's meetings must fit: each member's country (state
    from their zone, as the slot finder reads it) in their zone, and the group's country in
    the group's zone."""
    users = db.session.execute(select(User.country_code, User.timezone).join(
        WorkingGroupMember, WorkingGroupMember.user_id == User.id).where(
        WorkingGroupMember.group_id == group.id)).all()
    wanted = [(code, zone) for code, zone in users if code]
    if group.country_code:
        wanted.append((group.country_code, group.timezone))
    countries = {c.code: c for c in db.session.scalars(select(Country).where(
        Country.code.in_({code for code, _zone in wanted})))}
    return sorted({Place(code, subdivision_for(code, zone, countries[code].holiday_subdivision),
                         zone) for code, zone in wanted if code in countries})


class Calendars:
    """The holidays (joint leave and corrections included) and weekend of each place over a
    range of days, read once for a page."""

    def __init__(self, places: list[Place], first: date, last: date):
        self.places = places
        overrides = overrides_for({p.country_code for p in places}, first, last)
        self.holidays = {place: holidays_for(place.country_code, place.subdivision, first, last,
                                             overrides, joint_leave=True) for place in places}
        self.weekends = {place: weekend_of(place.country_code, place.subdivision)
                         for place in places}

    @classmethod
    def around(cls, places: list[Place], instants: list[datetime], extra_days: int = 0):
        """Enough days for ``instants`` read in any zone (a day either side), and
        ``extra_days`` after the last."""
        first = min(instants).date() - timedelta(days=1)
        last = max(instants).date() + timedelta(days=1 + extra_days)
        return cls(places, first, last)

    def clashes_at(self, start: datetime) -> list[Clash]:
        """What the meeting starting at ``start`` falls on, country by country (each country
        once, even with members in several of its zones)."""
        found: dict[tuple[str, date], Clash] = {}
        for place in self.places:
            day = to_zone(start, place.zone).date()
            name = self.holidays[place].get(day)
            if name or day.weekday() in self.weekends[place]:
                key = (place.country_code, day)
                if key not in found or (name and found[key].is_weekend):
                    found[key] = Clash(day, place.country_code, name or "")
        return sorted(found.values(), key=lambda c: (c.day, c.country_code))


def occurrence_clashes(group: WorkingGroup, occurrences: list[Occurrence]
                       ) -> dict[datetime, list[Clash]]:
    """For each meeting still to be held (by its place in the series), what it falls on;
    cancelled and clash-free meetings are left out."""
    coming = [o for o in occurrences if not o.is_cancelled]
    places = member_places(group) if coming else []
    if not places:
        return {}
    calendars = Calendars.around(places, [o.start_dt for o in coming])
    found = {o.original_start_dt: calendars.clashes_at(o.start_dt) for o in coming}
    return {original: clashes for original, clashes in found.items() if clashes}


def next_good_start(group: WorkingGroup, occurrence: Occurrence,
                    calendars: Calendars | None = None) -> datetime | None:
    """The first later day, in the group's zone, with no holiday or weekend in any place
    and no other meeting of the series, at the meeting's own local time; None when the
    next ``SEARCH_DAYS`` have none. A day where that time is skipped or repeated by a clock
    change is passed over: the meeting is not put on a time that does not exist or is
    read two ways."""
    zone = group.timezone
    local = to_zone(occurrence.start_dt, zone)
    if calendars is None:
        calendars = Calendars.around(member_places(group), [occurrence.start_dt],
                                     extra_days=SEARCH_DAYS)
    taken = {to_zone(o.start_dt, zone).date() for o in group_occurrences(
        group, after=occurrence.start_dt, limit=SEARCH_DAYS,
        before=occurrence.start_dt + timedelta(days=SEARCH_DAYS + 1)) if not o.is_cancelled}
    now = now_utc()
    for offset in range(1, SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if day in taken:
            continue
        try:
            start = localize(datetime.combine(day, local.time()), zone)
        except (NonExistentLocalTime, AmbiguousLocalTime):
            continue
        if start > now and not calendars.clashes_at(start):
            return start
    return None


def move_off_clash(group: WorkingGroup, original: datetime, actor: User, *,
                   expected: datetime | None = None) -> datetime:
    """Move one meeting that falls on a holiday or weekend to ``next_good_start``, as an
    exception of the series (the rule and the other meetings stay); SEQUENCE grows, the
    members are told and the move is audited. Returns the new start.

    Decided under the group's lock on what the last change left: a second organiser who
    pressed the same button finds the meeting no longer clashing and is told so (409).
    ``expected``: the day the organiser was offered; if the calendar changed since (a
    holiday corrected), nothing moves and they are asked to look again."""
    group = lock_group(group)
    occurrence = next((o for o in group_occurrences(group, after=original - timedelta(seconds=1),
                                                    limit=1)
                       if o.original_start_dt == original), None)
    if occurrence is None:
        raise Unprocessable(_("That meeting is not part of this working group's series."))
    if occurrence.is_cancelled or occurrence.start_dt <= now_utc():
        raise WorkingGroupConflict(_("This meeting is cancelled or already held: it is not "
                                     "moved."))
    places = member_places(group)
    calendars = Calendars.around(places, [occurrence.start_dt], extra_days=SEARCH_DAYS)
    clashes = calendars.clashes_at(occurrence.start_dt)
    if not clashes:
        raise WorkingGroupConflict(_("This meeting no longer falls on a holiday or a weekend "
                                     "(it may have been moved already): nothing was changed."))
    target = next_good_start(group, occurrence, calendars)
    if target is None:
        raise Unprocessable(_("No working day free of holidays in the next %(days)d days: "
                              "move this meeting by hand.", days=SEARCH_DAYS))
    if expected is not None and target != expected:
        raise WorkingGroupConflict(_("The holiday calendar changed since the page was shown: "
                                     "look at the new date offered and move again."))
    change_occurrence(group, original, new_start=target)
    db.session.add(AuditRecord(
        actor_id=actor.id, action="working_group_meeting_moved_off_holiday",
        subject_type="working_group", subject_id=group.id,
        detail={"original": original.isoformat(), "from": occurrence.start_dt.isoformat(),
                "to": target.isoformat(),
                "clashes": [[c.country_code, c.day.isoformat(), c.name] for c in clashes]}))
    members = list(db.session.scalars(select(User).join(
        WorkingGroupMember, WorkingGroupMember.user_id == User.id).where(
        WorkingGroupMember.group_id == group.id)))
    tell_meeting_moved(group, members, was=occurrence.start_dt, when=target)
    return target
