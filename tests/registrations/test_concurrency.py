"""200 people register at once for 35 places, through gunicorn with 4 workers, on each
database: exactly 35 confirmed, 165 waitlisted in arrival order, no errors."""

import pytest
import sqlalchemy as sa

from tests import live
from tests.fixtures.mail import free_port

pytestmark = pytest.mark.server

SECRET = "live-test-secret"


def _states(url, event_id):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT id, user_id, status, waitlisted_dt, created_dt FROM registrations "
            "WHERE event_id = :event ORDER BY id"), {"event": event_id}).all()
    engine.dispose()
    return rows


def test_capacity_holds_under_a_burst_and_cancellations_promote_in_order(
        database, tmp_path):
    kind, url = database
    rush_url = live.fresh_database(kind, url, tmp_path, "rush")
    try:
        _rush(rush_url)
    finally:
        if kind == "postgresql":
            live.drop_database(url, rush_url)


def _rush(rush_url):
    env = live.server_env(rush_url, SECRET_KEY=SECRET)
    live.flask_command(env, "db", "upgrade")
    setup = live.setup_rush(env, people=200, capacity=35)
    event_id = setup["event_id"]
    sessions = {uid: live.signed_in_session(SECRET, uid) for uid in setup["user_ids"]}
    form = {"consent_chatham": "y", "consent_data": "y", "attend_as": "online"}
    with live.gunicorn(env, free_port(), workers=4) as base:
        statuses = live.post_all(base, [
            (f"/events/{event_id}/register", cookie, {**form, "csrf_token": token})
            for cookie, token in sessions.values()], workers=200)
        assert statuses.count(302) == 200, sorted(set(statuses))

        rows = _states(rush_url, event_id)
        confirmed = [r for r in rows if r.status == "confirmed"]
        waitlisted = sorted((r for r in rows if r.status == "waitlisted"),
                            key=lambda r: (r.waitlisted_dt, r.id))
        assert (len(confirmed), len(waitlisted)) == (35, 165)
        # Arrival order: everyone confirmed came before everyone waiting, and the queue
        # follows the order in which the server took the requests.
        assert max(r.created_dt for r in confirmed) <= min(r.created_dt for r in waitlisted)
        assert [r.id for r in waitlisted] == [r.id for r in sorted(
            waitlisted, key=lambda r: (r.created_dt, r.id))]

        leaving = confirmed[:5]
        statuses = live.post_all(base, [
            (f"/registrations/{r.id}/cancel", sessions[r.user_id][0],
             {"csrf_token": sessions[r.user_id][1]}) for r in leaving], workers=5)
        assert statuses == [302] * 5

    after = {r.id: r.status for r in _states(rush_url, event_id)}
    assert [after[r.id] for r in waitlisted[:5]] == ["confirmed"] * 5
    assert [after[r.id] for r in waitlisted[5:]] == ["waitlisted"] * 160
    assert sum(1 for status in after.values() if status == "confirmed") == 35
