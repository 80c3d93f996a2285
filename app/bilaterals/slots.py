"""The slot finder: pure functions over plain data, no database and no request.

Every invitee is free in UTC intervals: their working hours in their OWN zone, on their
country's working days, off their holidays, outside their country's blocked times (lunch,
Friday prayers: wall-clock times of their own zone; on the days of Ramadan they keep, also
the Ramadan-only ones: the shorter day, iftar), minus their other sessions. Candidates are
starts on the UTC quarter-hour grid inside the intersection of everyone's intervals, kept
only when the caller's ``team`` says a team is free then (the interpreters). Every
offset in use is a multiple of 15 minutes (Adelaide +9:30, Chatham +12:45), so the UTC grid
is a quarter-hour grid in every invitee's wall clock too, and converting UTC to local time
never meets a DST gap: only the working-day bounds are localised, through ``app.core.time``.
"""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import localize
from app.core.time import to_zone

GRID = timedelta(minutes=15)
MONDAY_TO_FRIDAY = frozenset(range(5))

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Block:
    """A time of day no call may touch in the invitee's own wall clock (lunch, Friday
    prayers): ``weekday`` 0 (Monday)..6, or None for every day; minutes after midnight.
    ``ramadan``: only on the invitee's fasting days (the shorter day, iftar)."""

    weekday: int | None
    start: int
    end: int
    ramadan: bool = False


@dataclass(frozen=True)
class Invitee:
    """What the finder needs to know about one person (``key`` identifies them)."""

    key: int
    zone: str
    country_code: str
    work_start: int  # minutes after local midnight
    work_end: int
    working_days: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: Mapping[date, str] = field(default_factory=dict)
    busy: tuple[Interval, ...] = ()
    blocked: tuple[Block, ...] = ()
    # (first, last) local dates of each Ramadan whose hours the invitee keeps on this call.
    fasting: tuple[tuple[date, date], ...] = ()

    def is_fasting(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.fasting)


# Is a team (of interpreters) free for the whole of [start, end)?
TeamCheck = Callable[[datetime, datetime], bool]


@dataclass(frozen=True)
class Slot:
    start_dt: datetime
    end_dt: datetime
    # Largest and total distance, in minutes, of the call's middle from the middle of each
    # invitee's working day: lower is fairer.
    worst: int
    total: int


@dataclass(frozen=True)
class Reason:
    """Why no slot fits, as data; ``reason_text`` words it in the reader's language."""

    code: str  # no_working_day, fully_busy, no_overlap, too_short, busy_overlap, no_team
    zones: tuple[str, ...] = ()
    country_code: str = ""
    weekdays: tuple[int, ...] = ()
    holiday_names: tuple[str, ...] = ()
    minutes: int = 0


@dataclass
class SlotSearch:
    slots: list[Slot]  # ranked and spread across days, never two overlapping on a day
    feasible: list[Slot]  # every start on the grid that fits, in time order
    reasons: list[Reason]


# --- intervals ---------------------------------------------------------------------------

def _bound(day: date, minute: int, zone: str, *, start: bool,
           widest: bool = True) -> datetime | None:
    """A bound of a free stretch of the day as an instant. In a DST gap the bound moves to
    the first valid quarter-hour inside the stretch; in an overlap the stretch is taken at
    its widest (working-day bounds) or at its narrowest (``widest=False``: the edges of a
    blocked time, so no reading of the wall clock lets a call touch the block)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    for _step in range(12):
        try:
            return localize(naive, zone)
        except AmbiguousLocalTime as twice:
            return twice.earlier if start == widest else twice.later
        except NonExistentLocalTime:
            naive += GRID if start else -GRID
    return None


def open_minutes(invitee: Invitee, weekday: int, fasting: bool = False) -> list[tuple[int, int]]:
    """The working day's stretches in local minutes, without the blocked times of
    ``weekday`` (and, on a ``fasting`` day, without the Ramadan-only ones)."""
    stretches = [(invitee.work_start, invitee.work_end)]
    for block in invitee.blocked:
        if block.ramadan and not fasting:
            continue
        if block.weekday is None or block.weekday == weekday:
            stretches = [(lo, hi) for start, end in stretches
                         for lo, hi in ((start, min(end, block.start)),
                                        (max(start, block.end), end)) if lo < hi]
    return stretches


def working_intervals(invitee: Invitee, first: date, last: date) -> list[Interval]:
    """Working hours on working days that are not holidays, local dates first..last, less
    the invitee's blocked times."""
    found = []
    day = first
    while day <= last:
        if day.weekday() in invitee.working_days and day not in invitee.holidays:
            for lo, hi in open_minutes(invitee, day.weekday(), invitee.is_fasting(day)):
                start = _bound(day, lo, invitee.zone, start=True,
                               widest=lo == invitee.work_start)
                end = _bound(day, hi, invitee.zone, start=False,
                             widest=hi == invitee.work_end)
                if start and end and end > start:
                    found.append((start, end))
        day += timedelta(days=1)
    return found


def subtract(intervals: list[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """``intervals`` minus ``busy`` (both sorted-able lists of (start, end))."""
    result = []
    blocks = sorted(busy)
    for start, end in intervals:
        cursor = start
        for busy_start, busy_end in blocks:
            if busy_end <= cursor or busy_start >= end:
                continue
            if busy_start > cursor:
                result.append((cursor, busy_start))
            cursor = max(cursor, busy_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Intersection of two sorted lists of disjoint intervals, in one pass."""
    result, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def _ceil_to_grid(instant: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -((epoch - instant) // GRID)
    return epoch + steps * GRID


# --- the finder --------------------------------------------------------------------------

def _distance(instant: datetime, zone: str, work_start: int, work_end: int) -> int:
    local = to_zone(instant, zone)
    minutes = local.hour * 60 + local.minute
    return abs(2 * minutes - (work_start + work_end)) // 2


def _spread(slots: list[Slot], day_zone: str) -> list[Slot]:
    """Best first, one per day in turn (round robin), never two overlapping on one day."""
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in sorted(slots, key=lambda s: (s.worst, s.total, s.start_dt)):
        chosen = by_day[to_zone(slot.start_dt, day_zone).date()]
        if all(slot.end_dt <= other.start_dt or slot.start_dt >= other.end_dt
               for other in chosen):
            chosen.append(slot)
    days = sorted(by_day.values(), key=lambda picks: (picks[0].worst, picks[0].total,
                                                      picks[0].start_dt))
    spread = []
    for rank in range(max((len(picks) for picks in days), default=0)):
        spread += [picks[rank] for picks in days if rank < len(picks)]
    return spread


def find_slots(invitees: list[Invitee], first: date, last: date, duration_minutes: int, *,
               not_before: datetime | None = None, day_zone: str | None = None,
               team: TeamCheck | None = None) -> SlotSearch:
    """Candidate slots for a call of ``duration_minutes`` with everyone, on local dates
    ``first``..``last`` (each invitee's own dates), ranked by fairness and spread across
    days (days as read in ``day_zone``, default the first invitee's); with ``team``, only
    those it finds a free team for."""
    duration = timedelta(minutes=duration_minutes)
    free_of = {}
    shared = None
    for invitee in invitees:
        free = subtract(working_intervals(invitee, first, last), invitee.busy)
        if not_before is not None:
            free = subtract(free, [(datetime.min.replace(tzinfo=UTC), not_before)])
        free_of[invitee.key] = free
        shared = free if shared is None else intersect(shared, free)
    # Invitees who share a zone and hours are as far from their day's middle: count once.
    profiles = Counter((i.zone, i.work_start, i.work_end) for i in invitees)
    slots, without_team = [], 0
    for start, end in shared or []:
        cursor = _ceil_to_grid(start)
        while cursor + duration <= end:
            if team is not None and not team(cursor, cursor + duration):
                without_team += 1
                cursor += GRID
                continue
            middle = cursor + duration / 2
            distances = [(_distance(middle, *profile), count)
                         for profile, count in profiles.items()]
            slots.append(Slot(cursor, cursor + duration, max(d for d, _n in distances),
                              sum(d * n for d, n in distances)))
            cursor += GRID
    if slots:
        reasons = []
    elif without_team:
        reasons = [Reason("no_team", minutes=duration_minutes)]
    else:
        reasons = explain(invitees, first, last, duration_minutes, free_of)
    zone = day_zone or (invitees[0].zone if invitees else "UTC")
    return SlotSearch(_spread(slots, zone), slots, reasons)


def explain(invitees: list[Invitee], first: date, last: date, duration_minutes: int,
            free_of: dict[int, list[Interval]]) -> list[Reason]:
    """Why nothing fits, most basic cause first: someone never works in the range, two
    zones never overlap (and on which weekdays), the overlap is too short, or it is taken."""
    reasons = []
    hours = {}
    for invitee in invitees:
        working = working_intervals(invitee, first, last)
        hours[invitee.key] = working
        if not working:
            names = tuple(sorted({name for day, name in invitee.holidays.items()
                                  if first <= day <= last}))
            reasons.append(Reason("no_working_day", zones=(invitee.zone,),
                                  country_code=invitee.country_code, holiday_names=names))
        elif not free_of.get(invitee.key):
            reasons.append(Reason("fully_busy", zones=(invitee.zone,),
                                  country_code=invitee.country_code))
    if reasons:
        return _unique(reasons)
    groups = {}
    for invitee in invitees:
        groups.setdefault((invitee.zone, invitee.work_start, invitee.work_end,
                           invitee.working_days), invitee)
    people = list(groups.values())
    for index, a in enumerate(people):
        for b in people[index + 1:]:
            if a.zone == b.zone:
                continue
            failing = _weekdays_without_overlap(hours[a.key], hours[b.key], a.zone,
                                                duration_minutes)
            if failing is not None:
                reasons.append(Reason("no_overlap", zones=(a.zone, b.zone), weekdays=failing))
    if reasons:
        return _unique(reasons)
    shared = None
    for invitee in invitees:
        shared = hours[invitee.key] if shared is None else intersect(shared, hours[invitee.key])
    longest = max((int((end - start).total_seconds() // 60) for start, end in shared or []),
                  default=0)
    if longest < duration_minutes:
        return [Reason("too_short", zones=tuple(sorted({i.zone for i in invitees})),
                       minutes=longest)]
    return [Reason("busy_overlap", minutes=duration_minutes)]


def _weekdays_without_overlap(a: list[Interval], b: list[Interval], zone: str,
                              duration_minutes: int) -> tuple[int, ...] | None:
    """When a's working days (weekdays in ``zone``) never share enough time with b's in the
    range: those weekdays. None when some day has room (the pair is not the cause)."""
    need = timedelta(minutes=duration_minutes)
    weekdays = set()
    for start, end in a:
        if any(min(end, b_end) - max(start, b_start) >= need for b_start, b_end in b):
            return None
        weekdays.add(to_zone(start, zone).weekday())
    return tuple(sorted(weekdays))


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen, result = set(), []
    for reason in reasons:
        if reason not in seen:
            seen.add(reason)
            result.append(reason)
    return result
