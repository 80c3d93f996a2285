"""Working-group recurrence: an RFC 5545 RRULE over wall-clock time in the group's zone.

Rules are expanded with dateutil on naive local times and only then localised, so "10:00 in
Sydney" stays 10:00 on both sides of a DST change. A local time in a DST gap is read with
the offset before the gap (RFC 5545 3.3.5: 02:30 becomes 03:30); one that happens twice is
the first occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from dateutil.rrule import rrule
from dateutil.rrule import rrulestr

from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import get_zone
from app.core.time import localize
from app.core.time import to_zone

SUPPORTED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
SUPPORTED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT",
                   "WKST"}
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
HORIZON_YEARS = 10
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Monday first, as date.weekday()
# The values each supported part may take (RFC 5545 3.3.10), checked whole: a value with
# anything after it ("MO RRULE:FREQ=DAILY") is a second rule smuggled into the first. FREQ
# and BYSETPOS are checked against their few supported values below.
_DAY = r"(MO|TU|WE|TH|FR|SA|SU)"
_PART_VALUES = {
    "INTERVAL": r"[0-9]{1,2}",
    "COUNT": r"[0-9]{1,3}",
    "BYDAY": rf"([+-]?[1-5])?{_DAY}(,([+-]?[1-5])?{_DAY})*",
    "BYMONTHDAY": r"[+-]?(3[01]|[12][0-9]|[1-9])(,[+-]?(3[01]|[12][0-9]|[1-9]))*",
    "BYMONTH": r"(1[0-2]|[1-9])(,(1[0-2]|[1-9]))*",
    "WKST": _DAY,
}


class RecurrenceError(ValueError):
    """A rule the app cannot honour; the message names what to change (``args[0]``: a code
    and ``args[1]``: the offending part, worded by the caller)."""

    def __init__(self, code: str, part: str = ""):
        super().__init__(code, part)
        self.code = code
        self.part = part


def normalise_rule(text: str) -> str:
    """The rule as the app stores it ('FREQ=MONTHLY;BYDAY=2TU'), or RecurrenceError.

    Supported: one meeting per occurrence day at the group's time, so no BYHOUR/BYMINUTE/
    BYSECOND, no sub-daily frequencies, UNTIL through the group's end date, and BYSETPOS
    as one position (1..5 or -1). No blank inside and every part's value valid as a whole:
    nothing can be smuggled after a value into the calendars the rule is written to."""
    text = (text or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text:
        raise RecurrenceError("empty")
    if any(c.isspace() for c in text) or "RRULE" in text:
        raise RecurrenceError("syntax", text)
    parts = _rule_parts(text)
    _check_ranges(parts)
    rule = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        parsed = rrulestr(rule, dtstart=datetime(2027, 1, 1))
    except Exception:  # dateutil raises ValueError, KeyError, IndexError... on odd input
        raise RecurrenceError("syntax", rule) from None
    if not isinstance(parsed, rrule):  # a set of several rules
        raise RecurrenceError("syntax", rule)
    return rule


def _rule_parts(text: str) -> dict[str, str]:
    """NAME=value pieces, each named once, supported and well formed as a whole."""
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not name or not value or name in parts:
            raise RecurrenceError("syntax", piece)
        if name not in SUPPORTED_PARTS:
            raise RecurrenceError("unsupported_part", name)
        if name in _PART_VALUES and not re.fullmatch(_PART_VALUES[name], value):
            raise RecurrenceError("syntax", piece)
        parts[name] = value
    return parts


def _check_ranges(parts: dict[str, str]) -> None:
    """What the patterns cannot say: the supported frequencies, how often and how many,
    and BYSETPOS's few positions."""
    freq = parts.get("FREQ")
    if freq not in SUPPORTED_FREQ:
        raise RecurrenceError("unsupported_freq", freq or "")
    for name, highest in (("INTERVAL", 52), ("COUNT", 500)):
        if name in parts and not 1 <= int(parts[name]) <= highest:
            raise RecurrenceError("syntax", f"{name}={parts[name]}")
    if "BYSETPOS" in parts and parts["BYSETPOS"] not in {"1", "2", "3", "4", "5", "-1"}:
        raise RecurrenceError("unsupported_setpos", parts["BYSETPOS"])


MONTH_POSITIONS = (1, 2, 3, 4, -1)  # first to fourth, and the last


@dataclass(frozen=True)
class PlainRecurrence:
    """A rule as people choose it, with no RRULE text to write: every ``interval`` weeks on
    ``weekday`` (0 is Monday), or every month on its ``position``-th such weekday (1 to 4,
    or -1 for the last). The forms ask for these; the calendars get ``rule``."""

    repeat: str  # "weekly" or "monthly"
    weekday: int
    interval: int = 1
    position: int = 2

    @property
    def rule(self) -> str:
        day = WEEKDAYS[self.weekday]
        if self.repeat == "monthly":
            return f"FREQ=MONTHLY;BYDAY={self.position}{day}"
        if self.interval == 1:
            return f"FREQ=WEEKLY;BYDAY={day}"
        return f"FREQ=WEEKLY;INTERVAL={self.interval};BYDAY={day}"


def plain_recurrence(rule: str) -> PlainRecurrence | None:
    """The stored rule as the forms' choices, or None for a rule they cannot express (one
    written as RRULE text before the forms asked in plain words: two weekdays, a day of the
    month, a count...)."""
    parts = dict(piece.partition("=")[::2] for piece in rule.split(";"))
    freq, day = parts.pop("FREQ", ""), parts.pop("BYDAY", "")
    interval = parts.pop("INTERVAL", "1")
    match = _BYDAY.match(day)
    if parts or not match or not interval.isdigit() or not 1 <= int(interval) <= 52:
        return None
    position, weekday = match.group(1), WEEKDAYS.index(match.group(2))
    if freq == "WEEKLY" and position is None:
        return PlainRecurrence("weekly", weekday, interval=int(interval))
    if freq == "MONTHLY" and position is not None and interval == "1" \
            and int(position) in MONTH_POSITIONS:
        return PlainRecurrence("monthly", weekday, position=int(position))
    return None


def local_wall_time(naive: datetime, zone: str) -> datetime:
    """A wall-clock time as a UTC instant, the RFC 5545 way for gaps and overlaps."""
    try:
        return localize(naive, zone)
    except AmbiguousLocalTime as twice:
        return twice.earlier
    except NonExistentLocalTime:
        # The offset before the gap: standard time, before a spring-forward change.
        return get_zone(zone).localize(naive, is_dst=False).astimezone(UTC)


def occurrences(rule: str, first_start_dt: datetime, zone: str, *,
                until: date | None = None, after: datetime | None = None,
                limit: int = 10) -> list[datetime]:
    """Up to ``limit`` occurrence starts (aware UTC) strictly after ``after``, none after
    the local date ``until``, keeping the first start's wall-clock time."""
    return [instant for _wall, instant in wall_occurrences(
        rule, first_start_dt, zone, until=until, after=after, limit=limit)]


def wall_occurrences(rule: str, first_start_dt: datetime, zone: str, *,
                     until: date | None = None, after: datetime | None = None,
                     limit: int = 10) -> list[tuple[datetime, datetime]]:
    """As ``occurrences``, each with its nominal wall-clock time (naive, in ``zone``): the
    time the rule names, which a calendar's RRULE expansion also names (02:30 in a gap,
    although the meeting is at 03:30)."""
    local_first = to_zone(first_start_dt, zone).replace(tzinfo=None)
    recurrence = rrulestr(rule, dtstart=local_first)
    end = datetime.combine(until, time.max) if until else \
        local_first + timedelta(days=366 * HORIZON_YEARS)
    # Start a day early in local time: the zone's offset is unknown until localised.
    cursor = to_zone(after, zone).replace(tzinfo=None) - timedelta(days=1) if after else None
    found = []
    for naive in (recurrence.xafter(cursor, inc=True) if cursor else recurrence):
        if naive > end:
            break
        instant = local_wall_time(naive, zone)
        if after is not None and instant <= after:
            continue
        found.append((naive, instant))
        if len(found) >= limit:
            break
    return found


def first_occurrence(rule: str, first_start_dt: datetime, zone: str,
                     until: date | None) -> datetime | None:
    found = occurrences(rule, first_start_dt, zone, until=until,
                        after=first_start_dt - timedelta(seconds=1), limit=1)
    return found[0] if found else None


@dataclass(frozen=True)
class ClockChange:
    """A meeting of a series that a clock change touches: its nominal wall-clock time is
    skipped ("gap": it is held at ``start_dt``, the offset before the gap) or repeated
    ("fold": held at the first), or the clocks change while it runs ("during")."""

    wall: datetime  # naive, in the series' zone
    start_dt: datetime
    end_dt: datetime
    kind: str


def _transition_instants(zone: str, first: datetime, last: datetime) -> list[datetime]:
    """UTC instants where the zone's offset changes, between two UTC instants."""
    tz = get_zone(zone)
    found = []
    times = getattr(tz, "_utc_transition_times", [])
    infos = getattr(tz, "_transition_info", [])
    for index in range(1, len(times)):
        when = times[index].replace(tzinfo=UTC)
        if first <= when <= last and infos[index][0] != infos[index - 1][0]:
            found.append(when)
    return found


def clock_changes(rule: str, first_start_dt: datetime, zone: str, duration: timedelta, *,
                  until: date | None = None) -> list[ClockChange]:
    """The meetings of the series that a clock change touches, in order. Calendar clients
    read such wall-clock times differently; the series' export pins each one to UTC."""
    local_first = to_zone(first_start_dt, zone).replace(tzinfo=None)
    recurrence = rrulestr(rule, dtstart=local_first)
    last = local_wall_time(datetime.combine(until, time.max), zone) if until else \
        first_start_dt + timedelta(days=366 * HORIZON_YEARS)
    found: dict[datetime, ClockChange] = {}
    for change in _transition_instants(zone, first_start_dt - duration, last):
        # Every meeting that could start within a day of the change, before or after it.
        local = to_zone(change, zone).replace(tzinfo=None)
        window = (local - duration - timedelta(days=1), local + timedelta(days=1))
        for naive in recurrence.between(*window, inc=True):
            if naive < local_first or (until and naive.date() > until):
                continue
            start = local_wall_time(naive, zone)
            end = start + duration
            if _is_gap_or_fold(naive, zone):
                kind = "gap" if _is_gap(naive, zone) else "fold"
            elif start <= change <= end or _is_gap_or_fold(
                    to_zone(end, zone).replace(tzinfo=None), zone):
                kind = "during"
            else:
                continue
            found.setdefault(naive, ClockChange(naive, start, end, kind))
    return [found[wall] for wall in sorted(found)]


def _is_gap(naive: datetime, zone: str) -> bool:
    try:
        localize(naive, zone, prefer_later=False)
    except NonExistentLocalTime:
        return True
    return False


def _is_gap_or_fold(naive: datetime, zone: str) -> bool:
    try:
        localize(naive, zone)
    except (NonExistentLocalTime, AmbiguousLocalTime):
        return True
    return False

