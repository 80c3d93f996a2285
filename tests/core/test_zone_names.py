"""Zones as a reader knows them: the city and the zone's name in their language (CLDR, through
babel), beside the offset at the instant shown. Expected text is computed with babel, never
typed; the structure (city first, the offset of that instant) is asserted on its own."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from babel.dates import get_timezone
from babel.dates import get_timezone_location
from babel.dates import get_timezone_name

from app.core.time import localize
from app.core.time import to_zone
from app.core.time import utc_offset_label
from app.core.time import zone_label

LOCALES = ("en", "en_AU", "id", "ms", "th")


def _expected(zone: str, locale: str, instant: datetime) -> str:
    """The label built from babel's own parts: city, the zone's name then, offset then."""
    local = to_zone(instant, zone)
    city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
    name = get_timezone_name(local, "long", locale=locale)
    return f"{city} ({name}, {utc_offset_label(instant, zone)})"


def _city(zone: str, locale: str) -> str:
    return get_timezone_location(get_timezone(zone), locale=locale, return_city=True)


# (zone, local wall-clock time, offset then): each side of every clock change of the year.
DST_EDGES = [
    # Sydney: daylight time ends 5 April 2026 03:00 (back to 02:00), starts 4 October 02:00.
    ("Australia/Sydney", datetime(2026, 1, 15, 12), "UTC+11"),
    ("Australia/Sydney", datetime(2026, 4, 5, 1, 30), "UTC+11"),
    ("Australia/Sydney", datetime(2026, 4, 5, 3, 30), "UTC+10"),
    ("Australia/Sydney", datetime(2026, 7, 15, 12), "UTC+10"),
    ("Australia/Sydney", datetime(2026, 10, 4, 1, 30), "UTC+10"),
    ("Australia/Sydney", datetime(2026, 10, 4, 3, 30), "UTC+11"),
    # Auckland: ends 5 April 2026 03:00, starts 27 September 02:00.
    ("Pacific/Auckland", datetime(2026, 1, 15, 12), "UTC+13"),
    ("Pacific/Auckland", datetime(2026, 4, 5, 1, 30), "UTC+13"),
    ("Pacific/Auckland", datetime(2026, 4, 5, 3, 30), "UTC+12"),
    ("Pacific/Auckland", datetime(2026, 9, 27, 1, 30), "UTC+12"),
    ("Pacific/Auckland", datetime(2026, 9, 27, 3, 30), "UTC+13"),
    # Chatham: three-quarter-hour offsets, changing 45 minutes after Auckland's.
    ("Pacific/Chatham", datetime(2026, 1, 15, 12), "UTC+13:45"),
    ("Pacific/Chatham", datetime(2026, 4, 5, 2, 30), "UTC+13:45"),
    ("Pacific/Chatham", datetime(2026, 4, 5, 4, 30), "UTC+12:45"),
    ("Pacific/Chatham", datetime(2026, 7, 15, 12), "UTC+12:45"),
    ("Pacific/Chatham", datetime(2026, 9, 27, 4, 30), "UTC+13:45"),
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("zone", "wall", "offset"), DST_EDGES)
def test_a_zone_with_daylight_time_shows_the_name_and_offset_of_the_instant(zone, wall, offset,
                                                                            locale):
    instant = localize(wall, zone)
    label = zone_label(zone, locale, instant)
    assert label == _expected(zone, locale, instant)
    assert label.startswith(_city(zone, locale) + " (")
    assert label.endswith(f", {offset})")


@pytest.mark.parametrize("locale", LOCALES)
def test_daylight_and_standard_time_have_different_names(locale):
    january = localize(datetime(2026, 1, 15, 12), "Australia/Sydney")
    july = localize(datetime(2026, 7, 15, 12), "Australia/Sydney")
    summer, winter = (zone_label("Australia/Sydney", locale, i) for i in (january, july))
    assert summer != winter
    assert get_timezone_name(to_zone(january, "Australia/Sydney"), "long",
                             locale=locale) in summer
    assert get_timezone_name(to_zone(july, "Australia/Sydney"), "long", locale=locale) in winter


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("zone", "offset"), [
    ("Asia/Bangkok", "UTC+7"),
    ("Asia/Jakarta", "UTC+7"),
    ("Asia/Kuala_Lumpur", "UTC+8"),
])
def test_a_zone_without_daylight_time_reads_the_same_all_year(zone, offset, locale):
    january = datetime(2026, 1, 15, 5, tzinfo=UTC)
    july = datetime(2026, 7, 15, 5, tzinfo=UTC)
    label = zone_label(zone, locale, january)
    assert label == zone_label(zone, locale, july) == _expected(zone, locale, january)
    assert label.startswith(_city(zone, locale) + " (")
    assert label.endswith(f", {offset})")


def test_the_city_is_in_the_readers_language():
    instant = datetime(2026, 1, 15, 5, tzinfo=UTC)
    thai = zone_label("Asia/Bangkok", "th", instant)
    assert thai.startswith(_city("Asia/Bangkok", "th"))
    assert "Bangkok" not in thai  # not the IANA id's English city
    assert "_" not in zone_label("Asia/Kuala_Lumpur", "en", instant)


@pytest.mark.parametrize("locale", LOCALES)
def test_utc_is_named_by_itself(locale):
    instant = datetime(2026, 7, 15, 5, tzinfo=UTC)
    name = get_timezone_name(instant.astimezone(get_timezone("UTC")), "long", locale=locale)
    assert zone_label("UTC", locale, instant) == f"{name} (UTC)"
    assert zone_label("Etc/UTC", locale, instant) == f"{name} (UTC)"


def test_without_an_instant_the_offset_is_todays(frozen_now):
    frozen = datetime(2026, 7, 15, 5, tzinfo=UTC)
    frozen_now(frozen)
    assert zone_label("Australia/Sydney", "en") == zone_label("Australia/Sydney", "en", frozen)
    assert zone_label("Australia/Sydney", "en").endswith(", UTC+10)")


def test_a_zone_cldr_has_no_name_for_then_shows_city_and_offset():
    # Antarctica/Troll's summer offset (+2) has no CLDR name: babel answers "GMT+02:00",
    # which the offset already says.
    instant = datetime(2026, 7, 15, 5, tzinfo=UTC)
    label = zone_label("Antarctica/Troll", "en", instant)
    assert label == f"{_city('Antarctica/Troll', 'en')} (UTC+2)"
