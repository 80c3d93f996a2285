"""One place, three people, through the pages: the first is confirmed and sees the joining
link, the next two are first and second on the waitlist and each reads their own number on the
event page, and when the organiser makes room the first of them is moved off the waitlist and
their page shows the link. The page's parts are kept per standing (``app/events/pagecache.py``):
this checks, in a browser, that each person still reads their own."""

from __future__ import annotations

from datetime import date

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from tests.browser.journeys import add_session
from tests.browser.journeys import create_event
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot
from tests.fixtures.browser import ROOT

pytestmark = pytest.mark.browser

LINK = "https://meet.example.org/one-place"
PHONE = {"width": 390, "height": 844}
THAI = Translations.load(str(ROOT / "translations"), ["th"])


def _open_one_place(organiser, live_server, title: str) -> None:
    """A virtual meeting anyone may register for, with a single place."""
    create_event(organiser, live_server, title, "virtual", "Asia/Bangkok", date(2027, 4, 7),
                 date(2027, 4, 7), **{"Online meeting link": LINK})
    add_session(organiser, "Peer exchange", date(2027, 4, 7), "10:00", "11:30")
    organiser.get_by_role("link", name="Edit event").click()
    organiser.get_by_label("Status").select_option(label="Registration open")
    organiser.get_by_label("Invitation only").uncheck()
    organiser.get_by_role("button", name="Save event").click()
    assert "Event saved." in flash(organiser)
    _set_places(organiser, 1)


def _set_places(organiser, places: int) -> None:
    organiser.get_by_role("link", name="Registrations and roster").click()
    organiser.get_by_label("Places (empty for no limit)").fill(str(places))
    organiser.get_by_role("button", name="Save capacity").click()


def _register(page, live_server, title: str) -> str:
    open_event(page, live_server, title)
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    page.get_by_label("The organisers may use my details", exact=False).check()
    page.get_by_role("button", name="Register").click()
    return flash(page)


def _panel(page, live_server, title: str) -> str:
    """The event page as the person reads it now: their registration panel and the facts."""
    open_event(page, live_server, title)
    return page.locator("main").inner_text()


def test_each_person_reads_their_own_place_and_the_first_waiting_moves_up(
        live_server, person, database):
    title = f"Journey: one place ({database[0]})"
    organiser = person("organiser@example.org")
    _open_one_place(organiser, live_server, title)
    first, second, third = (person(email) for email in (
        "participant@example.org", "somchai@example.org", "sari@example.org"))

    assert "Your place is confirmed" in _register(first, live_server, title)
    assert "number 1 on the waitlist" in _register(second, live_server, title)
    assert "number 2 on the waitlist" in _register(third, live_server, title)

    confirmed, waiting_first, waiting_second = (
        _panel(page, live_server, title) for page in (first, second, third))
    assert "Confirmed" in confirmed and LINK in confirmed
    assert "On the waitlist: number 1" in waiting_first and LINK not in waiting_first
    assert "On the waitlist: number 2" in waiting_second and LINK not in waiting_second
    for page in (second, third):
        expect(page.get_by_text("Shown to confirmed participants.")).to_be_visible()
    shot(second, "journey-waitlist-first-waiting", database)

    # A second place: the first on the waitlist moves up, the other moves to number 1.
    open_event(organiser, live_server, title)
    _set_places(organiser, 2)
    assert "1 person moved off the waitlist." in flash(organiser)
    moved_up, still_waiting = (_panel(page, live_server, title) for page in (second, third))
    assert "Confirmed" in moved_up and LINK in moved_up and "waitlist" not in moved_up
    assert "On the waitlist: number 1" in still_waiting and LINK not in still_waiting

    # On a phone, in Thai: My registrations says the place in the queue once; the organiser's
    # roster says it in the row's status.
    third.set_viewport_size(PHONE)
    third.get_by_role("button", name="ไทย").click()
    third.goto(f"{live_server}/registrations")
    mine = third.locator("main").inner_text()
    assert THAI.gettext("On the waitlist: number %(n)d") % {"n": 1} in mine
    assert THAI.gettext("On the waitlist") + " ·" not in mine
    assert scroll_width(third) <= PHONE["width"]
    shot(third, "journey-waitlist-mine-390-th", database)
    organiser.set_viewport_size(PHONE)
    open_event(organiser, live_server, title)
    organiser.get_by_role("link", name="Registrations and roster").click()
    expect(organiser.get_by_text("On the waitlist: number 1")).to_be_visible()
    assert scroll_width(organiser) <= PHONE["width"]
    shot(organiser, "journey-waitlist-roster-390", database)
