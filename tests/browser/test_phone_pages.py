"""The pages this round added, on a 390 px phone in each of the four languages: nothing
scrolls sideways, and a screenshot of each is kept to be looked at (screenshots/, SQLite run).

Reached as people reach them: through the links of the pages before, in English, then each
page is switched to each language with the header's buttons (which return to the same page).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu", "th": "ไทย"}


def _page_width(page) -> int:
    return scroll_width(page)


def _in_every_language(page, name: str, database) -> dict[str, int]:
    """Switch ``page`` to each language; the width each renders at."""
    widths = {}
    for code, button in LANGUAGES.items():
        page.get_by_role("button", name=button).click()
        assert page.locator("html").get_attribute("lang").split("-")[0] == code
        expect(page.locator("h1"), f"{name} ({code}) has no single main heading").to_have_count(1)
        widths[code] = _page_width(page)
        shot(page, f"phone-{name}-390-{code}", database)
    page.get_by_role("button", name="English").click()
    return widths


def _assert_fits(widths_by_page: dict[str, dict[str, int]]) -> None:
    wide = {page: {code: width for code, width in widths.items() if width > PHONE["width"]}
            for page, widths in widths_by_page.items()}
    assert not any(wide.values()), f"scrolls sideways at 390 px: {wide}"


def test_organisers_new_pages_fit_a_phone_in_every_language(live_server, person, database):
    page = person("organiser@example.org", viewport=PHONE)
    widths = {}
    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Cancel event").click()
    widths["cancel-event"] = _in_every_language(page, "cancel-event", database)
    page.get_by_role("link", name="Go back").click()
    page.get_by_role("link", name="Edit event").click()
    widths["event-form"] = _in_every_language(page, "event-form", database)

    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Registrations and roster").click()
    page.get_by_role("link", name="Visa letter").first.click()
    widths["visa-letter"] = _in_every_language(page, "visa-letter", database)

    page.goto(f"{live_server}/working-groups")
    page.locator("main table a").first.click()
    page.get_by_role("link", name="Edit the working group").click()
    widths["working-group-edit"] = _in_every_language(page, "working-group-edit", database)
    _assert_fits(widths)


def test_interpreters_decline_page_fits_a_phone_in_every_language(live_server, person,
                                                                  database):
    page = person("interpreter@example.org", viewport=PHONE)
    page.goto(f"{live_server}/interpretation/assignments")
    page.get_by_role("link", name="Decline").first.click()
    expect(page.get_by_label("Reason for declining")).to_be_visible()
    _assert_fits({"decline": _in_every_language(page, "decline", database)})


def test_the_notices_page_fits_a_phone_in_every_language(live_server, person, database):
    page = person("sari@example.org", viewport=PHONE)  # the demo told her of four things
    page.goto(f"{live_server}/")
    page.locator("header.site nav a[href='/notices']").click()
    assert page.locator("li.notice").count() >= 1
    _assert_fits({"notices": _in_every_language(page, "notices", database)})


def test_the_personal_data_pages_fit_a_phone_in_every_language(live_server, person, new_page,
                                                               database):
    """The privacy notice (anyone), Your data (everyone signed in), and the organisers'
    Personal data and Audit log pages (issue 19), reached through the footer and the menu."""
    widths = {}
    visitor = new_page(viewport=PHONE)
    visitor.goto(f"{live_server}/")
    visitor.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    widths["privacy-notice"] = _in_every_language(visitor, "privacy-notice", database)
    page = person("participant@example.org", viewport=PHONE)
    page.get_by_role("contentinfo").get_by_role("link", name="Your data").click()
    widths["your-data"] = _in_every_language(page, "your-data", database)
    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.get_by_role("link", name="Personal data").click()
    widths["personal-data"] = _in_every_language(organiser, "personal-data", database)
    organiser.get_by_role("link", name="Audit log").first.click()
    widths["audit-log"] = _in_every_language(organiser, "audit-log", database)
    _assert_fits(widths)
