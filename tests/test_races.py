"""Conflicting requests at the same moment, each pair repeated: two threads, each with its own
connection and transaction as two gunicorn workers have, released together by a barrier after
each has read what it will act on (the stale read the locks must make harmless).

Runs on SQLite (writers take turns, BEGIN IMMEDIATE) and on PostgreSQL (row locks in the order
of ``app.core.locking``), where the interleavings are real.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.attendance import services as attendance
from app.attendance.models import Attendance
from app.auth import services as accounts
from app.auth.models import User
from app.bilaterals import services as bilaterals
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallStatus
from app.bilaterals.models import CandidateSlot
from app.core.db import begin_write_transaction
from app.core.errors import Refusal
from app.core.models import AuditRecord
from app.core.models import OutboxMessage
from app.events import services as events
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation import services as interpretation
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import Grade
from app.interpretation.models import InterpreterProfile
from app.interpretation.models import SessionChannel
from app.registrations import services as registrations
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from tests.fixtures.database import FAST_HASH

S = RegistrationStatus
REPEAT = 20
SOON = date.today() + timedelta(days=60)


_serial = iter(range(1, 10**6))


def _person(roles=("participant",), country="NZ") -> User:
    n = next(_serial)
    user = User(email=f"race{n}@example.org", display_name=f"Racer {n}", password_hash=FAST_HASH,
                country_code=country, timezone="Pacific/Auckland", locale="en", languages=["en"])
    user.set_roles(roles)
    db.session.add(user)
    return user


def _event(**fields) -> Event:
    fields.setdefault("kind", EventKind.IN_PERSON)
    event = Event(title=f"Race {next(_serial)}", status=EventStatus.OPEN, timezone="Asia/Bangkok",
                  start_date=SOON, end_date=SOON, is_invitation_only=False, **fields)
    db.session.add(event)
    return event


def _consent(**fields):
    return registrations.RegistrationInput(consent_chatham=True, consent_data=True, **fields)


def both_at_once(app, first, second):
    """Run two units of work at the same moment. Each is ``prepare() -> act(prepared)``:
    prepare reads (outside the lock, like a view loading its objects), then both act."""
    barrier = threading.Barrier(2, timeout=30)
    outcomes = [None, None]

    def run(index, unit):
        prepare, act = unit
        with app.app_context():
            begin_write_transaction()
            try:
                prepared = prepare()
                barrier.wait()
                result = act(prepared)
                db.session.commit()
                outcomes[index] = ("ok", result)
            except (registrations.RegistrationError, interpretation.InterpretationError,
                    events.EventRuleError, Refusal) as error:
                db.session.rollback()
                outcomes[index] = ("refused", str(error))
            except Exception as error:  # anything else is a 500 in the app
                db.session.rollback()
                outcomes[index] = ("error", repr(error))
            finally:
                db.session.remove()

    # SQLite: the first writer holds the database until it commits, so the second cannot even
    # prepare before the first acts; the barrier would wait forever. Let it act alone first.
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            barrier = threading.Barrier(1)
    threads = [threading.Thread(target=run, args=(i, unit)) for i, unit in
               enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(outcome is not None for outcome in outcomes), outcomes
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    return outcomes


def _as(user_id, service):
    """Act on the prepared registration as this user (read in the acting thread)."""
    return lambda registration: service(registration, db.session.get(User, user_id))


def _load(model, row_id):
    return lambda: db.session.get(model, row_id)


def _audit_actions(registration_id) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.subject_type == "registration", AuditRecord.subject_id == registration_id)
        .order_by(AuditRecord.id)))


def _emails_to(user_id) -> int:
    email = db.session.get(User, user_id).email
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == email))


# --- registrations --------------------------------------------------------------------------

def test_cancel_racing_approve_never_confirms_a_cancelled_person(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            organiser = _person(("organiser",), "AU")
            person = _person()
            event = _event(capacity=10, requires_approval=True)
            db.session.commit()
            registration = registrations.register(event, person, _consent())
            db.session.commit()
            ids = registration.id, person.id, organiser.id
        outcomes = both_at_once(
            race_app,
            (_load(Registration, ids[0]),
             _as(ids[1], registrations.cancel_registration)),
            (_load(Registration, ids[0]),
             _as(ids[2], registrations.approve_registration)))
        with race_app.app_context():
            assert db.session.get(Registration, ids[0]).status == S.CANCELLED, outcomes
            actions = _audit_actions(ids[0])
            # Approved before the cancellation, or refused after it; never approved after.
            assert actions[-1] == "cancelled", actions
            assert actions.count("cancelled") == 1


def test_head_of_the_waitlist_cancelling_while_promoted_leaves_no_seat_empty(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            event = _event(capacity=1)
            people = [_person() for _ in range(3)]
            db.session.commit()
            regs = [registrations.register(event, p, _consent()) for p in people]
            db.session.commit()
            assert [r.status for r in regs] == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
            (holder, head, _next), event_id = ([(r.id, r.user_id) for r in regs], event.id)
        # The seat holder leaves (promoting the head) while the head leaves too.
        both_at_once(
            race_app,
            (_load(Registration, holder[0]),
             _as(holder[1], registrations.cancel_registration)),
            (_load(Registration, head[0]),
             _as(head[1], registrations.cancel_registration)))
        with race_app.app_context():
            statuses = dict(db.session.execute(select(Registration.user_id, Registration.status)
                                               .where(Registration.event_id == event_id)).all())
            assert statuses[holder[1]] == statuses[head[1]] == S.CANCELLED
            assert statuses[_next[1]] == S.CONFIRMED, statuses  # the seat went on to them


def test_two_clicks_on_cancel_cancel_once_with_one_email_and_one_audit_record(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            person = _person()
            event = _event(capacity=5)
            db.session.commit()
            registration = registrations.register(event, person, _consent())
            db.session.commit()
            ids = registration.id, person.id
            emails_before = _emails_to(person.id)
        cancel = (_load(Registration, ids[0]),
                  _as(ids[1], registrations.cancel_registration))
        outcomes = both_at_once(race_app, cancel, cancel)
        assert [o[0] for o in outcomes] == ["ok", "ok"]  # a second click is not an error
        with race_app.app_context():
            assert _audit_actions(ids[0]).count("cancelled") == 1
            assert _emails_to(ids[1]) == emails_before + 1


def test_assigning_to_a_site_visit_racing_a_registration_for_it_never_deadlocks(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            organiser = _person(("organiser",), "AU")
            event = _event(capacity=20)
            start = datetime.combine(SOON, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
            visit = EventSession(event=event, title="Site visit", kind=SessionKind.SITE_VISIT,
                                 start_dt=start, end_dt=start + timedelta(hours=2), capacity=5)
            member, newcomer = _person(), _person()
            db.session.add(visit)
            db.session.commit()
            confirmed = registrations.register(event, member, _consent())
            db.session.commit()
            ids = dict(visit=visit.id, reg=confirmed.id, org=organiser.id, event=event.id,
                       newcomer=newcomer.id)
        outcomes = both_at_once(
            race_app,
            (_load(EventSession, ids["visit"]),
             lambda s, ids=ids: registrations.assign_to_session(
                 s, db.session.get(Registration, ids["reg"]),
                 db.session.get(User, ids["org"]))),
            (_load(Event, ids["event"]),
             lambda e, ids=ids: registrations.register(e, db.session.get(User, ids["newcomer"]),
                                              _consent(session_ids=[ids["visit"]]))))
        assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
        with race_app.app_context():
            places = db.session.scalar(select(func.count()).select_from(SessionPlace).where(
                SessionPlace.session_id == ids["visit"], SessionPlace.status == S.CONFIRMED))
            assert places == 2


def test_places_of_a_session_cannot_drop_below_who_has_one_and_raising_them_promotes(
        race_app):
    with race_app.app_context():
        event = _event(capacity=20)
        start = datetime.combine(SOON, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
        visit = EventSession(event=event, title="Site visit", kind=SessionKind.SITE_VISIT,
                             start_dt=start, end_dt=start + timedelta(hours=2), capacity=2)
        people = [_person() for _ in range(4)]
        db.session.add(visit)
        db.session.commit()
        regs = [registrations.register(event, p, _consent(session_ids=[visit.id]))
                for p in people]
        db.session.commit()
        states = [r.choices[0].status for r in regs]
        assert states == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
        form = events.session_input_from(visit)
        data = events.SessionInput(**{**form, "day": date.fromisoformat(form["day"]),
                                      "capacity": 1})
        with pytest.raises(events.ConflictError, match="2 people"):
            events.update_session(visit, data)
        db.session.rollback()
        data.capacity = 3
        events.update_session(db.session.get(EventSession, visit.id), data)
        db.session.commit()
        places = db.session.scalars(select(SessionPlace).where(
            SessionPlace.session_id == visit.id).order_by(SessionPlace.id)).all()
        assert [p.status for p in places] == [S.CONFIRMED] * 3 + [S.WAITLISTED]


def test_two_organisers_confirming_one_cancellation_cancel_and_email_once(race_app):
    from app.calendar import services as calendar

    def cancel(event):
        events.cancel_event(event)
        return calendar.announce_event_change(event, cancelled=True)

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            event = _event(capacity=10)
            start = datetime.combine(SOON, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
            db.session.add(EventSession(event=event, title="Plenary", kind=SessionKind.PLENARY,
                                        start_dt=start, end_dt=start + timedelta(hours=1)))
            person = _person()
            db.session.commit()
            registrations.register(event, person, _consent())
            db.session.commit()
            ids = event.id, person.id
            emails_before = _emails_to(person.id)
        outcomes = both_at_once(race_app, (_load(Event, ids[0]), cancel),
                                (_load(Event, ids[0]), cancel))
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert db.session.get(Event, ids[0]).status == EventStatus.CANCELLED
            assert _emails_to(ids[1]) == emails_before + 1


# --- interpretation -------------------------------------------------------------------------

def test_two_presses_of_decline_decline_once_and_email_the_organisers_once(race_app):
    for _ in range(REPEAT // 2):
        with race_app.app_context():
            organiser = _person(("organiser",), "AU")
            [interpreter] = _interpreters(1)
            event_id = _event_with_channels([2])
            profile = interpretation.profile_of(db.session.get(User, interpreter))
            assignment = interpretation.assign_interpreter(
                interpretation.event_channels(db.session.get(Event, event_id))[0], profile)
            db.session.commit()
            ids = assignment.id, organiser.id
            emails_before = _emails_to(organiser.id)
        outcomes = both_at_once(
            race_app,
            (_load(Assignment, ids[0]),
             lambda a: interpretation.decline_assignment(a, "First reason").id),
            (_load(Assignment, ids[0]),
             lambda a: interpretation.decline_assignment(a, "Second reason").id))
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            declined = db.session.get(Assignment, ids[0])
            assert declined.status == AssignmentStatus.DECLINED
            winner = "First reason" if outcomes[0][0] == "ok" else "Second reason"
            assert declined.decline_reason == winner
            assert _emails_to(ids[1]) == emails_before + 1



def _interpreters(count: int) -> list[int]:
    ids = []
    for _ in range(count):
        user = _person(("interpreter",), "TH")
        db.session.flush()
        interpretation.save_profile(user, timezone="Asia/Bangkok", works_remote=True,
                                    works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
        ids.append(user.id)
    return ids


def _event_with_channels(hours) -> int:
    event = _event(kind=EventKind.VIRTUAL)
    for hour in hours:
        start = datetime.combine(SOON, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)
        session = EventSession(event=event, title=f"Plenary {hour}", kind=SessionKind.PLENARY,
                               start_dt=start, end_dt=start + timedelta(minutes=90),
                               floor_language="en")
        db.session.add(session)
        db.session.flush()
        interpretation.open_channel(session, "th")
    db.session.flush()
    return event.id


def _overlapping_bookings(interpreter_ids) -> list:
    booked = db.session.scalars(select(Assignment).where(
        Assignment.interpreter_id.in_(interpreter_ids),
        Assignment.status.in_([AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED]))).all()
    clashes = []
    by_person = {}
    for assignment in booked:
        by_person.setdefault(assignment.interpreter_id, []).append(assignment.channel.session)
    for person, sessions in by_person.items():
        sessions.sort(key=lambda s: s.start_dt)
        clashes += [(person, a.id, b.id) for a, b in itertools.pairwise(sessions)
                    if b.start_dt < a.end_dt]
    return clashes


def test_auto_assign_of_two_events_at_the_same_hours_never_double_books(race_app):
    for _ in range(REPEAT // 2):
        with race_app.app_context():
            pool = _interpreters(3)
            first, second = _event_with_channels([2, 5]), _event_with_channels([2, 5])
            db.session.commit()
        outcomes = both_at_once(
            race_app,
            (_load(Event, first), lambda e: len(interpretation.auto_assign(e).added)),
            (_load(Event, second), lambda e: len(interpretation.auto_assign(e).added)))
        with race_app.app_context():
            assert _overlapping_bookings(pool) == [], outcomes


def test_auto_assign_twice_for_one_event_at_once_adds_each_interpreter_once(race_app):
    for _ in range(REPEAT // 2):
        with race_app.app_context():
            _interpreters(3)
            event_id = _event_with_channels([2])
            db.session.commit()
        run = (_load(Event, event_id), lambda e: len(interpretation.auto_assign(e).added))
        outcomes = both_at_once(race_app, run, run)
        added = sorted(result for _ok, result in outcomes)
        assert added[0] == 0, outcomes  # the second run found the team already planned
        with race_app.app_context():
            pairs = Counter(db.session.execute(
                select(Assignment.channel_id, Assignment.interpreter_id).join(
                    Assignment.channel).join(EventSession).where(
                    EventSession.event_id == event_id)).all())
            assert all(count == 1 for count in pairs.values()), pairs


def _call_with_one_slot(start: datetime):
    """An Indonesia-Thailand call booking Roundtable's interpreters, its one slot at
    ``start``: (call id, the unit of work picking that slot)."""
    organiser = _person(("organiser",), "AU")
    jakarta, bangkok = _person(country="ID"), _person(country="TH")
    db.session.flush()
    call = BilateralCall(country_a="ID", country_b="TH", topic=f"Call {next(_serial)}",
                         duration_minutes=60, first_date=start.date(), last_date=start.date(),
                         timezone="Asia/Jakarta", interpretation_from="th",
                         interpretation_to="id", book_interpreters=True,
                         created_by_id=organiser.id,
                         invitees=[CallInvitee(user_id=jakarta.id),
                                   CallInvitee(user_id=bangkok.id)])
    slot = CandidateSlot(start_dt=start, end_dt=start + timedelta(hours=1), rank=1)
    call.slots.append(slot)
    db.session.add(call)
    db.session.flush()
    slot_id, organiser_id = slot.id, organiser.id
    return call.id, lambda locked: bilaterals.pick_slot(
        locked, slot_id, db.session.get(User, organiser_id)).id


def test_picking_a_call_slot_racing_an_assignment_of_its_only_interpreter_books_once(
        race_app):
    """The organiser scheduling a call (which proposes its free interpreter) and another
    organiser assigning that interpreter to a session at the same hour: one of them wins, the
    other is refused, and the interpreter is never booked twice at once."""
    with race_app.app_context():
        siti = _person(("interpreter",), "TH")
        db.session.flush()
        interpretation.save_profile(siti, timezone="Asia/Bangkok", works_remote=True,
                                    works_on_site=True, grades={"th": Grade.A, "id": Grade.B})
        siti_id = siti.id
        db.session.commit()
    for round_ in range(REPEAT // 2):
        with race_app.app_context():
            start = datetime.combine(SOON + timedelta(days=round_), datetime.min.time(),
                                     tzinfo=UTC) + timedelta(hours=3)
            call_id, pick = _call_with_one_slot(start)
            event = _event(kind=EventKind.VIRTUAL)
            session = EventSession(event=event, title="Plenary", kind=SessionKind.PLENARY,
                                   start_dt=start, end_dt=start + timedelta(hours=1),
                                   floor_language="id")
            db.session.add(session)
            db.session.flush()
            channel_id = interpretation.open_channel(session, "th").id
            db.session.commit()
        outcomes = both_at_once(
            race_app, (_load(BilateralCall, call_id), pick),
            (_load(SessionChannel, channel_id), lambda channel: interpretation.assign_interpreter(
                channel, db.session.get(InterpreterProfile, siti_id)).id))
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert _overlapping_bookings([siti_id]) == [], outcomes
            scheduled = db.session.get(BilateralCall, call_id).status == CallStatus.SCHEDULED
            assert scheduled == (outcomes[0][0] == "ok"), outcomes


# --- accounts -------------------------------------------------------------------------------

def _use_link(token, password):
    """Open the reset page (the link is read, still unused), then set ``password``."""
    return (lambda: accounts.usable_reset(token),
            lambda _reset: accounts.reset_password(token, password).id)


def test_one_reset_link_used_twice_at_once_sets_one_password(race_app):
    for n in range(REPEAT // 2):
        with race_app.app_context():
            person = _person()
            db.session.commit()
            token, person_id = accounts.issue_password_reset(person), person.id
            db.session.commit()
        passwords = (f"first passphrase {n}", f"second passphrase {n}")
        outcomes = both_at_once(race_app, _use_link(token, passwords[0]),
                                _use_link(token, passwords[1]))
        assert sorted(kind for kind, _result in outcomes) == ["ok", "refused"], outcomes
        winner = passwords[[kind for kind, _result in outcomes].index("ok")]
        with race_app.app_context():
            from werkzeug.security import check_password_hash

            user = db.session.get(User, person_id)
            assert check_password_hash(user.password_hash, winner)
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "password_reset",
                AuditRecord.subject_id == person_id)) == 1


def test_two_organisers_demoting_each_other_at_once_leave_one_organiser(race_app):
    for _ in range(REPEAT // 2):
        with race_app.app_context():
            first, second = _person(("organiser",), "AU"), _person(("organiser",), "NZ")
            db.session.commit()
            ids = first.id, second.id

        def demote(target_id, actor_id):
            return (lambda: db.session.get(User, actor_id),
                    lambda actor: accounts.change_roles(
                        db.session.get(User, target_id), ["participant"], actor).id)

        outcomes = both_at_once(race_app, demote(ids[1], ids[0]), demote(ids[0], ids[1]))
        assert sorted(kind for kind, _result in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            organisers = [db.session.get(User, user_id).is_organiser for user_id in ids]
            assert organisers.count(True) == 1, outcomes


# --- personal data ------------------------------------------------------------------------------

def test_two_hosts_purging_at_once_clear_each_registration_once_with_one_audit_record(race_app):
    from app.privacy import services as privacy

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ended = date.today() - timedelta(days=400)
            event = _event()
            event.start_date = event.end_date = ended
            for _person_number in range(3):
                db.session.add(Registration(
                    event=event, user=_person(), status=S.CONFIRMED, attend_as="in_person",
                    consented_dt=datetime.now(UTC), dietary_needs="Halal",
                    passport_number="P1234567"))
            db.session.commit()
            event_id = event.id
        purge = (lambda: None, lambda _nothing: privacy.purge()["registrations"])
        outcomes = both_at_once(race_app, purge, purge)
        assert sorted(o[1] for o in outcomes) == [0, 3], outcomes
        with race_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "personal_data_purged",
                AuditRecord.subject_id == event_id)) == 1
            assert db.session.scalar(select(func.count()).select_from(Registration).where(
                Registration.event_id == event_id, Registration.dietary_needs != "")) == 0


def test_two_organisers_erasing_one_person_at_once_erase_once(race_app):
    from app.privacy import services as privacy

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            person, first, second = _person(), _person(("organiser",)), _person(("organiser",))
            db.session.commit()
            ids = person.id, first.id, second.id

        def erase_as(organiser_id, person_id):
            return (_load(User, person_id),
                    lambda someone: privacy.erase(someone, db.session.get(User, organiser_id)))

        outcomes = both_at_once(race_app, erase_as(ids[1], ids[0]), erase_as(ids[2], ids[0]))
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "person_erased", AuditRecord.subject_id == ids[0])) == 1


# --- delegations ---------------------------------------------------------------------------

def _departing_thai_delegate():
    """A Thai focal point, a departing delegate with a registration, a working-group seat and
    a call invitation with poll answers, and two possible successors. Returns their ids."""
    from tests.delegations.seats import seat_and_poll

    organiser = _person(("organiser",), "AU")
    focal, departing, first, second = (_person(country="TH") for _ in range(4))
    other = _person(country="MY")
    focal.is_focal_point = True
    event = _event(capacity=10)
    db.session.commit()
    registration = registrations.register(event, departing, _consent())
    group, call = seat_and_poll(departing, other, organiser, f"Thai group {next(_serial)}")
    db.session.commit()
    return {"focal": focal.id, "departing": departing.id, "first": first.id,
            "second": second.id, "registration": registration.id, "group": group.id,
            "call": call.id, "slots": len(call.slots)}


def _hand_over(departing_id, successor_id, actor_id):
    from app.delegations import services as delegations

    return (lambda: db.session.get(User, actor_id),
            lambda actor: dict(delegations.hand_over(
                db.session.get(User, departing_id), db.session.get(User, successor_id),
                actor).moved))


def test_two_handovers_of_one_departing_delegate_move_everything_exactly_once(race_app):
    from app.bilaterals.models import CallInvitee
    from app.bilaterals.models import CandidateSlot
    from app.bilaterals.models import SlotVote
    from app.workinggroups.models import WorkingGroupMember

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ids = _departing_thai_delegate()
        outcomes = both_at_once(race_app,
                                _hand_over(ids["departing"], ids["first"], ids["focal"]),
                                _hand_over(ids["departing"], ids["second"], ids["focal"]))
        assert [kind for kind, _moved in outcomes] == ["ok", "ok"], outcomes
        moved = [result for _kind, result in outcomes]
        # One moved everything; the other, waiting on the departing account's lock, nothing.
        assert sorted(sum(m.values()) for m in moved) == [0, 3 + ids["slots"]], moved
        with race_app.app_context():
            owner = db.session.get(Registration, ids["registration"]).user_id
            assert owner in (ids["first"], ids["second"])
            members = db.session.scalars(select(WorkingGroupMember.user_id).where(
                WorkingGroupMember.group_id == ids["group"])).all()
            invitees = db.session.scalars(select(CallInvitee.user_id).where(
                CallInvitee.call_id == ids["call"], CallInvitee.user_id.in_(
                    (ids["departing"], ids["first"], ids["second"])))).all()
            voters = Counter(db.session.scalars(select(SlotVote.user_id).join(CandidateSlot)
                                                .where(CandidateSlot.call_id == ids["call"])))
            assert members == [owner] and invitees == [owner], (members, invitees)
            assert voters[owner] == ids["slots"] and voters[ids["departing"]] == 0
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "delegate_handed_over",
                AuditRecord.subject_id == ids["departing"])) == 2


def test_a_handover_racing_the_departing_delegates_cancel_does_one_or_the_other(race_app):
    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ids = _departing_thai_delegate()
        outcomes = both_at_once(
            race_app,
            (_load(Registration, ids["registration"]),
             _as(ids["departing"], registrations.cancel_registration)),
            _hand_over(ids["departing"], ids["first"], ids["focal"]))
        with race_app.app_context():
            registration = db.session.get(Registration, ids["registration"])
            if registration.status == S.CANCELLED:
                # The cancel went first: the cancelled registration stayed with its owner.
                assert registration.user_id == ids["departing"], outcomes
                assert outcomes[1][1].get("registrations", 0) == 0, outcomes
            else:
                # The handover went first: the cancel found it no longer theirs.
                assert registration.user_id == ids["first"], outcomes
                assert registration.status == S.CONFIRMED
                assert outcomes[0][0] == "refused", outcomes


# --- attendance -----------------------------------------------------------------------------

def _registered_for_a_session():
    """A confirmed registration, its event's one session, and an organiser (committed)."""
    organiser, person = _person(("organiser",), "AU"), _person()
    event = _event(capacity=5)
    session = EventSession(event=event, title="Door", kind=SessionKind.PLENARY,
                           start_dt=datetime(2030, 1, 1, 2, tzinfo=UTC),
                           end_dt=datetime(2030, 1, 1, 3, tzinfo=UTC))
    db.session.add(session)
    db.session.commit()
    registration = registrations.register(event, person, _consent())
    db.session.commit()
    return registration.id, session.id, person.id, organiser.id


def _check_in(ids):
    registration_id, session_id, _person_id, organiser_id = ids
    return (_load(Registration, registration_id),
            lambda registration: attendance.check_in(
                db.session.get(EventSession, session_id), registration,
                db.session.get(User, organiser_id)))


def test_two_organisers_checking_one_person_in_at_once_record_one_attendance(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            ids = _registered_for_a_session()
        outcomes = both_at_once(race_app, _check_in(ids), _check_in(ids))
        assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes  # a second tap is no error
        with race_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Attendance).where(
                Attendance.session_id == ids[1])) == 1


def test_a_check_in_racing_the_persons_cancellation_never_follows_it(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            ids = _registered_for_a_session()
        outcomes = both_at_once(
            race_app, _check_in(ids),
            (_load(Registration, ids[0]), _as(ids[2], registrations.cancel_registration)))
        with race_app.app_context():
            checked_in = db.session.scalar(select(func.count()).select_from(Attendance).where(
                Attendance.session_id == ids[1]))
            assert db.session.get(Registration, ids[0]).status == S.CANCELLED
            # Checked in before the cancellation, or refused after it: never a half.
            assert checked_in == (1 if outcomes[0][0] == "ok" else 0), outcomes


# --- interpreters' preparation ------------------------------------------------------------------

def test_the_same_glossary_term_added_twice_at_once_is_kept_once_and_refused_once(race_app):
    from app.interpretation import preparation
    from app.interpretation.models import GlossaryTerm

    for n in range(REPEAT):
        term = f"Birth registration {n}"
        add = (lambda: None,
               lambda _nothing, term=term: preparation.add_term(("en", "th"), term,
                                                                 "การจดทะเบียนการเกิด"))
        outcomes = both_at_once(race_app, add, add)
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        assert any("already in this glossary" in o[1] for o in outcomes if o[0] == "refused")
        with race_app.app_context():
            assert db.session.scalar(select(func.count(GlossaryTerm.id)).where(
                GlossaryTerm.term_a == term)) == 1


def test_two_organisers_writing_a_sessions_first_briefing_at_once_keep_one(race_app):
    from app.interpretation import preparation
    from app.interpretation.models import Briefing

    for _ in range(REPEAT):
        with race_app.app_context():
            event = _event()
            session = EventSession(event=event, title="Plenary", kind=SessionKind.PLENARY,
                                   start_dt=datetime(2027, 3, 10, 3, tzinfo=UTC),
                                   end_dt=datetime(2027, 3, 10, 4, tzinfo=UTC))
            db.session.add(session)
            db.session.commit()
            session_id = session.id
        first = (_load(EventSession, session_id),
                 lambda session: preparation.save_briefing(session, "First organiser's note"))
        second = (_load(EventSession, session_id),
                  lambda session: preparation.save_briefing(session, "Second organiser's note"))
        outcomes = both_at_once(race_app, first, second)
        assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
        with race_app.app_context():
            briefing = db.session.get(Briefing, session_id)
            assert briefing.text in ("First organiser's note", "Second organiser's note")


# --- programme ------------------------------------------------------------------------------

def _session_with_resource() -> dict:
    """A session and a library resource (a row only: the race is about the link)."""
    from app.library.models import Resource
    from app.library.models import ResourceKind

    event = _event()
    start = datetime(SOON.year, SOON.month, SOON.day, 3, tzinfo=UTC)
    session = EventSession(event=event, title="Race session", kind=SessionKind.PLENARY,
                           start_dt=start, end_dt=start + timedelta(hours=1))
    n = next(_serial)
    resource = Resource(title=f"Slides {n}", kind=ResourceKind.SLIDES,
                        stored_name=f"{n:032x}.pdf", original_name="slides.pdf",
                        media_type="application/pdf", size_bytes=10)
    db.session.add_all([session, resource])
    db.session.commit()
    return {"session": session.id, "resource": resource.id}


def test_two_organisers_adding_the_same_material_keep_one(race_app):
    from app.programme import services as programme
    from app.programme.models import SessionMaterial

    for _ in range(REPEAT):
        with race_app.app_context():
            ids = _session_with_resource()
        add = (_load(EventSession, ids["session"]),
               lambda session, resource_id=ids["resource"]:
               programme.add_material(session, resource_id).id)
        outcomes = both_at_once(race_app, add, add)
        assert sorted(kind for kind, _result in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(SessionMaterial).where(
                SessionMaterial.session_id == ids["session"])) == 1


def test_two_organisers_adding_the_same_speaker_keep_one(race_app):
    from app.programme import services as programme
    from app.programme.models import RoleKind
    from app.programme.models import SessionRole

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ids = _session_with_resource()
            speaker = _person(country="TH")
            db.session.commit()
            speaker_id = speaker.id
        add = (_load(EventSession, ids["session"]),
               lambda session, speaker_id=speaker_id: programme.add_role(
                   session, programme.RoleInput(role=RoleKind.SPEAKER, user_id=speaker_id)).id)
        outcomes = both_at_once(race_app, add, add)
        assert sorted(kind for kind, _result in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert db.session.scalars(select(SessionRole.position).where(
                SessionRole.session_id == ids["session"])).all() == [1]


def test_a_programme_change_racing_the_events_cancellation_never_deadlocks(race_app):
    """The programme change holds the session and writes a row of it; the cancellation holds
    the event and waits for the session. The event's page-cache stamp is written at commit
    (app.events.models.EventActivity), so the first never waits for the event's lock."""
    from app.programme import services as programme

    for _ in range(REPEAT):
        with race_app.app_context():
            ids = _session_with_resource()
            event_id = db.session.get(EventSession, ids["session"]).event_id
        add = (_load(EventSession, ids["session"]),
               lambda session, resource_id=ids["resource"]:
               programme.add_material(session, resource_id).id)
        cancel = (_load(Event, event_id), events.cancel_event)
        outcomes = both_at_once(race_app, add, cancel)
        assert outcomes[1][0] == "ok", outcomes
        with race_app.app_context():
            assert db.session.get(Event, event_id).status == EventStatus.CANCELLED


# --- translations -----------------------------------------------------------------------------

def _save_translation(event_id, session_id, seen, language, text):
    """One organiser's save of the Translations page they opened (``seen``): one title."""
    from app.events import translations

    def act(event):
        session = db.session.get(EventSession, session_id)
        translations.save_translations(
            event, {event: {}, session: {language: {"title": text}}}, seen)

    return _load(Event, event_id), act


def test_two_organisers_saving_translations_from_one_page_keep_the_first_and_refuse_the_second(
        race_app):
    """Both opened the Translations page before either saved: the second save would blank
    the first one's language (its box was empty on their page), so it is refused."""
    from app.events import translations

    start = datetime.combine(SOON, datetime.min.time(), UTC) + timedelta(hours=2)
    for _ in range(REPEAT):
        with race_app.app_context():
            event = _event()
            event.sessions.append(EventSession(title="Plenary", kind=SessionKind.PLENARY,
                                               start_dt=start, end_dt=start + timedelta(hours=1)))
            db.session.commit()
            ids = event.id, event.sessions[0].id
            seen = translations.fingerprint([event, *event.sessions])
        outcomes = both_at_once(race_app, _save_translation(*ids, seen, "th", "การประชุมใหญ่"),
                                _save_translation(*ids, seen, "id", "Pleno"))
        assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            kept = db.session.get(EventSession, ids[1]).translations
            assert kept in ({"th": {"title": "การประชุมใหญ่"}}, {"id": {"title": "Pleno"}})


# --- bilateral call outcomes ------------------------------------------------------------------

def _held_call_with_action():
    """A scheduled New Zealand-Thailand call, an action its Thai invitee owns, and the New
    Zealand invitee. Returns their ids."""
    from app.bilaterals import outcomes
    from app.bilaterals import services as bilaterals

    organiser = _person(("organiser",), "AU")
    kiwi, thai = _person(), _person(country="TH")
    thai.timezone = "Asia/Bangkok"
    db.session.commit()
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic=f"Race {next(_serial)}", duration_minutes=60,
        first_date=SOON, last_date=SOON + timedelta(days=9), timezone="Asia/Bangkok",
        invitee_ids=[kiwi.id, thai.id]), organiser)
    bilaterals.pick_slot(call, call.slots[0].id, organiser)
    db.session.commit()
    action = outcomes.add_action(call, outcomes.ActionInput(
        "Send the checklist", thai.id, SOON + timedelta(days=30)), organiser)
    db.session.commit()
    return {"call": call.id, "action": action.id, "owner": thai.id, "other": kiwi.id,
            "organiser": organiser.id}


def _load_action(action_id):
    from app.bilaterals.models import CallAction

    return lambda: db.session.get(CallAction, action_id)


def test_the_owner_marking_done_racing_a_handover_of_the_action_does_one_or_the_other(
        race_app):
    """An organiser gives the action to the other invitee while its owner marks it done:
    decided under the call's lock, the owner either marks it before it moves (it moves, done)
    or finds it no longer theirs (refused, still open)."""
    from app.bilaterals import outcomes
    from app.bilaterals.models import CallAction
    from app.notices.models import Notice

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ids = _held_call_with_action()
        mark = (_load_action(ids["action"]), lambda action, owner=ids["owner"]:
                outcomes.set_done(action.call, action.id, db.session.get(User, owner), True).id)
        hand_on = (_load_action(ids["action"]), lambda action, other=ids["other"]:
                   outcomes.edit_action(action.call, action.id, outcomes.ActionInput(
                       action.text, other, action.due_date)).id)
        results = both_at_once(race_app, mark, hand_on)
        assert results[1][0] == "ok", results
        with race_app.app_context():
            action = db.session.get(CallAction, ids["action"])
            assert action.owner_id == ids["other"]
            if results[0][0] == "ok":
                assert action.done_dt is not None, results
            else:
                assert results[0][0] == "refused" and action.done_dt is None, results
            # The new owner is told once, whatever the order.
            assert db.session.scalar(select(func.count()).select_from(Notice).where(
                Notice.kind == "call_action_assigned",
                Notice.recipient_id == ids["other"])) == 1


# --- working groups ------------------------------------------------------------------------

def _saturday_group():
    """A Jakarta group meeting on the first Saturday of each month (a weekend day, so always
    flagged whatever the holiday data), an Indonesian member, and two organisers. Ids."""
    from app.workinggroups import services as groups

    first, second = _person(("organiser",), "AU"), _person(("organiser",), "AU")
    member = _person(country="ID")
    member.timezone = "Asia/Jakarta"
    db.session.commit()
    group = groups.create_working_group(groups.GroupInput(
        name=f"Saturday group {next(_serial)}", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=1SA", first_date=SOON, start_time=time(10),
        duration_minutes=60, member_ids=[member.id]), first)
    db.session.commit()
    original = groups.group_occurrences(group, limit=1)[0].original_start_dt
    return {"group": group.id, "first": first.id, "second": second.id, "member": member.id,
            "original": original}


def _move_off_clash(group_id, organiser_id, original):
    from app.workinggroups import clashes
    from app.workinggroups.models import WorkingGroup

    return (lambda: db.session.get(WorkingGroup, group_id),
            lambda group: clashes.move_off_clash(group, original,
                                                 db.session.get(User, organiser_id)))


def test_two_organisers_moving_one_meeting_off_a_holiday_move_it_once(race_app):
    """Both read the meeting on its weekend day; one moves it, the other finds it no longer
    clashing (409) instead of moving it again: one exception, one raise of the SEQUENCE, one
    notice to the member, one audit record."""
    from app.notices.models import Notice
    from app.workinggroups.models import WorkingGroup
    from app.workinggroups.models import WorkingGroupException

    for _ in range(REPEAT // 2):
        with race_app.app_context():
            ids = _saturday_group()
        outcomes = both_at_once(
            race_app, _move_off_clash(ids["group"], ids["first"], ids["original"]),
            _move_off_clash(ids["group"], ids["second"], ids["original"]))
        assert sorted(kind for kind, _result in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            group = db.session.get(WorkingGroup, ids["group"])
            [moved] = db.session.scalars(select(WorkingGroupException).where(
                WorkingGroupException.group_id == group.id)).all()
            assert moved.new_start_dt == next(r for k, r in outcomes if k == "ok")
            assert group.sequence == 1
            assert db.session.scalar(select(func.count()).select_from(Notice).where(
                Notice.recipient_id == ids["member"],
                Notice.kind == "group_meeting_moved")) == 1
            assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "working_group_meeting_moved_off_holiday",
                AuditRecord.subject_id == group.id)) == 1


# --- small groups -----------------------------------------------------------------------------

def test_applying_balanced_groups_racing_a_participants_own_change_does_one_then_the_other(
        race_app):
    """The organiser applies the groups they previewed (keeping current places) while a
    participant picks a group themselves, or cancels. Either the change comes first and the
    preview is stale (refused: the organiser sees the new proposal), or the groups are applied
    and the change follows them; never a group over its places, nobody in two groups at once,
    and nobody cancelled left holding a place."""
    from app.registrations import groups

    for attempt in range(REPEAT):
        with race_app.app_context():
            organiser = _person(("organiser",), "AU")
            event = _event(capacity=20)
            start = datetime.combine(SOON, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
            sessions = [EventSession(event=event, title=f"Group {name}",
                                     kind=SessionKind.SMALL_GROUP, start_dt=start,
                                     end_dt=start + timedelta(hours=1), capacity=3)
                        for name in "AB"]
            people = [_person(country=c) for c in ("TH", "TH", "ID", "ID", "MY")]
            db.session.add_all(sessions)
            db.session.commit()
            regs = [registrations.register(event, p, _consent()) for p in people]
            db.session.commit()
            group_ids = [s.id for s in sessions]
            fingerprint = groups.propose(event, group_ids, keep=True).fingerprint
            ids = dict(event=event.id, org=organiser.id, reg=regs[0].id, user=people[0].id)
            all_regs = [r.id for r in regs]
        if attempt % 2:
            change = _as(ids["user"], registrations.cancel_registration)
        else:
            def change(registration, first=group_ids[0]):
                return registrations.update_registration(
                    registration, registrations.RegistrationInput(session_ids=[first]))
        outcomes = both_at_once(
            race_app,
            (_load(Event, ids["event"]),
             lambda e, ids=ids, group_ids=group_ids, fingerprint=fingerprint:
             groups.apply_proposal(e, group_ids, True, fingerprint,
                                   db.session.get(User, ids["org"]))),
            (_load(Registration, ids["reg"]), change))
        assert outcomes[1][0] == "ok", outcomes
        with race_app.app_context():
            places = db.session.execute(select(SessionPlace.registration_id,
                                               SessionPlace.session_id).where(
                SessionPlace.session_id.in_(group_ids),
                SessionPlace.status == S.CONFIRMED)).all()
            per_group = Counter(session_id for _reg, session_id in places)
            per_person = Counter(reg for reg, _session_id in places)
            assert all(n <= 3 for n in per_group.values()), per_group
            assert all(n == 1 for n in per_person.values()), per_person
            status = db.session.get(Registration, ids["reg"]).status
            if status == S.CANCELLED:
                assert ids["reg"] not in per_person
            if outcomes[0][0] == "ok":
                # Everyone else has their group (the participant's own change after the
                # groups may have put them on a full group's waitlist: their choice).
                others = [r for r in all_regs if r != ids["reg"]]
                assert set(others) <= set(per_person), (outcomes, places)
            else:
                assert "changed since the preview" in outcomes[0][1], outcomes
