"""An organiser checks people in at the door of a session from a 390 px phone: finds a name,
taps once, sees the count grow and the person marked; a mistaken tap is taken back. In Thai
too, the page stays one column wide."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import shot
from tests.browser.journeys import signed_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def arrived(page) -> int:
    return int(re.match(r"\d+", page.locator("main p.lead").inner_text()).group())


def test_check_in_at_the_door_on_a_phone(person, live_server, database):
    organiser = person("organiser@example.org", **PHONE)
    open_event(organiser, live_server, JAKARTA)
    organiser.locator("main h3 a[href*='/sessions/']").first.click()
    organiser.get_by_role("link", name="Check people in").click()
    assert organiser.locator("h1").inner_text().startswith("Check-in")
    before = arrived(organiser)

    organiser.get_by_label("Find a name").fill("sari")
    organiser.get_by_role("button", name="Find", exact=True).click()
    row = organiser.locator("ul.check-in > li")
    expect(row).to_have_count(1)
    assert "Sari" in row.inner_text()
    row.get_by_role("button", name=re.compile("^Check in")).click()
    assert "Sari" in flash(organiser)
    assert arrived(organiser) == before + 1
    expect(organiser.locator("ul.check-in > li.arrived")).to_have_count(1)
    assert "q=sari" in organiser.url and organiser.url.endswith(
        "#" + organiser.locator("ul.check-in > li").get_attribute("id"))
    assert no_sideways_scroll(organiser)
    shot(organiser, "check-in-phone-en", database)

    organiser.locator("ul.check-in > li").get_by_role("button", name=re.compile("^Undo")).click()
    assert arrived(organiser) == before
    expect(organiser.locator("ul.check-in > li.arrived")).to_have_count(0)


def test_check_in_page_in_thai_fits_a_phone(browser, live_server, database):
    organiser = signed_in(browser.new_context(viewport=PHONE["viewport"]).new_page(),
                          live_server, "organiser@example.org", "ไทย")
    try:
        open_event(organiser, live_server, JAKARTA)
        organiser.locator("main h3 a[href*='/sessions/']").first.click()
        organiser.goto(organiser.url.split("#")[0] + "/check-in")
        assert organiser.locator("html").get_attribute("lang") == "th"
        assert organiser.locator("ul.check-in > li").count() >= 1
        assert no_sideways_scroll(organiser)
        shot(organiser, "check-in-phone-th", database)
    finally:  # the language is saved with the account: leave it as the other journeys expect
        organiser.get_by_role("button", name="English").click()
