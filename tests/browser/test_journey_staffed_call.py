"""An organiser on a phone plans an Indonesia-Thailand call that books Roundtable's
Thai-Indonesian interpreters: the poll offers only times when a team is free, the
confirmation page names the team, and once the slot is picked the interpreter (Nok, the
demo's one Thai-Indonesian interpreter) finds the proposed assignment among hers. The call
and confirmation pages are read in Thai too."""

import re
from datetime import date
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import flash
from tests.browser.journeys import invite_only
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TOPIC = "Interpreted follow-up on family tracing"
NOK = "nok.interpreter@example.org"


def test_a_call_booking_interpreters_is_staffed_when_its_slot_is_picked(person, live_server,
                                                                        database):
    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.goto(f"{live_server}/bilaterals")
    organiser.locator("main a[href='/bilaterals/new']").click()
    form = organiser.locator("main form")
    form.get_by_label("First country").select_option("ID")
    form.get_by_label("Second country").select_option("TH")
    form.get_by_label("Topic").fill(TOPIC)
    first = date.today() + timedelta(days=14)
    form.get_by_label("From").fill(first.isoformat())
    form.get_by_label("Until").fill((first + timedelta(days=13)).isoformat())
    form.get_by_label("Timezone of the call").select_option("Asia/Jakarta")
    invite_only(organiser, "Sari Participant", "Somchai Participant")
    form.get_by_label("Interpretation", exact=True).select_option("th-id")
    assert form.get_by_label("Book our interpreters for it").is_checked()
    assert form.get_by_label(re.compile("^Keep Ramadan hours")).is_checked()
    shot(organiser, "slots-call-form-en", database)
    form.get_by_role("button", name="Find slots and open the poll").click()
    assert "The poll is open with" in flash(organiser), flash(organiser)
    call_url = organiser.url
    rows = organiser.locator("table.tally tbody tr")
    assert rows.count() >= 1
    # Each slot reads in each side's local time, and where it falls in their day.
    assert "Jakarta" in rows.first.inner_text() and "Bangkok" in rows.first.inner_text()
    shot(organiser, "slots-staffed-call-en", database)

    rows.first.get_by_role("link", name=re.compile("^Schedule this slot")).click()
    confirm_url = organiser.url
    staffing = organiser.locator("main").inner_text()
    assert "Nok Interpreter" in staffing and "Thai–Indonesian" in staffing, staffing
    shot(organiser, "slots-staffed-confirm-en", database)

    # The same two pages in Thai, as a Thai-speaking organiser reads them.
    organiser.get_by_role("button", name="ไทย").click()
    organiser.goto(call_url)
    assert organiser.locator("html").get_attribute("lang") == "th"
    shot(organiser, "slots-staffed-call-th", database)
    organiser.goto(confirm_url)
    assert "Nok Interpreter" in organiser.locator("main").inner_text()
    shot(organiser, "slots-staffed-confirm-th", database)
    organiser.get_by_role("button", name="English").click()
    organiser.goto(confirm_url)

    organiser.get_by_role("button", name="Yes, schedule this call").click()
    assert "every invitee has their invitation" in flash(organiser), flash(organiser)
    assert "Indonesia–Thailand" in organiser.locator("h1").inner_text()

    nok = person(NOK, viewport=PHONE)
    nok.get_by_role("link", name="My assignments").click()
    card = nok.locator(".assignment", has=nok.get_by_role("heading", name=TOPIC, exact=True))
    expect(card).to_have_count(1)
    text = card.inner_text()
    assert "Thai" in text and "Indonesian" in text and "Proposed" in text, text
    expect(card.get_by_role("button", name="Accept")).to_have_count(1)
    shot(nok, "slots-staffed-interpreter-en", database)
