import pytest

from tests.browser.journeys import page_locale
from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in
from tests.formatting import clock

pytestmark = pytest.mark.browser


def test_auckland_participant_sees_the_april_2022_workshop_in_their_time(
        live_server, page, database):
    sign_in(page, live_server, "participant@example.org")  # Pacific/Auckland
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="What makes government and civil society partnerships "
                                  "effective?").click()
    page.get_by_role("link", name="Welcome and introductions").click()
    when = page.locator(".when").first.inner_text()
    # 13:00 in Sydney on 5 April 2022 (both left daylight time on 3 April): 15:00 in Auckland.
    assert clock(15, 0, page_locale(page)) in when and "your time" in when
    assert clock(13, 0, page_locale(page)) in when and "Sydney" in when
    strip = page.get_by_role("list", name="Time in each participating country").inner_text()
    for city, hour in [("Bangkok", 10), ("Jakarta", 10), ("Kuala Lumpur", 11), ("Perth", 11),
                       ("Sydney", 13), ("Auckland", 15)]:
        line = next(line for line in strip.splitlines() if city in line)
        assert clock(hour, 0, page_locale(page)) in line, line
    for country in ("Australia", "Indonesia", "Malaysia", "New Zealand", "Thailand"):
        assert country in strip
    assert page.get_by_role("note").inner_text().startswith("Chatham House Rule")
    screenshot(page, f"session-en-{database[0]}")


@pytest.mark.parametrize("locale_button", ["Bahasa Indonesia", "Bahasa Melayu", "ไทย"])
def test_agenda_reads_in_each_language(live_server, page, database, locale_button):
    sign_in(page, live_server, "sari@example.org")
    page.get_by_role("button", name=locale_button).click()
    page.goto(f"{live_server}/events")
    page.locator("table a").first.click()
    assert page.locator(".session").count() >= 4
    screenshot(page, f"agenda-{page.locator('html').get_attribute('lang')}-{database[0]}")
