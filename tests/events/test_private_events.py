"""A private event (a scheduled bilateral call) exists only for its invitees, the organisers and
the interpreters assigned to it: on the timeline, the events list, its pages, its calendar
downloads and its registration form. To anyone else its URLs answer 404."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func
from sqlalchemy import select

from app import create_app
from app.bilaterals import services as bilaterals
from app.events import visibility
from app.events.models import Event
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import InterpreterProfile
from app.interpretation.models import SessionChannel
from app.registrations.models import EventInvitee
from app.registrations.models import Registration
from tests import live
from tests.fixtures.database import make_test_config
from tests.fixtures.people import login_as

TITLE = "Bilateral call: Indonesia–Thailand: Screening at the border"


def at(hour: int) -> datetime:
    return datetime(2027, 3, 10, hour, tzinfo=UTC)


@pytest.fixture
def call(make_event, make_session, make_user):
    """A scheduled call's event: one invitee (Indonesia) and one interpreter assigned."""
    event = make_event(title=TITLE, is_private=True, is_invitation_only=True)
    session = make_session(event, at(3), at(4), kind=SessionKind.BILATERAL,
                           title="Screening follow-up", floor_language="th")
    invitee = make_user(country="ID", display_name="Invited Person")
    db.session.add(EventInvitee(event_id=event.id, user_id=invitee.id))
    interpreter = make_user(("interpreter",), country="TH")
    db.session.add(InterpreterProfile(user_id=interpreter.id, timezone="Asia/Bangkok"))
    channel = SessionChannel(session=session, language_code="en")
    db.session.add(channel)
    db.session.flush()
    assignment = Assignment(channel=channel, interpreter_id=interpreter.id,
                            status=AssignmentStatus.PROPOSED)
    db.session.add(assignment)
    db.session.commit()
    return SimpleNamespace(event=event, session=session, invitee=invitee,
                           interpreter=interpreter, assignment=assignment)


def pages(call) -> list[str]:
    e, s = call.event.id, call.session.id
    return [f"/events/{e}", f"/events/{e}/sessions/{s}", f"/events/{e}/agenda.ics",
            f"/events/{e}/sessions/{s}.ics", f"/events/{e}/register", f"/events/{e}/topics",
            f"/events/{e}/interpretation/requests", f"/events/{e}/feedback",
            f"/events/{e}/report"]


def test_others_do_not_see_it_anywhere(client, call, participant, make_user):
    for outsider in (participant, make_user(("interpreter",), country="TH")):
        login_as(client, outsider)
        for url in ("/", "/events"):
            assert TITLE not in client.get(url).get_data(as_text=True)
        for url in pages(call):
            # An interpreter-only account is refused every register page (403), whether or
            # not the event exists, so that answer tells nothing about the call either.
            refused = 403 if url.endswith("/register") and not outsider.is_participant else 404
            assert client.get(url).status_code == refused, url
    login_as(client, participant)
    response = client.post(f"/events/{call.event.id}/register",
                           data={"attend_as": "online", "consent_chatham": "y",
                                 "consent_data": "y"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_anonymous_visitors_do_not_see_it_on_the_timeline(client, call):
    assert TITLE not in client.get("/").get_data(as_text=True)


def test_invitee_organiser_and_interpreter_see_it(client, call, organiser):
    for viewer in (call.invitee, organiser, call.interpreter):
        login_as(client, viewer)
        for url in ("/", "/events"):
            assert TITLE in client.get(url).get_data(as_text=True), (viewer, url)
        for url in pages(call):
            if url.endswith("/register") and viewer is call.interpreter:
                continue  # seen below: interpreters do not register as participants
            # The old report address sends them on to the report (app.reports).
            expected = 302 if url.endswith("/report") else 200
            assert client.get(url).status_code == expected, (viewer, url)
        # A private call is never on the public timeline, nor has a public report.
        assert TITLE not in client.get("/platform").get_data(as_text=True)
        assert client.get(f"/reports/{call.event.id}").status_code == 404


def test_interpreters_see_it_only_while_assigned(client, call):
    call.assignment.status = AssignmentStatus.RELEASED
    db.session.commit()
    login_as(client, call.interpreter)
    assert client.get(f"/events/{call.event.id}").status_code == 404
    assert TITLE not in client.get("/events").get_data(as_text=True)


def test_a_delegation_invitation_shows_it_to_that_delegation_only(client, call, make_user):
    db.session.add(EventInvitee(event_id=call.event.id, country_code="TH"))
    db.session.commit()
    thai = make_user(country="TH")
    thai_interpreter = make_user(("interpreter",), country="TH")
    malaysian = make_user(country="MY")
    login_as(client, thai)
    assert client.get(f"/events/{call.event.id}").status_code == 200
    for outsider in (thai_interpreter, malaysian):
        login_as(client, outsider)
        assert client.get(f"/events/{call.event.id}").status_code == 404


def test_drafts_stay_hidden_from_invitees(client, call):
    call.event.status = EventStatus.DRAFT
    db.session.commit()
    login_as(client, call.invitee)
    assert client.get(f"/events/{call.event.id}").status_code == 404


def test_the_loader_and_the_listing_agree_with_can_see_event(call, participant, organiser):
    for viewer, sees in ((participant, False), (call.invitee, True), (organiser, True),
                         (call.interpreter, True)):
        listed = db.session.scalar(select(Event.id).where(
            Event.id == call.event.id, visibility.event_visibility_clause(viewer)))
        assert (listed is not None, visibility.can_see_event(viewer, call.event)) == (sees, sees)


def test_a_scheduled_bilateral_call_is_a_private_event(make_user, organiser, frozen_now):
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    nz, th = make_user(country="NZ"), make_user(country="TH", languages=("th",))
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Case management follow-up",
        duration_minutes=60, first_date=date(2027, 4, 1), last_date=date(2027, 4, 9),
        timezone="Asia/Bangkok", invitee_ids=[nz.id, th.id]), organiser)
    session = bilaterals.pick_slot(call, call.slots[0].id, organiser)
    assert session.event.is_private
    stranger = make_user(country="NZ")
    assert not visibility.can_see_event(stranger, session.event)
    assert visibility.can_see_event(nz, session.event)


def test_the_migration_makes_calls_already_scheduled_private(database, tmp_path):
    """Upgrading a database whose bilateral call was scheduled before private events existed
    marks that call's event private, and no other."""
    kind, url = database
    fresh = live.fresh_database(kind, url, tmp_path, "private_events")
    application = create_app(make_test_config(fresh))
    try:
        with application.app_context():
            upgrade(revision="b3e1c7d9a2f4")
            _rows_before_private_events()
            upgrade()
            flags = dict(db.session.execute(sa.text(
                "SELECT title, is_private FROM events")).all())
            assert {title: bool(flag) for title, flag in flags.items()} == {
                "Bilateral call": True, "Roundtable": False}
            # Nothing else changed: the call still holds its session (SQLite copies no table).
            assert db.session.scalar(sa.text(
                "SELECT session_id FROM bilateral_calls WHERE id = 1")) == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        if kind == "postgresql":
            live.drop_database(url, fresh)


def _rows_before_private_events() -> None:
    now = datetime(2027, 3, 1)
    statements = [
        *(("INSERT INTO countries (code, name, timezone, zones, work_start_minute, "
           "work_end_minute, holiday_subdivision) VALUES (:code, :code, 'UTC', '[]', 480, "
           "1080, '')", {"code": code}) for code in ("AU", "TH")),
        ("INSERT INTO users (id, email, display_name, pseudonym, password_hash, "
         "is_participant, is_organiser, is_interpreter, timezone, locale, languages, created_dt)"
         " VALUES (1, 'o@example.org', 'O', '', 'x', :no, :yes, :no, 'UTC', 'en', '[]', :now)",
         {}),
    ]
    for n, title in ((1, "Bilateral call"), (2, "Roundtable")):
        statements += [
            ("INSERT INTO events (id, title, description, kind, status, timezone, start_date, "
             "end_date, co_hosts, venue, address, online_url, joining_instructions, "
             "is_chatham_house, is_invitation_only, topics, country_codes, requires_approval, "
             "uid, sequence, created_dt, updated_dt) VALUES (:n, :title, '', 'virtual', "
             "'open', 'UTC', :day, :day, '', '', '', '', '', :yes, :yes, '[]', '[]', :no, "
             ":uid, 0, :now, :now)", {"n": n, "title": title, "uid": f"event-{n}"}),
            ("INSERT INTO sessions (id, event_id, title, description, kind, status, start_dt, "
             "end_dt, room, online_url, attendance_mode, floor_language, uid, sequence, "
             "updated_dt, meeting_point, transport) VALUES (:n, :n, :title, '', 'bilateral', "
             "'scheduled', :now, :later, '', '', 'online', 'en', :uid, 0, :now, '', '')",
             {"n": n, "title": title, "uid": f"session-{n}"}),
        ]
    statements.append((
        "INSERT INTO bilateral_calls (id, country_a, country_b, topic, duration_minutes, "
        "first_date, last_date, timezone, interpretation_from, interpretation_to, "
        "avoid_joint_leave, online_url, status, session_id, no_slot_reasons, created_by_id, "
        "created_dt) VALUES (1, 'AU', 'TH', 'Follow-up', 60, :day, :day, 'UTC', '', '', :yes, "
        "'', 'scheduled', 1, '[]', 1, :now)", {}))
    common = {"yes": True, "no": False, "now": now, "later": datetime(2027, 3, 1, 1),
              "day": date(2027, 3, 1)}
    with db.engine.begin() as connection:
        for sql, values in statements:
            connection.execute(sa.text(sql), {**common, **values})
