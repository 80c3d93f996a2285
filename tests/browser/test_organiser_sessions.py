"""The organiser adds a session to a virtual event through the real pages, filling only what
the page shows; a time the clocks skip is refused beside its field."""

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser

DST_MESSAGE = ("02:30 does not exist on 2026-10-04 in Australia/Sydney: the clocks skip that "
               "hour when daylight saving starts. Choose another time.")


def test_organiser_adds_a_session_to_a_virtual_event_and_meets_the_dst_gap(
        live_server, page, database):
    sign_in(page, live_server, "organiser@example.org")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Create an event").click()
    title = f"Spring forward check ({database[0]})"
    form = page.locator("main form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Kind of meeting").select_option("virtual")
    form.get_by_label("Timezone of the meeting").select_option("Australia/Sydney")
    form.get_by_label("First day").fill("2026-10-03")
    form.get_by_label("Last day").fill("2026-10-05")
    form.get_by_role("button", name="Save event").click()
    assert title in page.locator("h1").inner_text()

    page.get_by_role("link", name="Add a session").click()
    form = page.locator("main form")
    expect(form.get_by_label("Who attends how")).to_have_count(0)  # a virtual event: online
    form.get_by_label("Title", exact=True).fill("Early start")
    form.get_by_label("Day").select_option("2026-10-04")
    form.get_by_label("Starts (meeting time)").fill("02:30")
    form.get_by_label("Ends (meeting time)").fill("03:30")
    form.get_by_role("button", name="Save session").click()

    start = page.locator("#start_time")
    assert start.get_attribute("aria-invalid") == "true"
    assert page.locator("#start_time-error").inner_text() == DST_MESSAGE
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert summary.get_by_role("link").get_attribute("href") == "#start_time"
    assert DST_MESSAGE in summary.inner_text()
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    screenshot(page, f"session-dst-gap-{database[0]}")

    start.fill("03:00")
    page.locator("#end_time").fill("04:00")
    page.get_by_role("button", name="Save session").click()
    assert "Session saved." in page.locator(".flash").inner_text()
    expect(page.get_by_role("link", name="Early start")).to_have_count(1)
