"""How fast the agenda page (GET /events/<id>) is served, and how it grows with the agenda.

Measures, in one run:

* ``agenda_rps``: requests per second for the agenda of a realistic two-day hybrid roundtable
  (20 sessions, most of them online or hybrid, so each shows the five-country time strip),
  signed in as the demo participant (New Zealand, Pacific/Auckland);
* ``bare_rps``: requests per second for a bare Flask app (``bench/bare_app.py``) served by the
  identical gunicorn command, the ceiling of the stack on this machine; ``ratio`` is
  agenda_rps / bare_rps;
* ``queries_20`` and ``queries_2000``: SQL statements for one agenda page of 20 and of 2,000
  sessions, counted in-process with a ``before_cursor_execute`` listener (transaction control,
  i.e. the ``BEGIN`` that the app issues itself on SQLite, is not counted);
* ``scale_2000_vs_200``: mean time per page at 2,000 sessions over mean time per page at
  200 sessions (two virtual events, one connection at a time); 10 means linear in the number
  of sessions.

Both servers are gunicorn with 2 sync workers on 127.0.0.1 (free ports), in development
configuration, over a fresh database: a SQLite file in a temporary directory, or, when
``DATABASE_URL`` is set, a PostgreSQL database ``<db>_bench`` beside the one it names (created
and dropped by the run). Data: ``flask db upgrade``, ``flask seed-demo``, then the three
events above, inserted in bulk. Load comes from ``wrk`` when installed (else a small
keep-alive thread-pool client), after a warm-up of each URL (the app caches formatted times
per worker process). The URLs compared are loaded in alternation, three rounds of a few
seconds each, and each figure is the URL's best round (the least disturbed by other work on
the machine).

Run from the repository root (about 40 seconds; progress goes to stderr, one result line
to stdout)::

    make bench                       # i.e. .venv/bin/python bench/agenda.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make bench
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `app`, `config` and `tests` import from anywhere

BIN = Path(sys.executable).parent
WORKERS = 2
USER_AGENT = "roundtable-bench"  # one agent throughout, so the sign-in's session stays valid
PARTICIPANT = "participant@example.org"
EVENT_ZONE = "Asia/Jakarta"
SECRET_KEY = "bench-secret-not-for-production"  # noqa: S105 (a throwaway server)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- database and data --------------------------------------------------------------------

@contextmanager
def bench_database(tmp_dir: Path) -> Iterator[str]:
    """A fresh database for this run, removed afterwards (the temp dir goes with SQLite)."""
    import sqlalchemy as sa

    from config import database_url
    from tests.live import fresh_database

    base_url = database_url(os.environ.get("DATABASE_URL"))
    if not base_url:
        yield fresh_database("sqlite", "", tmp_dir, "bench")
        return
    url = fresh_database("postgresql", base_url, tmp_dir, "bench")
    try:
        yield url
    finally:
        name = sa.engine.make_url(url).database
        engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped database {name}")
        finally:
            engine.dispose()


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(ROUNDTABLE_ENV="development", SECRET_KEY=SECRET_KEY, DATABASE_URL=database_url,
               MAIL_BACKEND="console", FLASK_APP="wsgi", PYTHONPATH=str(ROOT))
    return env


def flask_command(env: dict, *args: str) -> None:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=90, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def make_app(database_url: str):
    """The app in-process, over the bench database whatever the environment said at import."""
    from app import create_app
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = SECRET_KEY
        MAIL_BACKEND = "console"

    return create_app(BenchConfig)


@dataclass(frozen=True)
class Row:
    """One session as (local day, start, end) in the event's zone, plus its other columns."""

    day: date
    start: str
    end: str
    title: str
    kind: str
    mode: str
    room: str = ""
    capacity: int | None = None
    floor_language: str = "en"


def roundtable_rows() -> list[Row]:
    """Two days in Jakarta: plenaries, parallel small groups, a site visit, breaks, a dinner."""
    d1, d2 = date(2027, 11, 17), date(2027, 11, 18)
    return [
        Row(d1, "08:30", "09:00", "Registration and welcome coffee", "social", "in_person",
            "Foyer"),
        Row(d1, "09:00", "10:30", "Opening plenary: country updates", "plenary", "both",
            "Main hall"),
        Row(d1, "10:30", "11:00", "Break", "break", "in_person"),
        Row(d1, "11:00", "12:30", "Small group A: case management in the community",
            "small_group", "both", "Room 2", 15),
        Row(d1, "11:00", "12:30", "Small group B: access to education", "small_group", "both",
            "Room 3", 15, "id"),
        Row(d1, "11:00", "12:30", "Small group C: guardianship for unaccompanied children",
            "small_group", "online", "", 15),
        Row(d1, "12:30", "13:30", "Lunch", "social", "in_person", "Terrace"),
        Row(d1, "13:30", "15:00", "Plenary: lived experience leadership", "plenary", "both",
            "Main hall"),
        Row(d1, "15:15", "16:45", "Working group: monitoring, evaluation and learning",
            "working_group", "both", "Room 2"),
        Row(d1, "15:15", "16:45", "Working group: legal frameworks", "working_group", "both",
            "Room 3"),
        Row(d1, "17:00", "17:30", "Day one wrap-up", "plenary", "both", "Main hall"),
        Row(d2, "08:00", "12:00", "Site visit: community placement programme", "site_visit",
            "in_person", "", 20, "id"),
        Row(d2, "09:00", "10:30", "Online: New Zealand Refugee Advisory Panel", "plenary",
            "online"),
        Row(d2, "13:00", "14:30", "Plenary: the ASEAN Regional Plan of Action", "plenary",
            "both", "Main hall"),
        Row(d2, "14:45", "16:00", "Next steps: Australia and New Zealand", "small_group", "both",
            "Room 2"),
        Row(d2, "14:45", "16:00", "Next steps: Malaysia", "small_group", "both", "Room 3", None,
            "ms"),
        Row(d2, "14:45", "16:00", "Next steps: Thailand", "small_group", "both", "Room 4", None,
            "th"),
        Row(d2, "14:45", "16:00", "Bilateral: Indonesia and Thailand", "bilateral", "online"),
        Row(d2, "16:15", "17:00", "Closing plenary", "plenary", "both", "Main hall"),
        Row(d2, "19:00", "21:00", "Closing dinner", "social", "in_person", "Hotel restaurant"),
    ]


# A virtual day: plenaries with parallel small groups between them, 8 sessions in 6 slots.
VIRTUAL_DAY = [
    ("09:00", "10:00", "Plenary", "plenary"),
    ("10:00", "11:00", "Small group A", "small_group"),
    ("10:00", "11:00", "Small group B", "small_group"),
    ("11:00", "12:00", "Plenary", "plenary"),
    ("13:00", "14:00", "Small group A", "small_group"),
    ("13:00", "14:00", "Small group B", "small_group"),
    ("14:00", "15:00", "Plenary", "plenary"),
    ("15:00", "16:00", "Working group", "working_group"),
]


def virtual_rows(count: int, first_day: date) -> list[Row]:
    rows = []
    for n in range(count):
        day_index, slot = divmod(n, len(VIRTUAL_DAY))
        start, end, title, kind = VIRTUAL_DAY[slot]
        rows.append(Row(first_day + timedelta(days=day_index), start, end,
                        f"Day {day_index + 1}: {title}", kind, "online"))
    return rows


def add_event(db, title: str, kind: str, rows: list[Row], **fields) -> int:
    from sqlalchemy import insert

    from app.core.time import localize
    from app.events.models import AttendanceMode
    from app.events.models import Event
    from app.events.models import EventKind
    from app.events.models import EventSession
    from app.events.models import EventStatus
    from app.events.models import SessionKind

    def at(day: date, hhmm: str) -> datetime:
        hours, minutes = map(int, hhmm.split(":"))
        return localize(datetime(day.year, day.month, day.day, hours, minutes), EVENT_ZONE)

    event = Event(title=title, kind=EventKind(kind), status=EventStatus.OPEN, timezone=EVENT_ZONE,
                  start_date=min(r.day for r in rows), end_date=max(r.day for r in rows),
                  online_url="https://meet.example.org/bench", country_codes=[], **fields)
    db.session.add(event)
    db.session.flush()
    db.session.execute(insert(EventSession), [
        dict(event_id=event.id, title=r.title, kind=SessionKind(r.kind),
             start_dt=at(r.day, r.start), end_dt=at(r.day, r.end), room=r.room,
             attendance_mode=AttendanceMode(r.mode), capacity=r.capacity,
             floor_language=r.floor_language, uid=f"bench-{event.id}-{n}@roundtable")
        for n, r in enumerate(rows)
    ])
    return event.id


def load_events(app) -> dict[int, int]:
    """The three bench events; returns {number of sessions: event id}."""
    from app.extensions import db

    with app.app_context():
        ids = {
            20: add_event(db, "Third regional roundtable on alternatives to child detention",
                          "hybrid", roundtable_rows(), host_country_code="ID",
                          venue="Jakarta", description="Two days in person, open online.",
                          topics=["Case management", "Education", "Guardianship"]),
            200: add_event(db, "Virtual learning series (200 sessions)", "virtual",
                           virtual_rows(200, date(2028, 1, 3))),
            2000: add_event(db, "Virtual learning series (2,000 sessions)", "virtual",
                            virtual_rows(2000, date(2028, 3, 1))),
        }
        db.session.commit()
    return ids


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count_queries(app, event_ids: dict[int, int], sizes: tuple[int, ...]) -> dict[int, int]:
    """SQL statements for one agenda page, in-process through the test client."""
    from sqlalchemy import event
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db

    with app.app_context():
        session_token = db.session.scalar(
            select(User.session_token).where(User.email == PARTICIPANT))
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_token  # what signing in stores (User.get_id)
        session["_fresh"] = True
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    counts = {}
    for size in sizes:
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(f"/events/{event_ids[size]}")
        finally:
            event.remove(engine, "before_cursor_execute", record)
        check_agenda(response.status_code, response.get_data(as_text=True), size)
        counts[size] = len(statements)
        log(f"queries for the {size}-session agenda: {counts[size]}")
    return counts


def check_agenda(status: int, body: str, size: int) -> None:
    shown = body.count('<article class="session"')
    if status != 200 or shown != size:
        raise RuntimeError(f"the {size}-session agenda answered {status} with {shown} sessions")


# --- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None, timeout: float = 60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie")
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict, app_spec: str, ready_path: str, tmp_dir: Path) -> Iterator[int]:
    """gunicorn on a free loopback port; the same flags for every app measured."""
    port = free_port()
    log_path = tmp_dir / f"gunicorn-{port}.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", app_spec],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(port, ready_path, timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app_spec} did not start:\n"
                                       + log_path.read_text()[-3000:]) from None
                time.sleep(0.2)
        log(f"gunicorn {app_spec} on 127.0.0.1:{port} (pid {process.pid})")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def sign_in(port: int) -> str:
    """A real sign-in through the form (CSRF on); returns the session cookie's value."""
    from urllib.parse import urlencode

    from app.demo import DEMO_PASSWORD

    status, body, set_cookie = get(port, "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    cookie = re.match(r"session=([^;]+)", set_cookie or "")
    if status != 200 or not token or not cookie:
        raise RuntimeError(f"the login page answered {status} without a CSRF token or session")
    form = urlencode({"email": PARTICIPANT, "password": DEMO_PASSWORD,
                      "csrf_token": token.group(1)})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/login", body=form, headers={
            "User-Agent": USER_AGENT, "Cookie": f"session={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        signed_in = re.match(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
        if response.status != 302 or not signed_in:
            raise RuntimeError(f"sign-in as {PARTICIPANT} answered {response.status}")
    finally:
        connection.close()
    log(f"signed in as {PARTICIPANT}")
    return signed_in.group(1)


# --- load ---------------------------------------------------------------------------------

@dataclass
class Load:
    requests: int
    seconds: float
    mean_latency: float  # seconds, over completed requests

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def warm_up(port: int, path: str, headers: dict, rounds: int = 2, expect: int = 200) -> None:
    """Concurrent requests, more than there are workers, so each one formats and caches the
    page before it is measured."""
    failures = []

    def fetch():
        try:
            status = get(port, path, headers)[0]
            if status != expect:
                failures.append(status)
        except OSError as error:
            failures.append(error)

    for _ in range(rounds):
        threads = [threading.Thread(target=fetch) for _ in range(WORKERS * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise RuntimeError(f"warm-up of {path} failed: {failures[:3]}")


WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
LATENCY_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def run_wrk(port: int, path: str, headers: dict, connections: int, seconds: int) -> Load:
    command = [WRK, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout",
               "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                            text=True, timeout=seconds + 40, check=False)
    out = result.stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\b", out)
    if result.returncode != 0 or not done or not latency:
        raise RuntimeError(f"wrk failed:\n{out}\n{result.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    if bad or (timeouts and int(timeouts.group(1))):
        raise RuntimeError(f"wrk saw failed requests on {path}:\n{out}")
    return Load(int(done.group(1)), float(done.group(2)) * LATENCY_UNITS[done.group(3)],
                float(latency.group(1)) * LATENCY_UNITS[latency.group(2)])


def run_threads(port: int, path: str, headers: dict, connections: int, seconds: int) -> Load:
    """The fallback without wrk: one keep-alive http.client connection per thread."""
    latencies: list[float] = []
    failures: list[object] = []
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                began = time.monotonic()
                try:
                    connection.request("GET", path, headers={"User-Agent": USER_AGENT,
                                                             **headers})
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()  # reopened by the next request
                    with lock:
                        failures.append(error)
                    continue
                with lock:
                    if response.status != 200:
                        failures.append(response.status)
                    latencies.append(time.monotonic() - began)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"load on {path} failed: {failures[:3]}")
    elapsed = time.monotonic() - start
    return Load(len(latencies), elapsed, sum(latencies) / max(1, len(latencies)))


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    path: str
    headers: dict
    connections: int
    seconds: int  # per round
    expect: int = 200  # the status every answer must have (304 for conditional requests)


def measure(targets: list[Target], rounds: int = 3) -> list[Load]:
    """Load the targets in alternation, ``rounds`` times over, and keep each one's best round:
    work from elsewhere on the machine only ever slows a round down, and alternating makes it
    fall on both sides of a comparison alike."""
    for target in targets:
        warm_up(target.port, target.path, target.headers, expect=target.expect)
    runner = run_wrk if WRK else run_threads
    runs: list[list[Load]] = [[] for _ in targets]
    for _ in range(rounds):
        for target, done in zip(targets, runs, strict=True):
            done.append(runner(target.port, target.path,
                               {"User-Agent": USER_AGENT, **target.headers},
                               target.connections, target.seconds))
    results = []
    for target, done in zip(targets, runs, strict=True):
        # Fastest mean latency: at a fixed number of connections, also the highest throughput
        # (Little's law), and not rounded to whole requests as short runs of big pages are.
        best = min(done, key=lambda run: run.mean_latency)
        log(f"{target.name} ({target.connections} connection"
            f"{'s' * (target.connections != 1)}, {'wrk' if WRK else 'python client'}): "
            + ", ".join(f"{run.rps:.0f}/s {run.mean_latency * 1000:.1f} ms" for run in done)
            + f"; best {best.rps:.0f}/s, mean {best.mean_latency * 1000:.1f} ms per request")
        results.append(best)
    return results


# --- the run ------------------------------------------------------------------------------

def main() -> str:
    started = time.monotonic()
    with ExitStack() as stack:
        tmp_dir = Path(tempfile.mkdtemp(prefix="roundtable-bench-"))
        stack.callback(shutil.rmtree, tmp_dir, ignore_errors=True)
        database_url = stack.enter_context(bench_database(tmp_dir))
        log(f"database {database_url.rsplit('@', 1)[-1]}")
        env = server_env(database_url)
        os.environ.update({k: env[k] for k in ("ROUNDTABLE_ENV", "SECRET_KEY", "DATABASE_URL",
                                               "MAIL_BACKEND")})
        log("flask db upgrade, flask seed-demo")
        flask_command(env, "db", "upgrade")
        flask_command(env, "seed-demo")
        app = make_app(database_url)
        stack.callback(dispose_engine, app)  # before the database is dropped
        event_ids = load_events(app)
        log(f"bench events, by number of sessions: {event_ids}")
        queries = count_queries(app, event_ids, (20, 2000))
        dispose_engine(app)

        bare = stack.enter_context(gunicorn(env, "bench.bare_app:app", "/", tmp_dir))
        port = stack.enter_context(gunicorn(env, "wsgi:app", "/login", tmp_dir))
        cookie = {"Cookie": f"session={sign_in(port)}"}
        for size in (20, 200, 2000):
            status, body, _cookie = get(port, f"/events/{event_ids[size]}", cookie)
            check_agenda(status, body, size)

        bare_load, agenda_load = measure([
            Target("bare Flask", bare, "/", {}, 32, 2),
            Target("20-session agenda", port, f"/events/{event_ids[20]}", cookie, 32, 2),
        ])
        load_200, load_2000 = measure([
            # One connection: time per page without queueing behind the other worker's page.
            Target("200-session agenda", port, f"/events/{event_ids[200]}", cookie, 1, 2),
            Target("2,000-session agenda", port, f"/events/{event_ids[2000]}", cookie, 1, 3),
        ])
        status, body, _cookie = get(port, f"/events/{event_ids[20]}", cookie)
        check_agenda(status, body, 20)  # still signed in: the load measured the real page
    log(f"done in {time.monotonic() - started:.0f}s")
    return (f"agenda_rps={agenda_load.rps:.0f} bare_rps={bare_load.rps:.0f} "
            f"ratio={agenda_load.rps / bare_load.rps:.2f} queries_20={queries[20]} "
            f"queries_2000={queries[2000]} "
            f"scale_2000_vs_200={load_2000.mean_latency / load_200.mean_latency:.2f}")


def dispose_engine(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def stop_on_sigterm(_signum, _frame):
    raise SystemExit(143)  # unwinds through main's clean-up


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    print(main(), flush=True)
