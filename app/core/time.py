"""Time in one place: aware UTC in the database, local time only at the edges.

pytz zones carry every historical offset, so a zone must never be passed as ``tzinfo=``
(that picks the zone's first, LMT offset). Local wall-clock times go through ``localize``
with ``is_dst=None`` so gaps and overlaps are reported instead of guessed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import pytz
from babel.dates import format_date, format_datetime, format_time
from sqlalchemy.types import DateTime, TypeDecorator


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock = _system_clock


def now_utc() -> datetime:
    """The only clock the app reads; tests replace ``_clock`` to freeze it."""
    return _clock()


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and returns them aware, on every backend.

    Naive values are refused: guessing their zone is how off-by-hours bugs are born.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: attach a timezone before storing")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class LocalTimeError(ValueError):
    """A wall-clock time that cannot be turned into one instant without asking."""


class NonExistentLocalTime(LocalTimeError):
    pass


class AmbiguousLocalTime(LocalTimeError):
    def __init__(self, message, earlier: datetime, later: datetime):
        super().__init__(message)
        self.earlier = earlier
        self.later = later


@cache
def get_zone(name: str):
    """The pytz zone for an IANA name; ``UnknownTimeZoneError`` for anything else."""
    if not name or name != name.strip():
        raise pytz.UnknownTimeZoneError(name)
    return pytz.timezone(name)


def is_valid_timezone(name: str | None) -> bool:
    try:
        get_zone(name or "")
    except (pytz.UnknownTimeZoneError, ValueError):
        return False
    return True


def localize(naive: datetime, zone_name: str, *, prefer_later: bool | None = None) -> datetime:
    """Turn a wall-clock time in ``zone_name`` into an aware UTC instant.

    A time inside a spring-forward gap raises ``NonExistentLocalTime``. A time that occurs
    twice (fall back) raises ``AmbiguousLocalTime`` unless the caller says which occurrence
    it means with ``prefer_later`` (False: the first, daylight-time one).
    """
    if naive.tzinfo is not None:
        raise ValueError("localize expects a naive wall-clock time")
    zone = get_zone(zone_name)
    try:
        local = zone.localize(naive, is_dst=None)
    except pytz.NonExistentTimeError:
        raise NonExistentLocalTime(naive.isoformat(timespec="minutes")) from None
    except pytz.AmbiguousTimeError:
        first = zone.localize(naive, is_dst=True).astimezone(UTC)
        second = zone.localize(naive, is_dst=False).astimezone(UTC)
        earlier, later = sorted((first, second))
        if prefer_later is None:
            raise AmbiguousLocalTime(naive.isoformat(timespec="minutes"), earlier, later) from None
        return later if prefer_later else earlier
    return local.astimezone(UTC)


def to_zone(instant: datetime, zone_name: str) -> datetime:
    """An aware instant as wall-clock time in ``zone_name`` (pytz-normalised)."""
    if instant.tzinfo is None:
        raise ValueError("to_zone expects an aware datetime")
    zone = get_zone(zone_name)
    return zone.normalize(instant.astimezone(zone))


def local_day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 hours on DST days)."""
    zone = get_zone(zone_name)

    def start_of(d: date) -> datetime:
        # Midnight can itself fall in a gap in a few zones; the first valid minute starts the day.
        naive = datetime.combine(d, time())
        for minutes in range(0, 180, 30):
            try:
                shifted = naive + timedelta(minutes=minutes)
                return zone.localize(shifted, is_dst=None).astimezone(UTC)
            except pytz.NonExistentTimeError:
                continue
            except pytz.AmbiguousTimeError:
                return zone.localize(naive, is_dst=True).astimezone(UTC)
        raise NonExistentLocalTime(naive.isoformat())

    return start_of(day), start_of(day + timedelta(days=1))


def utc_offset_label(instant: datetime, zone_name: str) -> str:
    """'UTC+10:30' style label, the same in every language."""
    offset = to_zone(instant, zone_name).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def fmt_time(instant: datetime, zone_name: str, locale: str) -> str:
    return format_time(to_zone(instant, zone_name), format="short", locale=locale)


def fmt_date(instant: datetime, zone_name: str, locale: str, fmt: str = "medium") -> str:
    return format_date(to_zone(instant, zone_name).date(), format=fmt, locale=locale)


def fmt_datetime(instant: datetime, zone_name: str, locale: str, fmt: str = "medium") -> str:
    local = to_zone(instant, zone_name)
    return format_datetime(local, format=fmt, tzinfo=local.tzinfo, locale=locale)


def fmt_when(instant: datetime, zone_name: str, locale: str) -> str:
    """'Tue, 22 Jun 2027, 14:00': a readable date with an hour-and-minute time."""
    local = to_zone(instant, zone_name)
    day = format_date(local.date(), format="medium", locale=locale)
    return f"{day}, {format_time(local, format='short', locale=locale)}"
