"""Content in four languages (issue 20), on a 390 px phone: the organiser opens the Putrajaya
roundtable's Translations page, sees what is missing and gives one session a Thai title; a
Thai participant then reads that title in Thai, and the sessions nobody translated in
English, marked as such (lang="en" on the text, for the screen reader's voice, and a visible
note). On the Jakarta roundtable, translated in the demo but for one session, the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.i18n import language_name
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot
from tests.browser.journeys import shown_title

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
PUTRAJAYA = "Second in-person roundtable, Putrajaya"
SESSION, SESSION_TH = "Quiz and case studies", "แบบทดสอบและกรณีศึกษา"
UNTRANSLATED = "Country presentations"


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def marked_in_english(page, title: str):
    """The session card's title shown as the English original, with its note."""
    return page.locator(".session h3 a span[lang='en']", has_text=title)


def test_an_organiser_adds_a_thai_title_and_a_thai_reader_reads_it(person, live_server,
                                                                   database):
    organiser = person("organiser@example.org", **PHONE)
    open_event(organiser, live_server, PUTRAJAYA)
    translations_link = organiser.locator("main .actions a", has_text="Translations")
    assert "missing" in translations_link.inner_text()
    translations_link.click()
    assert organiser.locator("h1").inner_text() == "Translations"
    session = organiser.locator("fieldset", has_text=SESSION)
    label = f"Title in {language_name('th', page_locale(organiser))}"
    box = session.get_by_label(label, exact=True)
    assert box.get_attribute("lang") == "th"
    box.fill(SESSION_TH)
    assert no_sideways_scroll(organiser)
    shot(organiser, "translations-390-en", database)
    organiser.get_by_role("button", name="Save translations").click()
    assert "Translations saved." in flash(organiser)
    assert organiser.locator("fieldset", has_text=SESSION).get_by_label(
        label, exact=True).input_value() == SESSION_TH
    organiser.get_by_role("button", name="ไทย").click()  # the same page, in Thai
    assert organiser.locator("fieldset", has_text=SESSION).locator(
        "input[lang='th']").input_value() == SESSION_TH
    assert no_sideways_scroll(organiser)
    shot(organiser, "translations-390-th", database)
    organiser.get_by_role("button", name="English").click()

    thai = person("somchai@example.org", "ไทย", locale="th-TH", **PHONE)
    note = language_name("en", page_locale(thai))
    open_event(thai, live_server, PUTRAJAYA)
    expect(thai.locator(".session h3 a", has_text=SESSION_TH)).to_have_count(1)
    expect(marked_in_english(thai, SESSION)).to_have_count(0)
    untranslated = marked_in_english(thai, UNTRANSLATED)
    expect(untranslated).to_have_count(1)
    link = thai.locator(".session h3 a", has=thai.locator("span[lang='en']",
                                                          has_text=UNTRANSLATED))
    assert note in link.locator("small.untranslated").inner_text()
    assert no_sideways_scroll(thai)
    shot(thai, "translations-putrajaya-390-th", database)

    open_event(thai, live_server, JAKARTA)
    assert thai.locator("h1").inner_text().startswith(shown_title(thai, JAKARTA))
    assert thai.locator(".session h3 a", has_text=shown_title(
        thai, "Opening and country updates")).count() == 1
    expect(marked_in_english(thai, "Welcome dinner")).to_have_count(1)
    assert no_sideways_scroll(thai)
    shot(thai, "translations-jakarta-390-th", database)

    english = person("participant@example.org", **PHONE)
    open_event(english, live_server, JAKARTA)
    expect(english.locator(".session span[lang]")).to_have_count(0)  # the originals, unmarked
    shot(english, "translations-jakarta-390-en", database)
