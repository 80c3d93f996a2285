"""Time in one place: aware UTC in the database, local time only at the edges.

pytz zones carry every historical offset, so a zone must never be passed as ``tzinfo=``
(that picks the zone's first, LMT offset). Local wall-clock times go through ``localize``
with ``is_dst=None`` so gaps and overlaps are reported instead of guessed.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache

import pytz
from babel import Locale
from babel.dates import PATTERN_CHAR_ORDER
from babel.dates import DateTimeFormat
from babel.dates import format_date
from babel.dates import format_datetime
from babel.dates import format_interval
from babel.dates import format_time
from babel.dates import get_datetime_format
from babel.dates import get_timezone_gmt
from babel.dates import get_timezone_location
from babel.dates import get_timezone_name
from babel.dates import match_skeleton
from sqlalchemy.types import DateTime
from sqlalchemy.types import TypeDecorator


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


# Zones whose only "city" is the name of the standard itself: shown by that name alone.
_UNIVERSAL_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal",
                              "Etc/Zulu", "Zulu"})
_zone_labels: dict[tuple, str] = {}


def zone_label(zone_name: str, locale: str, instant: datetime | None = None) -> str:
    """A zone as a reader of ``locale`` knows it: the city in their language, the zone's name
    at ``instant`` (default now) and the offset then, e.g. "Sydney (Australian Eastern
    Daylight Time, UTC+11)" in January and "... Standard Time, UTC+10" in July.

    Names come from CLDR through babel; the offset is ``utc_offset_label``, the same in
    every language and the one the agenda prints. "UTC" is its own name: "Coordinated
    Universal Time (UTC)". Cached per process by what the label depends on."""
    local = to_zone(instant or now_utc(), zone_name)
    key = (zone_name, str(locale), local.utcoffset(), bool(local.dst()))
    label = _zone_labels.get(key)
    if label is None:
        label = _zone_labels[key] = _compose_zone_label(local, zone_name, str(locale))
    return label


def _compose_zone_label(local: datetime, zone_name: str, locale: str) -> str:
    name = get_timezone_name(local, "long", locale=locale)
    if zone_name in _UNIVERSAL_ZONES:
        return f"{name} (UTC)"
    offset = utc_offset_label(local, zone_name)
    city = get_timezone_location(local.tzinfo, locale=locale, return_city=True)
    if name == get_timezone_gmt(local, "long", locale=locale):
        return f"{city} ({offset})"  # CLDR has no name for the zone at that time
    return f"{city} ({name}, {offset})"


def zone_sort_key(zone_name: str, label: str, instant: datetime | None = None) -> tuple:
    """West to east by the offset at ``instant`` (default now), then by label."""
    return (to_zone(instant or now_utc(), zone_name).utcoffset(), label)


# -- Buddhist Era years ----------------------------------------------------------------------
#
# A Thai reader may choose to read years in the Buddhist Era (2026 is 2569). Babel formats the
# Gregorian calendar only, so the year fields of the locale's own pattern are replaced with the
# Buddhist year as a quoted literal, and the era field with the Buddhist era's name (CLDR
# th.xml, calendar "buddhist"). Everything else (day and month names, order, punctuation) stays
# the locale's. Only for readers whose formatting locale is Thai; machine values (iCal, CSV,
# ISO) never go through here.

BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_NAMES = {"abbreviated": "พ.ศ.", "wide": "พุทธศักราช", "narrow": "พ.ศ."}


def uses_buddhist_era(locale: str, buddhist_era: bool) -> bool:
    """The one rule: the reader chose it and their dates are written in Thai."""
    return bool(buddhist_era) and Locale.parse(str(locale)).language == "th"


def buddhist_pattern(pattern: str, value: date) -> str:
    """``pattern`` (CLDR syntax) with every year field written as ``value``'s Buddhist Era
    year: "y"/"yyyy" the whole year (zero-padded to the width), "yy" its last two digits,
    "Y" the week-based year; "G" becomes the Buddhist era. Quoted literals are kept."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "'":  # a quoted literal ('' is one apostrophe) is copied as it is
            end = i + 1
            while end < n:
                if pattern[end] == "'":
                    if end + 1 < n and pattern[end + 1] == "'":
                        end += 2
                        continue
                    break
                end += 1
            out.append(pattern[i:end + 1])
            i = end + 1
            continue
        width = 1
        while i + width < n and pattern[i + width] == char:
            width += 1
        if char in "yYu":
            year = (value.isocalendar()[0] if char == "Y" else value.year) + BUDDHIST_ERA_OFFSET
            text = f"{year % 100:02d}" if width == 2 else str(year).zfill(width)
            out.append(f"'{text}'")
        elif char == "G":
            width_name = "abbreviated" if width <= 3 else ("wide" if width == 4 else "narrow")
            out.append(f"'{BUDDHIST_ERA_NAMES[width_name]}'")
        else:
            out.append(char * width)
        i += width
    return "".join(out)


def fmt_day(local: date, locale: str, fmt: str = "medium", buddhist_era: bool = False) -> str:
    """A local calendar date: the single path every displayed date takes (babel's format for
    the locale, with the Buddhist Era year when chosen)."""
    if not uses_buddhist_era(locale, buddhist_era):
        return format_date(local, format=fmt, locale=locale)
    pattern = Locale.parse(locale).date_formats[fmt].pattern
    return format_date(local, format=buddhist_pattern(pattern, local), locale=locale)


def fmt_skeleton(local: date, skeleton: str, locale: str, buddhist_era: bool = False) -> str:
    """``babel.dates.format_skeleton`` for a local date or wall-clock datetime."""
    loc = Locale.parse(str(locale))
    if skeleton not in loc.datetime_skeletons:
        skeleton = match_skeleton(skeleton, loc.datetime_skeletons) or skeleton
    pattern = loc.datetime_skeletons[skeleton].pattern
    if uses_buddhist_era(locale, buddhist_era):
        pattern = buddhist_pattern(pattern, local)
    if isinstance(local, datetime):
        return format_datetime(local, pattern, tzinfo=local.tzinfo, locale=loc)
    return format_date(local, pattern, locale=loc)


def fmt_year(day: date, locale: str, buddhist_era: bool = False) -> str:
    """A year on its own: "2027"; in the Buddhist Era with its era named ("พ.ศ. 2570"), so a
    lone number is never taken for the other calendar's."""
    era = uses_buddhist_era(locale, buddhist_era)
    return fmt_skeleton(day, "Gy" if era else "y", locale, era)


def fmt_interval(start: date, end: date, skeleton: str, locale: str,
                 buddhist_era: bool = False) -> str:
    """``babel.dates.format_interval`` for two local dates ("22–24 Jun 2027"), with CLDR's
    interval rules: the greatest differing field picks the pattern pair."""
    if not uses_buddhist_era(locale, buddhist_era):
        return format_interval(start, end, skeleton, locale=locale)
    loc = Locale.parse(str(locale))
    formats = loc.interval_formats
    if skeleton not in formats:
        skeleton = match_skeleton(skeleton, formats) or skeleton
    if start == end or skeleton not in formats:
        first, last = (fmt_skeleton(day, skeleton, locale, True) for day in (start, end))
        if first == last:
            return first
        return formats.get(None, "{0}-{1}").replace("{0}", first).replace("{1}", last)
    pair = formats[skeleton]
    starts, ends = DateTimeFormat(start, locale=loc), DateTimeFormat(end, locale=loc)
    for field in PATTERN_CHAR_ORDER:
        if field in pair and starts.extract(field) != ends.extract(field):
            return "".join(format_date(day, buddhist_pattern(pattern, day), locale=loc)
                           for pattern, day in zip(pair[field], (start, end), strict=True))
    return fmt_skeleton(start, skeleton, locale, True)


def fmt_time(instant: datetime, zone_name: str, locale: str) -> str:
    return format_time(to_zone(instant, zone_name), format="short", locale=locale)


def fmt_date(instant: datetime, zone_name: str, locale: str, fmt: str = "medium",
             buddhist_era: bool = False) -> str:
    """The date in ``zone_name`` (31 Dec 23:30 UTC is already 1 Jan in Bangkok, and so is its
    year)."""
    return fmt_day(to_zone(instant, zone_name).date(), locale, fmt, buddhist_era)


def fmt_datetime(instant: datetime, zone_name: str, locale: str, fmt: str = "medium",
                 buddhist_era: bool = False) -> str:
    local = to_zone(instant, zone_name)
    if not uses_buddhist_era(locale, buddhist_era):
        return format_datetime(local, format=fmt, tzinfo=local.tzinfo, locale=locale)
    return (get_datetime_format(fmt, locale=locale).replace("'", "")
            .replace("{0}", format_time(local, fmt, tzinfo=local.tzinfo, locale=locale))
            .replace("{1}", fmt_day(local.date(), locale, fmt, True)))


def fmt_when(instant: datetime, zone_name: str, locale: str, buddhist_era: bool = False) -> str:
    """'Tue, 22 Jun 2027, 14:00': a readable date with an hour-and-minute time."""
    local = to_zone(instant, zone_name)
    day = fmt_day(local.date(), locale, "medium", buddhist_era)
    return f"{day}, {format_time(local, format='short', locale=locale)}"
