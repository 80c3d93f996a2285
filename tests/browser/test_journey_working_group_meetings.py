"""A working group's meeting on an Indonesian holiday, through the real pages: the organiser
creates a weekly group whose first meeting falls on the next Indonesian public holiday or
joint leave day, sees it flagged (which holiday, which country), moves it off with its one
button, writes the minutes and an action for Sari; Sari, on a 390 px phone, reads them and
marks her action done. Pages are photographed at 390 px in English and Thai."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

import holidays
import pytest
from babel.support import Translations
from playwright.sync_api import expect

from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import shot
from tests.fixtures.browser import ROOT
from tests.formatting import country

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}


def next_indonesian_day_off(after: date) -> tuple[date, str]:
    """The first Monday-to-Friday public holiday or joint leave day in Indonesia after
    ``after``, as the holidays package (which the app reads) has it."""
    calendar = holidays.country_holidays("ID", years=[after.year, after.year + 1],
                                         categories=("public", "government"))
    day = min(d for d in calendar if d > after and d.weekday() < 5)
    return day, calendar[day]


def test_a_meeting_moved_off_a_holiday_then_minuted_and_an_action_done(
        person, live_server, database):
    holiday, name = next_indonesian_day_off(date.today() + timedelta(days=7))
    group = f"Referral pathways circle ({database[0]})"
    organiser = person("organiser@example.org", "English", **PHONE)
    organiser.goto(f"{live_server}/working-groups/new")
    form = organiser.locator("main form")
    form.get_by_label("Name").fill(group)
    form.get_by_label("Country").select_option("ID")
    form.get_by_label("Timezone of the meetings").select_option("Asia/Jakarta")
    form.get_by_label("Every week, or every few weeks").check()
    form.get_by_label("Weekday").select_option(str(holiday.weekday()))
    form.get_by_label("Every how many weeks").fill("4")
    form.get_by_label("Starting from").fill(holiday.isoformat())
    form.get_by_label("Local start time").fill("10:00")
    form.get_by_label("Sari Participant", exact=False).check()
    form.get_by_role("button", name="Create the working group").click()
    assert "The working group is created." in flash(organiser)

    # The first meeting is flagged: which day off, in which country; one button moves it.
    first = organiser.locator("table tbody tr").first
    note = first.locator(".clash").inner_text()
    assert name in note and country("ID", "en") in note, note
    shot(organiser, "wg-group-flagged-en", database)
    move = first.get_by_role("button", name="Move to")
    offered = move.inner_text()
    move.click()
    said = flash(organiser)
    # The button names the weekday too ("Move to Mon 28 Dec 2026, 2:00 pm"); the flash
    # says the day and time.
    assert "The meeting is moved to" in said
    assert offered.removeprefix("Move to ").split(" ", 1)[1] in said, (offered, said)
    first = organiser.locator("table tbody tr").first
    assert "Moved from" in first.inner_text()
    expect(first.locator(".clash")).to_have_count(0)
    shot(organiser, "wg-group-moved-en", database)

    # Its minutes and an action for Sari, on the meeting's own page.
    first.get_by_role("link", name="Minutes and actions").click()
    organiser.get_by_label("Minutes").fill("Referral figures shared.\nNext: the guidance.")
    organiser.get_by_role("button", name="Save the minutes").click()
    assert "The minutes are saved." in flash(organiser)
    organiser.get_by_label("Action", exact=True).fill("Send comments on the guidance")
    organiser.get_by_label("Owner").select_option(label="Sari Participant")
    organiser.get_by_label("Due date (optional)").fill(
        (holiday + timedelta(days=21)).isoformat())
    organiser.get_by_role("button", name="Add the action").click()
    assert "The action is added" in flash(organiser), organiser.locator("main").inner_text()
    meeting_url = organiser.url
    row = organiser.locator("table tbody tr", has_text="Send comments on the guidance")
    assert "Sari Participant" in row.inner_text()

    # Sari, a member, on her phone: the minutes, her action, marked done.
    sari = person("sari@example.org", "English", locale="en-ID", **PHONE)
    sari.goto(meeting_url)
    assert "Referral figures shared." in sari.locator("main").inner_text()
    expect(sari.get_by_label("Minutes")).to_have_count(0)  # organisers write them
    row = sari.locator("table tbody tr", has_text="Send comments on the guidance")
    assert "Sari Participant" in row.inner_text()
    shot(sari, "wg-meeting-member-en", database)
    row.get_by_role("button", name="Mark as done").click()
    assert "Saved." in flash(sari)
    row = sari.locator("table tbody tr", has_text="Send comments on the guidance")
    expect(row.get_by_role("button", name="Open again")).to_have_count(1)
    assert fits_the_width(sari)

    # The same pages at 390 px in Thai (the organiser's view: the group, the meeting).
    thai = Translations.load(str(ROOT / "translations"), ["th"])
    organiser_th = person("organiser@example.org", "ไทย", locale="th-TH", **PHONE)
    organiser_th.goto(meeting_url)
    assert thai.gettext("Mark as done") in organiser_th.locator("main").inner_text() or \
        thai.gettext("Open again") in organiser_th.locator("main").inner_text()
    shot(organiser_th, "wg-meeting-organiser-th", database)
    organiser_th.goto(meeting_url.split("/meetings/")[0])
    shot(organiser_th, "wg-group-organiser-th", database)
    organiser.goto(meeting_url)
    shot(organiser, "wg-meeting-organiser-en", database)
    assert fits_the_width(organiser)
