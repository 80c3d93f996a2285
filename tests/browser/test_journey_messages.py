"""An organiser's message to an event's registrants, on a 390 px phone: the organiser writes
pre-reading with a Thai translation for the Thai delegation's in-person registrants, reads
how many people will receive it, confirms, and a Thai participant reads it in Thai on their
Notices page."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from app.core.i18n import language_name
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot
from tests.browser.journeys import shown_title
from tests.fixtures.browser import ROOT

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
SUBJECT_TH = "เอกสารอ่านก่อนการประชุมจาการ์ตา"
BODY_TH = "โปรดอ่านกรณีศึกษาทั้งสามเรื่องก่อนการประชุม"


def catalog(language: str):
    return Translations.load(str(ROOT / "translations"), [language])


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def test_pre_reading_in_thai_for_the_thai_delegation_in_person(person, live_server, database):
    english = catalog("en")
    organiser = person("organiser@example.org", **PHONE)
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Message registrants").click()
    assert organiser.locator("h1").inner_text() == "Message registrants"
    organiser.get_by_label("Thailand", exact=True).check()
    organiser.get_by_label("In person", exact=True).check()
    organiser.get_by_label("Subject in English").fill("Pre-reading for Jakarta")
    organiser.get_by_label("Message in English").fill(
        "Please read the three case studies before we meet.")
    organiser.get_by_label("Subject in Thai").fill(SUBJECT_TH)
    organiser.get_by_label("Message in Thai").fill(BODY_TH)
    assert no_sideways_scroll(organiser)
    shot(organiser, "messages-compose-en", database)
    organiser.get_by_role("button", name="Check recipients").click()

    count_line = organiser.locator("main strong").first.inner_text()
    count = int(re.match(r"\d+", count_line).group())
    assert count >= 1
    assert count_line == english.ngettext("%(num)d person will receive this.",
                                          "%(num)d people will receive this.", count) % {
        "num": count}
    assert organiser.locator("section[lang=th]").inner_text().count(SUBJECT_TH) == 1
    assert no_sideways_scroll(organiser)
    shot(organiser, "messages-confirm-en", database)
    send = english.ngettext("Send to %(num)d person", "Send to %(num)d people", count) % {
        "num": count}
    organiser.get_by_role("button", name=send).click()
    assert english.ngettext("Sent to %(num)d person.", "Sent to %(num)d people.", count) % {
        "num": count} in flash(organiser)
    expect(organiser.get_by_role("button", name=send)).to_have_count(0)  # sent: no second button

    thai = person("somchai@example.org", "ไทย", locale="th-TH", **PHONE)
    thai.locator("header.site nav a[href='/notices']").click()
    notice = thai.locator("li.notice.unread", has_text=SUBJECT_TH).first
    assert shown_title(thai, JAKARTA) in notice.inner_text() and BODY_TH in notice.inner_text()
    assert "Pre-reading for Jakarta" not in notice.inner_text()
    assert no_sideways_scroll(thai)
    shot(thai, "messages-notice-th", database)
    # Pita (New Zealand, online) is not in that audience: nothing for them.
    kiwi = person("participant@example.org", **PHONE)
    kiwi.locator("header.site nav a[href='/notices']").click()
    expect(kiwi.locator("li.notice", has_text="Pre-reading for Jakarta")).to_have_count(0)


def test_a_language_that_will_not_be_provided(person, live_server, database):
    """Somchai asks for Thai in one session; the organiser says Thai will not be provided at
    this event, with a reason; Somchai reads it, in Thai, on his registrations."""
    thai = person("somchai@example.org", "ไทย", locale="th-TH", **PHONE)
    open_event(thai, live_server, JAKARTA)
    event_path = thai.url.split(live_server, 1)[1]
    thai.goto(f"{live_server}{event_path}/interpretation/requests")
    thai.locator("select[name=language]").select_option("th")
    thai.locator("main form [type=submit]").click()

    organiser = person("organiser@example.org", **PHONE)
    organiser.goto(f"{live_server}{event_path}/interpretation")
    form = organiser.locator("form", has=organiser.get_by_role(
        "button", name="Mark as not provided"))
    form.get_by_label("For", exact=True).select_option("event")
    form.get_by_label("Language", exact=True).select_option("th")
    form.get_by_label("Reason (optional)").fill("No Thai interpreters are free that week.")
    form.get_by_role("button", name="Mark as not provided").click()
    assert "Marked as not provided" in flash(organiser)
    assert no_sideways_scroll(organiser)
    shot(organiser, "messages-not-provided-en", database)

    words = catalog("th")
    thai.goto(f"{live_server}/registrations")
    card = thai.locator("li.card", has_text=shown_title(thai, JAKARTA))
    line = words.gettext("%(language)s interpretation will not be provided for %(where)s.") % {
        "language": language_name("th", page_locale(thai)), "where": words.gettext("this event")}
    assert line in card.inner_text()
    assert "No Thai interpreters are free that week." in card.inner_text()
    assert no_sideways_scroll(thai)
    shot(thai, "messages-not-provided-th", database)
