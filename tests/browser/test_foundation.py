import pytest
from babel.support import Translations

from tests.browser.journeys import zone_shown
from tests.fixtures.browser import ROOT
from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in
from tests.formatting import clock

pytestmark = pytest.mark.browser


def test_participant_switches_to_thai_and_sees_times_in_their_zone(live_server, page, database):
    sign_in(page, live_server, "participant@example.org")
    assert page.get_by_role("heading", name="Regional Peer-Learning Platform").is_visible()
    page.get_by_role("button", name="ไทย").click()
    assert page.locator("html").get_attribute("lang") == "th"
    thai = Translations.load(str(ROOT / "translations"), ["th"])
    assert page.get_by_role("link", name=thai.gettext("Timeline"), exact=True).is_visible()
    assert page.get_by_role("heading", name=thai.gettext("Meetings, newest first")).is_visible()
    body = page.locator("main").inner_text()
    # Jakarta 2027 opens at 09:00 in Jakarta (UTC+7): 14:00 in Auckland (NZST, UTC+12).
    assert clock(14, 0, "th") in body
    assert zone_shown(page, "Pacific/Auckland") in page.locator(".viewer-zone").inner_text()
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in body), "no Thai text on the page"
    screenshot(page, f"timeline-th-{database[0]}")
