"""A bilateral call from proposal to outcome through the real pages (issue 21): the organiser
chooses New Zealand and Thailand and gets their delegations listed and ticked, opens the poll;
the two invitees answer; the organiser reads the answers person by person, schedules a slot
after the confirmation page, records notes and a follow-up action for the Thai invitee, who
finds it on their list of calls and marks it done. The organiser's pages are kept as 390 px
screenshots in English and Thai, and must not scroll sideways."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import flash
from tests.browser.test_journey_accounts import PHONE
from tests.browser.test_journey_accounts import _fits_a_phone

pytestmark = pytest.mark.browser


def _open(page, base, topic):
    page.goto(f"{base}/bilaterals")
    page.get_by_role("link", name=topic).click()


def _answer(page, value):
    slots = page.locator("fieldset.slot")
    for index in range(slots.count()):
        slots.nth(index).locator(f"input[value={value}]").check()
    page.get_by_role("button", name="Save my answers").click()
    assert "Your answers are saved" in flash(page)


def test_a_call_from_proposal_to_outcome(live_server, person, database):
    run = database[0]
    topic = f"Outcome journey ({run}): guardianship for children in community placement"
    first = date.today() + timedelta(days=14)

    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.goto(f"{live_server}/bilaterals")
    organiser.get_by_role("link", name="Plan a bilateral call").click()
    assert organiser.locator("fieldset.invitee-group legend").all_inner_texts() == [
        "Organisers", "Interpreters"]  # no delegation before the two countries are chosen
    organiser.get_by_label("First country").select_option(label="New Zealand")
    organiser.get_by_label("Second country").select_option(label="Thailand")
    organiser.get_by_role("button", name="Show their delegates").click()
    groups = organiser.locator("fieldset.invitee-group legend").all_inner_texts()
    assert groups[:2] == ["Delegation of New Zealand", "Delegation of Thailand"]
    pita = organiser.get_by_label("Pita Participant", exact=False)
    somchai = organiser.get_by_label("Somchai Participant", exact=False)
    assert pita.is_checked() and somchai.is_checked()
    expect(organiser.get_by_label("Sari Participant", exact=False)).to_have_count(0)  # Indonesia
    _fits_a_phone(organiser, "call-outcome-form-en", database)
    organiser.get_by_label("Topic").fill(topic)
    organiser.get_by_label("From").fill(first.isoformat())
    organiser.get_by_label("Until").fill((first + timedelta(days=13)).isoformat())
    organiser.get_by_role("button", name="Find slots and open the poll").click()
    assert "The poll is open" in flash(organiser)
    call_url = organiser.url

    for email, value in (("participant@example.org", "yes"), ("somchai@example.org", "no")):
        invitee = person(email)
        _open(invitee, live_server, topic)
        if email == "participant@example.org":
            assert "Answers by person" not in invitee.content()
        _answer(invitee, value)

    organiser.goto(call_url)
    rows = organiser.locator("table.by-person tbody tr")
    answers = {rows.nth(n).locator("th").inner_text(): rows.nth(n).locator("td").first
               .inner_text() for n in range(rows.count())}
    assert answers["Pita Participant"].endswith("Yes")
    assert answers["Somchai Participant"].endswith("No")
    _fits_a_phone(organiser, "call-outcome-answers-en", database)
    organiser.locator("table.tally tbody tr").first.get_by_role("link").click()
    assert "Local time in New Zealand" in organiser.locator("main").inner_text()
    organiser.get_by_role("button", name="Yes, schedule this call").click()
    assert "every invitee has their invitation" in flash(organiser)

    organiser.goto(call_url)
    organiser.get_by_label("What the call discussed and decided").fill(
        "Both sides described how a guardian is appointed.\nAgreed: compare the forms.")
    organiser.get_by_role("button", name="Save the notes").click()
    assert "The notes are saved" in flash(organiser)
    organiser.get_by_label("Action").fill("Send the guardianship referral form")
    organiser.get_by_label("Owner").select_option(label="Somchai Participant")
    organiser.get_by_label("Due date").fill((first + timedelta(days=30)).isoformat())
    organiser.get_by_role("button", name="Add the action").click()
    assert "its owner is told" in flash(organiser)
    _fits_a_phone(organiser, "call-outcome-after-en", database)

    thai_organiser = person("organiser@example.org", language="ไทย", viewport=PHONE)
    thai_organiser.goto(call_url)
    _fits_a_phone(thai_organiser, "call-outcome-after-th", database)
    thai_organiser.goto(f"{live_server}/bilaterals/new?country_a=NZ&country_b=TH")
    _fits_a_phone(thai_organiser, "call-outcome-form-th", database)
    person("organiser@example.org")  # back to English for the journeys after this one

    owner = person("somchai@example.org", viewport=PHONE)
    owner.goto(f"{live_server}/bilaterals")
    card = owner.locator("li.card", has_text="Send the guardianship referral form")
    assert topic in card.inner_text()
    _fits_a_phone(owner, "call-outcome-owner-en", database)
    card.get_by_role("button", name="Mark as done").click()
    assert "marked done" in flash(owner)
    expect(owner.locator("li.card", has_text="Send the guardianship referral form")
           ).to_have_count(0)
    _open(owner, live_server, topic)
    assert "Both sides described how a guardian is appointed." in owner.content()
    assert "Done" in owner.locator("[aria-labelledby=outcome-heading] table.actions").inner_text()
    # The demo's earlier New Zealand-Thailand call left actions open: shown "from last time".
    assert "Send the screening checklist in Thai and English" in owner.locator(
        "[aria-labelledby=last-time-heading]").inner_text()
