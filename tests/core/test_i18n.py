"""English dates follow the reader's country: nobody in this region reads the US "12/3/26"."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from babel.dates import format_interval

from app.core.i18n import INTERNATIONAL_ENGLISH
from app.core.i18n import formatting_locale
from tests.fixtures.people import login_as


@pytest.mark.parametrize(("language", "country", "browser", "expected"), [
    ("en", "AU", None, "en_AU"),
    ("en", "NZ", "US", "en_NZ"),  # the person's country wins over the browser's
    ("en", "MY", None, "en_MY"),
    ("en", "ID", None, "en_ID"),
    ("en", "TH", None, INTERNATIONAL_ENGLISH),  # CLDR has no en_TH
    ("en", None, "NZ", "en_NZ"),
    ("en", None, None, INTERNATIONAL_ENGLISH),
    ("th", "TH", None, "th"),
    ("id", "AU", "AU", "id"),  # only English varies by region
])
def test_formatting_locale(language, country, browser, expected):
    assert formatting_locale(language, country, browser) == expected


def test_no_reader_in_the_region_gets_month_first_dates():
    us_style = format_date(date(2026, 12, 3), "short", locale="en_US")
    for country in ("AU", "ID", "MY", "NZ", "TH", None):
        locale = formatting_locale("en", country)
        assert format_date(date(2026, 12, 3), "short", locale=locale) != us_style


def _dates(locale: str) -> str:
    """The event list's date range, as babel writes it for ``locale``."""
    return format_interval(date(2027, 3, 10), date(2027, 3, 12), "yMMMd", locale=locale)


def test_signed_in_reader_sees_their_countrys_english(client, make_user, make_event):
    make_event(title="Regional roundtable", start_date=date(2027, 3, 10),
               end_date=date(2027, 3, 12))
    australian = make_user(("participant",), country="AU")
    login_as(client, australian)
    page = client.get("/events", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert _dates("en_AU") in page and _dates("en_US") not in page
    assert '<html lang="en-AU">' in page


@pytest.mark.parametrize(("accept", "locale"), [
    ("en-NZ,en;q=0.8", "en_NZ"),
    ("en", INTERNATIONAL_ENGLISH),
])
def test_visitors_get_their_browsers_english_or_international(client, make_event, accept,
                                                              locale):
    make_event(title="Regional roundtable", start_date=date(2027, 3, 10),
               end_date=date(2027, 3, 12))
    page = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert _dates(locale) in page and _dates("en_US") not in page


def test_language_switcher_marks_the_language_not_the_region(client, make_user):
    login_as(client, make_user(("participant",), country="NZ"))
    page = client.get("/events").get_data(as_text=True)
    assert 'aria-current="true" class="current">English</button>' in page
