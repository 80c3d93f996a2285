"""Every state transition of a registration, and the rules around capacity and quotas."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.models import AuditRecord
from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.registrations import services
from app.registrations.models import AttendAs
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace

S = RegistrationStatus
NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def consent(**fields):
    return services.RegistrationInput(consent_chatham=True, consent_data=True, **fields)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def roundtable(make_event):
    return make_event(kind=EventKind.HYBRID, capacity=2, is_invitation_only=False,
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                      timezone="Asia/Jakarta")


def _people(make_user, n, country="TH"):
    return [make_user(("participant",), country=country) for _ in range(n)]


def test_confirmed_until_full_then_waitlisted_in_order(roundtable, make_user, frozen_now):
    people = _people(make_user, 4)
    results = []
    for minute, person in enumerate(people):
        frozen_now(NOW + timedelta(minutes=minute))
        results.append(services.register(roundtable, person, consent()))
    assert [r.status for r in results] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert [services.waitlist_position(r) for r in results[2:]] == [1, 2]


def test_register_tells_the_waitlisted_their_place_as_the_queue_counts_it(
        roundtable, make_user, frozen_now):
    """``queued_as`` is counted under the event's lock with the seats, without reading the
    queue again: it must be the place ``waitlist_position`` gives, also for someone who
    cancelled and registers again (their row, and its id, are older than the queue's)."""
    people = _people(make_user, 5)
    results = []
    for minute, person in enumerate(people):
        frozen_now(NOW + timedelta(minutes=minute))
        results.append(services.register(roundtable, person, consent()))
    waiting = results[2:]
    assert [r.queued_as for r in waiting] == [services.waitlist_position(r) for r in waiting] \
        == [1, 2, 3]
    assert [r.queued_as for r in results[:2]] == [None, None]  # confirmed: no queue
    frozen_now(NOW + timedelta(minutes=10))
    services.cancel_registration(waiting[0], people[2])  # leaves the queue
    frozen_now(NOW + timedelta(minutes=11))
    again = services.register(roundtable, people[2], consent())
    assert again.id == waiting[0].id
    assert again.queued_as == services.waitlist_position(again) == 3


def test_online_attendees_of_a_hybrid_event_do_not_use_seats(roundtable, make_user):
    for person in _people(make_user, 2):
        services.register(roundtable, person, consent())
    online = services.register(roundtable, make_user(), consent(attend_as=AttendAs.ONLINE))
    assert online.status == S.CONFIRMED
    assert online.arrival_date is None


def test_cancellation_promotes_the_first_waitlisted_and_tells_them(roundtable, make_user,
                                                                   frozen_now):
    people = _people(make_user, 4)
    registrations = []
    for minute, person in enumerate(people):
        frozen_now(NOW + timedelta(minutes=minute))
        registrations.append(services.register(roundtable, person, consent()))
    promoted = services.cancel_registration(registrations[0], people[0])
    assert promoted == [registrations[2]]
    assert registrations[2].status == S.CONFIRMED and registrations[2].promoted_dt is not None
    assert services.waitlist_position(registrations[3]) == 1
    subjects = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == people[2].email)).all()
    assert any("A place is free for you" in s for s in subjects)


def test_pending_approval_then_approve_or_decline(make_event, make_user, organiser):
    event = make_event(capacity=1, requires_approval=True, is_invitation_only=False)
    first, second = (services.register(event, p, consent()) for p in _people(make_user, 2))
    assert first.status == second.status == S.PENDING
    services.approve_registration(first, organiser)
    assert first.status == S.CONFIRMED
    services.approve_registration(second, organiser)
    assert second.status == S.WAITLISTED  # approved, but the event is full
    services.decline_registration(first, organiser)
    assert first.status == S.DECLINED and second.status == S.CONFIRMED
    with pytest.raises(services.RegistrationConflict):
        services.approve_registration(first, organiser)


def test_manual_promotion_needs_a_free_seat(roundtable, make_user, organiser):
    registrations = [services.register(roundtable, p, consent()) for p in _people(make_user, 3)]
    with pytest.raises(services.RegistrationConflict, match="no free place"):
        services.promote_registration(registrations[2], organiser)
    services.set_capacity(roundtable, 3, organiser)  # raising capacity promotes by itself
    assert registrations[2].status == S.CONFIRMED
    with pytest.raises(services.RegistrationConflict, match="cannot be lower"):
        services.set_capacity(roundtable, 2, organiser)


def test_every_change_is_audited_with_who_and_when(roundtable, make_user, organiser):
    person = make_user()
    registration = services.register(roundtable, person, consent())
    services.cancel_registration(registration, organiser)
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.subject_id == registration.id).order_by(AuditRecord.id)).all()
    assert [(r.action, r.detail["from"], r.detail["to"], r.actor_id) for r in records] == [
        ("registered", None, "confirmed", person.id),
        ("cancelled", "confirmed", "cancelled", organiser.id)]
    assert all(r.created_dt == NOW for r in records)


def test_registering_twice_is_refused_but_again_after_cancelling_works(roundtable, make_user):
    person = make_user()
    registration = services.register(roundtable, person, consent())
    with pytest.raises(services.RegistrationConflict, match="already registered"):
        services.register(roundtable, person, consent())
    services.cancel_registration(registration, person)
    again = services.register(roundtable, person, consent())
    assert again.id == registration.id and again.status == S.CONFIRMED


def test_delegation_quota(roundtable, make_user, organiser):
    roundtable.capacity = 10
    services.set_quota(roundtable, "TH", 1, organiser)
    thai = _people(make_user, 2)
    services.register(roundtable, thai[0], consent())
    with pytest.raises(services.RegistrationConflict, match="delegation"):
        services.register(roundtable, thai[1], consent())
    online = services.register(roundtable, thai[1], consent(attend_as=AttendAs.ONLINE))
    assert online.status == S.CONFIRMED
    with pytest.raises(services.RegistrationConflict, match="cannot be lower"):
        services.set_quota(roundtable, "TH", 0, organiser)


def test_waitlisted_people_of_a_full_delegation_are_skipped(roundtable, make_user, organiser,
                                                            frozen_now):
    roundtable.capacity = 1
    first = services.register(roundtable, make_user(country="TH"), consent())
    frozen_now(NOW + timedelta(minutes=1))
    thai_waiting = services.register(roundtable, make_user(country="TH"), consent())
    frozen_now(NOW + timedelta(minutes=2))
    kiwi_waiting = services.register(roundtable, make_user(country="NZ"), consent())
    services.set_quota(roundtable, "TH", 1, organiser)
    services.cancel_registration(first, organiser)
    # TH still has 0 of 1 used after the cancellation, so the first in the queue goes.
    assert thai_waiting.status == S.CONFIRMED and kiwi_waiting.status == S.WAITLISTED


def test_registration_window_and_status(make_event, make_user):
    person = make_user()
    closed = make_event(is_invitation_only=False, registration_closes_dt=NOW - timedelta(1))
    with pytest.raises(services.RegistrationConflict, match="closed on"):
        services.register(closed, person, consent())
    later = make_event(is_invitation_only=False, registration_opens_dt=NOW + timedelta(1))
    with pytest.raises(services.RegistrationConflict, match="opens on"):
        services.register(later, person, consent())
    held = make_event(is_invitation_only=False, status=EventStatus.HELD)
    with pytest.raises(services.RegistrationConflict, match="not open"):
        services.register(held, person, consent())


def test_consent_is_required(roundtable, make_user):
    with pytest.raises(services.RegistrationError, match="Chatham House"):
        services.register(roundtable, make_user(), services.RegistrationInput())


def test_invitation_only_accepts_invited_people_and_delegations(make_event, make_user):
    event = make_event(is_invitation_only=True)
    thai, kiwi, invited = make_user(country="TH"), make_user(country="NZ"), make_user(
        country="NZ")
    services.invite_to_event(event, country_code="TH")
    services.invite_to_event(event, user=invited)
    assert services.register(event, thai, consent()).status == S.CONFIRMED
    assert services.register(event, invited, consent()).status == S.CONFIRMED
    with pytest.raises(services.RegistrationConflict, match="invitation only"):
        services.register(event, kiwi, consent())


def test_session_places_are_capacity_limited_with_their_own_waitlist(
        roundtable, make_user, make_session):
    start = datetime(2027, 6, 23, 1, 30, tzinfo=UTC)
    visit = make_session(roundtable, start, start + timedelta(hours=4),
                         kind=SessionKind.SITE_VISIT, capacity=1)
    roundtable.capacity = 10
    first = services.register(roundtable, make_user(), consent(session_ids=[visit.id]))
    second = services.register(roundtable, make_user(), consent(session_ids=[visit.id]))
    assert first.choices[0].status == S.CONFIRMED
    assert second.choices[0].status == S.WAITLISTED
    services.cancel_registration(first, first.user)
    place = db.session.scalar(select(SessionPlace).where(
        SessionPlace.registration_id == second.id))
    assert place.status == S.CONFIRMED


def test_a_session_of_another_event_or_without_places_is_refused(roundtable, make_user,
                                                                 make_event, make_session):
    other = make_event()
    start = datetime(2027, 3, 10, 3, tzinfo=UTC)
    foreign = make_session(other, start, start + timedelta(hours=1), capacity=5)
    unlimited = make_session(roundtable, datetime(2027, 6, 22, 3, tzinfo=UTC),
                             datetime(2027, 6, 22, 4, tzinfo=UTC))
    with pytest.raises(services.RegistrationError, match="not part of this event"):
        services.register(roundtable, make_user(), consent(session_ids=[foreign.id]))
    with pytest.raises(services.RegistrationError, match="own places"):
        services.register(roundtable, make_user(), consent(session_ids=[unlimited.id]))


def test_update_needs_keeps_the_place(roundtable, make_user):
    registration = services.register(roundtable, make_user(), consent())
    services.update_registration(registration, consent(dietary_needs="Vegan",
                                                       arrival_date=date(2027, 6, 21),
                                                       departure_date=date(2027, 6, 25)))
    assert registration.dietary_needs == "Vegan" and registration.status == S.CONFIRMED
    with pytest.raises(services.RegistrationError, match="departure"):
        services.update_registration(registration, consent(arrival_date=date(2027, 6, 25),
                                                           departure_date=date(2027, 6, 21)))


def test_participants_see_counts_only(roundtable, make_user):
    services.register(roundtable, make_user(country="TH"), consent())
    services.register(roundtable, make_user(country="NZ"), consent(attend_as=AttendAs.ONLINE))
    counts = services.attendance_counts(roundtable)
    assert counts["total"] == 2 and counts["by_country"] == {"NZ": 1, "TH": 1}
    assert counts["by_mode"] == {"in_person": 1, "online": 1}


def test_passport_details_are_kept_as_printed_and_only_for_travellers(roundtable, make_user):
    travelling = services.register(roundtable, make_user(), consent(
        passport_name="DEWI SARTIKA", nationality="th", passport_number="ab 123 4567"))
    assert (travelling.nationality, travelling.passport_number) == ("TH", "AB1234567")
    # Nobody needs a visa to join online: the details are not kept at all.
    online = services.register(roundtable, make_user(), consent(
        attend_as=AttendAs.ONLINE, passport_name="X Y", nationality="ID",
        passport_number="C4E8B1F2"))
    assert (online.passport_name, online.nationality, online.passport_number) == ("", None, "")
    for number in ("1234", "AB-1234567", "A" * 21, "ข123456"):
        with pytest.raises(services.RegistrationError, match="5 to 20 letters and digits"):
            services.register(roundtable, make_user(), consent(passport_number=number))
    with pytest.raises(services.RegistrationError, match="nationality"):
        services.register(roundtable, make_user(), consent(nationality="XX"))
