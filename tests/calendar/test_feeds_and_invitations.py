from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from app.calendar import services
from app.core.mail import OutboxResult
from app.core.mail import send_outbox
from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.extensions import db
from app.registrations import services as registrations
from app.registrations.calendar_hooks import send_reminders
from tests.fixtures.people import login_as

NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def workshop(make_event, make_session):
    event = make_event(title="Workshop", kind=EventKind.VIRTUAL, timezone="Australia/Sydney",
                       start_date=date(2027, 4, 6), is_invitation_only=False,
                       online_url="https://meet.example.org/private-room")
    make_session(event, datetime(2027, 4, 6, 3, tzinfo=UTC),
                 datetime(2027, 4, 6, 5, tzinfo=UTC), title="Plenary")
    return event


def _register(event, user):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    return registration


def _feed_url(user):
    token = services.issue_feed_token(user)
    db.session.commit()
    return f"/calendar/{token}.ics"


def test_feed_lists_my_sessions_and_answers_304_when_unchanged(client, participant, workshop,
                                                               frozen_now):
    _register(workshop, participant)
    url = _feed_url(participant)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    parsed = vobject.readOne(response.get_data(as_text=True))
    assert parsed.vevent.summary.value == "Plenary"
    assert "private-room" in response.get_data(as_text=True)  # confirmed: may join
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304
    frozen_now(NOW + timedelta(minutes=5))
    workshop.sessions[0].title = "Plenary (moved)"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_one_users_token_never_shows_anothers_items(client, participant, make_user, workshop,
                                                   make_event):
    other_event = make_event(title="Private bilateral", is_invitation_only=False)
    other = make_user()
    _register(workshop, participant)
    _register(other_event, other)
    body = client.get(_feed_url(participant)).get_data(as_text=True)
    assert "Plenary" in body and "Private bilateral" not in body


def test_unknown_and_revoked_tokens_are_404(client, participant, workshop):
    url = _feed_url(participant)
    assert client.get("/calendar/made-up-token.ics").status_code == 404
    services.revoke_feed(participant)
    db.session.commit()
    assert client.get(url).status_code == 404
    new_url = _feed_url(participant)
    assert client.get(new_url).status_code == 200 and new_url != url


def test_feed_floods_are_rate_limited(client, participant, workshop, monkeypatch):
    from app.calendar import views

    monkeypatch.setattr(views, "MISSES_PER_HOUR", 3)
    statuses = [client.get(f"/calendar/guess-{n}.ics").status_code
                for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    monkeypatch.setattr(views, "FEED_RENDERS_PER_HOUR", 2)
    url = _feed_url(participant)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_cancelled_registration_stays_in_the_feed_as_cancelled_for_30_days(
        client, participant, workshop, frozen_now):
    registration = _register(workshop, participant)
    registrations.cancel_registration(registration, participant)
    db.session.commit()
    url = _feed_url(participant)
    body = client.get(url).get_data(as_text=True)
    assert "STATUS:CANCELLED" in body and "private-room" not in body
    frozen_now(NOW + timedelta(days=31))
    assert "Plenary" not in client.get(url).get_data(as_text=True)


def test_confirmation_sends_request_and_cancellation_sends_cancel(
        participant, workshop, smtp_server):
    registration = _register(workshop, participant)
    registrations.cancel_registration(registration, participant)
    db.session.commit()
    assert send_outbox() == OutboxResult(sent=2)
    request, cancel = smtp_server.messages
    methods = []
    for message in (request, cancel):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(part.get_content())
        assert part.get_param("method") == str(calendar["METHOD"])  # MIME matches METHOD
        methods.append(str(calendar["METHOD"]))
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == workshop.uid
        assert str(event["ORGANIZER"]).startswith("mailto:")
        attachments = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
        assert attachments
    assert methods == ["REQUEST", "CANCEL"]


def test_event_change_sends_a_higher_sequence_with_the_same_uid(
        client, organiser, participant, workshop, smtp_server):
    _register(workshop, participant)
    send_outbox()
    smtp_server.messages.clear()
    login_as(client, organiser)
    data = {"title": "Workshop", "kind": "virtual", "status": "open",
            "timezone": "Australia/Sydney", "start_date": "2027-04-06",
            "end_date": "2027-04-07", "countries": ["AU", "TH"], "topics": ""}
    assert client.post(f"/events/{workshop.id}/edit", data=data).status_code == 302
    send_outbox()
    [message] = smtp_server.messages
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == workshop.uid and event["SEQUENCE"] == 1
    assert event.decoded("DTEND") == date(2027, 4, 8)  # exclusive end of an all-day item


def test_downloads_hide_the_online_link_from_the_unconfirmed(client, participant, workshop):
    login_as(client, participant)
    session = workshop.sessions[0]
    body = client.get(f"/events/{workshop.id}/sessions/{session.id}.ics").get_data(
        as_text=True)
    assert "private-room" not in body and "UID:" + session.uid in body
    agenda = client.get(f"/events/{workshop.id}/agenda.ics").get_data(as_text=True)
    assert "METHOD:PUBLISH" in agenda and "Chatham House Rule" in agenda.replace("\r\n ", "")
    other_session = 999999
    assert client.get(f"/events/{workshop.id}/sessions/{other_session}.ics"
                      ).status_code == 404


def test_reminders_are_sent_once_the_day_before(participant, workshop, frozen_now):
    _register(workshop, participant)
    frozen_now(datetime(2027, 4, 5, 3, tzinfo=UTC))  # 24 hours before the plenary
    assert send_reminders() == 1
    assert send_reminders() == 0
    subjects = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == participant.email)).all()
    assert "Tomorrow: Plenary" in subjects


def test_calendar_page_shows_the_link_once(client, participant):
    login_as(client, participant)
    assert "no calendar link yet" in client.get("/calendar").get_data(as_text=True)
    page = client.post("/calendar/feed").get_data(as_text=True)
    assert "/calendar/" in page and ".ics" in page
    assert client.post("/calendar/feed/revoke").status_code == 302
