"""Demo data for bilateral calls (called by ``flask seed-demo``)."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.bilaterals import outcomes
from app.bilaterals import services
from app.bilaterals.models import Answer
from app.bilaterals.models import BilateralCall
from app.core.time import now_utc
from app.core.time import to_zone
from app.events.models import EventStatus
from app.extensions import db

DEMO_TOPIC = "Follow-up: community placement for unaccompanied children"
# Already scheduled between Indonesia and Thailand: only its invitees (sari@, somchai@),
# organisers and its interpreter see it (a private event).
SCHEDULED_TOPIC = "Follow-up: screening and referral at the border"
# Held three weeks ago between New Zealand and Thailand (participant@ and somchai@): its notes
# and two open actions, one each, which the open poll between them shows "from last time".
HELD_TOPIC = "Follow-up: referral pathways from screening to community placement"
HELD_NOTES = ("Both delegations described how a child is referred from screening at the "
              "border to a community placement, and where the handover between agencies "
              "is slow.\n\nAgreed: share the guidance documents each side uses and compare "
              "the screening checklists before the next call.")
HELD_ACTIONS = (
    ("participant@example.org", "Share New Zealand's community placement guidance", 10),
    ("somchai@example.org", "Send the screening checklist in Thai and English", 4),
)
# An open Indonesia-Thailand poll booking Roundtable's interpreters (Thai-Indonesian): its
# slots are those when Nok Interpreter is free, and it keeps Ramadan hours.
STAFFED_TOPIC = "Follow-up: child-friendly interviews with an interpreter"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _demo_call(organiser, countries: tuple[str, str], topic: str, zone: str, invitees,
               interpretation: str, link: str, *, days_ahead: int = 7,
               **options) -> BilateralCall:
    """A call between two countries' people, polled over the three weeks from
    ``days_ahead`` days on (in the call's zone), as an organiser creates one."""
    first = to_zone(now_utc(), zone).date() + timedelta(days=days_ahead)
    return services.create_call(services.CallInput(
        country_a=countries[0], country_b=countries[1], topic=topic, duration_minutes=60,
        first_date=first, last_date=first + timedelta(days=20), timezone=zone,
        invitee_ids=[person.id for person in invitees], interpretation=interpretation,
        online_url=f"https://meet.example.org/{link}", **options), organiser)


def seed_bilaterals(created: dict) -> None:
    """An open New Zealand-Thailand poll (participant@ and somchai@ answer it from both
    sides); nothing is added twice."""
    organiser = _user("organiser@example.org")
    pita, somchai, sari = (_user(e) for e in ("participant@example.org",
                                               "somchai@example.org", "sari@example.org"))
    if not all((organiser, pita, somchai, sari)):
        return
    if db.session.scalar(select(BilateralCall.id).where(BilateralCall.topic == DEMO_TOPIC)) is None:
        _demo_call(organiser, ("NZ", "TH"), DEMO_TOPIC, "Asia/Bangkok", (pita, somchai),
                   "th-en", "bilateral")
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
    call = _demo_call(organiser, ("ID", "TH"), SCHEDULED_TOPIC, "Asia/Jakarta", (sari, somchai),
                      "th-en", "bilateral-id-th")
    if call.slots:
        services.pick_slot(call, call.slots[0].id, organiser)
    created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1


def seed_outcomes(created: dict) -> None:
    """somchai@ answers the open poll (participant@ has not yet); a call between them held
    three weeks ago with its notes and two open actions. Voting and scheduling lock calls, so
    the caller runs this in a transaction of its own."""
    organiser = _user("organiser@example.org")
    pita, somchai = _user("participant@example.org"), _user("somchai@example.org")
    poll = db.session.scalar(select(BilateralCall).where(BilateralCall.topic == DEMO_TOPIC))
    if not all((organiser, pita, somchai)) or poll is None:
        return
    if poll.is_open and poll.slots and not services.my_answers(poll, somchai):
        choices = (Answer.YES, Answer.IF_NEED_BE, Answer.NO)
        services.vote(poll, somchai, {slot.id: choices[n % 3]
                                      for n, slot in enumerate(poll.slots)})
    if db.session.scalar(select(BilateralCall.id).where(BilateralCall.topic == HELD_TOPIC)):
        return
    call = _held_call(organiser, pita, somchai)
    if call is None:
        return
    outcomes.save_notes(call, HELD_NOTES)
    today = to_zone(now_utc(), call.timezone).date()
    for email, text, due_in in HELD_ACTIONS:
        outcomes.add_action(call, outcomes.ActionInput(
            text, _user(email).id, today + timedelta(days=due_in)), organiser)
    created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1


def _held_call(organiser, pita, somchai) -> BilateralCall | None:
    """Polled and scheduled like any call, then moved three weeks into the past (the poll
    only offers times to come), before the open poll between the same countries."""
    call = _demo_call(organiser, ("NZ", "TH"), HELD_TOPIC, "Asia/Bangkok", (pita, somchai),
                      "th-en", "bilateral-nz-th")
    if not call.slots:
        return None
    slot = call.slots[0]
    session = services.pick_slot(call, slot.id, organiser)
    back = timedelta(days=7 * ((slot.start_dt - now_utc()).days // 7 + 4))
    slot.start_dt, slot.end_dt = slot.start_dt - back, slot.end_dt - back
    session.start_dt, session.end_dt = slot.start_dt, slot.end_dt
    held_on: date = to_zone(slot.start_dt, call.timezone).date()
    session.event.start_date = session.event.end_date = held_on
    session.event.status = EventStatus.HELD
    call.first_date, call.last_date = held_on - timedelta(days=7), held_on + timedelta(days=7)
    call.created_dt = now_utc() - timedelta(days=60)
    db.session.flush()
    return call


def seed_staffed_call(created: dict) -> None:
    """The Indonesia-Thailand poll that books interpreters (run once they exist)."""
    organiser = _user("organiser@example.org")
    sari, somchai = _user("sari@example.org"), _user("somchai@example.org")
    if not all((organiser, sari, somchai)) or db.session.scalar(
            select(BilateralCall.id).where(BilateralCall.topic == STAFFED_TOPIC)):
        return
    _demo_call(organiser, ("ID", "TH"), STAFFED_TOPIC, "Asia/Jakarta", (sari, somchai), "th-id",
               "bilateral-interviews", days_ahead=10, book_interpreters=True,
               ramadan_hours=True)
    created["bilateral_calls"] = created.get("bilateral_calls", 0) + 1
