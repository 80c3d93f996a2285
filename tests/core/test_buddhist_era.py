"""Thai dates in the Buddhist Era, a reader's choice: the year counted from the Buddha (2026 is
2569) inside the locale's own pattern. Expected text comes from babel: the same pattern with
the year written in as a literal, never a typed date."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from babel import Locale
from babel.dates import format_date
from babel.dates import format_interval
from babel.dates import format_time

from app.core.time import BUDDHIST_ERA_NAMES
from app.core.time import buddhist_pattern
from app.core.time import fmt_date
from app.core.time import fmt_datetime
from app.core.time import fmt_day
from app.core.time import fmt_interval
from app.core.time import fmt_skeleton
from app.core.time import fmt_when
from app.core.time import fmt_year
from app.core.time import uses_buddhist_era

# 31 December 2026, 23:30 UTC: already 1 January 2027 (BE 2570) in Bangkok (UTC+7).
NEW_YEAR_IN_BANGKOK = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def _thai(value: date, fmt: str = "medium") -> str:
    """What babel writes for ``value`` in Thai with the year (and era) written in by hand:
    Thai's patterns have no quoted text, so a plain substitution is enough here."""
    pattern = Locale.parse("th").date_formats[fmt].pattern
    year = value.year + 543
    pattern = re.sub(r"y+", lambda m: f"'{year % 100:02d}'" if len(m.group()) == 2
                     else f"'{year}'", pattern)
    pattern = pattern.replace("G", f"'{BUDDHIST_ERA_NAMES['abbreviated']}'")
    return format_date(value, pattern, locale="th")


@pytest.mark.parametrize(("pattern", "expected"), [
    ("d MMM y", "d MMM '2569'"),
    ("d/M/yy", "d/M/'69'"),
    ("dd.MM.yyyy", "dd.MM.'2569'"),
    ("d MMMM G y", "d MMMM 'พ.ศ.' '2569'"),
    ("EEEE d MMMM GGGG y", "EEEE d MMMM 'พุทธศักราช' '2569'"),
    # Quoted literals keep their letters, '' (an apostrophe) included.
    ("d MMM y 'year y' ''yy", "d MMM '2569' 'year y' '''69'"),
    ("EEEEที่ d MMMM G y", "EEEEที่ d MMMM 'พ.ศ.' '2569'"),
])
def test_the_year_fields_of_a_pattern_become_the_buddhist_year(pattern, expected):
    assert buddhist_pattern(pattern, date(2026, 6, 1)) == expected


def test_the_week_based_year_is_converted_from_the_week_year():
    # 1 January 2027 is in ISO week 53 of 2026.
    assert buddhist_pattern("Y", date(2027, 1, 1)) == "'2569'"


@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full"])
def test_thai_dates_show_the_buddhist_year_when_chosen(fmt):
    instant = datetime(2026, 6, 15, 3, tzinfo=UTC)
    shown = fmt_date(instant, "Asia/Bangkok", "th", fmt, buddhist_era=True)
    assert shown == _thai(date(2026, 6, 15), fmt)
    assert "2026" not in shown
    assert fmt_date(instant, "Asia/Bangkok", "th", fmt) == format_date(
        date(2026, 6, 15), fmt, locale="th")


def test_the_year_is_the_one_in_the_readers_zone():
    in_bangkok = fmt_date(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", "th", buddhist_era=True)
    in_utc = fmt_date(NEW_YEAR_IN_BANGKOK, "UTC", "th", buddhist_era=True)
    assert in_bangkok == _thai(date(2027, 1, 1))
    assert "2570" in in_bangkok
    assert in_utc == _thai(date(2026, 12, 31))
    assert "2569" in in_utc
    when = fmt_when(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", "th", buddhist_era=True)
    assert when.startswith(_thai(date(2027, 1, 1)) + ", ")
    assert when.endswith(format_time(datetime(2027, 1, 1, 6, 30), "short", locale="th"))


def test_a_thai_datetime_keeps_the_time_and_the_era():
    shown = fmt_datetime(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", "th", "long", buddhist_era=True)
    gregorian = fmt_datetime(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", "th", "long")
    assert _thai(date(2027, 1, 1), "long") in shown
    # Only the date part changed: the time is babel's, as in the Gregorian text.
    assert shown.replace(_thai(date(2027, 1, 1), "long"), "") == gregorian.replace(
        format_date(date(2027, 1, 1), "long", locale="th"), "")
    assert BUDDHIST_ERA_NAMES["abbreviated"] in shown


@pytest.mark.parametrize("locale", ["en", "en_AU", "id", "ms"])
def test_other_languages_keep_the_gregorian_year_even_with_the_choice_on(locale):
    assert not uses_buddhist_era(locale, True)
    for fmt in ("short", "medium", "long", "full"):
        assert fmt_date(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", locale, fmt, True) == format_date(
            date(2027, 1, 1), fmt, locale=locale)
    assert fmt_when(NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", locale, True) == fmt_when(
        NEW_YEAR_IN_BANGKOK, "Asia/Bangkok", locale)
    assert fmt_interval(date(2027, 3, 10), date(2027, 3, 12), "yMMMd", locale,
                        True) == format_interval(date(2027, 3, 10), date(2027, 3, 12), "yMMMd",
                                                 locale=locale)


def test_without_the_choice_thai_dates_are_gregorian():
    assert not uses_buddhist_era("th", False)
    assert fmt_day(date(2027, 1, 1), "th") == format_date(date(2027, 1, 1), "medium",
                                                          locale="th")


def test_a_lone_year_names_its_era_only_in_the_buddhist_era():
    assert fmt_year(date(2027, 6, 1), "th") == format_date(date(2027, 6, 1), "y", locale="th")
    buddhist = fmt_year(date(2027, 6, 1), "th", True)
    assert buddhist.startswith(BUDDHIST_ERA_NAMES["abbreviated"]) and buddhist.endswith("2570")
    assert "2027" not in buddhist
    assert fmt_year(date(2027, 6, 1), "en", True) == format_date(date(2027, 6, 1), "y",
                                                                 locale="en")


def test_date_ranges_and_skeletons_in_the_buddhist_era():
    same_month = fmt_interval(date(2027, 3, 10), date(2027, 3, 12), "yMMMd", "th", True)
    assert same_month == format_interval(date(2027, 3, 10), date(2027, 3, 12), "yMMMd",
                                         locale="th").replace("2027", "2570")
    across_years = fmt_interval(date(2026, 12, 30), date(2027, 1, 2), "yMMMd", "th", True)
    assert across_years == format_interval(date(2026, 12, 30), date(2027, 1, 2), "yMMMd",
                                           locale="th").replace("2026", "2569").replace(
        "2027", "2570")
    one_day = fmt_interval(date(2027, 3, 10), date(2027, 3, 10), "yMMMEd", "th", True)
    assert one_day == fmt_skeleton(date(2027, 3, 10), "yMMMEd", "th", True)
    assert "2570" in one_day and "2027" not in one_day
