"""A registration rush: N people register at once for an event with 35 places.

Measures how Roundtable holds an event's capacity under a burst of concurrent registrations,
and how fast it gets through them. Everything that moves the figure is fixed and printed, so
two runs (on two machines, or before and after a change) compare:

- the server: gunicorn with ``--workers`` sync workers (2 unless asked otherwise: the
  registrations of one event queue on its row lock, so more workers than the 2 cores this is
  measured on only add context switches; ``deploy/gunicorn.conf.py`` would start 2 x cores + 1)
  on 127.0.0.1, in *production* configuration (``ROUNDTABLE_ENV=production``: no debug,
  outbox email through SMTP later, secure cookies; the request log at WARNING, as a busy
  site would keep it off the disk per request);
- the database: a fresh one, a SQLite file in a temporary directory when ``DATABASE_URL`` is
  unset, or, when it names a PostgreSQL database, a separate database ``<name>_rush`` beside
  it (created, migrated and dropped by the run; the named database itself is untouched).
  ``flask db upgrade`` builds the schema, then an open virtual event with 35 places and N
  accounts is inserted in bulk (``tests.live``);
- signing in: none during the burst. Every account's signed-in session cookie and CSRF token
  is forged with the server's secret, so no password hash (scrypt) is in the figure;
- a warm-up: before the burst, every worker serves registrations for another event (its
  templates compiled, its SQL statements cached, its database connection open), so the
  burst measures a warm server, as a real opening of registrations meets one;
- the client: min(N, 200) threads, each on its own connection; the connections are opened
  first and a gate releases them at once. The burst's wall time runs from the gate opening
  to the last response.

One line goes to stdout (progress goes to stderr)::

    rush db=postgresql pg=16.4 python=3.11.7 locked=yes config=production workers=2
      threads=200 cpus=2 load=0.4 n=500 places=35 confirmed=35 waitlisted=465 errors=0
      worker_cpu_ms=N db_cpu_ms=N client_cpu_ms=N ceiling_rps=N rps=N

``pg`` is the server's version, ``locked`` whether the installed Flask, Werkzeug, SQLAlchemy,
Flask-SQLAlchemy, psycopg, Jinja2 and gunicorn are the versions ``requirements.txt`` pins,
``load`` the machine's one-minute load average when the burst began (other work on the
machine slows the figure down), ``worker_cpu_ms`` the CPU time the gunicorn workers spent
per registration during the burst (what the app itself costs, whatever else the machine
does), ``db_cpu_ms`` the same for PostgreSQL's processes on this machine (its backends run
the statements; 0 on SQLite, whose work is in the workers), ``client_cpu_ms`` for this
script's threads sending the burst, and ``ceiling_rps`` the cores divided by the three
together: the most registrations per second this machine could serve if they shared it with
nothing else, ``confirmed`` and
``waitlisted`` are counted in the ``registrations`` table (35 and N - 35 when capacity
holds), ``errors`` is the number of responses that were not a 302 redirect (status 0: a
connection failure or a 60-second timeout), and ``rps`` is N / burst seconds, rounded down.

``--profile`` runs the workers under ``bench/profiled_worker.py`` (cProfile and every SQL
statement's time, lock waits included) and prints, on stderr, where a registration's time
went. cProfile slows the Python part down, so its rps is not the figure to quote.

Run from the repository root (half a minute)::

    .venv/bin/python bench/registration_rush.py                 # SQLite, N=500
    .venv/bin/python bench/registration_rush.py --n 1000 --workers 4
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/registration_rush.py --profile
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import pstats
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `app` and `tests` import from anywhere

import sqlalchemy as sa  # noqa: E402

from tests import live  # noqa: E402

SECRET_KEY = "bench-rush-secret-not-for-production"  # noqa: S105 (a throwaway server)
CAPACITY = 35
WORKERS = 2
MAX_THREADS = 200
WARMUP_PER_WORKER = 6  # registrations each worker serves before the burst
REQUEST_TIMEOUT = 60  # seconds per request: a stuck server cannot hold the run, a busy one may
FORM = {"consent_chatham": "y", "consent_data": "y", "attend_as": "online"}
PINNED = ("flask", "werkzeug", "sqlalchemy", "flask-sqlalchemy", "psycopg", "jinja2",
          "gunicorn")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def locked_dependencies() -> bool:
    """Whether the packages that carry a request are installed at ``requirements.txt``'s pins."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep:
            pins[name.strip().lower()] = version.split()[0].strip(" \\")
    return all(pins.get(name) == metadata.version(name) for name in PINNED)


def server_env(database_url: str, port: int) -> dict:
    """Production configuration, as a real site runs (see the module docstring)."""
    return live.server_env(database_url, ROUNDTABLE_ENV="production", SECRET_KEY=SECRET_KEY,
                           PUBLIC_URL=f"http://127.0.0.1:{port}",
                           MAIL_DEFAULT_SENDER="roundtable@example.org", LOG_LEVEL="WARNING")


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


def postgres_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SHOW server_version").scalar().split()[0]
    finally:
        engine.dispose()


def worker_pids(port: int) -> list[int]:
    """The gunicorn workers: the children of the master ``live.gunicorn`` started."""
    master = live.gunicorn_pidfile(port).read_text().strip()
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (Linux /proc), 0 where unreadable."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends do the SQL's work)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" (", 1)[1].startswith("postgres)"):
                found.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    return found


def own_cpu_seconds() -> float:
    """CPU time this process (the client's threads) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def profile_summary(folder: Path, registrations: int) -> str:
    """Where the burst's time went, from the files ``bench/profiled_worker.py`` wrote."""
    requests, seconds, sql = 0, 0.0, Counter()
    calls = Counter()
    for path in folder.glob("worker-*.json"):
        data = json.loads(path.read_text())
        requests += data["requests"]
        seconds += data["seconds"]
        for kind, (count, spent) in data["sql"].items():
            sql[kind] += spent
            calls[kind] += count
    if not requests:
        return "[rush] no profile was written"
    profiles = [str(path) for path in folder.glob("worker-*.prof")]
    stats = pstats.Stats(*profiles)
    ms = 1000 / requests
    lines = [f"[rush] profile: {requests} requests, {seconds * ms:.1f} ms each in the worker, "
             f"of which SQL {sum(sql.values()) * ms:.1f} ms in "
             f"{sum(calls.values()) / requests:.1f} statements (lock waits included)"]
    for kind, spent in sql.most_common(12):
        lines.append(f"    {spent * ms:6.2f} ms {calls[kind] / requests:5.2f}x  {kind}")
    lines.append("[rush] the app's functions by cumulative time per request (cProfile):")
    own = [(func, row) for func, row in stats.stats.items()
           if f"{os.sep}app{os.sep}" in func[0] and ".venv" not in func[0]]
    own.sort(key=lambda item: -item[1][3])
    for (filename, line, name), (_cc, _nc, _tt, cumulative, _callers) in own[:25]:
        where = filename.split(f"{os.sep}app{os.sep}", 1)[1]
        lines.append(f"    {cumulative * ms:6.2f} ms  app/{where}:{line} {name}")
    return "\n".join(lines)


def warm_up(base: str, setup: dict, workers: int) -> None:
    """Registrations for the spare event, as many at once as there are workers, so that
    every worker serves some (see the module docstring)."""
    sessions = [live.signed_in_session(SECRET_KEY, uid) for uid in setup["warmup_user_ids"]]
    path = f"/events/{setup['warmup_event_id']}/register"
    for start in range(0, len(sessions), workers):
        statuses, _seconds = burst(base, path, sessions[start:start + workers], workers)
        if set(statuses) != {302}:
            raise SystemExit(f"[rush] the warm-up failed: {statuses}")


def run(n: int, workers: int, profile: bool, base_url: str | None, tmp: Path) -> str:
    if base_url and not base_url.startswith(("postgresql", "sqlite")):
        raise SystemExit(f"DATABASE_URL must be SQLite or PostgreSQL, not {base_url!r}")
    kind = "postgresql" if base_url and base_url.startswith("postgresql") else "sqlite"
    rush_url = live.fresh_database(kind, base_url or "", tmp, "rush")
    port = free_port()
    try:
        env = server_env(rush_url, port)
        log(f"[rush] {kind}: flask db upgrade")
        live.flask_command(env, "db", "upgrade")
        log(f"[rush] an event with {CAPACITY} places and {n} accounts")
        try:
            setup = live.setup_rush(env, people=n, capacity=CAPACITY,
                                    warmup=WARMUP_PER_WORKER * workers)
        except subprocess.CalledProcessError as error:
            log(error.stderr)
            raise SystemExit("[rush] setting up the event failed (its error is above)") from None
        event_id = setup["event_id"]
        sessions = [live.signed_in_session(SECRET_KEY, uid) for uid in setup["user_ids"]]
        threads = min(n, MAX_THREADS)
        extra: tuple[str, ...] = ()
        if profile:
            env["ROUNDTABLE_PROFILE_DIR"] = str(tmp)
            extra = ("-c", str(ROOT / "bench" / "profiled_worker.py"))
        with live.gunicorn(env, port, workers=workers, extra_args=extra) as base:
            warm_up(base, setup, workers)
            for path in tmp.glob("worker-*"):
                path.unlink()
            load = os.getloadavg()[0]
            log(f"[rush] gunicorn ({workers} workers) at {base}, warm; "
                f"{n} registrations from {threads} threads (load average {load:.2f})")
            pids, database_pids = worker_pids(port), postgres_pids()
            cpu_before = cpu_seconds(pids)
            database_before, client_before = cpu_seconds(database_pids), own_cpu_seconds()
            statuses, seconds = burst(base, f"/events/{event_id}/register", sessions, threads)
            cpu_ms = 1000 * (cpu_seconds(pids) - cpu_before) / n
            database_ms = 1000 * (cpu_seconds(database_pids) - database_before) / n
            client_ms = 1000 * (own_cpu_seconds() - client_before) / n
        counts = Counter(statuses)
        server_log = ROOT / "instance" / f"gunicorn-{port}.log"
        if set(counts) == {302}:
            server_log.unlink(missing_ok=True)
        else:
            log(f"[rush] the server's log: {server_log}")
        log(f"[rush] burst: {seconds:.2f} s, {1000 * seconds / n:.1f} ms per registration; "
            f"statuses {dict(sorted(counts.items()))}")
        if profile:
            log(profile_summary(tmp, n))
        states = count_states(rush_url, event_id)
        log(f"[rush] registrations: {dict(states)}")
        version = f" pg={postgres_version(rush_url)}" if kind == "postgresql" else ""
    finally:
        if kind == "postgresql":
            log("[rush] dropping the _rush database")
            live.drop_database(base_url, rush_url)
    errors = sum(count for status, count in counts.items() if status != 302)
    return (f"rush db={kind}{version} python={platform.python_version()} "
            f"locked={'yes' if locked_dependencies() else 'no'} config=production "
            f"workers={workers} threads={threads} cpus={os.cpu_count()} load={load:.1f} "
            f"n={n} places={CAPACITY} confirmed={states['confirmed']} "
            f"waitlisted={states['waitlisted']} errors={errors} "
            f"worker_cpu_ms={cpu_ms:.1f} db_cpu_ms={database_ms:.1f} "
            f"client_cpu_ms={client_ms:.1f} "
            f"ceiling_rps={int(os.cpu_count() * 1000 / (cpu_ms + database_ms + client_ms))} "
            f"rps={int(n / seconds)}{' profiled' if profile else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="people registering (default 500)")
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help=f"gunicorn sync workers (default {WORKERS})")
    parser.add_argument("--profile", action="store_true",
                        help="profile the workers and say where the time went (stderr)")
    args = parser.parse_args()
    if args.n < 1 or args.workers < 1:
        parser.error("--n and --workers must be at least 1")
    (ROOT / "instance").mkdir(exist_ok=True)  # live.gunicorn writes its log there
    with tempfile.TemporaryDirectory(prefix="roundtable-rush-") as tmp:
        print(run(args.n, args.workers, args.profile, os.environ.get("DATABASE_URL") or None,
                  Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
