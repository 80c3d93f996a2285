"""A moved or cancelled session reaches everyone holding an invitation to it."""

from datetime import UTC
from datetime import date
from datetime import datetime

import icalendar
import pytest
from sqlalchemy import select

from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation.models import Grade
from app.interpretation.services import assign_interpreter
from app.interpretation.services import open_channel
from app.interpretation.services import save_profile
from app.registrations import services as registrations
from tests.fixtures.people import login_as
from tests.forms import rendered_form


@pytest.fixture
def plenary(make_event, make_session):
    event = make_event(kind=EventKind.VIRTUAL, timezone="Asia/Jakarta",
                       start_date=date(2027, 6, 22), is_invitation_only=False)
    return make_session(event, datetime(2027, 6, 22, 2, tzinfo=UTC),
                        datetime(2027, 6, 22, 3, tzinfo=UTC), title="Plenary")


def _calendars(recipient):
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)).all()
    return [(m.calendar_method, icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0])
            for m in messages if m.calendar]


def test_interpreters_get_an_update_then_a_cancel(client, organiser, interpreter, plenary):
    profile = save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    channel = open_channel(plenary, "th")
    assign_interpreter(channel, profile)
    db.session.commit()
    login_as(client, organiser)
    url = f"/events/{plenary.event_id}/sessions/{plenary.id}"
    edit = rendered_form(client, f"{url}/edit").fill(start_time="10:30", end_time="11:30")
    assert edit.submit("submit").status_code == 302
    assert client.post(f"{url}/cancel").status_code == 302
    sent = _calendars(interpreter.email)
    assert [method for method, _event in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event["UID"]) for _method, event in sent}) == 1
    sequences = [event["SEQUENCE"] for _method, event in sent]
    assert sequences == sorted(sequences) and sequences[0] < sequences[1] < sequences[2]


def test_bilateral_invitees_follow_their_call(client, organiser, participant, plenary):
    plenary.kind = SessionKind.BILATERAL
    registrations.register(plenary.event, participant, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    login_as(client, organiser)
    edit = rendered_form(client, f"/events/{plenary.event_id}/sessions/{plenary.id}/edit")
    assert edit.values["kind"] == ["bilateral"]
    assert edit.fill(start_time="08:00", end_time="09:00").submit("submit").status_code == 302
    method, event = _calendars(participant.email)[-1]
    assert method == "REQUEST" and str(event["UID"]) == plenary.uid and event["SEQUENCE"] == 1
