"""A mixed soak: what people do all day, for minutes on end, and each worker's memory.

Does a worker's memory stay put under hours of ordinary use, or does something in it grow
with every viewer, event or request (an unbounded cache, a leak)? The app is served by
gunicorn with 2 sync workers on 127.0.0.1 in production configuration (as
``bench/registration_rush.py`` runs it, no worker recycling), over a fresh database with the
demo data (``flask seed-demo``) and 60 more accounts (``tests.live.setup_rush``: forged
signed-in sessions, a calendar feed link each, an open event without a limit). A SQLite file
when ``DATABASE_URL`` is unset, else a separate PostgreSQL database ``<name>_soak`` beside
the one named (dropped afterwards).

Four client threads then send requests back to back, each one a random pick of:

- the events list, an event's page (its agenda) and the account's registrations;
- a calendar feed, mostly as calendar apps poll (``If-None-Match``: 304 until it changes);
- a registration for the open event, or, for someone registered, its cancellation;
- "My programme" for the open event;
- a sign-in with a demo account's password (the login page, then the form).

Every answer is checked (200 for a page, 302 after a form, 200 or 304 for a feed, or 429
once that person's feed was built more often than its hourly limit: on a fast machine a
person registers and cancels that often); anything else counts as an error. Each worker's
resident memory (``VmRSS`` in /proc) is read once all kinds of request have been served
once (the start), every 10 seconds (the maximum), and at the end. One line goes to stdout
(progress to stderr)::

    soak db=sqlite workers=2 minutes=10 requests=N errors=N rss_start_mb=A/B
      rss_max_mb=A/B rss_end_mb=A/B growth_mb=+a/+b

with one figure per worker. A worker replaced meanwhile (it crashed) is an error of its own.
The target: every worker under 150 MB at the end of a 10-minute soak.

Run from the repository root::

    .venv/bin/python bench/soak.py                 # SQLite, 10 minutes
    .venv/bin/python bench/soak.py --minutes 1
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/soak.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that `app`, `bench` and `tests` import from anywhere

import sqlalchemy as sa  # noqa: E402

from app.calendar.views import FEED_RENDERS_PER_HOUR  # noqa: E402
from app.demo import DEMO_PASSWORD  # noqa: E402
from bench.registration_rush import SECRET_KEY  # noqa: E402
from bench.registration_rush import free_port  # noqa: E402
from bench.registration_rush import server_env  # noqa: E402
from bench.registration_rush import worker_pids  # noqa: E402
from tests import live  # noqa: E402

PEOPLE = 60
THREADS = 4
SAMPLE_SECONDS = 10
FORM = {"consent_chatham": "y", "consent_data": "y", "attend_as": "online"}
SIGN_INS = ("participant@example.org", "sari@example.org", "somchai@example.org")
# How often each kind of request is picked, out of their sum.
MIX = {"events": 15, "agenda": 25, "mine": 10, "feed": 20, "register": 10, "programme": 10,
       "sign_in": 2}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FEED_TOKENS = r"""
import json
from sqlalchemy import select
from app.auth.models import User
from app.calendar.services import issue_feed_token
from app.events.models import Event
from app.extensions import db
ids = json.loads(IDS)
tokens = {i: issue_feed_token(db.session.get(User, i)) for i in ids}
db.session.commit()
events = db.session.scalars(select(Event.id).order_by(Event.id)).all()
print(json.dumps({"tokens": tokens, "events": events}))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """One thread's requests, with what it needs to know between them (ETags, who is
    registered); every check that fails is counted by the caller as an error."""

    def __init__(self, base: str, world: dict, seed: int):
        self.url = urlsplit(base)
        self.world = world
        self.random = random.Random(seed)

    def request(self, method: str, path: str, *, cookie: str = "", form: dict | None = None,
                headers: dict | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
        self.last = f"{method} {path.split('/')[1]}"
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            response.body = response.read()
            self.last += f" {response.status}"
            return response
        finally:
            connection.close()

    def person(self) -> tuple[int, str, str]:
        user_id = self.random.choice(self.world["people"])
        cookie, token = self.world["sessions"][user_id]
        return user_id, f"session={cookie}", token

    def run(self, kind: str) -> bool:
        user_id, cookie, token = self.person()
        world = self.world
        if kind == "events":
            return self.request("GET", "/events", cookie=cookie).status == 200
        if kind == "agenda":
            event_id = self.random.choice(world["events"])
            return self.request("GET", f"/events/{event_id}", cookie=cookie).status in (200, 404)
        if kind == "mine":
            return self.request("GET", "/registrations", cookie=cookie).status == 200
        if kind == "programme":
            path = f"/events/{world['open_event']}/my-programme"
            return self.request("GET", path, cookie=cookie).status in (200, 403, 404)
        if kind == "feed":
            feed = f"/calendar/{world['tokens'][str(user_id)]}.ics"
            etag = world["etags"].get(user_id)
            response = self.request("GET", feed, headers={"If-None-Match": etag} if etag else {})
            if response.status == 200:
                world["etags"][user_id] = response.getheader("ETag")
            if response.status in (200, 429):
                with world["lock"]:
                    world["renders"][user_id] += 1
                    asked = world["renders"][user_id]
            if response.status == 429:
                # The feed's own limit: a person's feed is built at most FEED_RENDERS_PER_HOUR
                # times an hour (each registration and cancellation changes it). An answer,
                # not an error, once this person's feed was asked for that often.
                return asked > FEED_RENDERS_PER_HOUR
            return response.status in (200, 304)
        if kind == "register":
            return self.register_or_cancel(user_id, cookie, token)
        return self.sign_in()

    def register_or_cancel(self, user_id: int, cookie: str, token: str) -> bool:
        with self.world["lock"]:  # one change at a time per person: no self-made conflicts
            if user_id in self.world["busy"]:
                return True
            self.world["busy"].add(user_id)
        try:
            registration = self.world["registration_of"](user_id)
            if registration is None:
                path = f"/events/{self.world['open_event']}/register"
                form = {**FORM, "csrf_token": token}
            else:
                path, form = f"/registrations/{registration}/cancel", {"csrf_token": token}
            return self.request("POST", path, cookie=cookie, form=form).status == 302
        finally:
            self.world["busy"].discard(user_id)

    def sign_in(self) -> bool:
        page = self.request("GET", "/login")
        found = CSRF.search(page.body.decode())
        cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
        if page.status != 200 or found is None or not cookie:
            return False
        form = {"email": self.random.choice(SIGN_INS), "password": DEMO_PASSWORD,
                "csrf_token": found.group(1)}
        return self.request("POST", "/login", cookie=cookie, form=form).status == 302


def setup(env: dict, url: str) -> dict:
    log("[soak] flask db upgrade, flask seed-demo")
    live.flask_command(env, "db", "upgrade")
    live.flask_command(env, "seed-demo")
    rush = live.setup_rush(env, people=PEOPLE, capacity=10_000)
    found = json.loads(live.app_python(
        env, f"IDS = {json.dumps(json.dumps(rush['user_ids']))}; "
        + "; ".join(line for line in FEED_TOKENS.strip().splitlines())).strip().splitlines()[-1])
    engine = sa.create_engine(url)
    open_event = rush["event_id"]

    def registration_of(user_id: int) -> int | None:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT id FROM registrations WHERE event_id = :e AND user_id = :u "
                "AND status IN ('confirmed', 'waitlisted', 'pending')"),
                {"e": open_event, "u": user_id}).scalar()

    sessions = {uid: live.signed_in_session(SECRET_KEY, uid) for uid in rush["user_ids"]}
    return {"people": rush["user_ids"], "sessions": sessions, "tokens": found["tokens"],
            "events": found["events"], "open_event": open_event, "etags": {},
            "renders": Counter(),
            "lock": threading.Lock(), "busy": set(), "registration_of": registration_of,
            "engine": engine}


def soak(base: str, port: int, world: dict, minutes: float) -> tuple[Counter, dict]:
    pids = worker_pids(port)
    counts: Counter = Counter()
    kinds, weights = zip(*MIX.items(), strict=True)
    # Every kind once first, so the start figure is a warm worker's (templates compiled,
    # translations and CLDR data loaded), not a fresh one's.
    warm = Client(base, world, seed=0)
    for kind in kinds:
        for _ in range(len(pids) * 2):
            if not warm.run(kind):
                counts["errors"] += 1
    start = {pid: rss_mb(pid) for pid in pids}
    peak = dict(start)
    deadline = time.monotonic() + 60 * minutes
    stop = threading.Event()

    def loop(seed: int) -> None:
        client = Client(base, world, seed)
        while not stop.is_set() and time.monotonic() < deadline:
            kind = client.random.choices(kinds, weights)[0]
            try:
                ok = client.run(kind)
            except OSError:
                ok = False
            with world["lock"]:
                counts["requests"] += 1
                counts[kind] += 1
                if not ok:
                    counts["errors"] += 1
                    counts[f"failed: {kind}, {client.last}"] += 1

    threads = [threading.Thread(target=loop, args=(seed,)) for seed in range(1, THREADS + 1)]
    for thread in threads:
        thread.start()
    while time.monotonic() < deadline:
        time.sleep(min(SAMPLE_SECONDS, max(0.0, deadline - time.monotonic())))
        for pid in pids:
            try:
                peak[pid] = max(peak[pid], rss_mb(pid))
            except OSError:
                counts["workers_replaced"] += 1
        log(f"[soak] {counts['requests']} requests, {counts['errors']} errors, rss "
            + "/".join(f"{peak[pid]:.0f}" for pid in pids) + " MB (max so far)")
    stop.set()
    for thread in threads:
        thread.join()
    if sorted(worker_pids(port)) != sorted(pids):
        counts["workers_replaced"] += 1
    end = {pid: rss_mb(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
    return counts, {"start": start, "peak": peak, "end": end, "pids": pids}


def run(minutes: float, base_url: str | None, tmp: Path) -> str:
    if base_url and not base_url.startswith(("postgresql", "sqlite")):
        raise SystemExit(f"DATABASE_URL must be SQLite or PostgreSQL, not {base_url!r}")
    kind = "postgresql" if base_url and base_url.startswith("postgresql") else "sqlite"
    url = live.fresh_database(kind, base_url or "", tmp, "soak")
    port = free_port()
    try:
        env = server_env(url, port)
        world = setup(env, url)
        with live.gunicorn(env, port, workers=2) as base:
            log(f"[soak] gunicorn (2 workers) at {base}; {THREADS} clients for {minutes} min")
            counts, memory = soak(base, port, world, minutes)
        world["engine"].dispose()
        server_log = ROOT / "instance" / f"gunicorn-{port}.log"
        if counts["errors"] or counts["workers_replaced"]:
            log(f"[soak] the server's log: {server_log}")
        else:
            server_log.unlink(missing_ok=True)
    finally:
        if kind == "postgresql":
            live.drop_database(base_url, url)
    log(f"[soak] requests by kind: {dict(sorted((k, v) for k, v in counts.items()))}")
    pids = memory["pids"]

    def each(figures: dict, sign: str = "") -> str:
        return "/".join(f"{figures[pid]:{sign}.0f}" if pid in figures else "gone" for pid in pids)

    growth = {pid: memory["end"][pid] - memory["start"][pid] for pid in memory["end"]}
    errors = counts["errors"] + counts["workers_replaced"]
    return (f"soak db={kind} workers=2 minutes={minutes:g} requests={counts['requests']} "
            f"errors={errors} rss_start_mb={each(memory['start'])} "
            f"rss_max_mb={each(memory['peak'])} rss_end_mb={each(memory['end'])} "
            f"growth_mb={each(growth, '+')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="how long to soak (default 10)")
    args = parser.parse_args()
    if args.minutes <= 0:
        parser.error("--minutes must be positive")
    (ROOT / "instance").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="roundtable-soak-") as tmp:
        print(run(args.minutes, os.environ.get("DATABASE_URL") or None, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
