"""A registration rush: N people register at once for an event with 35 places.

Measures how Roundtable holds an event's capacity under a burst of concurrent registrations,
and how fast it gets through them. The app is served by gunicorn (one sync worker per core) on
127.0.0.1 (a free port), in development configuration, over a fresh database: a SQLite file
in a temporary directory when ``DATABASE_URL`` is unset, or, when it names a PostgreSQL
database, a separate database ``<name>_rush`` beside it (created, migrated and dropped by the
run; the named database itself is untouched). ``flask db upgrade`` builds the schema, then an
open virtual event with 35 places and N accounts is inserted in bulk (``tests.live``), and
every account's signed-in session cookie and CSRF token is forged with the server's secret.

N registrations (``POST /events/<id>/register``, attending online, both consents given) are
then fired together from a pool of min(N, 200) threads, each on its own connection; the
connections are opened first and a gate releases them at once. The burst's wall time runs
from the gate opening to the last response.

One line goes to stdout (progress goes to stderr)::

    db=<sqlite|postgresql> n=<N> confirmed=<n> waitlisted=<n> errors=<n> rps=<n>

where ``confirmed`` and ``waitlisted`` are counted in the ``registrations`` table for the
event (35 and N - 35 when capacity holds), ``errors`` is the number of responses that were not
a 302 redirect (status 0: a connection failure or a 20-second timeout), and ``rps`` is
N / burst seconds, rounded down.

Run from the repository root (a few seconds to half a minute)::

    .venv/bin/python bench/registration_rush.py                 # SQLite, N=500
    .venv/bin/python bench/registration_rush.py --n 1000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/registration_rush.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `app` and `tests` import from anywhere

import sqlalchemy as sa  # noqa: E402

from tests import live  # noqa: E402

SECRET_KEY = "bench-rush-secret-not-for-production"  # noqa: S105 (a throwaway server)
CAPACITY = 35
# One sync worker per core: the registrations of one event queue on its row lock anyway, and
# more workers than cores only add context switches while a worker holds that lock (measured
# on 2 cores: 2 workers ~225/s, 3 ~183/s, 4 ~170/s). The concurrency test keeps 4.
WORKERS = os.cpu_count() or 2
MAX_THREADS = 200
REQUEST_TIMEOUT = 20  # seconds per request, so that a stuck server cannot hold the run
FORM = {"consent_chatham": "y", "consent_data": "y", "attend_as": "online"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def burst(base: str, path: str, sessions: list[tuple[str, str]],
          threads: int) -> tuple[list[int], float]:
    """POST the registration form once per (cookie, token), all at once.

    Returns the statuses (0 for a connection failure or timeout) and the burst's wall time
    in seconds.
    Unlike ``live.post_all``'s barrier, a gate does not wait for a full party of threads, so
    N need not be a multiple of the pool size.
    """
    host = urlsplit(base)
    gate = threading.Event()

    def send(session: tuple[str, str]) -> int:
        cookie, token = session
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.connect()
            gate.wait(timeout=30)
            connection.request("POST", path, body=urlencode({**FORM, "csrf_token": token}),
                               headers={"Content-Type": "application/x-www-form-urlencoded",
                                        "Cookie": f"session={cookie}"})
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(send, session) for session in sessions]
        time.sleep(0.5)  # let the first wave of threads connect and wait at the gate
        start = time.perf_counter()
        gate.set()
        statuses = [future.result() for future in futures]
        elapsed = time.perf_counter() - start
    return statuses, elapsed


def count_states(url: str, event_id: int) -> Counter:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT status, COUNT(*) FROM registrations WHERE event_id = :event "
                "GROUP BY status"), {"event": event_id}).all()
    finally:
        engine.dispose()
    return Counter(dict(rows))


def drop_database(base_url: str, rush_url: str) -> None:
    engine = sa.create_engine(sa.engine.make_url(base_url), isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(rush_url).database
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def run(n: int, base_url: str | None, tmp: Path) -> str:
    if base_url and not base_url.startswith(("postgresql", "sqlite")):
        raise SystemExit(f"DATABASE_URL must be SQLite or PostgreSQL, not {base_url!r}")
    kind = "postgresql" if base_url and base_url.startswith("postgresql") else "sqlite"
    rush_url = live.fresh_database(kind, base_url or "", tmp, "rush")
    try:
        env = live.server_env(rush_url, SECRET_KEY=SECRET_KEY)
        log(f"[rush] {kind}: flask db upgrade")
        live.flask_command(env, "db", "upgrade")
        log(f"[rush] an event with {CAPACITY} places and {n} accounts")
        try:
            setup = live.setup_rush(env, people=n, capacity=CAPACITY)
        except subprocess.CalledProcessError as error:
            log(error.stderr)
            raise SystemExit("[rush] setting up the event failed (its error is above)") from None
        event_id = setup["event_id"]
        sessions = [live.signed_in_session(SECRET_KEY, uid) for uid in setup["user_ids"]]
        threads = min(n, MAX_THREADS)
        port = free_port()
        with live.gunicorn(env, port, workers=WORKERS) as base:
            log(f"[rush] gunicorn ({WORKERS} workers) at {base}; "
                f"{n} registrations from {threads} threads")
            statuses, seconds = burst(base, f"/events/{event_id}/register", sessions, threads)
        counts = Counter(statuses)
        server_log = ROOT / "instance" / f"gunicorn-{port}.log"
        if set(counts) == {302}:
            server_log.unlink(missing_ok=True)
        else:
            log(f"[rush] the server's log: {server_log}")
        log(f"[rush] burst: {seconds:.2f} s, {1000 * seconds / n:.1f} ms per registration; "
            f"statuses {dict(sorted(counts.items()))}")
        states = count_states(rush_url, event_id)
        log(f"[rush] registrations: {dict(states)}")
    finally:
        if kind == "postgresql":
            log("[rush] dropping the _rush database")
            drop_database(base_url, rush_url)
    errors = sum(count for status, count in counts.items() if status != 302)
    return (f"db={kind} n={n} confirmed={states['confirmed']} "
            f"waitlisted={states['waitlisted']} errors={errors} rps={int(n / seconds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="people registering (default 500)")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    (ROOT / "instance").mkdir(exist_ok=True)  # live.gunicorn writes its log there
    with tempfile.TemporaryDirectory(prefix="roundtable-rush-") as tmp:
        print(run(args.n, os.environ.get("DATABASE_URL") or None, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
