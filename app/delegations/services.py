"""Delegation focal points: what they see of their own delegation, and the handover of a
departing delegate to a successor.

A focal point (``User.focal_country``) acts for their own account's country only; organisers
act for every country. The rules of who may read whom stay in ``app.core.visibility``
(``Seen.DELEGATION``, ``can_see_needs``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.services import set_active
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallStatus
from app.bilaterals.models import CandidateSlot
from app.bilaterals.models import SlotVote
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_rows
from app.core.models import AuditRecord
from app.core.time import now_utc
from app.core.visibility import is_organiser
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.visibility import event_visibility_clause
from app.extensions import db
from app.registrations.models import ACTIVE
from app.registrations.models import AttendAs
from app.registrations.models import DelegationQuota
from app.registrations.models import Registration
from app.registrations.notices import tell_handed_over
from app.registrations.notices import tell_registered_on_behalf
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from app.registrations.services import registration_for
from app.registrations.services import seats_taken
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupMember


class DelegationRefusal(Refusal):
    """A delegation request that cannot be honoured; the message is for the user."""


class HandoverConflict(Conflict):
    """The accounts changed meanwhile (someone else handed over or deactivated first)."""


def may_act_for(viewer, country_code: str | None) -> bool:
    """May ``viewer`` act for the delegation of ``country_code``?"""
    if not country_code or viewer is None or not viewer.is_authenticated:
        return False
    return is_organiser(viewer) or viewer.focal_country == country_code


def acting_country(viewer, wanted: str | None = None) -> str | None:
    """The delegation the delegation pages show: a focal point's own, or the one an organiser
    chose (None when they chose none)."""
    if viewer.focal_country:
        return viewer.focal_country
    return wanted if is_organiser(viewer) else None


def delegates(country_code: str) -> list[User]:
    """The delegation's active accounts, by name."""
    return list(db.session.scalars(select(User).where(
        User.country_code == country_code, User.deactivated_dt.is_(None), User.is_participant)
        .order_by(User.display_name, User.id)))


def upcoming_events_clause():
    return (Event.status.in_((EventStatus.OPEN, EventStatus.CLOSED))
            & (Event.end_date >= now_utc().date()))


@dataclass
class EventDelegation:
    event: Event
    registrations: list[Registration]
    quota: int | None
    in_person_confirmed: int


def delegation_overview(country_code: str, viewer) -> list[EventDelegation]:
    """Each open or upcoming event ``viewer`` may see with the delegation's registrations and
    quota use (a private bilateral call of others stays unseen: app.events.visibility)."""
    visible = event_visibility_clause(viewer)
    registrations = list(db.session.scalars(
        select(Registration).join(Registration.event).join(Registration.user)
        .where(User.country_code == country_code, upcoming_events_clause(), visible)
        .options(joinedload(Registration.user), joinedload(Registration.event))
        .order_by(Event.start_date, Event.id, User.display_name, Registration.id)))
    events = list(db.session.scalars(select(Event).where(upcoming_events_clause(), visible)
                                     .order_by(Event.start_date, Event.id)))
    quotas = dict(db.session.execute(select(DelegationQuota.event_id,
                                            DelegationQuota.max_in_person).where(
        DelegationQuota.country_code == country_code)).all())
    by_event: dict[int, list[Registration]] = {}
    for registration in registrations:
        by_event.setdefault(registration.event_id, []).append(registration)
    return [EventDelegation(event, by_event.get(event.id, []), quotas.get(event.id),
                            seats_taken(event, country_code) if event.id in quotas else 0)
            for event in events if event.id in by_event or event.id in quotas
            or event.status == EventStatus.OPEN]


# --- handover ------------------------------------------------------------------------------

@dataclass
class Handover:
    """What a handover moves (``moved``) and leaves because the successor already has their
    own (``kept``), by kind: registrations, groups, invitations, answers."""

    moved: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def _upcoming_registrations(user_id: int) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Registration.event)
        .where(Registration.user_id == user_id, Registration.status.in_(ACTIVE),
               upcoming_events_clause()).order_by(Registration.id)))


def _open_call_ids(user_id: int) -> set[int]:
    invited = select(CallInvitee.call_id).where(CallInvitee.user_id == user_id)
    voted = select(CandidateSlot.call_id).join(SlotVote).where(SlotVote.user_id == user_id)
    return set(db.session.scalars(select(BilateralCall.id).where(
        BilateralCall.status != CallStatus.CANCELLED,
        BilateralCall.id.in_(invited.union(voted).subquery().select()))))


def _group_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(select(WorkingGroupMember.group_id).where(
        WorkingGroupMember.user_id == user_id)))


def check_handover(departing: User, successor: User, actor) -> None:
    """The rules, checked on the confirmation page and again under the locks."""
    if not may_act_for(actor, departing.country_code):
        raise DelegationRefusal(_("You can hand over only delegates of your own delegation."))
    if successor.id == departing.id:
        raise DelegationRefusal(_("Choose a successor other than the departing delegate."),
                                field="successor")
    if successor.country_code != departing.country_code:
        raise DelegationRefusal(_("The successor must belong to the same delegation."),
                                field="successor")
    if not successor.is_active or not successor.is_participant:
        raise HandoverConflict(_("The successor's account is not active."))


def plan_handover(departing: User) -> Handover:
    """What the departing delegate holds that a handover would move (the confirmation page,
    before a successor is chosen), without changing anything."""
    return _handover(departing, None, apply=False)


def hand_over(departing: User, successor: User, actor, *, deactivate: bool = False) -> Handover:
    """Move the departing delegate's registrations for upcoming events (with their session
    places), working-group seats, invitations to open or scheduled calls and poll answers to
    the successor, in one transaction with one audit record.

    Where the successor already has their own (an active registration for the same event, a
    seat in the group, an invitation, an answer for the same slot), the successor's own wins:
    the departing delegate's registration stays theirs, the rest is dropped (counted in
    ``kept``). The departing delegate's needs, travel and passport details never move: the
    successor adds their own. A cancelled or declined registration of the successor for an
    event gives way to the one handed over.

    Locks in app.core.locking's order: both accounts, then the events, the calls, the
    registrations and the working groups, each re-read: a second handover of the same person
    waits, then finds nothing left to move; a cancel that won the race leaves a cancelled
    registration, which does not move.
    """
    if deactivate and not is_organiser(actor):
        raise DelegationRefusal(_("Only organisers can deactivate accounts."))
    # Every account the change may lock, first (deactivating locks the active organisers
    # too: app.auth.services.set_active), keys unchanged: a cancel holding an event lock may
    # still write rows naming them, so it finishes instead of deadlocking with us.
    organisers = db.session.scalars(select(User.id).where(
        User.is_organiser, User.deactivated_dt.is_(None))).all() if deactivate else []
    locked = lock_rows(User, {departing.id, successor.id, actor.id, *organisers},
                       keys_unchanged=True)
    departing, successor = locked[departing.id], locked[successor.id]
    check_handover(departing, successor, locked[actor.id])
    result = _handover(departing, successor, apply=True, actor=actor)
    if deactivate:  # re-reads the accounts this transaction already holds: no new lock
        set_active(departing, False, actor)
    db.session.add(AuditRecord(
        actor_id=actor.id, action="delegate_handed_over", subject_type="user",
        subject_id=departing.id,
        detail={"successor_id": successor.id, "country": departing.country_code,
                "moved": dict(result.moved), "kept": dict(result.kept),
                "deactivated": deactivate}))
    return result


def _handover(departing: User, successor: User | None, *, apply: bool,
              actor=None) -> Handover:
    result = Handover()
    registrations = _upcoming_registrations(departing.id)
    call_ids = _open_call_ids(departing.id)
    group_ids = _group_ids(departing.id)
    if apply:
        lock_rows(Event, {r.event_id for r in registrations})
        lock_rows(BilateralCall, call_ids)
        # Re-read under the event locks: a cancel that went first left this one inactive.
        registrations = _upcoming_registrations(departing.id)
    theirs = {} if successor is None else {r.event_id: r for r in db.session.scalars(
        select(Registration).where(Registration.user_id == successor.id,
                                   Registration.event_id.in_({r.event_id
                                                              for r in registrations})))}
    if apply:
        lock_rows(Registration, {r.id for r in registrations}
                  | {r.id for r in theirs.values()})
    for registration in registrations:
        own = theirs.get(registration.event_id)
        if own is not None and own.status in ACTIVE:
            result.kept["registrations"] += 1
            continue
        result.moved["registrations"] += 1
        result.events.append(registration.event)
        if apply:
            _move_registration(registration, own, successor, actor)
    _move_rows(result, "invitations", CallInvitee, CallInvitee.call_id, call_ids,
               departing, successor, apply)
    slot_ids = set(db.session.scalars(select(CandidateSlot.id).where(
        CandidateSlot.call_id.in_(call_ids))))
    _move_rows(result, "answers", SlotVote, SlotVote.slot_id, slot_ids, departing, successor,
               apply)
    if apply:
        lock_rows(WorkingGroup, group_ids)
    result.groups = list(db.session.scalars(select(WorkingGroup.name).where(
        WorkingGroup.id.in_(group_ids)).order_by(WorkingGroup.name)))
    _move_rows(result, "groups", WorkingGroupMember, WorkingGroupMember.group_id, group_ids,
               departing, successor, apply)
    if apply:
        db.session.flush()
    return result


def _move_registration(registration: Registration, own: Registration | None,
                       successor: User, actor) -> None:
    if own is not None:  # the successor's cancelled or declined row gives way
        db.session.delete(own)
        db.session.flush()
    departing = registration.user
    registration.user_id = successor.id
    # The departing delegate's own details stay out of the successor's registration.
    for column in ("dietary_needs", "access_needs", "arrival_flight", "departure_flight",
                   "room_notes", "passport_name", "passport_number"):
        setattr(registration, column, "")
    for column in ("arrival_date", "arrival_time", "departure_date", "departure_time",
                   "nationality"):
        setattr(registration, column, None)
    db.session.add(AuditRecord(actor_id=actor.id, action="registration_handed_over",
                               subject_type="registration", subject_id=registration.id,
                               detail={"to": registration.status.value,
                                       "successor_id": successor.id}))
    db.session.flush()
    db.session.expire(registration, ["user"])
    tell_handed_over(registration, departing)


def _move_rows(result: Handover, kind: str, model, parent, parent_ids: set[int],
               departing: User, successor: User | None, apply: bool) -> None:
    """Rows of ``model`` (unique per parent and person) move to the successor, unless the
    successor has their own for the same parent: then theirs wins and the departing one goes."""
    if not parent_ids:
        return
    rows = list(db.session.scalars(select(model).where(
        parent.in_(parent_ids), model.user_id == departing.id)))
    own = set() if successor is None else set(db.session.scalars(select(parent).where(
        parent.in_(parent_ids), model.user_id == successor.id)))
    key = parent.key
    keep = [row for row in rows if getattr(row, key) in own]
    move = [row for row in rows if getattr(row, key) not in own]
    result.moved[kind] += len(move)
    result.kept[kind] += len(keep)
    if apply:
        if keep:
            db.session.execute(delete(model).where(model.id.in_([row.id for row in keep]))
                               .execution_options(synchronize_session=False))
        for row in move:
            row.user_id = successor.id
        db.session.flush()


# --- one delegate: registered on their behalf, or replaced ----------------------------------

def unregistered_delegates(event: Event, country_code: str) -> list[User]:
    """The delegation's active accounts without an active registration for ``event``."""
    registered = select(Registration.user_id).where(Registration.event_id == event.id,
                                                    Registration.status.in_(ACTIVE))
    return [person for person in delegates(country_code) if person.id not in
            set(db.session.scalars(registered))]


def attend_modes(event: Event) -> list[AttendAs]:
    """The ways of attending ``event`` allows: both for a hybrid event, else the one."""
    if event.kind == EventKind.VIRTUAL:
        return [AttendAs.ONLINE]
    if event.kind == EventKind.IN_PERSON:
        return [AttendAs.IN_PERSON]
    return [AttendAs.IN_PERSON, AttendAs.ONLINE]


def _check_delegate(person: User, actor, field_name: str) -> None:
    if not may_act_for(actor, person.country_code):
        raise DelegationRefusal(_("You can act only for delegates of your own delegation."),
                                field=field_name)
    if not person.is_active or not person.is_participant:
        raise DelegationRefusal(_("This person's account is not active."), field=field_name)


def register_on_behalf(event: Event, delegate: User, actor, attend_as: AttendAs, *,
                       agreed_chatham: bool, agreed_data: bool) -> Registration:
    """Register ``delegate`` for ``event`` as the focal point (or an organiser) who affirms
    that the delegate agreed to attend under the Chatham House Rule and to the use of their
    data. Capacity, quotas, approval and waitlist stay the registration service's; the
    registration is recorded as made on the delegate's behalf, and the delegate is asked to
    review it. Locks: both accounts, then (in ``register``) the event."""
    if not (agreed_chatham and agreed_data):
        raise DelegationRefusal(_("Confirm that the delegate has agreed to attend under the "
                                  "Chatham House Rule and to the use of their data."),
                                field="agreed_chatham")
    locked = lock_rows(User, {delegate.id, actor.id}, keys_unchanged=True)
    delegate = locked[delegate.id]
    _check_delegate(delegate, locked[actor.id], "delegate")
    if attend_as not in attend_modes(event):
        raise DelegationRefusal(_("Choose a way of attending this event allows."),
                                field="attend_as")
    own = registration_for(event, delegate)
    if own is not None and own.is_active:
        raise DelegationRefusal(_("This person is already registered for this event."),
                                field="delegate")
    registration = register(event, delegate, RegistrationInput(
        attend_as=attend_as, consent_chatham=True, consent_data=True))
    db.session.add(AuditRecord(
        actor_id=actor.id, action="registration_made_on_behalf", subject_type="registration",
        subject_id=registration.id,
        detail={"delegate_id": delegate.id, "country": delegate.country_code,
                "status": registration.status.value, "attend_as": attend_as.value,
                # What the actor affirmed for the delegate; the delegate did not tick it.
                "affirmed_by_actor": ["chatham_house_rule", "data_use"]}))
    tell_registered_on_behalf(registration)
    return registration


def check_replacement(registration: Registration, successor: User, actor) -> None:
    """The rules of replacing one delegate in one registration, checked on the confirmation
    page and again under the locks."""
    departing = registration.user
    if not may_act_for(actor, departing.country_code):
        raise DelegationRefusal(_("You can act only for delegates of your own delegation."))
    if not registration.is_active:
        raise HandoverConflict(_("This registration is no longer active."))
    if successor.id == departing.id or successor.country_code != departing.country_code:
        raise DelegationRefusal(_("Choose another person of the same delegation."),
                                field="successor")
    _check_delegate(successor, actor, "successor")
    own = registration_for(registration.event, successor)
    if own is not None and own.is_active:
        raise DelegationRefusal(_("This person is already registered for this event."),
                                field="successor")


def replace_delegate(registration: Registration, successor: User, actor) -> Registration:
    """Move one registration (its status and session places) to ``successor`` of the same
    delegation, as the handover moves each: needs, travel and passport details stay behind,
    one audit record, both told. Locks: the accounts, the event, then the registrations."""
    locked = lock_rows(User, {registration.user_id, successor.id, actor.id},
                       keys_unchanged=True)
    successor, actor_row = locked[successor.id], locked[actor.id]
    lock_rows(Event, {registration.event_id})
    own = registration_for(registration.event, successor)
    rows = lock_rows(Registration, {registration.id} | ({own.id} if own else set()))
    registration = rows[registration.id]
    check_replacement(registration, successor, actor_row)
    _move_registration(registration, own, successor, actor)
    return registration
