"""An organiser opens the participation statistics from the navigation, asks for the demo's
history (2019-2027, every kind of meeting), reads a chart and its table, and downloads the
table by country as CSV; on a 390 px phone and a desktop, in English and in Thai."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import fits_the_width
from tests.browser.journeys import shot
from tests.browser.journeys import signed_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def test_organiser_reads_the_history_and_downloads_a_table(person, live_server, database):
    organiser = person("organiser@example.org", viewport=DESKTOP)
    organiser.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Statistics").click()
    assert organiser.locator("h1").inner_text() == "Participation statistics"
    organiser.get_by_label("First year").select_option("2019")
    organiser.get_by_label("Last year").select_option("2027")
    organiser.get_by_role("button", name="Show").click()
    assert "first_year=2019" in organiser.url and "last_year=2027" in organiser.url
    chart = organiser.get_by_role("img", name="People taking part each year, by country")
    expect(chart).to_be_visible()
    table = organiser.locator("table", has=organiser.locator(
        "caption", has_text="People taking part each year, by country"))
    years = table.locator("tbody th[scope=row]").all_inner_texts()
    assert years[:4] == ["2019", "2020", "2021", "2022"]  # the platform's meetings so far
    assert table.locator("tbody tr").first.locator("td").last.inner_text() == "35"
    shot(organiser, "statistics-desktop-en", database)

    with organiser.expect_download() as download:
        # The link's name goes on, for screen readers, with the table it downloads.
        organiser.get_by_role("link", name=re.compile(
            r"^Download this table \(CSV\)\W+People taking part each year, by country$")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Year,Australia,Indonesia")
    assert text.splitlines()[1].startswith("2019,")

    organiser.set_viewport_size(PHONE)
    assert no_sideways_scroll(organiser)
    shot(organiser, "statistics-phone-en", database)


def test_statistics_in_thai_on_a_phone_and_a_desktop(browser, live_server, database):
    organiser = signed_in(browser.new_context(viewport=PHONE).new_page(), live_server,
                          "organiser@example.org", "ไทย")
    try:
        organiser.goto(f"{live_server}/statistics?first_year=2019&last_year=2027")
        assert organiser.locator("html").get_attribute("lang") == "th"
        expect(organiser.locator("svg[role=img]")).to_have_count(3)
        assert no_sideways_scroll(organiser)
        shot(organiser, "statistics-phone-th", database)
        organiser.set_viewport_size(DESKTOP)
        shot(organiser, "statistics-desktop-th", database)
    finally:  # the language is saved with the account: leave it as the other journeys expect
        organiser.get_by_role("button", name="English").click()
