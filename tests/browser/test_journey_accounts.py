"""Accounts through the real pages (issue 19), filling only what each page renders: a
participant who forgot their password gets a link by email, sets a new one and signs in with
it (the link then works no more); an organiser makes a participant an interpreter, who sees
the interpreter's menu at their next page; an organiser deactivates a person, whose open
session ends, then reactivates them. The new pages are kept as 390 px screenshots in English
and Thai, and must not scroll sideways there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.journeys import flash
from tests.browser.journeys import path_of
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FIRST_PASSWORD = "a first long passphrase"
NEW_PASSWORD = "a second long passphrase"


def _emailed_link(live_engine, email: str, path: str) -> str:
    with live_engine.connect() as connection:
        body = connection.execute(text(
            "SELECT body FROM outbox_messages WHERE recipient = :to AND body LIKE :path "
            "ORDER BY id DESC"), {"to": email, "path": f"%{path}%"}).scalars().first()
    assert body, f"no email to {email} with {path}"
    return path_of(re.search(rf"https?://\S+{path}\S+", body).group(0))


def _new_member(live_server, person, new_page, live_engine, email: str, name: str,
                country: str = "TH"):
    """An organiser invites ``email`` (of ``country``; "" for none), who follows the emailed
    link and joins: their page, signed in."""
    organiser = person("organiser@example.org")
    organiser.get_by_role("link", name="Invitations").click()
    organiser.get_by_label("Email address to invite").fill(email)
    organiser.get_by_label("Country").select_option(country)
    organiser.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {email}" in flash(organiser)
    page = new_page()
    page.goto(live_server + _emailed_link(live_engine, email, "/join/"))
    form = page.locator("main form")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Choose a password").fill(FIRST_PASSWORD)
    form.get_by_label("Repeat the password").fill(FIRST_PASSWORD)
    form.get_by_label("I have read the privacy notice and agree to it").check()
    form.get_by_role("button", name="Create my account").click()
    assert f"Welcome, {name}" in flash(page)
    return page


def _fits_a_phone(page, name: str, database) -> None:
    width = scroll_width(page)
    assert width <= PHONE["width"], f"{name} scrolls sideways at 390 px ({width} px)"
    shot(page, name, database)


def _card(page, email: str):
    return page.locator("li.card", has_text=email)


def test_a_participant_resets_a_forgotten_password(live_server, person, new_page, live_engine,
                                                   database):
    email = f"forgetful.{database[0]}@example.org"
    _new_member(live_server, person, new_page, live_engine, email, "Forgetful Fon").context\
        .close()

    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    _fits_a_phone(page, "accounts-forgot-390-en", database)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    assert page.locator("h1").inner_text() == "Check your email"
    _fits_a_phone(page, "accounts-reset-sent-390-en", database)
    link = _emailed_link(live_engine, email, "/password/reset/")

    thai = new_page(locale="th-TH", viewport=PHONE)  # the pages in Thai, before the link is used
    for path, name in (("/password/forgot", "forgot"), ("/password/forgot/sent", "reset-sent"),
                       (link, "reset")):
        thai.goto(live_server + path)
        assert thai.locator("html").get_attribute("lang").startswith("th")
        _fits_a_phone(thai, f"accounts-{name}-390-th", database)

    page.goto(live_server + link)
    _fits_a_phone(page, "accounts-reset-390-en", database)
    form = page.locator("main form")
    form.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Set the new password").click()
    assert "Sign in with your new password" in flash(page)

    sign_in(page, live_server, email, NEW_PASSWORD)
    expect(page.locator("header").get_by_role("link", name="Profile")).to_have_count(1)

    page.goto(live_server + link)  # the link worked once
    assert "already been used" in page.locator("main").inner_text()
    _fits_a_phone(page, "accounts-reset-refused-390-en", database)
    thai.goto(live_server + link)
    _fits_a_phone(thai, "accounts-reset-refused-390-th", database)
    page.get_by_role("link", name="Ask for a new link").click()
    assert page.locator("h1").inner_text() == "Forgot your password?"


def test_an_organiser_makes_a_participant_an_interpreter(live_server, person, new_page,
                                                         live_engine, database):
    email = f"future.interpreter.{database[0]}@example.org"
    member = _new_member(live_server, person, new_page, live_engine, email, "Future Interpreter")
    menu = member.locator("header nav")
    expect(menu.get_by_role("link", name="My assignments")).to_have_count(0)

    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.get_by_role("link", name="Accounts").click()
    card = _card(organiser, email)
    assert "Participant" in card.locator("dl").inner_text()
    card.get_by_label("Interpreter").check()
    card.get_by_role("button", name="Save roles").click()
    assert f"Roles of {email} saved" in flash(organiser)
    assert "Participant, Interpreter" in _card(organiser, email).locator("dl").inner_text()
    _fits_a_phone(organiser, "accounts-page-390-en", database)
    organiser.get_by_role("button", name="ไทย").click()
    _fits_a_phone(organiser, "accounts-page-390-th", database)
    organiser.get_by_role("button", name="English").click()

    member.reload()  # their next page: the same session, with the interpreter's menu
    member.get_by_role("link", name="My assignments").click()
    expect(member.locator("h1")).to_have_count(1)
    assert "/login" not in member.url


def test_an_organiser_deactivates_and_reactivates_a_person(live_server, person, new_page,
                                                           live_engine, database):
    email = f"departing.{database[0]}@example.org"
    member = _new_member(live_server, person, new_page, live_engine, email, "Departing Dao")

    organiser = person("organiser@example.org", viewport=PHONE)
    organiser.get_by_role("link", name="Accounts").click()
    _card(organiser, email).get_by_role("link", name="Deactivate").click()
    assert email in organiser.locator("h1").inner_text()
    _fits_a_phone(organiser, "accounts-deactivate-390-en", database)
    organiser.get_by_role("button", name="ไทย").click()
    _fits_a_phone(organiser, "accounts-deactivate-390-th", database)
    organiser.get_by_role("button", name="English").click()
    organiser.get_by_role("button", name="Yes, deactivate").click()
    assert f"{email} is deactivated and signed out everywhere" in flash(organiser)

    member.reload()  # their open session has ended
    expect(member.locator("header").get_by_role("link", name="Sign in")).to_have_count(1)
    sign_in(member, live_server, email, FIRST_PASSWORD)
    assert "deactivated" in member.locator("main").inner_text()

    organiser.get_by_label("Status").select_option("deactivated")
    organiser.get_by_role("button", name="Show").click()
    _card(organiser, email).get_by_role("button", name="Reactivate").click()
    assert f"{email} can sign in again" in flash(organiser)
    sign_in(member, live_server, email, FIRST_PASSWORD)
    expect(member.locator("header").get_by_role("link", name="Profile")).to_have_count(1)
