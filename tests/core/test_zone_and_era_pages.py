"""What a reader sees of zones and years: the header names their zone as they know it, every
timezone list is labelled in their language but posts IANA ids, and a Thai reader who chooses
it reads years in the Buddhist Era, on pages and in the emails written for them."""

from __future__ import annotations

import html
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.models import OutboxMessage
from app.core.time import fmt_day
from app.core.time import fmt_when
from app.core.time import localize
from app.core.time import zone_label
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.calendar_hooks import send_reminders
from tests.fixtures.people import login_as
from tests.forms import rendered_form

NOW = datetime(2027, 1, 10, 3, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


def _banner(page: str) -> str:
    start = page.index('class="viewer-zone"')
    return html.unescape(page[start:page.index("</p>", start)])


@pytest.mark.parametrize(("locale", "country", "zone", "formatting"), [
    ("th", "TH", "Asia/Bangkok", "th"),
    ("en", "NZ", "Pacific/Auckland", "en_NZ"),
    ("id", "ID", "Asia/Jakarta", "id"),
    ("ms", "MY", "Asia/Kuala_Lumpur", "ms"),
])
def test_the_header_names_the_readers_zone_in_their_language(client, make_user, locale,
                                                             country, zone, formatting):
    login_as(client, make_user(("participant",), country=country, locale=locale))
    banner = _banner(client.get("/events").get_data(as_text=True))
    assert zone_label(zone, formatting, NOW) in banner
    assert zone not in banner and zone.replace("_", " ") not in banner


def test_a_visitor_sees_utc_named_in_their_language(client):
    banner = _banner(client.get("/", headers={"Accept-Language": "th"}).get_data(
        as_text=True))
    assert zone_label("UTC", "th", NOW) in banner


def test_the_timezone_list_is_labelled_for_the_reader_and_posts_iana_ids(client, make_user):
    user = make_user(("participant",), country="TH", locale="th")
    login_as(client, user)
    form = rendered_form(client, "/preferences")
    page = html.unescape(form.html)
    assert f">{zone_label('Australia/Sydney', 'th', NOW)}</option>" in page
    assert 'value="Australia/Sydney"' in form.html
    # Chosen by its IANA id, saved as it.
    response = form.fill(timezone="Australia/Sydney").submit()
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.timezone == "Australia/Sydney"
    assert zone_label("Australia/Sydney", "th", NOW) in _banner(
        client.get("/events").get_data(as_text=True))


def test_a_thai_reader_turns_on_buddhist_years_through_the_preferences_form(
        client, make_user, make_event):
    make_event(title="Bangkok roundtable", start_date=date(2027, 3, 10),
               end_date=date(2027, 3, 12))
    user = make_user(("participant",), country="TH", locale="th")
    login_as(client, user)
    gregorian = fmt_day(date(2027, 3, 10), "th")
    buddhist = fmt_day(date(2027, 3, 10), "th", buddhist_era=True)
    assert "2570" in buddhist and "2027" not in buddhist
    assert "2027" in client.get("/events").get_data(as_text=True)

    form = rendered_form(client, "/preferences")
    assert form.values.get("buddhist_era", []) == []  # off unless chosen
    assert form.fill(buddhist_era="y").submit().status_code == 302
    db.session.refresh(user)
    assert user.buddhist_era is True

    page = client.get("/events").get_data(as_text=True)
    assert "2570" in page and "2027" not in page.split("<main", 1)[1].split("</main>")[0]
    assert gregorian != buddhist

    # Off again: the same form, the box unticked.
    assert rendered_form(client, "/preferences").fill(
        buddhist_era=False).submit().status_code == 302
    db.session.refresh(user)
    assert user.buddhist_era is False


def test_the_choice_changes_nothing_for_a_reader_in_another_language(client, make_user,
                                                                     make_event):
    make_event(title="Bangkok roundtable", start_date=date(2027, 3, 10),
               end_date=date(2027, 3, 12))
    user = make_user(("participant",), country="TH", locale="en")
    user.buddhist_era = True
    db.session.commit()
    login_as(client, user)
    page = client.get("/events").get_data(as_text=True)
    assert "2027" in page and "2570" not in page


def test_a_visitors_choice_is_kept_in_their_browser(client, make_event):
    make_event(title="Bangkok roundtable", start_date=date(2027, 3, 10),
               end_date=date(2027, 3, 12))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "th"
    assert "2570" not in client.get("/").get_data(as_text=True)
    form = rendered_form(client, "/preferences")
    assert form.fill(locale="th", buddhist_era="y").submit().status_code == 302
    again = rendered_form(client, "/preferences")
    assert again.values["buddhist_era"] == ["y"]
    assert "2570" in client.get("/").get_data(as_text=True)


def test_the_event_page_names_the_meetings_zone_and_dates_the_session(
        client, make_user, make_event, make_session):
    event = make_event(title="Sydney roundtable", timezone="Australia/Sydney",
                       start_date=date(2027, 1, 20), end_date=date(2027, 1, 20))
    start = localize(datetime(2027, 1, 20, 10), "Australia/Sydney")
    session = make_session(event, start, start + timedelta(hours=1), title="Opening")
    user = make_user(("participant",), country="TH", locale="th")
    user.buddhist_era = True
    db.session.commit()
    login_as(client, user)
    page = html.unescape(client.get(f"/events/{event.id}").get_data(as_text=True))
    # The meeting's zone with its offset in January (daylight time), in Thai.
    assert zone_label("Australia/Sydney", "th", start) in page
    assert zone_label("Australia/Sydney", "th", start).endswith(", UTC+11)")
    detail = html.unescape(client.get(f"/events/{event.id}/sessions/{session.id}").get_data(
        as_text=True))
    assert fmt_day(date(2027, 1, 20), "th", "full", buddhist_era=True) in detail


def test_reminder_emails_follow_the_recipients_choice(make_user, make_event, make_session,
                                                      frozen_now):
    event = make_event(title="Workshop", timezone="Asia/Bangkok", start_date=date(2027, 1, 1),
                       is_invitation_only=False)
    # 1 January 2027 06:30 in Bangkok is still 31 December 2026 in UTC.
    start = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    make_session(event, start, datetime(2027, 1, 1, 1, tzinfo=UTC), title="Plenary")
    thai = make_user(("participant",), country="TH", locale="th")
    thai.buddhist_era = True
    english = make_user(("participant",), country="TH", locale="en")
    english.buddhist_era = True
    db.session.commit()
    for user in (thai, english):
        registrations.register(event, user, registrations.RegistrationInput(
            consent_chatham=True, consent_data=True))
    db.session.commit()
    frozen_now(datetime(2026, 12, 30, 23, 30, tzinfo=UTC))
    assert send_reminders() == 2
    bodies = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.body)).all())
    assert fmt_when(start, "Asia/Bangkok", "th", True) in bodies[thai.email]
    assert "2570" in bodies[thai.email]
    assert fmt_when(start, "Asia/Bangkok", english.formatting_locale) in bodies[english.email]
