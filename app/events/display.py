"""How a session's time reads to one viewer: their zone and language, the event's own time
beside it, and the strip of every participating zone with working hours flagged.

Pure functions of hashable arguments, cached per process: the same session seen in the same
zone and language is formatted once, however many times the agenda page is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from babel.dates import get_timezone
from babel.dates import get_timezone_location

from app.core.time import fmt_date
from app.core.time import fmt_time
from app.core.time import to_zone
from app.core.time import utc_offset_label
from app.core.time import zone_label


@dataclass(frozen=True)
class StripZone:
    """One zone of the strip; ``work_start``/``work_end`` are minutes after local midnight."""

    zone: str
    country_code: str
    work_start: int
    work_end: int


@dataclass(frozen=True)
class ZoneTime:
    zone: str
    city: str
    country_code: str
    time_range: str
    offset: str
    day_shift: int
    off_hours: bool


@dataclass(frozen=True)
class SessionTimes:
    viewer_start: str
    viewer_range: str
    viewer_date: str
    viewer_day_shift: int
    viewer_offset: str
    event_range: str | None  # None when the viewer's clock reads the same as the event's
    event_zone: str  # the event's zone as the reader knows it, its offset at the start
    strip: tuple[ZoneTime, ...]


@lru_cache(maxsize=1024)
def city_name(zone: str, locale: str) -> str:
    return get_timezone_location(get_timezone(zone), locale=locale, return_city=True)


@lru_cache(maxsize=65536)
def time_range(start_dt: datetime, end_dt: datetime, zone: str, locale: str) -> str:
    start, end = fmt_time(start_dt, zone, locale), fmt_time(end_dt, zone, locale)
    extra = (to_zone(end_dt, zone).date() - to_zone(start_dt, zone).date()).days
    return f"{start}–{end}" + (f" (+{extra})" if extra else "")


def offset_range(start_dt: datetime, end_dt: datetime, zone: str) -> str:
    """'UTC+13', or 'UTC+13 → UTC+12' for a session across a clock change."""
    start, end = utc_offset_label(start_dt, zone), utc_offset_label(end_dt, zone)
    return start if start == end else f"{start} → {end}"


def _minutes(instant: datetime, zone: str) -> int:
    local = to_zone(instant, zone)
    return local.hour * 60 + local.minute


def is_off_hours(start_dt: datetime, end_dt: datetime, zone: StripZone) -> bool:
    """True when any part of the session falls outside that country's working hours."""
    if to_zone(end_dt, zone.zone).date() != to_zone(start_dt, zone.zone).date():
        return True  # runs through local midnight
    return (_minutes(start_dt, zone.zone) < zone.work_start
            or _minutes(end_dt, zone.zone) > zone.work_end)


def day_shift(instant: datetime, zone: str, reference_zone: str) -> int:
    """Calendar days between ``zone``'s date and the reference zone's date for one instant."""
    return (to_zone(instant, zone).date() - to_zone(instant, reference_zone).date()).days


@lru_cache(maxsize=65536)
def session_times(start_dt: datetime, end_dt: datetime, event_zone: str, viewer_zone: str,
                  locale: str, strip_zones: tuple[StripZone, ...],
                  buddhist_era: bool = False) -> SessionTimes:
    same_clock = to_zone(start_dt, viewer_zone).utcoffset() == to_zone(
        start_dt, event_zone).utcoffset()
    strip = tuple(
        ZoneTime(zone=z.zone, city=city_name(z.zone, locale), country_code=z.country_code,
                 time_range=time_range(start_dt, end_dt, z.zone, locale),
                 offset=offset_range(start_dt, end_dt, z.zone),
                 day_shift=day_shift(start_dt, z.zone, event_zone),
                 off_hours=is_off_hours(start_dt, end_dt, z))
        for z in strip_zones
    )
    return SessionTimes(
        viewer_start=fmt_time(start_dt, viewer_zone, locale),
        viewer_range=time_range(start_dt, end_dt, viewer_zone, locale),
        viewer_date=fmt_date(start_dt, viewer_zone, locale, "full", buddhist_era),
        viewer_day_shift=day_shift(start_dt, viewer_zone, event_zone),
        viewer_offset=offset_range(start_dt, end_dt, viewer_zone),
        event_range=None if same_clock else time_range(start_dt, end_dt, event_zone, locale),
        event_zone=zone_label(event_zone, locale, start_dt),
        strip=strip,
    )


def strip_zones_for(countries) -> tuple[StripZone, ...]:
    """Every zone of every participating country, west to east as people read a map."""
    zones = [StripZone(zone, country.code, country.work_start_minute, country.work_end_minute)
             for country in countries for zone in (country.zones or [country.timezone])]
    reference = datetime(2000, 1, 1)
    return tuple(sorted(zones, key=lambda z: (get_timezone(z.zone).utcoffset(reference), z.zone)))
