"""The migration that brings session tokens also repairs what organisers saved before their
forms refused it (issue 14), on each database: line breaks in one-line texts, a second
rule in a working group's RRULE, a working group "ending" in year 9999."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from app.workinggroups.models import WorkingGroup
from tests import live
from tests.fixtures.database import make_test_config
from tests.fixtures.database import written_as_of_an_older_revision

BEFORE = "e19c889fa2fa"  # the revision before ddf23ae9842f


def test_upgrade_gives_tokens_and_repairs_saved_input(database, tmp_path):
    kind, url = database
    repair_url = live.fresh_database(kind, url, tmp_path, "repair")
    application = create_app(make_test_config(repair_url))
    try:
        with application.app_context():
            upgrade(revision=BEFORE)
            with written_as_of_an_older_revision():
                users = sa.table("users", *(sa.column(name) for name in (
                    "email", "display_name", "pseudonym", "password_hash", "is_participant",
                    "is_organiser", "is_interpreter", "timezone", "locale", "languages",
                    "created_dt")))
                row = {"pseudonym": "", "password_hash": "!", "is_participant": True,
                       "is_organiser": False, "is_interpreter": False, "timezone": "UTC",
                       "locale": "en", "languages": "[]", "created_dt": datetime(2026, 1, 1)}
                db.session.execute(users.insert(), [
                    {**row, "email": "a@example.org", "display_name": "Ana\r\nBcc: x"},
                    {**row, "email": "b@example.org", "display_name": "Budi"}])
                db.session.add(Event(title="Jakarta\n2027", kind=EventKind.VIRTUAL,
                                     status=EventStatus.OPEN, timezone="Asia/Jakarta",
                                     start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                                     online_url="https://meet.example/j\n"))
                db.session.add(WorkingGroup(
                    name="Care", timezone="Asia/Jakarta",
                    rrule="FREQ=WEEKLY;WKST=MO\nRRULE:FREQ=DAILY",
                    first_start_dt=datetime(2027, 1, 1, 3, tzinfo=UTC), duration_minutes=60,
                    until_date=date(9999, 12, 31), online_url="https://meet.example/g\r\n"))
                db.session.commit()
            db.session.remove()
            upgrade()
            with db.engine.connect() as connection:
                people = connection.execute(sa.text(
                    "SELECT display_name, session_token FROM users ORDER BY email")).all()
                event = connection.execute(sa.text(
                    "SELECT title, online_url FROM events")).one()
                group = connection.execute(sa.text(
                    "SELECT rrule, until_date, online_url FROM working_groups")).one()
            assert [name for name, _token in people] == ["Ana Bcc: x", "Budi"]
            tokens = {token for _name, token in people}
            assert len(tokens) == 2 and all(len(token) >= 40 for token in tokens)
            assert tuple(event) == ("Jakarta 2027", "https://meet.example/j")
            assert (group.rrule, group.until_date, group.online_url) == (
                "FREQ=WEEKLY;WKST=MO", None, "https://meet.example/g")
            db.engine.dispose()
    finally:
        if kind == "postgresql":
            live.drop_database(url, repair_url)
