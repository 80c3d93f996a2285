"""Delegation focal points through the real pages (issue 19): an organiser appoints a Thai
focal point; the focal point opens My delegation, sees a Thai delegate's registration, and
hands the departing delegate over to a successor after the confirmation page; the successor
then finds the registration and the working-group seat on their own pages. The focal point's
pages are kept as 390 px screenshots in English and Thai, and must not scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import flash
from tests.browser.test_journey_accounts import PHONE
from tests.browser.test_journey_accounts import _card
from tests.browser.test_journey_accounts import _fits_a_phone
from tests.browser.test_journey_accounts import _new_member

pytestmark = pytest.mark.browser

EVENT = "Annual in-person roundtable 2027, Jakarta"
GROUP = "Indonesian Working Group on Access to Education"


def _keep(page, name: str, database) -> None:
    """The phone check, and the screenshot (screenshots/, on the SQLite run)."""
    _fits_a_phone(page, name, database)


def test_a_focal_point_hands_a_departing_delegate_over(live_server, person, new_page,
                                                       live_engine, database):
    run = database[0]
    focal_email = f"focal.{run}@example.org"
    departing_email = f"leaving.{run}@example.org"
    successor_email = f"arriving.{run}@example.org"
    focal = _new_member(live_server, person, new_page, live_engine, focal_email, "Focal Fah")
    departing = _new_member(live_server, person, new_page, live_engine, departing_email,
                            "Leaving Lek")
    successor = _new_member(live_server, person, new_page, live_engine, successor_email,
                            "Arriving Arun")

    # The departing delegate registers (online) for the Jakarta roundtable.
    departing.goto(f"{live_server}/events")
    departing.get_by_role("link", name=EVENT).click()
    departing.get_by_role("link", name="Register").click()
    departing.get_by_role("radio", name="Online").check()
    departing.get_by_label("Dietary needs").fill("No pork")
    departing.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    departing.get_by_label("The organisers may use my details", exact=False).check()
    departing.get_by_role("button", name="Register").click()
    expect(departing.locator(".flash")).to_have_count(1)

    # The organiser appoints the focal point and gives the departing delegate a group seat.
    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.get_by_role("link", name="Accounts").click()
    _card(organiser, focal_email).get_by_role(
        "button", name="Make focal point of Thailand").click()
    assert f"{focal_email} is now a focal point" in flash(organiser)
    assert "Delegation focal point" in _card(organiser, focal_email).inner_text()
    organiser.goto(f"{live_server}/working-groups")
    organiser.get_by_role("link", name=GROUP).click()
    organiser.get_by_label("Leaving Lek").check()
    organiser.get_by_role("button", name="Save members").click()

    # The focal point's next page has My delegation, with their delegation only.
    focal.set_viewport_size(PHONE)
    focal.reload()
    focal.get_by_role("link", name="My delegation").click()
    main = focal.locator("main")
    assert focal.locator("h1").inner_text() == "Delegation of Thailand"
    section = main.locator("section", has_text=EVENT)
    assert "Leaving Lek" in section.inner_text() and "No pork" in section.inner_text()
    assert "Sari" not in main.inner_text()  # Indonesian: not their delegation
    _keep(focal, "focal-delegation-390-en", database)

    main.locator("li.card", has_text="Leaving Lek").get_by_role("link", name="Hand over").click()
    assert "Leaving Lek" in focal.locator("h1").inner_text()
    consequences = focal.locator(".consequences").inner_text()
    assert EVENT in consequences and GROUP in consequences
    focal.get_by_label("Successor").select_option(label="Arriving Arun")
    _keep(focal, "focal-handover-390-en", database)
    focal.get_by_role("button", name="ไทย").click()
    _keep(focal, "focal-handover-390-th", database)
    focal.get_by_role("button", name="English").click()
    focal.get_by_label("Successor").select_option(label="Arriving Arun")
    focal.get_by_role("button", name="Yes, hand over").click()
    assert "Handed over from Leaving Lek to Arriving Arun" in flash(focal)
    # The registrations (table rows); the form below them may offer Lek a registration of
    # their own, and Lek stays among the delegates.
    registered = focal.locator("main table tbody tr")
    assert "Arriving Arun" in " ".join(registered.all_inner_texts())
    assert "Leaving Lek" not in " ".join(registered.all_inner_texts())
    # the needs were the departing delegate's
    assert "No pork" not in " ".join(registered.all_inner_texts())
    focal.get_by_role("button", name="ไทย").click()
    _keep(focal, "focal-delegation-390-th", database)
    focal.get_by_role("button", name="English").click()

    # The successor finds the registration and the group seat on their own pages.
    successor.goto(f"{live_server}/registrations")
    expect(successor.locator(".card", has_text=EVENT)).to_have_count(1)
    successor.goto(f"{live_server}/working-groups")
    expect(successor.get_by_role("link", name=GROUP)).to_have_count(1)
    departing.goto(f"{live_server}/registrations")
    expect(departing.locator(".card", has_text=EVENT)).to_have_count(0)
