from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import page_locale
from tests.browser.journeys import zone_shown
from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in
from tests.formatting import clock
from tests.formatting import day

pytestmark = pytest.mark.browser

SESSION = "Opening and country updates"


def test_interpreter_sees_their_assignment_in_their_time_and_accepts(live_server, page,
                                                                      database):
    sign_in(page, live_server, "interpreter@example.org")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="My assignments").click()
    assert f"Times shown in {zone_shown(page, 'Asia/Bangkok')}" in page.locator(
        ".viewer-zone").inner_text()
    card = page.locator(".assignment", has_text=SESSION).first
    text = card.inner_text()
    # 09:00 in Jakarta is 09:00 in Bangkok (both UTC+7) on Tuesday 22 June 2027.
    locale = page_locale(page)
    assert day(date(2027, 6, 22), locale) in text and clock(9, 0, locale) in text
    assert "English → Thai" in text and "Kanya Interpreter" in text
    assert "Main hall, Jakarta" in text and "Proposed" in text
    screenshot(page, f"interpreter-assignments-{database[0]}")
    card.get_by_role("button", name="Accept").click()
    assert "accepted" in page.locator(".flash").inner_text()
    assert "Accepted" in page.locator(".assignment", has_text=SESSION).first.inner_text()
    screenshot(page, f"interpreter-accepted-{database[0]}")


def test_organiser_sees_demand_and_coverage(live_server, page, database):
    sign_in(page, live_server, "organiser@example.org")
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Annual in-person roundtable 2027, Jakarta").click()
    page.get_by_role("link", name="Interpretation demand").click()
    expect(page.locator("table.grid")).to_be_visible()
    screenshot(page, f"interpretation-demand-{database[0]}")
    page.get_by_role("link", name="Coverage", exact=True).click()
    assert "Ingrid Interpreter" in page.locator("table").inner_text()
    screenshot(page, f"interpretation-coverage-{database[0]}")
