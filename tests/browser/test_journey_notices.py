"""A notice from creation to read, on a 390 px phone in English and in Thai: the organiser adds
two participants to a working group; each sees the header's count go up, opens Notices,
follows the notice to the group, comes back, marks it read, and the count drops."""

from __future__ import annotations

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from app.workinggroups.demo import DEMO_GROUP
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import shot
from tests.fixtures.browser import ROOT

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
ADDED = "You are now a member of the working group %(group)s"


def header_count(page) -> int:
    """The number beside "Notices" in the header (0 when there is none)."""
    badge = page.locator("header.site nav a[href='/notices'] .count")
    return int(badge.inner_text()) if badge.count() else 0


def catalog(language: str):
    return Translations.load(str(ROOT / "translations"), [language])


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def test_a_notice_from_creation_to_read_in_english_and_thai(person, live_server, database):
    readers = {
        "en": person("participant@example.org", "English", locale="en-NZ", **PHONE),
        "th": person("somchai@example.org", "ไทย", locale="th-TH", **PHONE),
    }
    before = {}
    for language, page in readers.items():
        page.goto(f"{live_server}/")
        before[language] = header_count(page)

    organiser = person("organiser@example.org")
    organiser.goto(f"{live_server}/working-groups")
    organiser.get_by_role("link", name=DEMO_GROUP).click()
    for name in ("Pita Participant", "Somchai Participant"):
        box = organiser.get_by_label(name, exact=False)
        if box.is_checked():  # another journey added them already: take them off first
            box.uncheck()
            organiser.get_by_role("button", name="Save members").click()
    for name in ("Pita Participant", "Somchai Participant"):
        organiser.get_by_label(name, exact=False).check()
    organiser.get_by_role("button", name="Save members").click()
    assert "Saved." in flash(organiser)

    for language, page in readers.items():
        words = catalog(language)
        page.goto(f"{live_server}/")
        count = header_count(page)
        assert count >= before[language] + 1
        page.locator("header.site nav a[href='/notices']").click()
        assert page.locator("h1").inner_text() == words.gettext("Notices")
        line = words.gettext(ADDED) % {"group": DEMO_GROUP}
        notice = page.locator("li.notice.unread", has_text=line).first
        assert notice.locator(".badge.unread").inner_text() == words.gettext("New")
        assert no_sideways_scroll(page)
        shot(page, f"journey-notices-{language}", database)

        notice.get_by_role("link", name=line).click()  # to the thing itself
        assert page.locator("h1").inner_text() == DEMO_GROUP
        page.locator("header.site nav a[href='/notices']").click()
        notice = page.locator("li.notice.unread", has_text=line).first
        notice.get_by_role("button", name=words.gettext("Mark as read")).click()
        assert header_count(page) == count - 1
        expect(page.locator("li.notice.unread", has_text=line)).to_have_count(0)
        shot(page, f"journey-notices-{language}-read", database)
