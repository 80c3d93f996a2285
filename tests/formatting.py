"""Expected text that a library formats, computed by that library, never typed into a test.

CLDR data (babel) and holiday names (holidays) change between releases: Thai short times gained
"น." in babel 2.19. A test that hard-codes such text breaks on an upgrade although the app is
right, so expectations come from here: the same library call on an independently known value.
"""

from __future__ import annotations

from datetime import date
from datetime import time

import holidays
from babel import Locale
from babel.dates import format_date
from babel.dates import format_time
from babel.dates import get_day_names


def clock(hour: int, minute: int, locale: str) -> str:
    """A wall-clock time as babel writes it in ``locale`` (the app's "short" time format)."""
    return format_time(time(hour, minute), format="short", locale=locale)


def day(value: date, locale: str) -> str:
    """A calendar date as babel writes it in ``locale`` (the app's "medium" date format)."""
    return format_date(value, format="medium", locale=locale)


def weekday_name(weekday: int, locale: str, width: str = "wide") -> str:
    """A weekday's name (0 is Monday) as babel writes it: "Wednesday", "Wed" abbreviated."""
    return get_day_names(width, locale=locale)[weekday]


def long_day(value: date, locale: str) -> str:
    """A calendar date as babel writes it in ``locale`` in a letter ("long": 22 June 2027)."""
    return format_date(value, format="long", locale=locale)


def country(code: str, locale: str) -> str:
    """A country's name as CLDR (babel) writes it in ``locale``."""
    return Locale.parse(locale).territories[code]


def clock_range(start: tuple[int, int], end: tuple[int, int], locale: str = "en") -> str:
    """A range of wall-clock times joined the way the agenda joins them."""
    return f"{clock(*start, locale)}–{clock(*end, locale)}"


def holiday_name(country: str, day: date) -> str:
    """The name the holidays package gives ``day`` in ``country``, as the app asks for it."""
    name = holidays.country_holidays(country, years=day.year).get(day)
    assert name, f"{day} is no longer a holiday in {country}: the test's premise changed"
    return name
