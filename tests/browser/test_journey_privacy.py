"""Personal data, through the pages (issue 19): a participant reads "Your data", agrees to
the privacy notice, downloads everything held about them as JSON and asks for erasure; an
organiser sees the request, confirms the erasure, and the person can no longer sign in.
Screenshots of Your data, the privacy notice and the audit log on a 390 px phone, in English
and Thai.

The person erased is an account of this test's own, added beside the demo's (the live server
is shared by every journey: erasing a demo person would change the others' world)."""

from __future__ import annotations

import json
import secrets

import pytest
import sqlalchemy as sa

from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import shot
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}}
NAME, EMAIL = "Leila Moana Leaver", "leila.leaver@example.org"


@pytest.fixture
def leaver(live_engine):
    """A participant of New Zealand with the demo's password (its hash copied)."""
    with live_engine.begin() as connection:
        existing = connection.execute(sa.text("SELECT id FROM users WHERE email = :email"),
                                      {"email": EMAIL}).scalar()
        if existing is None:
            password_hash = connection.execute(sa.text(
                "SELECT password_hash FROM users WHERE email = 'participant@example.org'"
            )).scalar_one()
            connection.execute(sa.text(
                "INSERT INTO users (email, display_name, pseudonym, password_hash, "
                "is_participant, is_organiser, is_interpreter, country_code, timezone, locale, "
                "languages, created_dt, session_token) VALUES (:email, :name, '', :hash, "
                ":yes, :no, :no, 'NZ', 'Pacific/Auckland', 'en', '[\"en\"]', "
                "CURRENT_TIMESTAMP, :token)"),
                {"email": EMAIL, "name": NAME, "hash": password_hash, "yes": True, "no": False,
                 "token": secrets.token_urlsafe(32)})
    return EMAIL


def _fits(page) -> None:
    assert fits_the_width(page), \
        f"{page.url} scrolls sideways at 390 px"


def test_a_participant_downloads_asks_for_erasure_and_an_organiser_erases_them(
        live_server, new_page, leaver, database, tmp_path):
    page = new_page(**PHONE)
    sign_in(page, live_server, leaver)
    page.get_by_role("button", name="English").click()
    page.get_by_role("contentinfo").get_by_role("link", name="Your data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    assert "You have not yet agreed to the privacy notice (version 1)" in page.locator(
        "main").inner_text()
    page.get_by_role("button", name="I agree to the privacy notice").click()
    assert "you agreed to version 1" in flash(page)
    assert "You agreed to version 1 on" in page.locator("main").inner_text()
    _fits(page)
    shot(page, "privacy-your-data-en", database)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    saved = tmp_path / "mine.json"
    download.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    account = document["sections"]["account"][0]
    assert (account["display_name"], account["email"]) == (NAME, EMAIL)
    assert document["sections"]["consents"][0]["notice_version"] == "1"

    page.get_by_role("button", name="ไทย").click()  # the same page, in Thai
    assert page.locator("html").get_attribute("lang").startswith("th")
    _fits(page)
    shot(page, "privacy-your-data-th", database)
    page.get_by_role("button", name="English").click()

    page.get_by_role("button", name="Ask for my data to be erased").click()
    assert "Your request is recorded" in flash(page)
    assert "You asked for your data to be erased on" in page.locator("main").inner_text()

    organiser = new_page(**PHONE)
    sign_in(organiser, live_server, "organiser@example.org")
    organiser.get_by_role("button", name="English").click()
    organiser.get_by_role("link", name="Personal data").click()
    row = organiser.get_by_role("row").filter(has_text=NAME)
    row.get_by_role("link", name="Erase…").click()
    assert organiser.get_by_role("heading", level=1).inner_text() == (
        f"Erase the personal data of {NAME}?")
    assert "can no longer sign in" in organiser.locator("main").inner_text()
    organiser.get_by_role("button", name="Yes, erase this person's data").click()
    assert "The person's data is erased." in flash(organiser)
    assert NAME not in organiser.locator("main").inner_text()

    organiser.get_by_role("link", name="Audit log").first.click()
    organiser.get_by_label("Action").select_option("person_erased")
    organiser.get_by_role("button", name="Filter").click()
    log = organiser.locator("main table").inner_text()
    assert "person_erased" in log and NAME not in log
    organiser.goto(f"{live_server}/audit")
    _fits(organiser)
    shot(organiser, "privacy-audit-en", database)
    organiser.get_by_role("button", name="ไทย").click()
    _fits(organiser)
    shot(organiser, "privacy-audit-th", database)
    organiser.get_by_role("button", name="English").click()

    # The person's browser is signed out, and signing in again is refused.
    page.reload()
    assert "/login" in page.url
    sign_in(page, live_server, leaver)
    assert "That email and password do not match an account." in flash(page)


def test_the_privacy_notice_on_a_phone_in_english_and_thai(live_server, new_page, database):
    page = new_page(**PHONE)
    page.goto(f"{live_server}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    text = page.locator("main").inner_text()
    assert "deleted 90 days after the meeting they were given for ends" in text
    assert "Email sent to you: deleted 30 days after it was sent." in text
    _fits(page)
    shot(page, "privacy-notice-en", database)
    page.get_by_role("button", name="ไทย").click()
    assert page.locator("html").get_attribute("lang").startswith("th")
    assert "90" in page.locator("main").inner_text()
    _fits(page)
    shot(page, "privacy-notice-th", database)
