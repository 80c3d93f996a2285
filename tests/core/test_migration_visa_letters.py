"""The visa letter migration (c4e8b1f27a10) adds a registration's nationality and passport
number with plain ADD COLUMN, on each database: every registration and its session places
survive (a batch rebuild of `registrations` would cascade-delete the places on SQLite), the
nationality must name a known country, and the downgrade gives the columns back."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade
from flask_migrate import upgrade

from app import create_app
from app.core.models import Country
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from tests import live
from tests.fixtures.database import make_test_config
from tests.fixtures.database import written_as_of_an_older_revision

BEFORE = "ddf23ae9842f"
REVISION = "c4e8b1f27a10"
CREATED = datetime(2027, 1, 1)


def _rows(connection, table: str) -> int:
    return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def _columns(connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def test_upgrade_keeps_every_registration_and_place(database, tmp_path):
    kind, url = database
    own_url = live.fresh_database(kind, url, tmp_path, "visa")
    application = create_app(make_test_config(own_url))
    try:
        with application.app_context():
            upgrade(revision=BEFORE)
            with written_as_of_an_older_revision():
                db.session.add(Country(code="ID", name="Indonesia", timezone="Asia/Jakarta",
                                       zones=["Asia/Jakarta"], holiday_subdivision=""))
                users = sa.table("users", *(sa.column(name) for name in (
                    "email", "display_name", "pseudonym", "password_hash", "is_participant",
                    "is_organiser", "is_interpreter", "timezone", "locale", "languages",
                    "created_dt", "session_token")))
                db.session.execute(users.insert(), [{
                    "email": "dewi@example.org", "display_name": "Dewi", "pseudonym": "",
                    "password_hash": "!", "is_participant": True, "is_organiser": False,
                    "is_interpreter": False, "timezone": "Asia/Jakarta", "locale": "id",
                    "languages": "[]", "created_dt": CREATED, "session_token": "token-dewi"}])
                event = Event(title="Jakarta 2027", kind=EventKind.IN_PERSON,
                              status=EventStatus.OPEN, timezone="Asia/Jakarta",
                              start_date=date(2027, 6, 22), end_date=date(2027, 6, 24))
                event.sessions.append(EventSession(
                    title="Site visit", kind=SessionKind.SITE_VISIT,
                    start_dt=datetime(2027, 6, 23, 2, tzinfo=UTC),
                    end_dt=datetime(2027, 6, 23, 5, tzinfo=UTC)))
                db.session.add(event)
                db.session.flush()
                user_id = db.session.execute(sa.text("SELECT id FROM users")).scalar_one()
                registrations = sa.table("registrations", *(sa.column(name) for name in (
                    "event_id", "user_id", "status", "attend_as", "dietary_needs", "access_needs",
                    "arrival_flight", "departure_flight", "passport_name",
                    "interpretation_language", "consented_dt", "created_dt", "updated_dt")))
                db.session.execute(registrations.insert(), [{
                    "event_id": event.id, "user_id": user_id, "status": "confirmed",
                    "attend_as": "in_person", "dietary_needs": "", "access_needs": "",
                    "arrival_flight": "", "departure_flight": "", "passport_name": "DEWI SARTIKA",
                    "interpretation_language": "", "consented_dt": CREATED, "created_dt": CREATED,
                    "updated_dt": CREATED}])
                registration_id = db.session.execute(sa.text(
                    "SELECT id FROM registrations")).scalar_one()
                places = sa.table("session_places", *(sa.column(name) for name in (
                    "registration_id", "session_id", "status", "created_dt")))
                db.session.execute(places.insert(), [{
                    "registration_id": registration_id, "session_id": event.sessions[0].id,
                    "status": "confirmed", "created_dt": CREATED}])
                db.session.commit()
            db.session.remove()

            upgrade(revision=REVISION)
            with db.engine.connect() as connection:
                assert {"nationality", "passport_number"} <= _columns(connection,
                                                                      "registrations")
                assert (_rows(connection, "registrations"),
                        _rows(connection, "session_places")) == (1, 1)
                row = connection.execute(sa.text(
                    "SELECT passport_name, nationality, passport_number "
                    "FROM registrations")).one()
                assert tuple(row) == ("DEWI SARTIKA", None, "")
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "UPDATE registrations SET nationality = 'ID', passport_number = 'B1234567'"))
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE registrations SET nationality = 'XX'"))
            with db.engine.connect() as connection:
                assert "letter_settings" in sa.inspect(connection).get_table_names()

            downgrade(revision=BEFORE)
            with db.engine.connect() as connection:
                assert not {"nationality", "passport_number"} & _columns(connection,
                                                                         "registrations")
                assert "letter_settings" not in sa.inspect(connection).get_table_names()
                assert (_rows(connection, "registrations"),
                        _rows(connection, "session_places")) == (1, 1)
            db.engine.dispose()
    finally:
        if kind == "postgresql":
            live.drop_database(url, own_url)
