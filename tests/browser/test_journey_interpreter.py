"""The interpreter's journey through the real pages (issue 13), as Ingrid (interpreter@,
Asia/Bangkok): the proposed assignments read in her own time, one accepted, one declined."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot
from tests.browser.journeys import zone_shown
from tests.formatting import clock
from tests.formatting import day

pytestmark = pytest.mark.browser

ACCEPTED = "Community-based placement"  # 11:00-12:30 in Jakarta on 22 June 2027
DECLINED = "Next steps"  # 11:30-12:30 in Jakarta on 24 June 2027
REASON = "I am booked at another conference that week."


@pytest.fixture
def ingrid(person):
    page = person("interpreter@example.org", locale="th-TH")
    page.get_by_role("link", name="My assignments").click()
    return page


def _card(page, title):
    return page.locator(".assignment", has=page.get_by_role("heading", name=title, exact=True))


def test_reads_assignments_in_her_own_time_and_accepts_one(ingrid, database):
    page = ingrid
    assert (f"Times shown in {zone_shown(page, 'Asia/Bangkok')}"
            in page.locator(".viewer-zone").inner_text())
    cards = page.locator(".assignment")
    assert cards.count() >= 3
    for index in range(cards.count()):
        assert zone_shown(page, "Asia/Bangkok") in cards.nth(index).locator(
            ".when + .muted").inner_text()  # no daylight time: the same label all year
    card = _card(page, ACCEPTED)
    text = card.inner_text()
    # Jakarta and Bangkok share UTC+7: 11:00 in Jakarta is 11:00 for Ingrid.
    locale = page_locale(page)
    assert day(date(2027, 6, 22), locale) in text and clock(11, 0, locale) in text
    assert "English → Thai" in text and "Kanya Interpreter" in text
    assert "Main hall, Jakarta" in text
    shot(page, "journey-interpreter-assignments", database)
    card.get_by_role("button", name="Accept").click()
    assert "accepted" in flash(page)
    assert _card(page, ACCEPTED).locator(".status").inner_text() == "Accepted"
    # A booked assignment shows its turns: who is on the microphone when, in her time.
    _card(page, ACCEPTED).locator("summary", has_text="Turn schedule").click()
    turns = _card(page, ACCEPTED).locator("details ol").inner_text()
    assert clock(11, 0, page_locale(page)) in turns and "Ingrid Interpreter" in turns


def test_declines_one_giving_a_reason(ingrid, person, live_server, live_engine, database):
    page = ingrid
    card = _card(page, DECLINED)
    assert card.locator(".status").inner_text() in ("Proposed", "Accepted")
    # Declining is not one click: the card links to a page that says what happens and asks
    # why, and only its button declines.
    card.get_by_role("link", name="Decline").click()
    assert page.locator("h1").inner_text() == f"Decline interpreting “{DECLINED}”?"
    assert "organisers are emailed" in page.locator("main").inner_text()
    form = page.locator("main form")
    expect(form.get_by_role("link", name="Go back")).to_have_count(1)
    reason = form.get_by_label("Reason for declining")
    assert reason.get_attribute("required") is not None
    reason.fill(REASON)
    shot(page, "journey-interpreter-decline-reason", database)
    form.get_by_role("button", name="Decline the assignment").click()
    assert "Declined." in flash(page)
    declined = _card(page, DECLINED)
    assert declined.locator(".status").inner_text() == "Declined"
    assert REASON in declined.inner_text()
    expect(declined.get_by_role("link", name="Decline")).to_have_count(0)
    shot(page, "journey-interpreter-declined", database)
    # The organisers are emailed once each, with the reason...
    with live_engine.connect() as connection:
        recipients = connection.execute(text(
            "SELECT recipient FROM outbox_messages WHERE body LIKE :reason"),
            {"reason": f"%{REASON}%"}).scalars().all()
    assert "organiser@example.org" in recipients and len(recipients) == len(set(recipients))
    # ... and read it beside the declined assignment on the coverage page.
    organiser = person("organiser@example.org")
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Interpretation coverage").click()
    row = organiser.locator("tbody tr", has_text=REASON)
    expect(row).to_have_count(1)
    assert DECLINED in row.inner_text() and "Ingrid Interpreter (Declined)" in row.inner_text()
    shot(organiser, "journey-organiser-coverage-declined", database)
