"""An organiser balances the Jakarta roundtable's three small groups on a 390 px phone:
previews the proposal (nothing saved), applies it, then moves one person by hand; the
pages in English and Thai."""

from __future__ import annotations

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import shot
from tests.fixtures.browser import ROOT

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
GROUPS = ("Small group A: screening and referral", "Small group B: addressing xenophobia",
          "Small group C: national screening mechanisms")
SARI = "Sari Participant"


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def test_organiser_previews_applies_and_moves_one_person(person, live_server, database):
    english = Translations.load(str(ROOT / "translations"), ["en"])
    organiser = person("organiser@example.org", **PHONE)
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Small groups", exact=True).click()
    assert organiser.locator("h1").inner_text() == "Small groups"
    slot = organiser.locator("main section").first
    for title in GROUPS:  # three groups at one time, all ticked to be balanced
        assert slot.get_by_label(title, exact=True).is_checked()
    slot.get_by_label("Keep current places").check()
    assert no_sideways_scroll(organiser)
    shot(organiser, "small-groups-en", database)

    slot.get_by_role("button", name="Preview balanced groups").click()
    assert organiser.locator("h1").inner_text() == "Proposed small groups"
    main = organiser.locator("main")
    assert "Nothing is saved yet." in main.inner_text()
    cards = main.locator("ul.cards > li")
    expect(cards).to_have_count(3)
    assert SARI in main.inner_text()
    placed = sum(cards.nth(i).locator("ul > li").count() for i in range(3))
    assert placed >= 3  # Sari, Somchai and the advocate at least
    assert no_sideways_scroll(organiser)
    shot(organiser, "small-groups-preview-en", database)

    organiser.get_by_role("button", name="Apply these groups").click()
    assert english.ngettext("Groups applied: %(num)d person placed.",
                            "Groups applied: %(num)d people placed.", placed) % {
        "num": placed} in flash(organiser)

    # Sari attends in person: in group A (in person only) or C (both); move her to the other.
    slot = organiser.locator("main section").first
    person_select = slot.get_by_label("Person")
    sari_option = person_select.locator("option", has_text=SARI)
    label = sari_option.inner_text()
    target = GROUPS[2] if GROUPS[0] in label else GROUPS[0]
    person_select.select_option(value=sari_option.get_attribute("value"))
    slot.get_by_label("Into group").select_option(label=target)
    slot.get_by_role("button", name="Move", exact=True).click()
    assert f"{SARI} moved." in flash(organiser)
    card = organiser.locator("main ul.cards > li", has_text=target).first
    assert SARI in card.inner_text()
    assert target in organiser.locator("main section").first.get_by_label("Person").locator(
        "option", has_text=SARI).inner_text()
    shot(organiser, "small-groups-moved-en", database)

    thai = person("organiser@example.org", "ไทย", locale="th-TH", **PHONE)
    thai.goto(organiser.url)
    assert thai.locator("html").get_attribute("lang").startswith("th")
    assert no_sideways_scroll(thai)
    shot(thai, "small-groups-th", database)
    thai.locator("main section").first.locator("[type=submit]").first.click()
    assert no_sideways_scroll(thai)
    shot(thai, "small-groups-preview-th", database)
    # Back to English for the journeys that follow (the choice is kept with the account).
    thai.get_by_role("button", name="English").click()
