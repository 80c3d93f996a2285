"""Chaos: what survives when processes die, connections drop and the mail server crawls.

Three runs, each on a fresh database (SQLite files when ``DATABASE_URL`` is unset, else
databases ``<name>_chaos_<run>`` beside the one it names, created and dropped here):

1. ``kill``: N people register at once for an event with 35 places, served by gunicorn
   (2 workers); 0.2 s into the burst one worker is SIGKILLed (gunicorn starts a new one).
   Requests that failed (connection reset, 5xx) are sent again, as people press the button
   again, until every one has an answer.
2. ``drop`` (PostgreSQL only): the same burst, and 0.2 s in, every connection the server
   holds is terminated (``pg_terminate_backend``), as a database restart or failover does,
   without disturbing anyone else on a shared server. Failures are sent again.
3. ``mail``: 60 queued emails, two ``flask send-outbox`` processes at once against an SMTP
   server that takes 0.25 s per message, with a 1 s lease (a batch lease of that length sent
   duplicates before); then one sender is SIGKILLed mid-send and another finishes the queue
   after the lease ends.

Prints one line (progress on stderr)::

    db=<kind> kill: confirmed=35 duplicates=0 lost=0 errors_after_retry=0 |
    drop: ... | mail: sent=60 twice=<n> twice_same_message_id=<n> unsent=0

``duplicates``: people with more than one registration row; ``lost``: people whose
registration was answered with success but has no row; ``twice``: emails that reached the
SMTP server twice (at-least-once: at most the one message in flight when its sender was
killed), ``twice_same_message_id``: of those, how many carried the same Message-ID (so mail
clients show one).

Run from the repository root (a minute or two)::

    .venv/bin/python bench/chaos.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/chaos.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from registration_rush import SECRET_KEY  # noqa: E402
from registration_rush import burst  # noqa: E402
from registration_rush import free_port  # noqa: E402
from registration_rush import log  # noqa: E402

from tests import live  # noqa: E402

CAPACITY = 35
PEOPLE = 300
MESSAGES = 60


def registrations(url: str, event_id: int) -> list[tuple[int, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT user_id, status FROM registrations WHERE event_id = :e"),
                {"e": event_id}).all()
    finally:
        engine.dispose()


def rush_with(fault, env: dict, url: str, label: str) -> str:
    setup = live.setup_rush(env, people=PEOPLE, capacity=CAPACITY)
    event_id, user_ids = setup["event_id"], setup["user_ids"]
    sessions = [live.signed_in_session(SECRET_KEY, uid) for uid in user_ids]
    port = free_port()
    with live.gunicorn(env, port) as base:
        timer = threading.Timer(0.7, fault, args=(port,))  # burst() waits 0.5 s at its gate
        timer.start()
        statuses, _seconds = burst(base, f"/events/{event_id}/register", sessions, 100)
        timer.join()
        answered = {uid for uid, status in zip(user_ids, statuses, strict=True)
                    if status == 302}
        failed = [i for i, status in enumerate(statuses) if status != 302]
        log(f"[chaos] {label}: {len(failed)} of {PEOPLE} failed at first "
            f"{dict(Counter(statuses[i] for i in failed))}; sending those again")
        for _round in range(5):
            if not failed:
                break
            again, _ = burst(base, f"/events/{event_id}/register",
                             [sessions[i] for i in failed], 50)
            # 409 "already registered": the first attempt did land, after all.
            answered |= {user_ids[i] for i, s in zip(failed, again, strict=True)
                         if s in (302, 409)}
            failed = [i for i, s in zip(failed, again, strict=True) if s not in (302, 409)]
    rows = registrations(url, event_id)
    per_person = Counter(uid for uid, _status in rows)
    states = Counter(status for _uid, status in rows)
    duplicates = sum(1 for count in per_person.values() if count > 1)
    lost = len(answered - set(per_person))
    return (f"{label}: confirmed={states['confirmed']} waitlisted={states['waitlisted']} "
            f"duplicates={duplicates} lost={lost} errors_after_retry={len(failed)}")


def kill_a_worker(port: int) -> None:
    master = live.gunicorn_pidfile(port).read_text().strip()
    victims = [int(pid) for pid in subprocess.run(
        ["pgrep", "-P", master], capture_output=True, text=True, check=False).stdout.split()]
    if victims:
        os.kill(victims[0], signal.SIGKILL)
        log(f"[chaos] SIGKILLed worker {victims[0]}")


def drop_connections(url: str):
    def fault(_port: int) -> None:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            killed = connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
        engine.dispose()
        log(f"[chaos] terminated {killed} server connections")
    return fault


def mail_chaos(env: dict) -> str:
    from aiosmtpd.controller import Controller

    sink = live.SlowSMTPSink(0.25)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    mail_env = {**env, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(port), "OUTBOX_LEASE_SECONDS": "1"}
    try:
        live.app_python(mail_env, "from app.core.mail import queue_email; "
                                  "from app.extensions import db; "
                                  f"[queue_email(f'm{{i}}@example.org', 'Hello', 'Body') "
                                  f"for i in range({MESSAGES})]; db.session.commit()")

        def sender():
            return subprocess.Popen([str(live.BIN / "flask"), "send-outbox"], cwd=ROOT,
                                    env=mail_env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)

        first, second = sender(), sender()
        while len(sink.received) < MESSAGES // 2:
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        log("[chaos] SIGKILLed one of two senders mid-send")
        second.wait(timeout=300)
        first.wait(timeout=30)
        time.sleep(1.5)  # the killed sender's lease ends
        sender().wait(timeout=300)
        unsent = int(live.app_python(mail_env, (
            "from app.core.models import OutboxMessage; from app.extensions import db; "
            "print(db.session.query(OutboxMessage).filter(OutboxMessage.sent_dt.is_(None))"
            ".count())")).strip())
    finally:
        controller.stop()
    copies = Counter(to for to, _mid in sink.received)
    twice = [to for to, count in copies.items() if count > 1]
    same_id = sum(1 for to in twice
                  if len({mid for rcpt, mid in sink.received if rcpt == to}) == 1)
    return (f"mail: sent={len(copies)} twice={len(twice)} twice_same_message_id={same_id} "
            f"unsent={unsent}")


def run(base_url: str | None, tmp: Path) -> str:
    """Each scenario on a fresh database of its own."""
    kind = "postgresql" if base_url and base_url.startswith("postgresql") else "sqlite"
    scenarios = [("kill", lambda env, url: rush_with(kill_a_worker, env, url, "kill"))]
    if kind == "postgresql":
        scenarios.append(("drop", lambda env, url: rush_with(drop_connections(url), env, url,
                                                             "drop")))
    scenarios.append(("mail", lambda env, _url: mail_chaos(env)))
    parts = []
    for name, scenario in scenarios:
        url = live.fresh_database(kind, base_url or "", tmp, f"chaos_{name}")
        try:
            env = live.server_env(url, SECRET_KEY=SECRET_KEY)
            live.flask_command(env, "db", "upgrade")
            parts.append(scenario(env, url))
        finally:
            if kind == "postgresql":
                live.drop_database(base_url, url)
    return f"db={kind} " + " | ".join(parts)


def main() -> None:
    (ROOT / "instance").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="roundtable-chaos-") as tmp:
        print(run(os.environ.get("DATABASE_URL") or None, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
