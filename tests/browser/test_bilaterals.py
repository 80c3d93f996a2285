"""The bilateral poll from both sides: a Thai and a New Zealand invitee answer, each in their
own timezone and language, then the organiser picks a slot and the call is scheduled."""

import pytest
from playwright.sync_api import expect

from app.bilaterals.demo import DEMO_TOPIC
from tests.browser.journeys import zone_shown
from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser


def _open_call(page, base):
    page.goto(f"{base}/bilaterals")
    page.get_by_role("link", name=DEMO_TOPIC).click()


def _answer_all(page, first_answer, others):
    slots = page.locator("fieldset.slot")
    for index in range(slots.count()):
        value = first_answer if index == 0 else others
        slots.nth(index).locator(f"input[value={value}]").check()


def test_poll_from_both_sides_then_the_organiser_schedules(live_server, browser, database):
    thai = browser.new_context(locale="th-TH").new_page()
    sign_in(thai, live_server, "somchai@example.org")
    thai.get_by_role("button", name="ไทย").click()
    _open_call(thai, live_server)
    assert thai.locator("html").get_attribute("lang") == "th"
    bangkok_first = thai.locator("fieldset.slot legend").first.inner_text()
    assert zone_shown(thai, "Asia/Bangkok") in thai.locator(".viewer-zone").inner_text()
    _answer_all(thai, "yes", "no")
    screenshot(thai, f"bilateral-poll-th-{database[0]}")
    thai.locator("form.poll [type=submit]").click()
    expect(thai.locator(".flash")).to_have_count(1)
    assert thai.locator("fieldset.slot").first.locator("input[value=yes]").is_checked()

    kiwi = browser.new_context(locale="en-NZ").new_page()
    sign_in(kiwi, live_server, "participant@example.org")
    kiwi.get_by_role("button", name="English").click()
    _open_call(kiwi, live_server)
    assert zone_shown(kiwi, "Pacific/Auckland") in kiwi.locator(".viewer-zone").inner_text()
    auckland_first = kiwi.locator("fieldset.slot legend").first.inner_text()
    assert auckland_first != bangkok_first  # the same slot, read in another zone
    _answer_all(kiwi, "if_need_be", "yes")
    kiwi.get_by_role("button", name="Save my answers").click()
    assert "Your answers are saved" in kiwi.locator(".flash").inner_text()
    screenshot(kiwi, f"bilateral-poll-nz-{database[0]}")

    organiser = browser.new_context(locale="en-GB").new_page()
    sign_in(organiser, live_server, "organiser@example.org")
    _open_call(organiser, live_server)
    first_row = organiser.locator("table.tally tbody tr").first
    cells = first_row.locator("td").all_inner_texts()
    assert "Auckland" in cells[0] and "Bangkok" in cells[0]
    assert cells[1:4] == ["1", "1", "0"]  # yes, if need be, no
    assert "2 of 2 invitees have answered" in organiser.content()
    screenshot(organiser, f"bilateral-tally-{database[0]}")
    first_row.get_by_role("link").click()  # to the confirmation page
    assert "Local time in Thailand" in organiser.locator("main").inner_text()
    screenshot(organiser, f"bilateral-confirm-{database[0]}")
    organiser.get_by_role("button", name="Yes, schedule this call").click()
    assert "Bilateral call: New Zealand–Thailand" in organiser.locator("h1").inner_text()
    assert "every invitee has their invitation" in organiser.locator(".flash").inner_text()
    screenshot(organiser, f"bilateral-scheduled-{database[0]}")

    _open_call(kiwi, live_server)
    expect(kiwi.locator("fieldset.slot")).to_have_count(0)  # the poll is closed
    assert "Scheduled" in kiwi.content()
