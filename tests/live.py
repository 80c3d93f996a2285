"""A real server for browser and concurrency tests: gunicorn on loopback over a fresh database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from contextlib import suppress
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def fresh_database(kind: str, base_url: str, tmp_dir: Path, name: str) -> str:
    """An empty database of the given kind, separate from the transactional tests' one."""
    if kind == "sqlite":
        path = tmp_dir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = sa.engine.make_url(base_url)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    database = f"{url.database}_{name}"
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def drop_database(base_url: str, url: str) -> None:
    """Drop a database made by ``fresh_database`` (connecting through the base one)."""
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(url).database
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def server_env(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update({"ROUNDTABLE_ENV": "development", "DATABASE_URL": database_url,
                "SECRET_KEY": "live-test-secret", "FLASK_APP": "wsgi",
                "MAIL_BACKEND": "console", "PYTHONPATH": str(ROOT), **extra})
    return env


def flask_command(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class SlowSMTPSink:
    """An aiosmtpd handler that takes its time over every message, as a loaded relay does,
    and keeps (recipient, Message-ID) of what arrives."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, _server, _session, envelope):
        import asyncio
        import email
        from email import policy

        await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((parsed["To"], parsed["Message-ID"]))
        return "250 Message accepted"


def app_python(env: dict, code: str) -> str:
    """Run statements (separated by "; ") inside the app, as a deploy script would, and
    return what they printed."""
    body = "".join(f"    {line}\n" for line in code.split("; "))
    script = f"from wsgi import app\nwith app.app_context():\n{body}"
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True).stdout


def gunicorn_pidfile(port: int) -> Path:
    """Where the master of ``gunicorn(..., port)`` writes its pid (its workers are its
    children: a chaos test kills one of them)."""
    return ROOT / "instance" / f"gunicorn-{port}.pid"


@contextmanager
def gunicorn(env: dict, port: int, workers: int = 2, extra_args: tuple[str, ...] = ()):
    """gunicorn with ``workers`` sync workers; ``extra_args`` go on its command line (a
    benchmark's ``-c`` file of hooks)."""
    log = open(ROOT / "instance" / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--pid", str(gunicorn_pidfile(port)), *extra_args, "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start; see instance/gunicorn-*.log") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def load_test_session_token(user_id: int) -> str:
    """The session token ``setup_rush`` gives each account it makes (User.session_token):
    known in advance, so a load test can forge their sessions. Only in throwaway databases."""
    return f"load-test-{user_id}"


def signed_in_session(secret_key: str, user_id: int) -> tuple[str, str]:
    """The session cookie and CSRF token a browser holds after signing in as ``user_id`` (an
    account made by ``setup_rush``).

    Forged with the server's own secret, so a load test can sign in hundreds of people
    without hundreds of password hashes.
    """
    import secrets

    from flask import Flask
    from itsdangerous import URLSafeTimedSerializer

    from app.core.compression import mask

    raw = secrets.token_hex(20)
    app = Flask("forge")
    app.secret_key = secret_key
    cookie = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": load_test_session_token(user_id), "_fresh": True, "csrf_token": raw})
    token = URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)
    return cookie, mask(token)  # as pages carry it (app/core/compression.py)


SETUP_RUSH = r"""
import json, sys
from datetime import date
from sqlalchemy import insert, select, update
from app import create_app
from app.auth.models import User
from app.events.models import Event, EventKind, EventStatus
from app.extensions import db

count, capacity, warmup = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
app = create_app()
with app.app_context():
    event = Event(title="Rush", kind=EventKind.VIRTUAL, status=EventStatus.OPEN,
                  timezone="Asia/Bangkok", start_date=date(2030, 1, 10),
                  end_date=date(2030, 1, 10), capacity=capacity, is_invitation_only=False)
    db.session.add(event)
    db.session.flush()
    db.session.execute(insert(User), [
        {"email": f"rush{n}@example.org", "display_name": f"Rush {n}", "password_hash": "!",
         "timezone": "Asia/Bangkok"} for n in range(count)])
    db.session.commit()
    ids = db.session.scalars(select(User.id).where(User.email.like("rush%"))
                             .order_by(User.id)).all()
    # Known session tokens (tests.live.load_test_session_token): sessions forged, not signed in.
    db.session.execute(update(User), [{"id": i, "session_token": f"load-test-{i}"} for i in ids])
    db.session.commit()
    # A second event and its own accounts, for a benchmark's warm-up requests.
    spare = Event(title="Warm-up", kind=EventKind.VIRTUAL, status=EventStatus.OPEN,
                  timezone="Asia/Bangkok", start_date=date(2030, 1, 10),
                  end_date=date(2030, 1, 10), capacity=None, is_invitation_only=False)
    db.session.add(spare)
    db.session.flush()
    warm_ids = []
    if warmup:
        db.session.execute(insert(User), [
            {"email": f"warm{n}@example.org", "display_name": f"Warm {n}", "password_hash": "!",
             "timezone": "Asia/Bangkok"} for n in range(warmup)])
        warm_ids = db.session.scalars(select(User.id).where(User.email.like("warm%"))
                                      .order_by(User.id)).all()
        db.session.execute(update(User), [{"id": i, "session_token": f"load-test-{i}"}
                                          for i in warm_ids])
    db.session.commit()
    print(json.dumps({"event_id": event.id, "user_ids": ids, "warmup_event_id": spare.id,
                      "warmup_user_ids": warm_ids}))
"""


def setup_rush(env: dict, people: int, capacity: int, warmup: int = 0) -> dict:
    """An open virtual event with ``capacity`` places and ``people`` accounts to fill it;
    and a second one without a limit, with ``warmup`` accounts of its own."""
    import json

    result = subprocess.run([sys.executable, "-c", SETUP_RUSH, str(people), str(capacity),
                             str(warmup)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def post_all(base: str, requests: list[tuple[str, str, dict]], workers: int) -> list[int]:
    """POST every (path, cookie, form) at once from ``workers`` threads; return the statuses.

    A barrier releases them together so the server sees one burst. A path may be a whole
    URL of another server (two "hosts" raced against each other).
    """
    import http.client
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode
    from urllib.parse import urlsplit

    barrier = threading.Barrier(min(workers, len(requests)))

    def send(item):
        path, cookie, form = item
        url = urlsplit(path if "://" in path else base + path)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        try:
            connection.connect()
            with suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=30)
            target = url.path + (f"?{url.query}" if url.query else "")
            connection.request("POST", target, body=urlencode(form, doseq=True), headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"session={cookie}"})
            return connection.getresponse().status
        except OSError:
            return 0
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, requests))
