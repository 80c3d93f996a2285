"""The same races through HTTP on two gunicorn instances (two "hosts") against one database:
a participant cancels on one host while an organiser approves on the other, and a
double-clicked Cancel lands once on each host. Each pair is repeated 20 times."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import live
from tests.fixtures.mail import free_port

pytestmark = pytest.mark.server

SECRET = "live-test-secret"
REPEAT = 20


def _at_once(*requests) -> list[int]:
    """POST (url, session, form) requests at the same moment; their statuses in order."""
    return live.post_all("", [(url, session[0], {**form, "csrf_token": session[1]})
                              for url, session, form in requests], workers=len(requests))


def test_cancel_and_approve_on_two_hosts(database, tmp_path):
    kind, url = database
    own = live.fresh_database(kind, url, tmp_path, "twohosts")
    try:
        _run(own)
    finally:
        if kind == "postgresql":
            live.drop_database(url, own)


def _run(db_url: str) -> None:
    env = live.server_env(db_url, SECRET_KEY=SECRET)
    live.flask_command(env, "db", "upgrade")
    setup = live.setup_rush(env, people=2 * REPEAT + 1, capacity=1000)
    event_id, people = setup["event_id"], setup["user_ids"]
    organiser, participants = people[0], people[1:]
    live.app_python(env, "from app.auth.models import User; from app.events.models import Event; "
                         "from app.extensions import db; "
                         f"db.session.get(User, {organiser}).set_roles(['organiser']); "
                         f"db.session.get(Event, {event_id}).requires_approval = True; "
                         "db.session.commit()")
    sessions = {uid: live.signed_in_session(SECRET, uid) for uid in people}
    form = {"consent_chatham": "y", "consent_data": "y", "attend_as": "online"}
    engine = sa.create_engine(db_url)
    try:
        with live.gunicorn(env, free_port()) as host_a, live.gunicorn(env, free_port()) as host_b:
            for uid in participants:
                statuses = _at_once((f"{host_a}/events/{event_id}/register", sessions[uid],
                                     form))
                assert statuses == [302], statuses
            with engine.connect() as connection:
                registration_of = dict(connection.execute(sa.text(
                    "SELECT user_id, id FROM registrations WHERE event_id = :e"),
                    {"e": event_id}).all())
            approvals, doubles = participants[:REPEAT], participants[REPEAT:]
            for uid in approvals:
                rid = registration_of[uid]
                statuses = _at_once(
                    (f"{host_a}/registrations/{rid}/cancel", sessions[uid], {}),
                    (f"{host_b}/events/{event_id}/registrations/{rid}/approve",
                     sessions[organiser], {}))
                # The approval came first (302) or was refused after the cancellation (303,
                # the reason shown on the roster).
                assert statuses[0] == 302 and statuses[1] in (302, 303), statuses
            for uid in doubles:
                rid = registration_of[uid]
                statuses = _at_once((f"{host_a}/registrations/{rid}/cancel", sessions[uid], {}),
                                    (f"{host_b}/registrations/{rid}/cancel", sessions[uid], {}))
                assert statuses == [302, 302], statuses
        with engine.connect() as connection:
            states = dict(connection.execute(sa.text(
                "SELECT user_id, status FROM registrations WHERE event_id = :e"),
                {"e": event_id}).all())
            audit = connection.execute(sa.text(
                "SELECT subject_id, action FROM audit_records "
                "WHERE subject_type = 'registration' ORDER BY id")).all()
    finally:
        engine.dispose()
    assert {states[uid] for uid in participants} == {"cancelled"}
    for uid in participants:
        actions = [action for rid, action in audit if rid == registration_of[uid]]
        assert actions[-1] == "cancelled" and actions.count("cancelled") == 1, (uid, actions)
