"""The organiser's journey through the real pages (issue 13), filling only what each page
renders: three kinds of event with a session each, the clocks' gap refused beside its field,
registration opened, a delegation and a person invited (the person follows the emailed link and
sets up their account), interpretation set up and auto-assigned, a bilateral call proposed,
confirmed before it is scheduled, and moved, a monthly working group made fortnightly on its
edit page, every CSV of the roster, an event cancelled."""

from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from app.core.time import localize
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import add_session
from tests.browser.journeys import create_event
from tests.browser.journeys import flash
from tests.browser.journeys import invite_only
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import path_of
from tests.browser.journeys import shot
from tests.browser.journeys import weekday_after
from tests.browser.journeys import zone_shown
from tests.formatting import clock
from tests.formatting import country
from tests.formatting import day
from tests.formatting import holiday_name
from tests.formatting import weekday_name

pytestmark = pytest.mark.browser

DST_MESSAGE = ("02:30 does not exist on 2026-10-04 in Australia/Sydney: the clocks skip that "
               "hour when daylight saving starts. Choose another time.")


@pytest.fixture
def organiser(person):
    return person("organiser@example.org")


def test_three_kinds_of_event_each_take_a_session(live_server, organiser, database):
    page = organiser
    # The form starts on "automatic" (the host country's main zone, else the organiser's
    # own), then lists the five countries' zones, each under its name, then every other.
    page.goto(f"{live_server}/events/new")
    zone = page.get_by_label("Timezone of the meeting")
    assert zone.input_value() == ""
    groups = zone.locator("optgroup")
    assert groups.first.get_attribute("label") == "Automatic"
    assert zone_shown(page, "Australia/Sydney") in groups.first.inner_text()  # their own
    indonesia = zone.locator(f"optgroup[label='{country('ID', 'en')}'] option").evaluate_all(
        "options => options.map(o => o.value)")
    # West to east, then by name.
    assert indonesia == ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"]
    assert groups.last.get_attribute("label") == "Every other timezone"
    create_event(page, live_server, "Journey: virtual exchange", "virtual", "Asia/Bangkok",
                 date(2027, 2, 10), date(2027, 2, 10),
                 **{"Online meeting link": "https://meet.example.org/journey"})
    add_session(page, "Virtual opening", date(2027, 2, 10), "09:00", "10:30")

    # In person in Sydney, over the night the clocks go forward: 02:30 does not exist.
    create_event(page, live_server, "Journey: Sydney site visits", "in_person",
                 "Australia/Sydney", date(2026, 10, 3), date(2026, 10, 5),
                 Venue="Sydney", **{"Host country": "AU"})
    add_session(page, "Night walk", date(2026, 10, 4), "02:30", "03:30", expect_saved=False)
    start = page.locator("#start_time")
    assert start.get_attribute("aria-invalid") == "true"
    assert page.locator("#start_time-error").inner_text() == DST_MESSAGE
    summary = page.locator(".error-summary")
    assert DST_MESSAGE in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#start_time"
    shot(page, "journey-organiser-dst-in-person", database)
    start.fill("03:00")
    page.locator("#end_time").fill("04:00")
    page.get_by_role("button", name="Save session").click()
    assert "Session saved." in flash(page)
    expect(page.get_by_role("link", name="Night walk")).to_have_count(1)

    create_event(page, live_server, "Journey: hybrid roundtable", "hybrid", "Asia/Jakarta",
                 date(2027, 9, 14), date(2027, 9, 15), Venue="Jakarta",
                 **{"Online meeting link": "https://meet.example.org/hybrid"})
    add_session(page, "Hybrid plenary", date(2027, 9, 14), "09:00", "10:30", mode="both")
    add_session(page, "Field visit", date(2027, 9, 15), "08:30", "12:00", kind="site_visit",
                mode="in_person", places=15)
    shot(page, "journey-organiser-hybrid-event", database)


def test_an_event_on_a_holiday_takes_the_host_zone_and_is_saved_with_a_warning(
        live_server, organiser, database):
    page = organiser
    vesak = date(2027, 5, 20)  # Vesak Day in Indonesia
    create_event(page, live_server, "Journey: Vesak week", "in_person", "", vesak, vesak,
                 Venue="Yogyakarta", **{"Host country": "ID"})
    said = flash(page)
    assert f"Timezone of the meeting: {zone_shown(page, 'Asia/Jakarta')}." in said
    locale = page_locale(page)
    assert (f"{day(vesak, locale)} is {holiday_name('ID', vesak)} in {country('ID', locale)}."
            in said)
    assert page.locator(".flash.warning").count() >= 2
    shot(page, "journey-organiser-holiday-warning", database)
    page.get_by_role("link", name="Edit event").click()
    assert holiday_name("ID", vesak) in page.locator(".flash.warning").inner_text()
    assert page.get_by_label("Timezone of the meeting").input_value() == "Asia/Jakarta"


def test_registration_opens_and_a_delegation_is_invited(live_server, organiser, person,
                                                        database):
    page = organiser
    create_event(page, live_server, "Journey: registration opens", "virtual", "Asia/Bangkok",
                 date(2027, 3, 3), date(2027, 3, 3))
    add_session(page, "Opening", date(2027, 3, 3), "10:00", "11:00")
    assert "Draft" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Edit event").click()
    page.get_by_label("Status").select_option(label="Registration open")
    page.get_by_role("button", name="Save event").click()
    assert "Event saved." in flash(page)
    assert "Draft" not in page.locator("h1").inner_text()

    page.get_by_role("link", name="Registrations and roster").click()
    assert "Nobody is invited yet" in page.locator("main").inner_text()
    page.get_by_label("Invite a whole delegation").select_option("TH")
    page.get_by_role("button", name="Invite").click()
    assert "Saved." in flash(page)
    page.get_by_label("Or invite one person by email").fill("participant@example.org")
    page.get_by_role("button", name="Invite").click()
    invited = page.locator("main ul", has_text="Delegation of").inner_text()
    assert "Delegation of Thailand" in invited and "Pita Participant" in invited
    shot(page, "journey-organiser-invited", database)

    # The invited Thai delegate now finds the Register button; Indonesia was not invited.
    for email, may in (("somchai@example.org", True), ("sari@example.org", False)):
        other = person(email)
        open_event(other, live_server, "Journey: registration opens")
        panel = other.locator("section", has_text="Registration").first.inner_text()
        assert ("by invitation only" not in panel) == may, (email, panel)


def test_an_invited_person_follows_the_emailed_link(live_server, organiser, new_page,
                                                    live_engine, database):
    page, email = organiser, f"nok.{database[0]}@example.org"
    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Email address to invite").fill(email)
    page.get_by_label("Country").select_option("TH")
    page.get_by_role("button", name="Send invitation").click()
    assert f"Invitation sent to {email}" in flash(page)

    with live_engine.connect() as connection:
        body = connection.execute(text(
            "SELECT body FROM outbox_messages WHERE recipient = :to ORDER BY id DESC"),
            {"to": email}).scalar_one()
    link = re.search(r"https?://\S+/join/\S+", body).group(0)

    invitee = new_page(locale="th-TH")
    invitee.goto(live_server + path_of(link))
    invitee.get_by_role("button", name="English").click()
    assert email in invitee.locator("main").inner_text()
    form = invitee.locator("main form")
    assert form.get_by_label("Country").input_value() == "TH"
    form.get_by_label("Your name").fill("Nok Srisai")
    form.get_by_label("Organisation", exact=True).fill("Department of Children and Youth")
    form.get_by_label("Choose a password").fill("a long enough passphrase")
    form.get_by_label("Repeat the password").fill("a long enough passphrase")
    form.get_by_label("I have read the privacy notice and agree to it").check()
    shot(invitee, "journey-invitee-join", database)
    form.get_by_role("button", name="Create my account").click()
    assert "Welcome, Nok Srisai. Your account is ready." in flash(invitee)
    assert zone_shown(invitee, "Asia/Bangkok") in invitee.locator(  # the country's zone
        ".viewer-zone").inner_text()

    invitee.goto(live_server + path_of(link))  # the link works once
    assert "already been used" in invitee.locator("main").inner_text()


THAI_INTERPRETERS = ("Ingrid Interpreter", "Kanya Interpreter", "Nok Interpreter")  # the demo's


def test_interpretation_is_set_up_and_auto_assigned(live_server, organiser, database):
    page = organiser
    create_event(page, live_server, "Journey: interpreted plenary", "virtual", "Asia/Bangkok",
                 date(2027, 4, 7), date(2027, 4, 7))
    add_session(page, "Plenary with interpretation", date(2027, 4, 7), "10:00", "11:00")
    page.get_by_role("link", name="Interpretation demand").click()
    page.get_by_role("button", name="Open channel (Thai, Plenary with interpretation)").click()
    assert "Channel opened." in flash(page)
    page.get_by_role("link", name="Assignments", exact=True).click()
    card = page.locator("section.card", has_text="Plenary with interpretation")
    assert "Team: 0 of 2" in card.inner_text()
    # Whose time: the organiser's, named with its offset at the session (standard time).
    sydney = zone_shown(page, "Australia/Sydney", localize(datetime(2027, 4, 7, 10),
                                                           "Australia/Sydney"))
    assert sydney in card.inner_text()
    page.get_by_role("button", name="Auto-assign open channels").click()
    assert "2 interpreters proposed. 1 channel filled. 0 channels not filled." in flash(page)
    card = page.locator("section.card", has_text="Plenary with interpretation")
    assert "Team: 2 of 2" in card.inner_text()
    expect(card.locator("td", has_text="Proposed")).to_have_count(2)
    # Who is proposed depends on the demo's other work that day (its roundtable moves with
    # today's date): any two of the demo's Thai interpreters, the same two on every page.
    rows = " ".join(row.inner_text() for row in card.locator(
        "tr", has=page.locator("td", has_text="Proposed")).all())
    proposed = [name for name in THAI_INTERPRETERS if name in rows]
    assert len(proposed) == 2
    shot(page, "journey-organiser-auto-assigned", database)
    page.get_by_role("link", name="Coverage", exact=True).click()
    row = page.locator("tr", has_text="Plenary with interpretation").inner_text()
    assert sydney in row and all(f"{name} (Proposed)" in row for name in proposed)


def test_a_bilateral_call_is_proposed_scheduled_and_moved(live_server, organiser, database):
    page = organiser
    first = weekday_after(date.today(), 21)
    topic = f"Journey: foster care exchange ({database[0]})"
    page.get_by_role("link", name="Bilateral calls").click()
    page.get_by_role("link", name="Plan a bilateral call").click()
    form = page.locator("main form")
    form.get_by_label("First country").select_option("ID")
    form.get_by_label("Second country").select_option("NZ")
    form.get_by_label("Topic").fill(topic)
    form.get_by_label("From").fill(first.isoformat())
    form.get_by_label("Until").fill((first + timedelta(days=14)).isoformat())
    form.get_by_label("Timezone of the call").select_option("Asia/Jakarta")
    invite_only(page, "Sari Participant", "Pita Participant")
    form.get_by_role("button", name="Find slots and open the poll").click()
    assert "The poll is open with" in flash(page)
    assert page.locator("h1").inner_text() == topic
    assert "0 of 2 invitees have answered." in page.locator("main").inner_text()
    shot(page, "journey-organiser-call-poll", database)

    # Scheduling asks first, on a page of its own: the slot in the organiser's time and in
    # each invited country's, and who is told. "Go back" schedules nothing.
    page.locator("table.tally tbody tr").first.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "Schedule this call?"
    facts = page.locator("main dl").inner_text()
    assert zone_shown(page, "Australia/Sydney") in facts
    assert "Local time in Indonesia" in facts and "Local time in New Zealand" in facts
    told = page.locator("main ul.invitees").inner_text()
    assert "Sari Participant" in told and "Pita Participant" in told
    shot(page, "journey-organiser-call-confirm", database)
    page.get_by_role("link", name="Go back").click()
    assert page.locator("h1").inner_text() == topic
    expect(page.locator("table.tally tbody tr").first.get_by_role("link")).to_have_count(1)
    page.locator("table.tally tbody tr").first.get_by_role("link").click()
    page.get_by_role("button", name="Yes, schedule this call").click()
    assert "every invitee has their invitation" in flash(page)
    assert "Bilateral call: Indonesia–New Zealand" in page.locator("h1").inner_text()

    # Moving it an hour later: the call's session, edited through the fields its page shows.
    page.locator(".session h3 a").first.click()
    page.get_by_role("link", name="Edit session").click()
    form = page.locator("main form")
    start = form.get_by_label("Starts (meeting time)")
    end = form.get_by_label("Ends (meeting time)")
    later = [(datetime.strptime(field.input_value(), "%H:%M") + timedelta(hours=1)).time()
             for field in (start, end)]
    start.fill(later[0].strftime("%H:%M"))
    end.fill(later[1].strftime("%H:%M"))
    form.get_by_role("button", name="Save session").click()
    assert "Session saved." in flash(page), page.locator("main").inner_text()[:400]
    moved = page.locator(".session .when").first.inner_text()
    assert clock(later[0].hour, later[0].minute, page_locale(page)) in moved and "Jakarta" in moved
    shot(page, "journey-organiser-call-moved", database)


def test_a_monthly_working_group_is_created_and_edited(live_server, organiser, database):
    page = organiser
    name = f"Journey: case managers' circle ({database[0]})"
    page.get_by_role("link", name="Bilateral calls").click()
    page.get_by_role("link", name="Working groups").click()
    page.get_by_role("link", name="Create a working group").click()
    form = page.locator("main form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Country").select_option("ID")
    form.get_by_label("Timezone of the meetings").select_option("Asia/Jakarta")
    form.get_by_label("Starting from").fill(weekday_after(date.today(), 7).isoformat())
    form.get_by_label("Local start time").fill("10:00")
    form.get_by_label("Sari Participant", exact=False).check()
    form.get_by_role("button", name="Create the working group").click()
    assert "The working group is created." in flash(page)
    assert page.locator("h1").inner_text() == name
    facts = page.locator("main p.muted").first.inner_text()
    assert "Every month on the second Tuesday" in facts and "FREQ=" not in facts
    rows = page.locator("table tbody tr")
    assert rows.count() >= 6
    shot(page, "journey-organiser-working-group", database)

    # What can be changed after creation: the members, and one meeting moved.
    page.get_by_label("Somchai Participant", exact=False).check()
    page.get_by_role("button", name="Save members").click()
    assert "Saved." in flash(page)
    assert page.get_by_label("Somchai Participant", exact=False).is_checked()
    second = page.locator("table tbody tr").nth(1)
    second.get_by_label("New date").fill(weekday_after(date.today(), 60).isoformat())
    second.get_by_label("New local time").fill("14:00")
    second.get_by_role("button", name="Move").click()
    assert "Saved." in flash(page)
    expect(page.locator("table tbody tr", has_text="Moved from")).to_have_count(1)

    before = page.locator("table tbody tr td:first-child").all_inner_texts()

    # Everything else is changed on its edit page, through the same plain fields as creation:
    # every 2 weeks on Wednesday at 14:00 from now on.
    page.get_by_role("link", name="Edit the working group").click()
    form = page.locator("main form")
    assert form.get_by_label("Name").input_value() == name
    assert form.get_by_label("Every month").is_checked()
    assert form.get_by_label("Local start time").input_value() == "10:00"
    renamed = f"Journey: fortnightly circle ({database[0]})"
    form.get_by_label("Name").fill(renamed)
    form.get_by_label("Every week, or every few weeks").check()
    form.get_by_label("Weekday").select_option("2")  # Wednesday
    form.get_by_label("Every how many weeks").fill("2")
    form.get_by_label("Local start time").fill("14:00")
    shot(page, "journey-organiser-working-group-edit", database)
    form.get_by_role("button", name="Save the working group").click()
    said = flash(page)
    assert "The working group is saved." in said
    # The moved meeting was on a second Tuesday, a day the group no longer meets.
    assert "1 meeting changed by hand is no longer in the series" in said
    assert page.locator("h1").inner_text() == renamed
    facts = page.locator("main p.muted").first.inner_text()
    assert f"Every 2 weeks on {weekday_name(2, 'en')}" in facts and "FREQ=" not in facts
    assert "Meets at 14:00" in facts
    after = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert after != before and len(after) >= 6
    # 14:00 in Jakarta is the same Wednesday in Sydney, where the organiser reads it.
    wednesday = weekday_name(2, "en", "abbreviated")
    assert all(when.startswith(wednesday) for when in after), after
    expect(page.locator("table tbody tr", has_text="Moved from")).to_have_count(0)
    shot(page, "journey-organiser-working-group-edited", database)


def test_every_csv_of_the_roster_downloads(live_server, organiser, database):
    page = organiser
    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Interpretation coverage").click()
    coverage_csv = page.get_by_role("link", name="Coverage (CSV)").get_attribute("href")
    page.go_back()
    page.get_by_role("link", name="Registrations and roster").click()
    roster_url = page.url
    lists = page.locator("main p.actions a[href*='/logistics/']").evaluate_all(
        "links => links.map(a => a.href)")
    links = []
    for url in (roster_url, *lists):
        page.goto(url)
        links += [href for href in page.locator("main a[href$='.csv']").evaluate_all(
            "links => links.map(a => a.href)") if href not in links]
    assert len(links) >= 6, links  # roster, needs, travel; pickups, rooming, badges
    page.goto(roster_url)
    files = {}
    for href in [*links, live_server + coverage_csv]:
        with page.expect_download() as download:
            page.evaluate("href => { const a = document.createElement('a'); a.href = href; "
                          "document.body.appendChild(a); a.click(); a.remove(); }", href)
        raw = Path(download.value.path()).read_bytes()
        name = download.value.suggested_filename
        assert name.endswith(".csv"), href
        # UTF-8 with a byte-order mark: Excel then reads Thai and Bahasa names.
        assert raw.startswith(codecs.BOM_UTF8), name
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows), name
        files[name.split("-", 2)[-1]] = raw.decode("utf-8-sig")
    # Values in words, never the codes the database keeps.
    roster = files["roster.csv"]
    for code in ("in_person", "confirmed", "civil_society", ",ID,", ",TH,"):
        assert code not in roster, code
    for words in ("In person", "Online", "Confirmed", "Civil society", "Indonesia", "Thailand"):
        assert words in roster, words
    assert "Indonesia" in files["travel.csv"] and "Thailand" in files["badges.csv"]
    assert "English → Thai" in files["interpretation.csv"]
    assert "en>" not in files["interpretation.csv"]


def test_an_event_is_cancelled(live_server, organiser, database):
    page = organiser
    create_event(page, live_server, "Journey: to be called off", "virtual", "Asia/Bangkok",
                 date(2027, 5, 5), date(2027, 5, 5))
    add_session(page, "Doomed session", date(2027, 5, 5), "10:00", "11:00")
    # Cancelling asks first, on a page of its own saying what happens; only its button acts.
    page.get_by_role("link", name="Cancel event").click()
    assert page.locator("h1").inner_text() == "Cancel the event “Journey: to be called off”?"
    said = page.locator("main").inner_text()
    assert "Its 1 scheduled session is cancelled with it." in said
    assert "no one is emailed" in said  # nobody registered yet
    shot(page, "journey-organiser-cancel-confirm", database)
    page.get_by_role("link", name="Go back").click()
    assert "Cancelled" not in page.locator("h1").inner_text()
    page.get_by_role("link", name="Cancel event").click()
    page.get_by_role("button", name="Yes, cancel the event").click()
    assert "The event is cancelled." in flash(page)
    assert "Cancelled" in page.locator("h1").inner_text()
    expect(page.get_by_role("link", name="Add a session")).to_have_count(0)
    shot(page, "journey-organiser-cancelled", database)
