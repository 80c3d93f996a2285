"""Small groups of one time slot: balancing the confirmed registrants across them (the rule
is ``app.registrations.balancing``), applying a previewed proposal, and moving one person.

A proposal is computed, never stored: the preview shows it, and "Apply" computes it again
under the locks (event, then the groups, then the registrations: ``app.core.locking``) and
applies it only when it is still the one previewed (its ``fingerprint``). A registration or a
cancellation between the preview and the click changes the fingerprint, and the organiser
sees the new proposal instead of applying one nobody looked at.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core.errors import Conflict
from app.core.locking import lock_row
from app.core.locking import lock_rows
from app.core.models import AuditRecord
from app.core.registry import Registry
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.extensions import db
from app.registrations.balancing import Group
from app.registrations.balancing import LanguagePlan
from app.registrations.balancing import Member
from app.registrations.balancing import balance
from app.registrations.balancing import language_plan
from app.registrations.models import ACTIVE
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from app.registrations.services import RegistrationConflict
from app.registrations.services import RegistrationError
from app.registrations.services import promote_session_waitlist

CONFIRMED = RegistrationStatus.CONFIRMED


class ProposalChanged(RegistrationError, Conflict):
    """The registrations changed since the preview: the proposal shown is no longer the one
    that would be applied."""


@dataclass
class ProposedGroup:
    session: EventSession
    members: list[Registration]
    kept: set[int]  # ids of the registrations that keep their place here
    plan: LanguagePlan
    languages: dict[int, frozenset[str]]  # registration id -> the languages they work in

    @property
    def countries(self) -> list[tuple[str, int]]:
        return sorted(Counter(r.user.country_code or "" for r in self.members).items())

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return sorted(Counter(kind_of(r) for r in self.members).items())


@dataclass
class Proposal:
    groups: list[ProposedGroup]
    unplaced: list[Registration]  # no group of the slot has a place they may take
    elsewhere: int  # confirmed people holding a place in another session at that time
    keep: bool

    @property
    def fingerprint(self) -> str:
        """Names the proposal: the same people in the same groups, the same fingerprint."""
        shape = {"groups": [[g.session.id, sorted(r.id for r in g.members)]
                            for g in self.groups],
                 "unplaced": sorted(r.id for r in self.unplaced), "keep": self.keep}
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:32]


def kind_of(registration: Registration) -> str:
    organisation = registration.user.organisation
    return organisation.kind.value if organisation else "other"


# Languages people asked for, per session, by features above this one (interpretation's
# per-session requests): each contributor answers ``(session_ids, user_ids) -> {(user_id,
# session_id): language code}``, so this package needs no import of theirs.
SESSION_LANGUAGES: Registry = Registry("languages asked for per session")


def session_languages(sessions: list[EventSession], registrations) -> dict[int, str]:
    """Registration id -> the language its person asked for in one of ``sessions`` (the
    first of them that has one): it overrides their registration's choice there."""
    users = {r.user_id: r.id for r in registrations}
    order = {s.id: n for n, s in enumerate(sessions)}
    found: dict[tuple[int, int], str] = {}
    for contribute in SESSION_LANGUAGES:
        found.update(contribute([s.id for s in sessions], list(users)))
    chosen: dict[int, str] = {}
    for (user_id, _session), code in sorted(
            found.items(), key=lambda item: (order[item[0][1]], item[0][0])):
        chosen.setdefault(users[user_id], code)
    return chosen


def working_languages(registration: Registration, asked: str = "") -> frozenset[str]:
    """The languages a person can take part in a group in: the one they asked to have
    interpreted into (``asked`` for these sessions, else at registration), else those they
    speak (their profile), else the one they read Roundtable in."""
    asked = asked or registration.interpretation_language
    if asked:
        return frozenset({asked})
    return frozenset(registration.user.languages or [registration.user.locale or "en"])


# --- reading -------------------------------------------------------------------------------

def small_groups(event: Event) -> list[EventSession]:
    return list(db.session.scalars(select(EventSession).where(
        EventSession.event_id == event.id, EventSession.kind == SessionKind.SMALL_GROUP,
        EventSession.status == SessionStatus.SCHEDULED)
        .order_by(EventSession.start_dt, EventSession.title, EventSession.id)))


def time_slots(event: Event) -> list[list[EventSession]]:
    """The event's small groups, those whose times overlap together (one slot each)."""
    slots: list[list[EventSession]] = []
    end = None
    for session in small_groups(event):
        if slots and session.start_dt < end:
            slots[-1].append(session)
            end = max(end, session.end_dt)
        else:
            slots.append([session])
            end = session.end_dt
    return slots


def slot_of(event: Event, session_id: int) -> list[EventSession]:
    return next((slot for slot in time_slots(event) if session_id in {s.id for s in slot}), [])


def chosen_groups(event: Event, session_ids) -> list[EventSession]:
    """The groups to balance: small groups of this event, all in one time slot."""
    wanted = {int(session_id) for session_id in session_ids}
    slot = slot_of(event, min(wanted)) if wanted else []
    chosen = [session for session in slot if session.id in wanted]
    if len(wanted) < 1 or len(chosen) != len(wanted):
        raise RegistrationError(_("Choose small groups of this event that run at the same "
                                  "time."), "session_ids")
    return chosen


def _places(sessions: list[EventSession]) -> list[SessionPlace]:
    return list(db.session.scalars(
        select(SessionPlace).where(SessionPlace.session_id.in_([s.id for s in sessions]),
                                   SessionPlace.status.in_(ACTIVE))
        .options(joinedload(SessionPlace.registration).joinedload(Registration.user)
                 .joinedload(User.organisation))
        .order_by(SessionPlace.id).execution_options(populate_existing=True)))


def _busy_elsewhere(event: Event, sessions: list[EventSession]) -> set[int]:
    """Registrations with a confirmed place in another session with places of its own (a
    site visit, a group not chosen) at that time: they are not there to be placed."""
    start, end = min(s.start_dt for s in sessions), max(s.end_dt for s in sessions)
    return set(db.session.scalars(
        select(SessionPlace.registration_id).join(EventSession)
        .where(EventSession.event_id == event.id, EventSession.capacity.is_not(None),
               EventSession.status == SessionStatus.SCHEDULED,
               EventSession.id.not_in([s.id for s in sessions]),
               EventSession.start_dt < end, EventSession.end_dt > start,
               SessionPlace.status == CONFIRMED)))


def propose(event: Event, session_ids, keep: bool) -> Proposal:
    """The balanced groups for these sessions; nothing is saved. With ``keep``, everyone who
    holds a place in one of them stays there (in the first, if in two); people whose
    registration is not confirmed yet, or who hold a place elsewhere at that time, keep
    theirs whatever ``keep`` says."""
    sessions = chosen_groups(event, session_ids)
    confirmed = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == CONFIRMED)
        .options(joinedload(Registration.user).joinedload(User.organisation))
        .order_by(Registration.id).execution_options(populate_existing=True)))
    busy = _busy_elsewhere(event, sessions)
    kept, holders = _staying(sessions, keep, busy)
    registrations = {r.id: r for r in confirmed}
    registrations.update(holders)
    candidates = [r for r in confirmed if r.id not in busy or r.id in kept]
    candidates += [r for r in registrations.values() if r.status != CONFIRMED]
    members = _members(sessions, candidates)
    outcome = balance([Group(s.id, s.capacity, s.attendance_mode.value) for s in sessions],
                      list(members.values()), kept, _preferred(sessions))
    by_group: dict[int, list[Registration]] = {s.id: [] for s in sessions}
    for registration_id, session_id in outcome.placement.items():
        by_group[session_id].append(registrations[registration_id])
    groups = [_proposed(session, by_group[session.id], members,
                        {r for r, s in kept.items() if s == session.id})
              for session in sessions]
    return Proposal(groups, [registrations[i] for i in outcome.unplaced],
                    len(busy - set(kept)), keep)


def _staying(sessions: list[EventSession], keep: bool,
             busy: set[int]) -> tuple[dict[int, int], dict[int, Registration]]:
    """Who keeps the place they hold in these sessions (in the first, if in two), and their
    registrations: with ``keep`` everyone, else those not confirmed yet and those busy
    elsewhere at that time."""
    order = {s.id: n for n, s in enumerate(sessions)}
    kept: dict[int, int] = {}
    holders: dict[int, Registration] = {}
    for place in sorted(_places(sessions), key=lambda p: (order[p.session_id], p.id)):
        registration = place.registration
        stays = (keep or registration.status != CONFIRMED or registration.id in busy)
        if place.status == CONFIRMED and stays and registration.id not in kept:
            kept[registration.id] = place.session_id
            holders[registration.id] = registration
    return kept, holders


def _members(sessions: list[EventSession], registrations) -> dict[int, Member]:
    """Each registration as the balancing rule sees it, with the languages asked for in
    these sessions."""
    asked = session_languages(sessions, registrations)
    return {r.id: Member(r.id, r.user.country_code or "", kind_of(r),
                         working_languages(r, asked.get(r.id, "")), r.attend_as.value)
            for r in registrations}


def _proposed(session, registrations, members, kept) -> ProposedGroup:
    registrations = sorted(registrations, key=lambda r: (r.user.display_name, r.id))
    return ProposedGroup(session, registrations, kept,
                         language_plan([members[r.id] for r in registrations],
                                       _preferred([session])),
                         {r.id: members[r.id].languages for r in registrations})


def _preferred(sessions: list[EventSession]) -> tuple[str, ...]:
    """Ties between languages go to the sessions' floor language, then English."""
    return tuple(dict.fromkeys([*(s.floor_language for s in sessions if s.floor_language),
                                "en"]))


def current_groups(event: Event, slot: list[EventSession]) -> list[ProposedGroup]:
    """The groups of a slot as they are now, with their mix and languages."""
    places = [p for p in _places(slot) if p.status == CONFIRMED]
    members = _members(slot, list({p.registration_id: p.registration for p in places}.values()))
    return [_proposed(session, [p.registration for p in places if p.session_id == session.id],
                      members, set()) for session in slot]


# --- changing ------------------------------------------------------------------------------

def apply_proposal(event: Event, session_ids, keep: bool, fingerprint: str,
                   actor: User) -> Proposal:
    """Apply the proposal the organiser previewed, if it is still the one that would be
    made now (else ``ProposalChanged``): each person placed gets a confirmed place in their
    group and loses any other place in the slot's chosen groups."""
    lock_row(Event, event.id)
    sessions = chosen_groups(event, session_ids)
    lock_rows(EventSession, [s.id for s in sessions])
    places = _places(sessions)
    proposal = propose(event, session_ids, keep)
    lock_rows(Registration, {*(r.id for g in proposal.groups for r in g.members),
                             *(p.registration_id for p in places)})
    proposal = propose(event, session_ids, keep)
    if proposal.fingerprint != fingerprint:
        raise ProposalChanged(_("Registrations changed since the preview. Here are the "
                                "groups as they would be now: check them and apply again."))
    target = {r.id: g.session.id for g in proposal.groups for r in g.members}
    held = {(p.registration_id, p.session_id): p for p in _places(sessions)}
    moved = 0
    # Someone left without a group (more people than places) gives up the place they held:
    # else a group would hold more than its places.
    unplaced = {r.id for r in proposal.unplaced}
    for (registration_id, session_id), place in held.items():
        if registration_id in unplaced or target.get(registration_id, session_id) != session_id:
            place.status, place.waitlisted_dt = RegistrationStatus.CANCELLED, None
    for registration_id, session_id in sorted(target.items()):
        place = held.get((registration_id, session_id)) or db.session.scalar(
            select(SessionPlace).where(SessionPlace.registration_id == registration_id,
                                       SessionPlace.session_id == session_id))
        if place is None:
            place = SessionPlace(registration_id=registration_id, session_id=session_id,
                                 status=CONFIRMED)
            db.session.add(place)
        if place.status != CONFIRMED:
            moved += 1
        place.status, place.waitlisted_dt = CONFIRMED, None
    db.session.flush()
    db.session.add(AuditRecord(
        actor_id=actor.id, action="small_groups_balanced", subject_type="event",
        subject_id=event.id,
        detail={"sessions": [s.id for s in sessions], "keep": keep, "placed": len(target),
                "moved": moved, "unplaced": len(proposal.unplaced)}))
    return proposal


def move_to_group(event: Event, registration: Registration, session: EventSession,
                  actor: User) -> SessionPlace:
    """An organiser moves one confirmed participant into ``session`` (a small group): they
    leave any other group of its time slot, and the place they left goes to whoever waits."""
    lock_row(Event, event.id)
    slot = slot_of(event, session.id)
    sessions = lock_rows(EventSession, [s.id for s in slot])
    registration = lock_row(Registration, registration.id)
    if registration is None or registration.event_id != event.id \
            or registration.status != CONFIRMED:
        raise RegistrationError(_("Only confirmed participants of this event can be "
                                  "assigned."), "registration_id")
    target = sessions.get(session.id)
    if target is None:
        raise RegistrationError(_("Choose one of this event's small groups."), "session_id")
    places = {p.session_id: p for p in db.session.scalars(select(SessionPlace).where(
        SessionPlace.registration_id == registration.id,
        SessionPlace.session_id.in_(list(sessions))))}
    here = places.get(target.id)
    if here is not None and here.status == CONFIRMED:
        raise RegistrationConflict(_("This participant is already in this session."))
    taken = sum(1 for p in _places([target]) if p.status == CONFIRMED)
    if target.capacity is not None and taken >= target.capacity:
        raise RegistrationConflict(_("This session is full."))
    left = []
    for session_id, place in places.items():
        if session_id != target.id and place.status in ACTIVE:
            if place.status == CONFIRMED:
                left.append(sessions[session_id])
            place.status, place.waitlisted_dt = RegistrationStatus.CANCELLED, None
    if here is None:
        here = SessionPlace(registration_id=registration.id, session_id=target.id)
        db.session.add(here)
    here.status, here.waitlisted_dt = CONFIRMED, None
    db.session.flush()
    for session_left in left:
        promote_session_waitlist(session_left)
    db.session.add(AuditRecord(
        actor_id=actor.id, action="moved_to_group", subject_type="registration",
        subject_id=registration.id,
        detail={"to": target.id, "from": [s.id for s in left]}))
    return here


def slot_members(event: Event, slot: list[EventSession]) -> list[tuple[Registration, str]]:
    """Who can be moved into a group of ``slot``: every confirmed registrant, with the group
    of the slot they are in now ("" for none), by name."""
    titles = {s.id: s.title for s in slot}
    in_group = {p.registration_id: titles[p.session_id] for p in _places(slot)
                if p.status == CONFIRMED}
    confirmed = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == CONFIRMED)
        .options(joinedload(Registration.user)))
    return sorted(((r, in_group.get(r.id, "")) for r in confirmed),
                  key=lambda pair: (pair[0].user.display_name, pair[0].id))
