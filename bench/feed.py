"""How fast the personal calendar feed is, through gunicorn (2 sync workers), with its items
serialised once and kept in the database (app/calendar/itemcache.py).

A person registered for an event of 2,000 sessions, another for one of 200:

* ``feed_cold_ms``: ``GET /calendar/<token>.ics`` of the 2,000-session feed with nothing
  stored (every item serialised and kept), best of three, the store emptied before each:
  the time to its last byte (the items are kept after the response has gone,
  ``app.core.db.after_the_response``; each fetch waits for that before the next step, so
  every cold fetch is cold);
* ``feed_warm_ms``: the same feed once stored and unchanged (its kept list and the stored
  bytes), best of seven; ``warm_median_ms`` their median;
* ``changed_ms``: the feed after one session of the event changed (the features asked for
  the items again, all but one read from the store), best of three;
* ``rps_304`` / ``bare_rps``: requests per second for the feed asked with ``If-None-Match``
  (answered 304 from one indexed look-up) against a bare Flask app under the same gunicorn
  command, and ``ratio_304`` between them (target at least 0.6);
* ``scale_2000_vs_200``: the warm 2,000-session feed's time over the 200-session one's
  (target at most 11), and ``scale_changed`` the same for a changed feed;
* ``queries_cold``, ``queries_warm``, ``queries_changed``: SQL statements for one fetch of
  the 2,000-session feed in-process (transaction control left out); ``constant=yes`` when
  the 200-session feed takes exactly as many;
* ``inproc_cold_ms``, ``inproc_warm_ms``: the same fetches through the Flask test client,
  without HTTP or gunicorn (best of three), the keeping after the response included: all
  the work a fetch costs the worker.

Targets (issue #23): warm at most 100 ms, cold at most 500 ms.

Run from the repository root: ``.venv/bin/python bench/feed.py`` (SQLite in a temporary
directory), or with ``DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` for
PostgreSQL (a ``<db>_bench`` database is created and dropped). One line goes to stdout.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.agenda import TRANSACTION_CONTROL
from bench.agenda import USER_AGENT
from bench.agenda import add_event
from bench.agenda import bench_database
from bench.agenda import dispose_engine
from bench.agenda import flask_command
from bench.agenda import get
from bench.agenda import gunicorn
from bench.agenda import log
from bench.agenda import make_app
from bench.agenda import server_env
from bench.agenda import stop_on_sigterm
from bench.agenda import virtual_rows
from bench.loadgen import WRK
from bench.loadgen import Load
from bench.loadgen import Target
from bench.loadgen import measure

SIZES = (200, 2000)


def prepare(app) -> dict[int, tuple[str, int]]:
    """Per size: a person registered for an event of that many sessions, their feed token,
    and the event's first session id (changed to measure a changed feed)."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.calendar.services import issue_feed_token
    from app.events.models import EventSession
    from app.extensions import db
    from app.registrations.models import AttendAs
    from app.registrations.models import Registration
    from app.registrations.models import RegistrationStatus

    found = {}
    with app.app_context():
        for size in SIZES:
            event_id = add_event(db, f"Virtual learning series ({size})", "virtual",
                                 virtual_rows(size, date(2028, 3, 1)))
            user = User(email=f"feed{size}@example.org", display_name=f"Feed Reader {size}",
                        password_hash="!", timezone="Pacific/Auckland")  # noqa: S106
            db.session.add(user)
            db.session.flush()
            db.session.add(Registration(event_id=event_id, user_id=user.id,
                                        status=RegistrationStatus.CONFIRMED,
                                        attend_as=AttendAs.ONLINE,
                                        consented_dt=datetime.now(UTC)))
            token = issue_feed_token(user)
            first = db.session.scalar(select(EventSession.id).where(
                EventSession.event_id == event_id).order_by(EventSession.start_dt).limit(1))
            found[size] = (token, first)
        db.session.commit()
    return found


def empty_store(app) -> None:
    """Nothing serialised, no feed's list kept: the next fetch of every feed is cold."""
    from sqlalchemy import delete
    from sqlalchemy import update

    from app.calendar.models import CalendarFeed
    from app.calendar.models import CalendarItemCache
    from app.extensions import db

    with app.app_context():
        db.session.execute(delete(CalendarItemCache))
        db.session.execute(update(CalendarFeed).values(items_key=None))
        db.session.commit()


def change_session(app, session_id: int, n: int) -> None:
    """One session retitled (as an organiser's edit would): its feeds move."""
    from app.events.models import EventSession
    from app.extensions import db

    with app.app_context():
        db.session.get(EventSession, session_id).title = f"Changed session {n}"
        db.session.commit()


def wait_until_kept(app, token: str) -> None:
    """Until the feed's list of items is kept: the worker keeps a fetched feed's items after
    its response (``app.core.db.after_the_response``), and the next step (emptying the
    store, changing a session, fetching again) must not overtake that write."""
    from sqlalchemy import select

    from app.calendar.models import CalendarFeed
    from app.calendar.services import _hash
    from app.extensions import db

    deadline = time.monotonic() + 30
    with app.app_context():
        while db.session.scalar(select(CalendarFeed.items_key).where(
                CalendarFeed.token_hash == _hash(token))) is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the feed's items were not kept within 30 s")
            db.session.rollback()
            time.sleep(0.01)


def fetch_ms(port: int, path: str, sessions: int) -> float:
    """One GET, its whole body read; checked to hold every session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"User-Agent": USER_AGENT})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    if response.status != 200 or body.count(b"BEGIN:VEVENT") != sessions:
        raise RuntimeError(f"{path} answered {response.status} with "
                           f"{body.count(b'BEGIN:VEVENT')} items, not {sessions}")
    return elapsed


def timings(app, port: int, tokens: dict) -> dict[str, float]:
    """Cold, warm and changed fetches of each feed through gunicorn."""
    found: dict[str, float] = {}
    for size in SIZES:
        token, session_id = tokens[size]
        path = f"/calendar/{token}.ics"
        cold = []
        for _ in range(3):
            empty_store(app)
            cold.append(fetch_ms(port, path, size))
            wait_until_kept(app, token)
        warm = [fetch_ms(port, path, size) for _ in range(7)]
        changed = []
        for n in range(3):
            change_session(app, session_id, n)
            changed.append(fetch_ms(port, path, size))
            wait_until_kept(app, token)
        log(f"{size} sessions through gunicorn: cold {', '.join(f'{t:.0f}' for t in cold)} ms;"
            f" warm {', '.join(f'{t:.0f}' for t in warm)} ms;"
            f" changed {', '.join(f'{t:.0f}' for t in changed)} ms")
        found |= {f"cold_{size}": min(cold), f"warm_{size}": min(warm),
                  f"warm_median_{size}": statistics.median(warm),
                  f"changed_{size}": min(changed)}
    return found


def in_process(app, tokens: dict) -> dict[str, float]:
    """Statements and times per fetch through the Flask test client: cold, warm, changed."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    def fetch(path: str) -> tuple[float, int]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            started = time.perf_counter()
            response = client.get(path, buffered=True)  # closed: its keeping runs
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200
        return elapsed, len(statements)

    found: dict[str, float] = {}
    for size in SIZES:
        token, session_id = tokens[size]
        path = f"/calendar/{token}.ics"
        cold, warm, changed = [], [], []
        for n in range(3):
            empty_store(app)
            cold.append(fetch(path))
            warm.append(fetch(path))
            change_session(app, session_id, 100 + n)
            changed.append(fetch(path))
        for name, runs in (("cold", cold), ("warm", warm), ("changed", changed)):
            found[f"inproc_{name}_{size}"] = min(ms for ms, _count in runs)
            found[f"queries_{name}_{size}"] = runs[-1][1]
        log(f"{size} sessions in-process: " + ", ".join(
            f"{name} {found[f'inproc_{name}_{size}']:.0f} ms / "
            f"{found[f'queries_{name}_{size}']} statements"
            for name in ("cold", "warm", "changed")))
    return found


def thread_load(port: int, path: str, headers: dict, expect: int, seconds: int = 2,
                connections: int = 32) -> Load:
    """Without wrk: one keep-alive connection per thread for ``seconds``, every answer
    checked to be ``expect`` (304 for the conditional feed)."""
    counts, failures = [0] * connections, []
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                connection.request("GET", path, headers={"User-Agent": USER_AGENT, **headers})
                response = connection.getresponse()
                response.read()
                if response.status != expect:
                    failures.append(response.status)
                counts[index] += 1
        except (OSError, http.client.HTTPException) as error:
            failures.append(error)
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"load on {path} failed: {failures[:3]}")
    elapsed = time.monotonic() - started
    return Load(sum(counts), elapsed, elapsed * connections / max(1, sum(counts)))


def alternate_threads(targets: list[tuple[int, str, dict, int]], rounds: int = 3) -> list[Load]:
    """Each target loaded in turn, ``rounds`` times over; the best round of each (work from
    elsewhere on the machine only slows a round down)."""
    runs: list[list[Load]] = [[] for _ in targets]
    for _ in range(rounds):
        for target, done in zip(targets, runs, strict=True):
            done.append(thread_load(*target))
    for (_port, path, _headers, _expect), done in zip(targets, runs, strict=True):
        log(f"{path}: " + ", ".join(f"{run.rps:.0f}/s" for run in done))
    return [max(done, key=lambda run: run.rps) for done in runs]


def main() -> str:
    with ExitStack() as stack:
        tmp_dir = Path(tempfile.mkdtemp(prefix="roundtable-feed-"))
        stack.callback(shutil.rmtree, tmp_dir, ignore_errors=True)
        database_url = stack.enter_context(bench_database(tmp_dir))
        env = server_env(database_url)
        os.environ.update({k: env[k] for k in ("ROUNDTABLE_ENV", "SECRET_KEY", "DATABASE_URL",
                                               "MAIL_BACKEND")})
        flask_command(env, "db", "upgrade")
        app = make_app(database_url)
        stack.callback(dispose_engine, app)
        tokens = prepare(app)
        local = in_process(app, tokens)

        bare, _bare_pid = stack.enter_context(gunicorn(env, "bench.bare_app:app", "/", tmp_dir))
        port, _app_pid = stack.enter_context(gunicorn(env, "wsgi:app", "/login", tmp_dir))
        served = timings(app, port, tokens)
        path = f"/calendar/{tokens[2000][0]}.ics"
        status, _body, _cookie = get(port, path)
        assert status == 200
        with app.test_client() as client:
            etag = {"If-None-Match": client.get(path).headers["ETag"]}
        assert get(port, path, etag)[0] == 304
        if WRK:
            bare_load, feed_load = measure([
                Target("bare Flask", bare, "/", {}, 32, 2),
                Target("feed, conditional (304)", port, path, etag, 32, 2, expect=304),
            ])
        else:
            bare_load, feed_load = alternate_threads([(bare, "/", {}, 200),
                                                      (port, path, etag, 304)])
    constant = all(local[f"queries_{name}_200"] == local[f"queries_{name}_2000"]
                   for name in ("cold", "warm", "changed"))
    db_name = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    return (f"db={db_name} sessions=2000 feed_cold_ms={served['cold_2000']:.0f} "
            f"feed_warm_ms={served['warm_2000']:.0f} "
            f"warm_median_ms={served['warm_median_2000']:.0f} "
            f"changed_ms={served['changed_2000']:.0f} "
            f"rps_304={feed_load.rps:.0f} bare_rps={bare_load.rps:.0f} "
            f"ratio_304={feed_load.rps / bare_load.rps:.2f} "
            f"scale_2000_vs_200={served['warm_2000'] / served['warm_200']:.1f} "
            f"scale_changed={served['changed_2000'] / served['changed_200']:.1f} "
            f"queries_cold={local['queries_cold_2000']} queries_warm={local['queries_warm_2000']} "
            f"queries_changed={local['queries_changed_2000']} "
            f"constant={'yes' if constant else 'no'} "
            f"inproc_cold_ms={local['inproc_cold_2000']:.0f} "
            f"inproc_warm_ms={local['inproc_warm_2000']:.0f}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    print(main(), flush=True)
