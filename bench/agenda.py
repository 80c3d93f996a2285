"""How fast the agenda page (GET /events/<id>) is served to many viewers, first views
included, and how it grows with the agenda.

Measures, in one run:

* ``agenda_rps``: requests per second for the agenda of a realistic two-day hybrid roundtable
  (20 sessions, most of them online or hybrid, so each shows the five-country time strip),
  first views only, by signed-in viewers created in bulk in 8 zones (Australia/Sydney,
  Pacific/Auckland, Pacific/Chatham, Asia/Bangkok, Asia/Jakarta, Asia/Kuala_Lumpur,
  Asia/Makassar, Australia/Perth) and 4 languages (en, id, ms, th). A cycle is 60 distinct
  viewers, one request each on 8 connections, covering all 32 pairs (most twice); every cycle
  has a new batch of 60 who have never opened a page, so each viewer's own parts (their
  registration, the joining link, their programme) are cold and rendered, while the shell
  that their kind of reader shares (app/events/pagecache.py) was rendered by the warm-up
  cycle: what is cold is everything of the viewer, nothing of the event;
* ``changed_rps``: the same, but the event moves (``activity_dt``, what any write to it or its
  rows does; the bench's update is not timed) before every cycle and the first batch opens it
  again: every shell and every viewer's parts are cold in every worker. What stays warm is what
  does not depend on the event's version: each worker's formatted times (per zone, language
  and instant), the agenda markup per content, compiled templates, babel's locale data and
  the database connections;
* ``bare_rps``: requests per second for a bare Flask app (``bench/bare_app.py``) served by the
  identical gunicorn command and loaded by the identical client (cycles of 60 requests on 8
  connections), the ceiling of the stack on this machine; ``ratio`` is agenda_rps / bare_rps;
* ``floor_ratio``: first views of the signed-in floor (``bench/event_floor_app.py``: the
  account, the event page's one statement, a masked CSRF token, nothing shown), served and
  loaded the same way with the same viewers, over ``bare_rps``: the most any agenda on this
  stack, with its guarantees, could reach on this machine;
* ``cpu_ratio``: the bare app's worker CPU time per request over the agenda's (first views),
  read from /proc over every round ("n/a" elsewhere): on a machine busy with other work,
  requests per second say as much about the neighbours as about the app;
* ``queries_20`` and ``queries_2000``: SQL statements for one first view (empty page caches)
  of an agenda of 20 and of 2,000 sessions, counted in-process with a
  ``before_cursor_execute`` listener (transaction control, i.e. the ``BEGIN`` that the app
  issues itself on SQLite, is not counted);
* ``scale_2000_vs_200``: mean time per page at 2,000 sessions over mean time per page at
  200 sessions (two virtual events, one connection, the event moved before every request, so
  each page is rendered, not reused); 10 means linear in the number of sessions.

Both servers are gunicorn with 2 sync workers on 127.0.0.1 (free ports), in development
configuration, over a fresh database: a SQLite file in a temporary directory, or, when
``DATABASE_URL`` is set, a PostgreSQL database ``<db>_bench`` beside the one it names (created
and dropped by the run). Data: ``flask db upgrade``, ``flask seed-demo``, then the three
events and the 60 viewers above, inserted in bulk; the viewers' session cookies are signed
in-process with the server's secret (a password sign-in each would only time scrypt). After a
warm-up cycle of each URL, the agenda and the bare app are loaded in alternation, three
rounds of 5 cycles each, and each figure is the URL's best round (the least disturbed by
other work on the machine).

Run from the repository root (a few minutes on a busy machine; progress goes to stderr,
one result line to stdout)::

    make bench                       # i.e. .venv/bin/python bench/agenda.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make bench
"""

from __future__ import annotations

import http.client
import os
import queue
import secrets
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
USER_AGENT = "roundtable-bench"  # one agent throughout, as the session cookies were made for
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


VIEWER_ZONES = ("Australia/Sydney", "Pacific/Auckland", "Pacific/Chatham", "Asia/Bangkok",
                "Asia/Jakarta", "Asia/Kuala_Lumpur", "Asia/Makassar", "Australia/Perth")
ZONE_COUNTRIES = ("AU", "NZ", "NZ", "TH", "ID", "MY", "ID", "AU")  # English reads en_AU, en_NZ...
VIEWER_LOCALES = ("en", "id", "ms", "th")
VIEWERS = 60


def add_viewers(app, batches: int) -> list[list[str]]:
    """``batches`` of 60 new participants, in bulk: in each, viewer n is in zone n mod 8 and
    language (n div 8) mod 4, so every one of the 32 pairs has a viewer and most have two.
    Returns each batch's session tokens."""
    from sqlalchemy import insert
    from sqlalchemy import select

    from app.auth.models import User
    from app.auth.models import new_session_token
    from app.extensions import db

    with app.app_context():
        password_hash = db.session.scalar(
            select(User.password_hash).where(User.email == PARTICIPANT))
        tokens = [new_session_token() for _ in range(batches * VIEWERS)]
        db.session.execute(insert(User), [
            dict(email=f"viewer{number}@example.org", display_name=f"Viewer {number}",
                 password_hash=password_hash, is_participant=True,
                 timezone=VIEWER_ZONES[n % len(VIEWER_ZONES)],
                 country_code=ZONE_COUNTRIES[n % len(VIEWER_ZONES)],
                 locale=viewer_locale(n), languages=["en"], session_token=token)
            for number, token in enumerate(tokens) for n in (number % VIEWERS,)])
        db.session.commit()
    return [tokens[start:start + VIEWERS] for start in range(0, len(tokens), VIEWERS)]


def viewer_locale(n: int) -> str:
    return VIEWER_LOCALES[(n // len(VIEWER_ZONES)) % len(VIEWER_LOCALES)]


def session_cookies(app, tokens: list[str]) -> list[dict]:
    """Each viewer's signed session cookie, as signing in and opening any page would leave it
    for a browser sending USER_AGENT from 127.0.0.1: Flask-Login's session identifier and the
    session's CSRF secret (the first page after signing in makes one) included, so the server
    keeps the session as it is and sets no cookie."""
    from flask_login.utils import _create_identifier

    serializer = app.session_interface.get_signing_serializer(app)
    cookies = []  # (headers, the start of the page's lang attribute)
    with app.test_request_context(headers={"User-Agent": USER_AGENT},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = _create_identifier()
        for n, token in enumerate(tokens):
            value = serializer.dumps({"_user_id": token, "_fresh": True, "_id": identifier,
                                      "csrf_token": secrets.token_hex(20)})
            cookies.append(({"Cookie": f"session={value}"}, viewer_locale(n)))
    return cookies


def move_event(app, event_id: int) -> None:
    """What any write to the event's rows does (app.events.pagecache.touch_events): its
    ``activity_dt`` moves, so every worker's copies of its page are cold."""
    from app.core.time import now_utc
    from app.events.models import EventActivity
    from app.extensions import db

    with app.app_context():
        stamp = db.session.get(EventActivity, event_id)
        if stamp is None:
            db.session.add(EventActivity(event_id=event_id, changed_dt=now_utc()))
        else:
            stamp.changed_dt = now_utc()
        db.session.commit()


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count_queries(app, event_ids: dict[int, int], token: str,
                  sizes: tuple[int, ...]) -> dict[int, int]:
    """SQL statements for one first view of the agenda (empty page caches), in-process."""
    from sqlalchemy import event

    from app.events import pagecache
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token  # what signing in stores (User.get_id)
        session["_fresh"] = True
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    counts = {}
    for size in sizes:
        pagecache.clear()
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(f"/events/{event_ids[size]}")
        finally:
            event.remove(engine, "before_cursor_execute", record)
        check_agenda(response.status_code, response.get_data(as_text=True), size)
        counts[size] = len(statements)
        log(f"queries for a first view of the {size}-session agenda: {counts[size]}")
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
def gunicorn(env: dict, app_spec: str, ready_path: str,
             tmp_dir: Path) -> Iterator[tuple[int, int]]:
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
        deadline = time.monotonic() + 120  # app start-up on a busy machine
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
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# --- load ---------------------------------------------------------------------------------

CONNECTIONS = 8
CYCLES_PER_ROUND = 5


class Client:
    """``CONNECTIONS`` threads, each with its own http.client connection (reopened whenever
    gunicorn's sync workers close it), sharing one queue of requests; ``cycle`` sends a list
    of requests and returns once every answer is read."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jobs: queue.Queue = queue.Queue()
        self.failures: list[object] = []
        self.threads = [threading.Thread(target=self._work, daemon=True)
                        for _ in range(CONNECTIONS)]
        for thread in self.threads:
            thread.start()

    def _work(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while (job := self.jobs.get()) is not None:
            path, headers, check = job
            try:
                connection.request("GET", path, headers={"User-Agent": USER_AGENT, **headers})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or (check and check.encode() not in body):
                    self.failures.append((path, response.status))
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                self.failures.append(error)
            finally:
                self.jobs.task_done()
        connection.close()

    def cycle(self, requests: list[tuple[str, dict, str]]) -> float:
        started = time.perf_counter()
        for job in requests:
            self.jobs.put(job)
        self.jobs.join()
        if self.failures:
            raise RuntimeError(f"requests failed on port {self.port}: {self.failures[:3]}")
        return time.perf_counter() - started

    def close(self) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(timeout=10)


def views(event_id: int, client: Client, cookies: list[tuple[dict, str]],
          page: str = "/events/") -> float:
    """Each viewer opens the event's page once; the answer must be in their language (its
    lang attribute: en-AU, en-NZ... for English)."""
    return client.cycle([(f"{page}{event_id}", cookie, f'<html lang="{lang}')
                         for cookie, lang in cookies])


FLOOR_PAGE = "/bench/floor/"  # bench/event_floor_app.py


def worker_cpu(master: int) -> float | None:
    """CPU seconds used so far by a gunicorn master's workers (Linux /proc), None elsewhere:
    what a request costs the server, whatever else the machine is busy with."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """The best round's requests per second, and CPU per request over every round."""

    best_rps: float = 0.0
    requests: int = 0
    cpu: float | None = 0.0

    def add(self, requests: int, seconds: float, cpu: float | None) -> float:
        rps = requests / seconds
        self.best_rps = max(self.best_rps, rps)
        self.requests += requests
        self.cpu = None if cpu is None or self.cpu is None else self.cpu + cpu
        return rps

    @property
    def cpu_per_request(self) -> float | None:
        return None if self.cpu is None else self.cpu / self.requests


def timed(master: int, run) -> tuple[float, float | None]:
    before = worker_cpu(master)
    seconds = run()
    after = worker_cpu(master)
    return seconds, None if before is None or after is None else after - before


def compare(app, event_id: int, agenda: tuple[Client, int], bare: tuple[Client, int],
            floor: tuple[Client, int], batches: list[list[tuple[dict, str]]],
            rounds: int = 3) -> dict[str, Tally]:
    """Rounds in alternation, each of CYCLES_PER_ROUND cycles of 60 requests:

    * first views: each cycle's 60 viewers have never opened a page (a new batch each cycle),
      the event unchanged since the warm-up; their own parts are rendered, the shells of
      their kinds of reader are reused;
    * after a change: the event moves before each cycle (not timed) and the first batch opens
      it again, so every shell and every viewer's parts are rendered anew;
    * bare: 60 requests to the bare app per cycle;
    * floor: the same first views of the signed-in floor (bench/event_floor_app.py).
    """
    (client, master), (bare_client, bare_master), (floor_client, floor_master) = (
        agenda, bare, floor)
    warm_up, *fresh = batches
    views(event_id, client, warm_up)
    views(event_id, floor_client, warm_up, FLOOR_PAGE)
    bare_cycle = [("/", {}, "")] * VIEWERS
    bare_client.cycle(bare_cycle)
    tallies = {"first": Tally(), "changed": Tally(), "bare": Tally(), "floor": Tally()}

    def after_change() -> float:
        total = 0.0
        for _ in range(CYCLES_PER_ROUND):
            move_event(app, event_id)
            total += views(event_id, client, warm_up)
        return total

    for number in range(rounds):
        mine = fresh[number * CYCLES_PER_ROUND:(number + 1) * CYCLES_PER_ROUND]
        said = []
        for name, master_pid, run in (
                ("first", master, lambda mine=mine: sum(views(event_id, client, batch)
                                                        for batch in mine)),
                ("bare", bare_master, lambda: sum(bare_client.cycle(bare_cycle)
                                                  for _ in range(CYCLES_PER_ROUND))),
                ("floor", floor_master, lambda mine=mine: sum(
                    views(event_id, floor_client, batch, FLOOR_PAGE) for batch in mine)),
                ("changed", master, after_change)):
            seconds, cpu = timed(master_pid, run)
            rps = tallies[name].add(CYCLES_PER_ROUND * VIEWERS, seconds, cpu)
            said.append(f"{name} {rps:.0f}/s" + (f" {cpu * 1000 / (CYCLES_PER_ROUND * VIEWERS):.1f}"
                                                 " ms CPU" if cpu is not None else ""))
        log(f"round {number + 1}: " + ", ".join(said))
    return tallies


def page_seconds(app, port: int, event_id: int, size: int, cookie: dict, times: int) -> float:
    """Mean time for one rendered page (the event moved before each), one connection."""
    total = 0.0
    for _ in range(times):
        move_event(app, event_id)
        started = time.perf_counter()
        status, body, _cookie = get(port, f"/events/{event_id}", cookie)
        total += time.perf_counter() - started
        check_agenda(status, body, size)
    return total / times


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
        rounds = 3
        tokens = add_viewers(app, 1 + rounds * CYCLES_PER_ROUND)
        batches = [session_cookies(app, batch) for batch in tokens]
        log(f"bench events, by number of sessions: {event_ids}; "
            f"{len(tokens)} batches of {VIEWERS} viewers")
        queries = count_queries(app, event_ids, tokens[0][0], (20, 2000))

        bare = stack.enter_context(gunicorn(env, "bench.bare_app:app", "/", tmp_dir))
        floor = stack.enter_context(gunicorn(env, "bench.event_floor_app:app", "/login",
                                             tmp_dir))
        port, master = stack.enter_context(gunicorn(env, "wsgi:app", "/login", tmp_dir))
        client, bare_client, floor_client = Client(port), Client(bare[0]), Client(floor[0])
        for each in (client, bare_client, floor_client):
            stack.callback(each.close)
        tallies = compare(app, event_ids[20], (client, master), (bare_client, bare[1]),
                          (floor_client, floor[1]), batches, rounds)
        viewer = batches[0][0][0]
        page_seconds(app, port, event_ids[200], 200, viewer, 2)  # warm-up of both workers
        page_seconds(app, port, event_ids[2000], 2000, viewer, 2)
        per_page = {size: min(page_seconds(app, port, event_ids[size], size, viewer, 2)
                              for _ in range(2)) for size in (200, 2000)}
        log(f"time per rendered page: 200 sessions {per_page[200] * 1000:.0f} ms, "
            f"2,000 sessions {per_page[2000] * 1000:.0f} ms")
    log(f"done in {time.monotonic() - started:.0f}s")
    first, changed, bare_tally = tallies["first"], tallies["changed"], tallies["bare"]
    floor_tally = tallies["floor"]
    cpu = (f"{bare_tally.cpu_per_request / first.cpu_per_request:.2f}"
           if first.cpu_per_request and bare_tally.cpu_per_request else "n/a")
    return (f"agenda_rps={first.best_rps:.0f} bare_rps={bare_tally.best_rps:.0f} "
            f"ratio={first.best_rps / bare_tally.best_rps:.2f} cpu_ratio={cpu} "
            f"floor_ratio={floor_tally.best_rps / bare_tally.best_rps:.2f} "
            f"changed_rps={changed.best_rps:.0f} viewers={VIEWERS} queries_20={queries[20]} "
            f"queries_2000={queries[2000]} "
            f"scale_2000_vs_200={per_page[2000] / per_page[200]:.2f}")


def dispose_engine(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def stop_on_sigterm(_signum, _frame):
    raise SystemExit(143)  # unwinds through main's clean-up


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    print(main(), flush=True)
