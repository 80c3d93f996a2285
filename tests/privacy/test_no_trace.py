"""Issue 19's proof: after the retention purge, and after an erasure, no personal data of the
person is left in any table.

Distinctive values are planted wherever a person's data lands (their account, a pseudonym
over their real name, a registration's passport, travel, dietary and access details, email
to them and email naming them, an audit entry naming them, the sign-in throttle, an
invitation, a call request, a visa letter's contact), then every text and JSON column of
every table in ``db.metadata`` is searched for them (any case; inside JSON also with
non-ASCII escaped). The columns searched are computed from the metadata, printed, and must
cover every text column: a table added later is searched without anyone listing it.
"""

from __future__ import annotations

import json
from datetime import date
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.auth.models import Invitation
from app.auth.models import KnownSignInAddress
from app.auth.models import SignInFailure
from app.auth.models import User
from app.bilaterals.models import CallRequest
from app.core.mail import queue_email
from app.core.models import AuditRecord
from app.core.personal_data import FORMER_PARTICIPANT
from app.core.time import now_utc
from app.extensions import db
from app.planning.models import LetterSettings
from app.privacy import services
from app.privacy.models import ErasureRequest
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.personal_data import PURGED
from tests.fixtures.people import PASSWORD

NAME = "Zéphyrine Quillfeather"  # non-ASCII on purpose: JSON stores it escaped
PSEUDONYM = "Nightjar Seven"
EMAIL = "zephyrine.quill@example.org"
PASSPORT_NAME = "QUILLFEATHER ZEPHYRINE MARGUERITE"
PASSPORT_NUMBER = "XQ99817234"
DIETARY = "Quillfeather-style buckwheat, no sesame"
ACCESS = "Ramp for the Zephyr wheelchair"
FLIGHT_IN = "ZQ 4471"
FLIGHT_OUT = "ZQ 4472"
ROOM_NOTES = "Quiet room, Quillfeather family request"
ADDRESS = "203.0.113.177"
CALL_NOTE = "Zéphyrine Quillfeather would like to meet the Thai delegation"

TRAVEL_AND_NEEDS = [PASSPORT_NAME, PASSPORT_NUMBER, DIETARY, ACCESS, FLIGHT_IN, FLIGHT_OUT,
                    ROOM_NOTES]
EVERYTHING = [NAME, PSEUDONYM, EMAIL, ADDRESS, CALL_NOTE, *TRAVEL_AND_NEEDS]


def text_columns() -> list[sa.Column]:
    """Every column of every table that can hold text: strings, text, JSON."""
    return [column for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, sa.String | sa.Text | sa.JSON)
            or isinstance(getattr(column.type, "impl", None), sa.String | sa.Text)]


def _storage_type(name: str):
    table, column = name.split(".")
    kind = db.metadata.tables[table].columns[column].type
    return getattr(kind, "impl_instance", kind)


def _spellings(value: str) -> list[str]:
    escaped = json.dumps(value)[1:-1]
    return [value.lower()] if escaped == value else [value.lower(), escaped.lower()]


def traces(values: list[str]) -> list[str]:
    """``table.column: value`` for every planted value still found anywhere."""
    found = []
    for column in text_columns():
        text = func.lower(sa.cast(column, sa.Text))
        for value in values:
            clause = sa.or_(*[text.contains(spelling, autoescape=True)
                              for spelling in _spellings(value)])
            count = db.session.scalar(select(func.count()).select_from(column.table)
                                      .where(clause))
            if count:
                found.append(f"{column.table.name}.{column.name}: {value!r} ({count} rows)")
    return found


@pytest.fixture
def planted(make_user, make_event, organiser):
    """A pseudonymous participant with every kind of personal data, in an event that ended
    longer ago than the retention period, and the traces others' records keep of them."""
    person = make_user(("participant",), country="NZ", email=EMAIL, display_name=NAME,
                       pseudonym=PSEUDONYM)
    ended = now_utc().date() - timedelta(days=200)
    event = make_event(title="Wellington roundtable", start_date=ended - timedelta(days=1),
                       end_date=ended)
    db.session.add(Registration(
        event=event, user=person, status=RegistrationStatus.CONFIRMED,
        attend_as=AttendAs.IN_PERSON, consented_dt=now_utc(), dietary_needs=DIETARY,
        access_needs=ACCESS, arrival_date=ended - timedelta(days=2), arrival_flight=FLIGHT_IN,
        departure_date=ended + timedelta(days=1), departure_flight=FLIGHT_OUT,
        needs_room=True, room_notes=ROOM_NOTES, passport_name=PASSPORT_NAME,
        passport_number=PASSPORT_NUMBER, nationality="NZ"))
    # Email about the meeting, sent at the time (kept OUTBOX_RETENTION_DAYS after sending),
    # and one still waiting, to the organisers, naming the person.
    sent_then = now_utc() - timedelta(days=205)
    queue_email(EMAIL, "Your place in Wellington",
                f"Dear {NAME}, your place is confirmed.").sent_dt = sent_then
    queue_email(organiser.email, f"{NAME} registered",
                f"{NAME} ({EMAIL}) registered; passport {PASSPORT_NUMBER}.").sent_dt = sent_then
    queue_email(organiser.email, f"{PSEUDONYM} asked for erasure",
                f"{NAME} ({EMAIL}) asked for their data to be erased.")
    db.session.add(AuditRecord(actor_id=organiser.id, action="delegate_handed_over",
                               subject_type="user", subject_id=person.id,
                               detail={"from": NAME, "email": EMAIL, "note": [PSEUDONYM]}))
    db.session.add(AuditRecord(actor_id=person.id, action="registered", subject_type="event",
                               subject_id=event.id, detail={}))
    db.session.add(SignInFailure(email=EMAIL, address=ADDRESS))
    db.session.add(KnownSignInAddress(user_id=person.id, address=ADDRESS))
    db.session.add(Invitation(email=EMAIL, token_hash="a" * 64, roles=["participant"],
                              invited_by_id=organiser.id, expires_dt=now_utc(),
                              used_dt=now_utc(), user_id=person.id))
    db.session.add(CallRequest(requester_id=person.id, country_a="NZ", country_b="TH",
                               topic="Screening", note=CALL_NOTE))
    db.session.add(LetterSettings(event_id=event.id, contact_name=NAME, contact_email=EMAIL))
    db.session.commit()
    return person, event


def test_the_scan_covers_every_text_column_and_finds_what_is_planted(app, planted):
    checked = sorted(f"{c.table.name}.{c.name}" for c in text_columns())
    print(f"\ncolumns searched ({len(checked)}):\n  " + "\n  ".join(checked))
    # The columns left out hold only numbers, truth values, dates and times.
    left_out = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables
                for column in table.columns if f"{table.name}.{column.name}" not in checked]
    not_text = (sa.Integer, sa.Boolean, sa.Numeric, sa.Date, sa.DateTime, sa.Time)
    assert left_out and all(isinstance(_storage_type(name), not_text) for name in left_out)
    assert {"users.display_name", "outbox_messages.body", "audit_records.detail",
            "sign_in_failures.email", "registrations.passport_name"} <= set(checked)
    # Before anything happened, every planted value is found (the scan can see them all).
    found = " ".join(traces(EVERYTHING))
    assert all(repr(value) in found for value in EVERYTHING), found


def test_the_purge_leaves_no_travel_passport_or_needs_anywhere(app, planted):
    person, event = planted
    result = services.purge()
    db.session.commit()
    assert result["registrations"] == 1
    assert traces(TRAVEL_AND_NEEDS) == []
    registration = db.session.scalar(select(Registration).where(
        Registration.user_id == person.id))
    assert {name: getattr(registration, name) for name in PURGED} == PURGED
    assert registration.status == RegistrationStatus.CONFIRMED  # the fact stays
    # The purge is audited (as a fact about the event), and running it again does nothing.
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "personal_data_purged", AuditRecord.subject_id == event.id)) == 1
    assert services.purge()["registrations"] == 0
    # The account itself is untouched by retention.
    assert db.session.get(User, person.id).display_name == NAME


def test_the_purge_keeps_what_recent_events_still_need(app, planted, make_event, make_user):
    recent = make_event(start_date=now_utc().date() - timedelta(days=10))
    someone = make_user(("participant",))
    db.session.add(Registration(event=recent, user=someone, status=RegistrationStatus.CONFIRMED,
                                attend_as=AttendAs.IN_PERSON, consented_dt=now_utc(),
                                dietary_needs="Vegetarian"))
    db.session.commit()
    services.purge()
    assert db.session.scalar(select(Registration.dietary_needs).where(
        Registration.user_id == someone.id)) == "Vegetarian"


def test_an_erasure_leaves_no_personal_data_anywhere(app, planted, organiser, client):
    person, event = planted
    services.request_erasure(person)
    services.erase(person, organiser)
    db.session.commit()
    left = traces(EVERYTHING)
    assert left == [], "\n".join(left)
    erased = db.session.get(User, person.id)
    assert erased.display_name == FORMER_PARTICIPANT and erased.pseudonym == ""
    assert erased.email.endswith("@erased.invalid")
    assert not check_password_hash(erased.password_hash, PASSWORD)
    # Registrations stay as anonymous counts: status, country and way of attending.
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id))
    assert (registration.status, registration.attend_as, erased.country_code) == (
        RegistrationStatus.CONFIRMED, AttendAs.IN_PERSON, "NZ")
    # The audit keeps the facts: what the person did, and the erasure, by account id only.
    actions = set(db.session.scalars(select(AuditRecord.action).where(sa.or_(
        AuditRecord.actor_id == person.id, AuditRecord.subject_id == person.id))))
    assert {"registered", "delegate_handed_over", "erasure_requested", "person_erased"} <= actions
    request = db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == person.id))
    assert request.erased_dt is not None and request.erased_by_id == organiser.id
    # They can no longer sign in, with the old address or any other.
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 401


def test_erasing_twice_or_oneself_is_refused(app, planted, organiser):
    person, _event = planted
    services.erase(person, organiser)
    with pytest.raises(services.AlreadyErased):
        services.erase(person, organiser)
    with pytest.raises(services.PrivacyRefusal):
        services.erase(organiser, organiser)


def test_retention_periods_come_from_the_configuration(app, planted, monkeypatch):
    _person, event = planted
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 365)
    assert services.purge()["registrations"] == 0  # ended 200 days ago: kept a year
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 199)
    assert services.purge()["registrations"] == 1
    assert event.end_date < date.today()
