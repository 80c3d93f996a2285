"""The participant's journey through the real pages (issue 13), as Pita from New Zealand
(participant@, Pacific/Auckland): the 2027 roundtable read on a phone (in English and in Thai),
registration online with a session of limited places and interpretation, the agenda's .ics, a
calendar feed, a bilateral poll answered, a topic proposed and another voted for, and feedback
on a past workshop."""

from __future__ import annotations

import re
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import flash
from tests.browser.journeys import invite_only
from tests.browser.journeys import open_event
from tests.browser.journeys import path_of
from tests.browser.journeys import shot
from tests.browser.journeys import unfold_ics
from tests.browser.journeys import weekday_after
from tests.browser.journeys import zone_shown

pytestmark = pytest.mark.browser

ME = "participant@example.org"
PHONE = {"width": 390, "height": 844}
PAST_WORKSHOP = "What makes government and civil society partnerships effective?"
ONLINE_GROUP = "Small group B: addressing xenophobia"
SITE_VISIT = "Site visit: community placement programme"


@pytest.fixture
def pita(person):
    return person(ME, locale="en-NZ")


@pytest.fixture
def registered_online(live_server, pita):
    """Pita's registration for the 2027 roundtable is cancelled again at the end, as
    tests/browser/test_registration.py expects to register them afresh."""
    yield pita
    pita.goto(f"{live_server}/registrations")
    card = pita.locator(".card", has_text=JAKARTA)
    if card.get_by_role("button", name="Cancel my registration").count():
        card.get_by_role("button", name="Cancel my registration").click()


def test_reads_the_event_on_a_phone_and_registers_online(live_server, registered_online,
                                                         person, database):
    phone = person(ME, locale="en-NZ", viewport=PHONE)
    open_event(phone, live_server, JAKARTA)
    expect(phone.get_by_role("heading", name="Registration")).to_be_visible()
    shot(phone, "journey-participant-event-390-en", database)
    phone.get_by_role("link", name="Register").click()
    shot(phone, "journey-participant-register-390-en", database)
    phone.get_by_role("button", name="ไทย").click()  # back to the same form, in Thai
    assert phone.locator("html").get_attribute("lang") == "th"
    expect(phone.locator("main form")).to_be_visible()
    shot(phone, "journey-participant-register-390-th", database)
    phone.locator("main p a").first.click()  # ← the event
    shot(phone, "journey-participant-event-390-th", database)
    phone.get_by_role("button", name="English").click()

    page = registered_online
    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Register").click()
    form = page.locator("main form")
    form.get_by_role("radio", name="Online").check()
    sessions = form.locator("fieldset", has_text="Sessions with limited places")
    sessions.get_by_label(ONLINE_GROUP, exact=False).check()
    form.get_by_label("Interpretation into").select_option("id")
    form.get_by_label("Access needs").fill("Captions, please")
    form.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    form.get_by_label("The organisers may use my details", exact=False).check()
    form.get_by_role("button", name="Register").click()
    assert "Your place is confirmed" in flash(page)
    card = page.locator(".card", has_text=JAKARTA)
    assert f"{ONLINE_GROUP}: Confirmed" in card.inner_text()
    shot(page, "journey-participant-registered", database)

    # An online attendee cannot take a place on the site visit (in person only).
    card.get_by_role("link", name="Change needs and choices").click()
    page.get_by_label(SITE_VISIT, exact=False).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash.error")).to_have_count(1)
    assert "in person" in page.locator(".flash.error").inner_text()
    page.goto(f"{live_server}/registrations")
    assert SITE_VISIT not in page.locator(".card", has_text=JAKARTA).inner_text()

    # Interpretation into another language for one session only.
    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Ask for interpretation in a session").click()
    page.get_by_label("Session").select_option(label=page.locator(
        "#session_id option", has_text="Opening and country updates").inner_text())
    page.get_by_label("Interpretation into").select_option("th")
    page.get_by_role("button", name="Ask for interpretation").click()
    assert "Your request is saved." in flash(page)
    assert "Opening and country updates: Thai" in page.locator("main ul").inner_text()

    # The agenda as a file, then a calendar feed that follows every change.
    open_event(page, live_server, JAKARTA)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add the whole agenda to your calendar (.ics)").click()
    agenda = Path(download.value.path()).read_text(encoding="utf-8")
    assert agenda.startswith("BEGIN:VCALENDAR")
    assert agenda.count("BEGIN:VEVENT") >= 8 and "Opening and country updates" in agenda
    page.get_by_role("link", name="Calendar", exact=True).click()
    page.get_by_role("button", name="Create my calendar link").click()
    assert "Your new calendar link is ready" in flash(page)
    link = page.locator("#feed-url").input_value()
    shot(page, "journey-participant-feed", database)
    feed = page.request.get(live_server + path_of(link))
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = unfold_ics(feed.text()).split("BEGIN:VEVENT")[1:]
    summaries = [next(line[len("SUMMARY:"):] for line in event.splitlines()
                      if line.startswith("SUMMARY:")) for event in events]
    assert any("Opening and country updates" in title for title in summaries), summaries
    assert any(ONLINE_GROUP in title for title in summaries), summaries
    page.goto(f"{live_server}/calendar")
    assert "You have a calendar link, created" in page.locator("main").inner_text()
    # Only their programme: no in-person-only session, no small group they did not choose.
    in_person_only = [title for title in summaries if any(
        name in title for name in (SITE_VISIT, "Welcome dinner", "Small group A"))]
    assert in_person_only == [], in_person_only


def test_answers_a_bilateral_poll(live_server, pita, person, database):
    topic = f"Journey: reception of families ({database[0]})"
    organiser = person("organiser@example.org")
    organiser.goto(f"{live_server}/bilaterals/new")
    form = organiser.locator("main form")
    form.get_by_label("First country").select_option("NZ")
    form.get_by_label("Second country").select_option("TH")
    form.get_by_label("Topic").fill(topic)
    first = weekday_after(date.today(), 14)
    form.get_by_label("From").fill(first.isoformat())
    form.get_by_label("Until").fill((first + timedelta(days=10)).isoformat())
    invite_only(organiser, "Pita Participant", "Somchai Participant")
    form.get_by_role("button", name="Find slots and open the poll").click()
    assert "The poll is open" in flash(organiser)

    page = pita
    page.get_by_role("link", name="Bilateral calls").click()
    page.get_by_role("link", name=topic).click()
    assert zone_shown(page, "Pacific/Auckland") in page.locator(".viewer-zone").inner_text()
    slots = page.locator("fieldset.slot")
    assert slots.count() >= 2
    # Each slot names its weekday, in Pita's time (a call is fitted into working weeks).
    for legend in slots.locator("legend").all_inner_texts():
        assert re.match(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), ", legend), legend
    for index in range(slots.count()):
        slots.nth(index).get_by_label("Yes" if index == 0 else "If need be").check()
    shot(page, "journey-participant-poll", database)
    page.get_by_role("button", name="Save my answers").click()
    assert "Your answers are saved" in flash(page)
    assert page.locator("fieldset.slot").first.get_by_label("Yes").is_checked()


def test_proposes_a_topic_and_votes_for_another(live_server, pita, database):
    page, mine = pita, f"Journey: peer mentoring for case workers ({database[0]})"
    open_event(page, live_server, JAKARTA)
    page.get_by_role("link", name="Propose topics and vote").click()
    page.get_by_label("Topic", exact=True).fill(mine)
    page.get_by_role("button", name="Propose topic").click()
    assert "your topic is on the list" in flash(page)
    theirs = "Alternatives to detention at the border"
    votes = int(page.locator("tr", has_text=theirs).locator(".votes").inner_text())
    page.get_by_role("button", name=f"Vote ({theirs})").click()
    assert "Your vote is counted" in flash(page)
    row = page.locator("tr", has_text=theirs)
    assert int(row.locator(".votes").inner_text()) == votes + 1
    expect(page.locator("tr", has_text=mine)).to_have_count(1)
    shot(page, "journey-participant-topics", database)


def test_gives_feedback_on_a_past_workshop(live_server, pita, database):
    page = pita
    page.get_by_role("link", name="Timeline", exact=True).click()
    page.get_by_role("heading", name=PAST_WORKSHOP).get_by_role("link").click()  # its page
    assert page.locator("h1").inner_text().startswith(PAST_WORKSHOP)
    main = page.locator("main")
    expect(main.get_by_role("link", name="Register")).to_have_count(0)  # it is over
    expect(main.get_by_role("link", name="Ask for interpretation in a session")).to_have_count(0)
    page.get_by_role("link", name="Give feedback on this event").click()
    form = page.locator("main form")
    form.get_by_label("5 – excellent").first.check()
    form.get_by_label("What worked well").first.fill("Hearing from the Thai case managers.")
    form.get_by_label("A short reflection").fill("Partnerships need a shared language.")
    shot(page, "journey-participant-feedback", database)
    form.get_by_role("button", name="Send feedback").click()
    assert "Thank you for your feedback." in flash(page)
    page.get_by_role("link", name="Give feedback on this event").click()
    assert "already given feedback" in page.locator("main").inner_text()
