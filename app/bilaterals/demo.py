"""Demo data for bilateral calls (called by ``flask seed-demo``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.bilaterals import services
from app.bilaterals.models import BilateralCall
from app.core.time import now_utc
from app.core.time import to_zone
from app.extensions import db

DEMO_TOPIC = "Follow-up: community placement for unaccompanied children"
# Already scheduled between Indonesia and Thailand: only its invitees (sari@, somchai@),
# organisers and its interpreter see it (a private event).
SCHEDULED_TOPIC = "Follow-up: screening and referral at the border"
# An open Indonesia-Thailand poll booking Roundtable's interpreters (Thai-Indonesian): its
# slots are those when Nok Interpreter is free, and it keeps Ramadan hours.
STAFFED_TOPIC = "Follow-up: child-friendly interviews with an interpreter"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_bilaterals(created: dict) -> None:
    """An open New Zealand-Thailand poll (participant@ and somchai@ answer it from both
    sides); nothing is added twice."""
    organiser = _user("organiser@example.org")
    pita, somchai, sari = (_user(e) for e in ("participant@example.org",
                                               "somchai@example.org", "sari@example.org"))
    if not all((organiser, pita, somchai, sari)):
        return
    if db.session.scalar(select(BilateralCall.id).where(BilateralCall.topic == DEMO_TOPIC)) is None:
        first = to_zone(now_utc(), "Asia/Bangkok").date() + timedelta(days=7)
        services.create_call(services.CallInput(
            country_a="NZ", country_b="TH", topic=DEMO_TOPIC, duration_minutes=60,
            first_date=first, last_date=first + timedelta(days=20), timezone="Asia/Bangkok",
            invitee_ids=[pita.id, somchai.id], interpretation="th-en",
            online_url="https://meet.example.org/bilateral"), organiser)
        created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1


def schedule_demo_call(created: dict) -> None:
    """An Indonesia-Thailand call between sari@ and somchai@, polled and scheduled on its
    first slot: a private event only they, organisers and its interpreter see. Picking the
    slot locks the poll, so the caller runs this in a transaction of its own."""
    organiser = _user("organiser@example.org")
    sari, somchai = _user("sari@example.org"), _user("somchai@example.org")
    if not all((organiser, sari, somchai)) or db.session.scalar(
            select(BilateralCall.id).where(BilateralCall.topic == SCHEDULED_TOPIC)):
        return
    first = to_zone(now_utc(), "Asia/Jakarta").date() + timedelta(days=7)
    call = services.create_call(services.CallInput(
        country_a="ID", country_b="TH", topic=SCHEDULED_TOPIC, duration_minutes=60,
        first_date=first, last_date=first + timedelta(days=20), timezone="Asia/Jakarta",
        invitee_ids=[sari.id, somchai.id], interpretation="th-en",
        online_url="https://meet.example.org/bilateral-id-th"), organiser)
    if call.slots:
        services.pick_slot(call, call.slots[0].id, organiser)
    created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1


def seed_staffed_call(created: dict) -> None:
    """The Indonesia-Thailand poll that books interpreters (run once they exist)."""
    organiser = _user("organiser@example.org")
    sari, somchai = _user("sari@example.org"), _user("somchai@example.org")
    if not all((organiser, sari, somchai)) or db.session.scalar(
            select(BilateralCall.id).where(BilateralCall.topic == STAFFED_TOPIC)):
        return
    first = to_zone(now_utc(), "Asia/Jakarta").date() + timedelta(days=10)
    services.create_call(services.CallInput(
        country_a="ID", country_b="TH", topic=STAFFED_TOPIC, duration_minutes=60,
        first_date=first, last_date=first + timedelta(days=20), timezone="Asia/Jakarta",
        invitee_ids=[sari.id, somchai.id], interpretation="th-id", book_interpreters=True,
        ramadan_hours=True, online_url="https://meet.example.org/bilateral-interviews"),
        organiser)
    created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1
