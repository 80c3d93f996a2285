"""An organiser puts Burmese on the list of interpretation languages, a participant asks
for it in the Jakarta site visit, and the organiser sees the request on the demand grid and
opens a Burmese channel interpreted consecutively, on a 390 px phone; the pages are kept as
screenshots in English and Thai (SQLite run)."""

from __future__ import annotations

import pytest

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SITE_VISIT = "Site visit: community placement programme"


def _fits(page) -> None:
    assert scroll_width(page) <= PHONE["width"]


def _in_thai_too(page, name: str, database) -> None:
    shot(page, f"interp-{name}-390-en", database)
    _fits(page)
    page.get_by_role("button", name="ไทย").click()
    assert page.locator("html").get_attribute("lang").startswith("th")
    shot(page, f"interp-{name}-390-th", database)
    _fits(page)
    page.get_by_role("button", name="English").click()


def _choose_session(form, title: str) -> None:
    select = form.get_by_label("Session")
    value = select.locator("option", has_text=title).first.get_attribute("value")
    select.select_option(value)


def test_burmese_from_the_list_to_a_consecutive_channel(live_server, person, database):
    organiser = person("organiser@example.org", viewport=PHONE)
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Interpretation demand").click()
    assert "Burmese" not in organiser.locator("main table").inner_text()
    organiser.locator("main p.actions").get_by_role("link", name="Languages").click()
    form = organiser.locator("main form", has=organiser.get_by_label("Code (ISO 639)"))
    form.get_by_label("Code (ISO 639)").fill("my")
    form.get_by_label("Name in English").fill("Burmese")
    form.get_by_label("Name in the language itself").fill("မြန်မာ")
    form.get_by_role("button", name="Add language").click()
    assert "Burmese is on the list." in flash(organiser)
    row = organiser.locator("main tr", has_text="Burmese")
    assert "my" in row.inner_text() and "Offered" in row.inner_text()
    assert "Sign language" in organiser.locator("main tr", has_text="Auslan").inner_text()
    _in_thai_too(organiser, "languages", database)

    sari = person("sari@example.org", viewport=PHONE)  # registered for the Jakarta meeting
    open_event(sari, live_server, JAKARTA)
    sari.get_by_role("link", name="Ask for interpretation in a session").click()
    ask = sari.locator("main form")
    _choose_session(ask, SITE_VISIT)
    ask.get_by_label("Interpretation into").select_option(label="Burmese")
    ask.get_by_role("button", name="Ask for interpretation").click()
    assert "Your request is saved." in flash(sari)
    assert f"{SITE_VISIT}: Burmese" in sari.locator("main").inner_text()

    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Interpretation demand").click()
    grid = organiser.locator("main table.grid")
    visit = grid.locator("tr", has_text=SITE_VISIT)
    assert visit.locator("td[data-label='Burmese']").inner_text().strip().startswith("1")
    form = organiser.locator("main form", has=organiser.get_by_label("Mode"))
    _choose_session(form, SITE_VISIT)
    form.get_by_label("Language", exact=True).select_option(label="Burmese")
    form.get_by_label("Mode", exact=True).select_option(label="Consecutive")
    form.get_by_role("button", name="Open channel").click()
    assert "Channel opened." in flash(organiser)
    cell = organiser.locator("main table.grid tr", has_text=SITE_VISIT).locator(
        "td[data-label='Burmese']")
    assert "channel open · Consecutive" in cell.inner_text()
    _in_thai_too(organiser, "demand", database)
    organiser.locator("main p.actions").get_by_role("link", name="Coverage").click()
    burmese = organiser.locator("main tr", has_text="Burmese").filter(has_text=SITE_VISIT)
    assert "0/2" in burmese.inner_text()  # 4 h 30 consecutive: a team of two
    _in_thai_too(organiser, "coverage", database)
