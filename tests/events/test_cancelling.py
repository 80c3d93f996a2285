"""Cancelling an event or a session asks first, on a page that says what will happen and
whom it emails (counted by the functions that then email them); only that page's button
cancels, once."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.extensions import db
from app.interpretation.models import Grade
from app.interpretation.services import assign_interpreter
from app.interpretation.services import open_channel
from app.interpretation.services import save_profile
from app.registrations import services as registrations
from tests.fixtures.people import login_as
from tests.forms import rendered_form


@pytest.fixture
def workshop(make_event, make_session):
    event = make_event(title="Workshop", kind=EventKind.VIRTUAL, timezone="Asia/Jakarta",
                       start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                       is_invitation_only=False)
    for day, title in ((22, "Plenary"), (23, "Next steps")):
        make_session(event, datetime(2027, 6, day, 2, tzinfo=UTC),
                     datetime(2027, 6, day, 3, tzinfo=UTC), title=title)
    return event


def _register(event, *people):
    for person in people:
        registrations.register(event, person, registrations.RegistrationInput(
            consent_chatham=True, consent_data=True))
    db.session.commit()


def _interpreting(interpreter, session):
    profile = save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    assign_interpreter(open_channel(session, "th"), profile)
    db.session.commit()


def _mail_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _cancellations() -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.calendar_method == "CANCEL")))


def test_the_event_page_links_to_a_confirmation_that_says_what_happens(
        client, organiser, participant, interpreter, make_user, workshop):
    other = make_user(("participant",), country="TH")
    _register(workshop, participant, other)
    _interpreting(interpreter, workshop.sessions[0])
    login_as(client, organiser)
    page = client.get(f"/events/{workshop.id}").get_data(as_text=True)
    cancel_url = f"/events/{workshop.id}/cancel"
    assert f'href="{cancel_url}"' in page and f'action="{cancel_url}"' not in page
    sent = _mail_count()
    form = rendered_form(client, cancel_url)
    db.session.expire_all()
    assert workshop.status == EventStatus.OPEN and _mail_count() == sent  # asking changes nothing
    text = form.html
    assert "<h1>Cancel the event “Workshop”?</h1>" in text
    assert "Its 2 scheduled sessions are cancelled with it." in text
    assert "2 participants are emailed that it is cancelled" in text
    assert "1 interpreter is emailed that they are no longer needed" in text
    assert form.names == set()  # nothing to fill in: one button
    assert [b.label for b in form.parsed.buttons] == ["Yes, cancel the event"]
    assert f'href="/events/{workshop.id}">Go back</a>' in text
    response = form.submit()
    assert response.status_code == 302
    db.session.expire_all()
    assert workshop.status == EventStatus.CANCELLED
    assert {s.status for s in workshop.sessions} == {SessionStatus.CANCELLED}
    # What the page promised: one cancellation each, to the two participants and the
    # interpreter.
    assert _cancellations() == sorted([participant.email, other.email, interpreter.email])
    # The button pressed again (a stale page, a second organiser): refused, nobody emailed.
    sent = _mail_count()
    again = form.submit()
    assert again.status_code == 409
    assert "This event is cancelled." in again.get_data(as_text=True)
    assert _mail_count() == sent
    # And the cancelled event's confirmation offers no button.
    stale = client.get(cancel_url)
    assert stale.status_code == 409 and "Yes, cancel the event" not in stale.get_data(
        as_text=True)


def test_cancelling_a_session_asks_first_and_says_who_is_not_emailed(
        client, organiser, participant, workshop):
    _register(workshop, participant)
    session = workshop.sessions[1]
    login_as(client, organiser)
    page = client.get(f"/events/{workshop.id}/sessions/{session.id}").get_data(as_text=True)
    cancel_url = f"/events/{workshop.id}/sessions/{session.id}/cancel"
    assert f'href="{cancel_url}"' in page
    sent = _mail_count()
    form = rendered_form(client, cancel_url)
    text = form.html
    assert "Cancel the session “Next steps”?" in text
    assert "Participants are not emailed" in text
    assert "No one has a calendar invitation for it yet, so no one is emailed." in text
    assert [b.label for b in form.parsed.buttons] == ["Yes, cancel the session"]
    assert form.submit().status_code == 302
    db.session.expire_all()
    assert session.status == SessionStatus.CANCELLED
    assert workshop.sessions[0].status == SessionStatus.SCHEDULED
    assert _mail_count() == sent
    assert form.submit().status_code == 409


def test_go_back_returns_to_a_local_page_only(client, organiser, workshop):
    login_as(client, organiser)
    url = f"/events/{workshop.id}/cancel"
    page = client.get(f"{url}?next=/events").get_data(as_text=True)
    assert 'href="/events">Go back</a>' in page
    assert f'action="/events/{workshop.id}/cancel?next=/events"' in page
    elsewhere = client.get(f"{url}?next=//evil.example/").get_data(as_text=True)
    assert "evil.example\">Go back" not in elsewhere
    assert f'href="/events/{workshop.id}">Go back</a>' in elsewhere


def test_only_organisers_reach_the_confirmations(client, participant, workshop):
    login_as(client, participant)
    session = workshop.sessions[0]
    for url in (f"/events/{workshop.id}/cancel",
                f"/events/{workshop.id}/sessions/{session.id}/cancel"):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    db.session.expire_all()
    assert workshop.status == EventStatus.OPEN
