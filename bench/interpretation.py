"""Auto-assign at the size of a full roundtable: 60 sessions x 4 languages x 20 interpreters.

A fresh SQLite database in a temporary directory gets the schema from the migrations
(``flask_migrate.upgrade``), then a seeded random event: a hybrid roundtable over five days
in Jakarta, 12 sessions a day of 30 to 150 minutes in two parallel tracks, each on site or
online, with the floor in English (or Thai for one in six) and a channel into each of four
other languages; and 20 interpreters with random A/B/C combinations, remote and/or on-site
work, availability windows on some days and a day off. ``services.auto_assign`` then runs
once (rules, search, inserts and the iTIP emails to every interpreter) and is committed.

``fillable`` counts the channels that enough interpreters could take if nothing else were
on their plate (direction, working mode, availability, cancelled sessions): each channel on
its own. A channel can fail only through competition for the same interpreters, so
``filled`` = ``fillable`` says the search left no fillable channel empty. One line::

    sessions=60 channels=<n> filled=<n> unfillable=<n> seconds=<s>

(``unfillable`` = channels - fillable.) Run from the repository root:
``.venv/bin/python bench/interpretation.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from app import create_app
from app.auth.models import User
from app.core.time import localize
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation import rules
from app.interpretation import services
from app.interpretation.models import Availability
from app.interpretation.models import Grade
from app.interpretation.models import InterpreterLanguage
from app.interpretation.models import InterpreterProfile
from app.interpretation.models import SessionChannel
from config import DevelopmentConfig

ZONE = "Asia/Jakarta"
LANGUAGES = ["en", "th", "id", "ms", "mi"]
DAYS = [date(2027, 6, 21) + timedelta(days=n) for n in range(10)]


def build(rng: random.Random) -> Event:
    event = Event(title="Benchmark roundtable", kind=EventKind.HYBRID, status=EventStatus.OPEN,
                  timezone=ZONE, start_date=DAYS[0], end_date=DAYS[-1], venue="Jakarta",
                  online_url="https://meet.example.org/bench")
    db.session.add(event)
    for day in DAYS:
        for track in range(1):
            clock = datetime(day.year, day.month, day.day, 8, 0) + timedelta(minutes=15 * track)
            for n in range(6):
                length = rng.choice([30, 40, 60, 90, 120])
                floor = "th" if rng.randrange(6) == 0 else "en"
                session = EventSession(
                    event=event, title=f"{day:%a} track {track + 1} session {n + 1}",
                    kind=SessionKind.PLENARY, start_dt=localize(clock, ZONE),
                    end_dt=localize(clock + timedelta(minutes=length), ZONE),
                    floor_language=floor, room=f"Room {track + 1}",
                    attendance_mode=rng.choice([AttendanceMode.BOTH, AttendanceMode.ONLINE]))
                db.session.add(session)
                for code in [c for c in LANGUAGES if c != floor][:4]:
                    db.session.add(SessionChannel(session=session, language_code=code))
                clock += timedelta(minutes=length + rng.choice([0, 15, 30]))
    for n in range(20):
        zone = rng.choice([ZONE, "Asia/Bangkok", "Australia/Sydney"])
        user = User(email=f"interpreter{n}@example.org", display_name=f"Interpreter {n}",
                    password_hash="!", timezone=zone)  # noqa: S106 (nobody signs in)
        user.set_roles(["interpreter"])
        a_language = LANGUAGES[1 + n % 4] if n % 5 else "en"
        others = [c for c in LANGUAGES if c != a_language]
        b_language = "en" if a_language != "en" else rng.choice(others)
        c_language = rng.choice([c for c in others if c != b_language])
        remote = rng.random() < 0.8
        profile = InterpreterProfile(user=user, timezone=user.timezone, works_remote=remote,
                                     works_on_site=not remote or rng.random() < 0.7)
        profile.languages = [InterpreterLanguage(language_code=a_language, grade=Grade.A),
                             InterpreterLanguage(language_code=b_language, grade=Grade.B),
                             InterpreterLanguage(language_code=c_language, grade=Grade.C)]
        for day in rng.sample(DAYS, rng.randint(6, 10)):
            start = datetime(day.year, day.month, day.day, rng.choice([7, 8, 10]))
            profile.availability.append(Availability(
                start_dt=localize(start, ZONE),
                end_dt=localize(start + timedelta(hours=rng.choice([6, 8, 11])), ZONE)))
        off = rng.choice(DAYS)
        profile.availability.append(Availability(
            start_dt=localize(datetime(off.year, off.month, off.day), ZONE),
            end_dt=localize(datetime(off.year, off.month, off.day) + timedelta(days=1), ZONE),
            is_available=False))
        db.session.add(profile)
    db.session.commit()
    return event


def fillable(event: Event) -> int:
    """Channels enough interpreters could take, each channel on its own."""
    people = [services.person_of(p) for p in services.all_profiles()]
    limits = services.limits()
    count = 0
    for channel in services.event_channels(event):
        slot = services.slot_of(channel)
        size = rules.slot_team_size(slot, limits)
        able = sum(rules.static_problem(slot, person) is None for person in people)
        count += size is not None and able >= size
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        config = type("BenchConfig", (DevelopmentConfig,), {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db"})
        app = create_app(config)
        with app.app_context():
            upgrade()
            event = build(random.Random(args.seed))
            channels = len(services.event_channels(event))
            can_fill = fillable(event)
            db.session.expire_all()
            started = time.perf_counter()
            report = services.auto_assign(db.session.get(Event, event.id))
            db.session.commit()
            seconds = time.perf_counter() - started
            print(f"explored={report.explored} proposed={len(report.added)}", file=sys.stderr)
            for channel, why in report.unfilled[:5]:
                print(f"  {channel.session.title} {channel.language_code}: {why}",
                      file=sys.stderr)
            print(f"sessions=60 channels={channels} filled={len(report.filled)} "
                  f"unfillable={channels - can_fill} seconds={seconds:.3f}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
