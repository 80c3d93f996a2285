"""Invitation-only, through the pages: a person whose account names no country is not let
into the open Jakarta roundtable by somebody else's personal invitation (before the fix, one
personal invitation to anyone let every country-less account register), and is let in by
their own. The organiser invites on the roster; the person sees the event page change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import flash
from tests.browser.test_journey_accounts import _new_member

pytestmark = pytest.mark.browser

EVENT = "Annual in-person roundtable 2027, Jakarta"


def _invite_on_the_roster(organiser, email: str) -> None:
    organiser.get_by_role("link", name="Events").first.click()
    organiser.get_by_role("link", name=EVENT).click()
    organiser.get_by_role("link", name="Registrations and roster").click()
    organiser.get_by_label("Or invite one person by email").fill(email)
    organiser.get_by_role("button", name="Invite").click()


def _register_online(page) -> None:
    page.get_by_role("radio", name="Online").check()
    page.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    page.get_by_label("The organisers may use my details", exact=False).check()
    page.get_by_role("button", name="Register").click()


def test_only_their_own_invitation_lets_a_person_without_a_country_register(
        live_server, person, new_page, live_engine, database):
    run = database[0]
    stateless_email = f"stateless.{run}@example.org"
    other_email = f"invited.other.{run}@example.org"
    # Both join the platform naming no country.
    stateless = _new_member(live_server, person, new_page, live_engine, stateless_email,
                            "Sam Stateless", country="")
    _new_member(live_server, person, new_page, live_engine, other_email, "Olu Other",
                country="").context.close()

    organiser = person("organiser@example.org")
    _invite_on_the_roster(organiser, other_email)
    expect(organiser.locator("main")).to_contain_text("Olu Other")

    # Somebody else's personal invitation: the event page offers Sam no registration, and
    # the registration form's address (a link passed on) brings them back to it, saying why.
    stateless.get_by_role("link", name="Events").first.click()
    stateless.get_by_role("link", name=EVENT).click()
    expect(stateless.get_by_text("This event is by invitation only.")).to_be_visible()
    expect(stateless.get_by_role("link", name="Register", exact=True)).to_have_count(0)
    event_url = stateless.url
    stateless.goto(f"{event_url}/register")
    assert "by invitation only" in flash(stateless)
    expect(stateless).to_have_url(event_url)
    expect(stateless.locator("main form input[name=consent_chatham]")).to_have_count(0)

    # Their own invitation: Sam registers, online, from the event page.
    _invite_on_the_roster(organiser, stateless_email)
    expect(organiser.locator("main")).to_contain_text("Sam Stateless")
    stateless.goto(event_url)
    stateless.get_by_role("link", name="Register", exact=True).click()
    _register_online(stateless)
    assert "Your place is confirmed" in flash(stateless)
    expect(stateless.locator(".card", has_text=EVENT)).to_contain_text("Confirmed")
