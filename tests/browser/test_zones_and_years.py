"""A Thai participant on a 390 px phone: the header names their zone in Thai with its offset,
and after choosing Buddhist Era years on the preferences page, the timeline's years and dates
read in the Buddhist Era (2027 is 2570); in English nothing changes. Screenshots in Thai and
English are kept (screenshots/, SQLite run) to be looked at."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time

import pytest
import sqlalchemy as sa

from app.core.time import fmt_interval
from app.core.time import fmt_year
from app.core.time import localize
from app.core.time import zone_label
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot
from tests.browser.journeys import shown_title
from tests.browser.journeys import zone_shown

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ME = "somchai@example.org"


def _jakarta_dates(live_engine):
    with live_engine.connect() as connection:
        return connection.execute(sa.text(
            "select start_date, end_date from events where title = :title"),
            {"title": JAKARTA}).one()


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _chosen(live_engine) -> bool:
    with live_engine.connect() as connection:
        return bool(connection.execute(sa.text(
            "select buddhist_era from users where email = :email"), {"email": ME}).scalar())


def _entry(page):
    return page.locator("ol.timeline > li", has_text=shown_title(page, JAKARTA))


def _set_buddhist_years(page, on: bool) -> None:
    """Through the header's "change" link, the preferences form, its save button."""
    page.locator(".viewer-zone a").click()
    box = page.locator("main form input[name=buddhist_era]")
    box.set_checked(on)
    page.locator("main form [type=submit]").click()


def test_a_thai_reader_chooses_buddhist_years_on_a_phone(live_server, person, live_engine,
                                                        database):
    page = person(ME, language="ไทย", viewport=PHONE)
    start, end = (_as_date(d) for d in _jakarta_dates(live_engine))
    try:
        page.goto(f"{live_server}/")
        assert page_locale(page) == "th"
        assert zone_shown(page, "Asia/Bangkok") in page.locator(".viewer-zone").inner_text()
        gregorian = fmt_interval(start, end, "yMMMd", "th")
        assert gregorian in _entry(page).inner_text()
        shot(page, "zones-timeline-390-th-gregorian", database)

        _set_buddhist_years(page, True)
        assert _chosen(live_engine)
        page.goto(f"{live_server}/")
        entry = _entry(page)
        buddhist = fmt_interval(start, end, "yMMMd", "th", buddhist_era=True)
        assert buddhist != gregorian
        assert buddhist in entry.inner_text()
        assert entry.locator(".year").inner_text() == fmt_year(start, "th", True)
        assert scroll_width(page) <= PHONE["width"]
        shot(page, "zones-timeline-390-th-buddhist", database)
        page.locator(".viewer-zone a").click()
        shot(page, "zones-preferences-390-th", database)
        # The event page: its zone named in Thai, sessions dated in the Buddhist Era.
        open_event(page, live_server, JAKARTA)
        facts = page.locator("main dl.facts").first.inner_text()
        assert buddhist in facts
        midday = localize(datetime.combine(start, time(12)), "Asia/Jakarta")
        assert zone_label("Asia/Jakarta", "th", midday) in facts
        assert scroll_width(page) <= PHONE["width"]
        shot(page, "zones-event-390-th", database)

        # The same account reading English: the choice is for Thai dates only.
        page.get_by_role("button", name="English").click()
        page.goto(f"{live_server}/")
        assert fmt_interval(start, end, "yMMMd", page_locale(page)) in _entry(page).inner_text()
        assert zone_shown(page, "Asia/Bangkok") in page.locator(".viewer-zone").inner_text()
        shot(page, "zones-timeline-390-en", database)
        page.locator(".viewer-zone a").click()
        shot(page, "zones-preferences-390-en", database)
        open_event(page, live_server, JAKARTA)
        assert scroll_width(page) <= PHONE["width"]
        shot(page, "zones-event-390-en", database)
    finally:
        # Leave the demo account as other journeys expect it: Gregorian years, in Thai.
        page.get_by_role("button", name="ไทย").click()
        _set_buddhist_years(page, False)
    assert not _chosen(live_engine)
