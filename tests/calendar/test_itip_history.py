"""What each person's calendar was sent, from first invitation to cancellation: every item is
cancelled by its own UID, SEQUENCE only grows, and feeds say what the emails said."""

from datetime import UTC
from datetime import date
from datetime import datetime

import icalendar
import pytest
from sqlalchemy import select

from app.bilaterals import services as bilaterals
from app.calendar import services
from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.extensions import db
from app.interpretation.models import Grade
from app.interpretation.services import assign_interpreter
from app.interpretation.services import open_channel
from app.interpretation.services import save_profile
from app.registrations import services as registrations
from tests.fixtures.people import login_as

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def workshop(make_event, make_session):
    event = make_event(title="Workshop", kind=EventKind.VIRTUAL, timezone="Asia/Jakarta",
                       start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                       is_invitation_only=False)
    make_session(event, datetime(2027, 6, 22, 2, tzinfo=UTC),
                 datetime(2027, 6, 22, 3, tzinfo=UTC), title="Plenary")
    return event


def _register(event, user):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    return registration


def _sent(recipient):
    """(METHOD, VEVENT) of every calendar emailed to the recipient, oldest first."""
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient, OutboxMessage.calendar.is_not(None))
        .order_by(OutboxMessage.id)).all()
    found = []
    for message in messages:
        calendar = icalendar.Calendar.from_ical(message.calendar)
        assert str(calendar["METHOD"]) == message.calendar_method
        [event] = calendar.walk("VEVENT")
        found.append((message.calendar_method, event))
    return found


def _interpreting(interpreter, session):
    profile = save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    assignment = assign_interpreter(open_channel(session, "th"), profile)
    db.session.commit()
    return assignment


def test_cancelling_an_event_cancels_every_item_sent_for_it_by_its_own_uid(
        client, organiser, participant, interpreter, workshop):
    plenary = workshop.sessions[0]
    _register(workshop, participant)
    _interpreting(interpreter, plenary)
    login_as(client, organiser)
    assert client.post(f"/events/{workshop.id}/cancel").status_code == 302

    registration_items = _sent(participant.email)
    assert [(m, str(e["UID"])) for m, e in registration_items] == [
        ("REQUEST", workshop.uid), ("CANCEL", workshop.uid)]
    interpreting = _sent(interpreter.email)
    assert [(m, str(e["UID"])) for m, e in interpreting] == [
        ("REQUEST", plenary.uid), ("CANCEL", plenary.uid)]
    for history in (registration_items, interpreting):
        assert history[1][1]["SEQUENCE"] > history[0][1]["SEQUENCE"]
    assert interpreting[1][1]["STATUS"] == "CANCELLED"


def test_a_cancelled_bilateral_call_cancels_the_invitation_its_invitees_hold(
        client, organiser, participant, make_user):
    thai = make_user(("participant",), country="TH", locale="th", languages=("th",))
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Case management follow-up",
        duration_minutes=60, first_date=date(2027, 4, 1), last_date=date(2027, 4, 9),
        timezone="Asia/Bangkok", invitee_ids=[participant.id, thai.id]), organiser)
    session = bilaterals.pick_slot(call, call.slots[0].id, organiser)
    db.session.commit()
    login_as(client, organiser)
    assert client.post(f"/events/{session.event_id}/cancel").status_code == 302
    for person in (participant, thai):
        history = _sent(person.email)
        # The session they were invited to, never the event's own UID they never received.
        assert [(m, str(e["UID"])) for m, e in history] == [
            ("REQUEST", session.uid), ("CANCEL", session.uid)]
        assert history[1][1]["SEQUENCE"] > history[0][1]["SEQUENCE"]


def test_a_registrations_sequence_only_grows_through_cancel_and_registering_again(
        client, organiser, participant, workshop):
    registration = _register(workshop, participant)
    registrations.cancel_registration(registration, participant)
    db.session.commit()
    _register(workshop, participant)
    services.announce_event_change(workshop)  # the event moved
    db.session.commit()
    history = _sent(participant.email)
    assert [m for m, _e in history] == ["REQUEST", "CANCEL", "REQUEST", "REQUEST"]
    assert {str(e["UID"]) for _m, e in history} == {workshop.uid}
    sequences = [e["SEQUENCE"] for _m, e in history]
    assert sequences == sorted(set(sequences)), sequences  # strictly growing
    assert sequences[0] == 0


def test_an_interpreters_feed_says_what_their_invitation_says(
        client, interpreter, workshop):
    plenary = workshop.sessions[0]
    assignment = _interpreting(interpreter, plenary)
    assignment.sequence += 2  # as after a release and a new proposal
    db.session.commit()
    from app.interpretation.services import email_interpreter

    email_interpreter(assignment, "changed")
    db.session.commit()
    _method, invitation = _sent(interpreter.email)[-1]
    token = services.issue_feed_token(interpreter)
    db.session.commit()
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").data)
    assert str(feed["METHOD"]) == "PUBLISH"
    [item] = feed.walk("VEVENT")
    assert str(item["UID"]) == str(invitation["UID"])
    assert str(item["SUMMARY"]) == str(invitation["SUMMARY"]) == "Interpreting (Thai): Plenary"
    assert item["SEQUENCE"] == invitation["SEQUENCE"]
    assert "ATTENDEE" not in item  # RFC 5546: PUBLISH names no attendee


def test_invitations_name_the_organisers_mailbox_ask_no_reply_and_leave_days_free(
        app, participant, workshop, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISER_EMAIL", "organisers@roundtable.example.org")
    _register(workshop, participant)
    [(method, event)] = _sent(participant.email)
    assert method == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:organisers@roundtable.example.org"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert event["TRANSP"] == "TRANSPARENT"  # three all-day days, not three busy days
    assert event.decoded("DTEND") == date(2027, 6, 25)
