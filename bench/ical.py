"""How fast the personal calendar feed is, against plain icalendar, and how cheap a
conditional request is.

* ``feed_ms``: one full ``GET /calendar/<token>.ics`` through the Flask test client for a
  person registered for an event of 2,000 sessions (best of five);
* ``raw_ms``: serialising the same 2,000 events with plain icalendar, property for property
  (a VTIMEZONE and one VEVENT each with UID, SEQUENCE, DTSTAMP, DTSTART/DTEND with TZID,
  SUMMARY, DESCRIPTION, LOCATION, URL, STATUS, LAST-MODIFIED, CATEGORIES, ORGANIZER,
  ATTENDEE and a VALARM); ``ratio`` is feed_ms / raw_ms (target at most 1.5), so it is the
  cost of the query and of building the items;
* ``rps_304``: requests per second for the same feed asked with ``If-None-Match`` (answered
  304 from one indexed look-up), served by gunicorn with 2 workers, against ``bare_rps`` of a
  bare Flask app under the same gunicorn command (target rps_304 at least 0.6 x bare_rps).

Run from the repository root: ``.venv/bin/python bench/ical.py`` (SQLite in a temporary
directory), or with ``DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` for
PostgreSQL (a ``<db>_bench`` database is created and dropped). One line goes to stdout.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.agenda import EVENT_ZONE
from bench.agenda import Target
from bench.agenda import add_event
from bench.agenda import bench_database
from bench.agenda import dispose_engine
from bench.agenda import flask_command
from bench.agenda import get
from bench.agenda import gunicorn
from bench.agenda import log
from bench.agenda import make_app
from bench.agenda import measure
from bench.agenda import server_env
from bench.agenda import stop_on_sigterm
from bench.agenda import virtual_rows

SESSIONS = 2000


def prepare(app) -> tuple[str, list]:
    """The event, a person registered for it, and their feed token."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.calendar.services import issue_feed_token
    from app.events.models import EventSession
    from app.extensions import db
    from app.registrations.models import AttendAs
    from app.registrations.models import Registration
    from app.registrations.models import RegistrationStatus

    with app.app_context():
        event_id = add_event(db, "Virtual learning series", "virtual",
                             virtual_rows(SESSIONS, date(2028, 3, 1)))
        user = User(email="feed@example.org", display_name="Feed Reader", password_hash="!",  # noqa: S106
                    timezone="Pacific/Auckland")
        db.session.add(user)
        db.session.flush()
        db.session.add(Registration(event_id=event_id, user_id=user.id,
                                    status=RegistrationStatus.CONFIRMED,
                                    attend_as=AttendAs.ONLINE,
                                    consented_dt=datetime.now(UTC)))
        token = issue_feed_token(user)
        db.session.commit()
        rows = db.session.execute(select(EventSession.uid, EventSession.title,
                                         EventSession.start_dt, EventSession.end_dt)
                                  .where(EventSession.event_id == event_id)).all()
    return token, rows


def best_of(runs: int, work) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings)


def plain_icalendar(rows) -> bytes:
    """The same events, property for property, with icalendar alone: the floor for
    serialising them."""
    from datetime import timedelta

    from icalendar import Alarm
    from icalendar import Calendar
    from icalendar import Event
    from icalendar import Timezone
    from icalendar import vCalAddress

    from app.core.time import get_zone

    zone = get_zone(EVENT_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    calendar.add_component(Timezone.from_tzid(EVENT_ZONE, first_date=date(2028, 1, 1),
                                              last_date=date(2029, 1, 1)))
    stamp = datetime.now(UTC)
    for uid, title, start, end in rows:
        event = Event()
        event.add("uid", uid)
        event.add("sequence", 0)
        event.add("dtstamp", stamp)
        event.add("dtstart", zone.normalize(start.astimezone(zone)))
        event.add("dtend", zone.normalize(end.astimezone(zone)))
        event.add("summary", title)
        event.add("description", "Virtual learning series")
        event.add("location", "https://meet.example.org/bench")
        event.add("url", "https://meet.example.org/bench")
        event.add("status", "CONFIRMED")
        event.add("last-modified", stamp)
        event.add("categories", ["Virtual learning series"])
        organizer = vCalAddress("mailto:roundtable@localhost")
        organizer.params["cn"] = "Roundtable organisers"
        event.add("organizer", organizer)
        attendee = vCalAddress("mailto:feed@example.org")
        attendee.params.update(cn="Feed Reader", role="REQ-PARTICIPANT", partstat="ACCEPTED")
        event.add("attendee", attendee, encode=0)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(minutes=-30))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def main() -> str:
    with ExitStack() as stack:
        tmp_dir = Path(tempfile.mkdtemp(prefix="roundtable-ical-"))
        stack.callback(shutil.rmtree, tmp_dir, ignore_errors=True)
        database_url = stack.enter_context(bench_database(tmp_dir))
        env = server_env(database_url)
        os.environ.update({k: env[k] for k in ("ROUNDTABLE_ENV", "SECRET_KEY", "DATABASE_URL",
                                               "MAIL_BACKEND")})
        flask_command(env, "db", "upgrade")
        app = make_app(database_url)
        stack.callback(dispose_engine, app)
        token, rows = prepare(app)
        path = f"/calendar/{token}.ics"
        client = app.test_client()
        first = client.get(path)
        assert first.status_code == 200 and first.data.count(b"BEGIN:VEVENT") == SESSIONS
        feed_ms = best_of(5, lambda: client.get(path))
        raw_ms = best_of(5, lambda: plain_icalendar(rows))
        log(f"feed {feed_ms:.0f} ms, plain icalendar {raw_ms:.0f} ms")
        dispose_engine(app)

        bare = stack.enter_context(gunicorn(env, "bench.bare_app:app", "/", tmp_dir))
        port = stack.enter_context(gunicorn(env, "wsgi:app", "/login", tmp_dir))
        status, _body, _cookie = get(port, path)
        assert status == 200
        etag = {"If-None-Match": first.headers["ETag"]}
        assert get(port, path, etag)[0] == 304
        bare_load, feed_load = measure([
            Target("bare Flask", bare, "/", {}, 32, 2),
            Target("feed, conditional (304)", port, path, etag, 32, 2, expect=304),
        ])
    return (f"sessions={SESSIONS} feed_ms={feed_ms:.0f} raw_ms={raw_ms:.0f} "
            f"ratio={feed_ms / raw_ms:.2f} rps_304={feed_load.rps:.0f} "
            f"bare_rps={bare_load.rps:.0f}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    print(main(), flush=True)
