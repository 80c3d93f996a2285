"""Registration rules. Every change locks, through ``app.core.locking`` and in its order, the
event, then the sessions whose places it touches, then the registration, re-reads them under
the locks and only then checks whether the change is still allowed: a cancellation racing an
approval, or two clicks on Cancel, decide on what is true now, one after the other. Callers
commit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import time
from functools import lru_cache

from flask import g
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import ColumnElement
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import tuple_
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.models import Organisation
from app.auth.models import User
from app.auth.services import user_by_email
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.locking import lock_rows
from app.core.mail import queue_email
from app.core.models import AuditRecord
from app.core.models import Country
from app.core.templating import viewer_datetime
from app.core.time import now_utc
from app.core.web import absolute_url
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.events.services import ConflictError
from app.events.services import ReadWithTheEvent
from app.events.signals import session_places_changed
from app.events.signals import session_places_changing
from app.events.translations import translated
from app.extensions import db
from app.registrations.calendar_hooks import event_invitation
from app.registrations.models import ACTIVE
from app.registrations.models import AttendAs
from app.registrations.models import DelegationQuota
from app.registrations.models import EventInvitee
from app.registrations.models import EventMessage
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from app.registrations.models import in_programme
from app.registrations.notices import tell_invited
from app.registrations.notices import tell_message
from app.registrations.notices import tell_registrant


class RegistrationError(Refusal):
    """A rule of this feature broken; see ``app.core.errors.Refusal``."""


class RegistrationConflict(RegistrationError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


class NobodyToInvite(RegistrationError):
    """Well-formed, but names nobody who can be invited."""

    status = 422


@dataclass
class RegistrationInput:
    attend_as: AttendAs = AttendAs.IN_PERSON
    session_ids: list[int] = field(default_factory=list)
    dietary_needs: str = ""
    access_needs: str = ""
    arrival_date: date | None = None
    arrival_time: time | None = None
    arrival_flight: str = ""
    departure_date: date | None = None
    departure_time: time | None = None
    departure_flight: str = ""
    needs_room: bool = False
    room_notes: str = ""
    passport_name: str = ""
    nationality: str = ""  # a country code, as in the passport
    passport_number: str = ""
    interpretation_language: str = ""
    consent_chatham: bool = False
    consent_data: bool = False


# --- travel documents --------------------------------------------------------------------

# As machine-readable passports print it (ICAO 9303): capital letters and digits. Real ones
# have 6 to 9; the margin lets unusual documents through while catching a typed name or date.
PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")
PASSPORT_NUMBER_MESSAGE = _l("A passport number has 5 to 20 letters and digits, as printed in "
                             "the passport.")


def normal_passport_number(value: str | None) -> str:
    """As printed: capitals, without the spaces people type between groups of characters."""
    return re.sub(r"\s+", "", value or "").upper()


def is_passport_number(value: str | None) -> bool:
    return PASSPORT_NUMBER.fullmatch(normal_passport_number(value)) is not None


# --- reading -----------------------------------------------------------------------------

def registration_for(event: Event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id))


def viewer_registration(event: Event, user) -> Registration | None:
    """``registration_for``, remembered for the rest of the request: the event page asks
    several times (status panel, online link). For display only, never for rules."""
    return _viewer_reading(event, user)[0]


def viewer_may_register(event: Event, user) -> bool:
    """``may_register`` for the event page, read with the viewer's registration. For display
    only: ``register`` asks ``may_register`` itself."""
    return _viewer_reading(event, user)[1]


def _viewer_reading(event: Event, user) -> tuple[Registration | None, bool]:
    memo = g.setdefault("viewer_registrations", {})
    key = (event.id, getattr(user, "id", None))
    if key not in memo:
        memo[key] = _registration_and_invitation(event, user)
    return memo[key]


def _registration_and_invitation(event: Event, user) -> tuple[Registration | None, bool]:
    """The viewer's registration and whether they may register: in one statement where the
    second needs a query (an invitation-only event, a viewer who is not an organiser)."""
    if not user.is_authenticated:
        return None, False
    if not _needs_an_invitation(event, user):
        return registration_for(event, user), True
    columns, ((target, onclause),) = _event_page_read(False, _by_country(user))
    registration, is_invited = db.session.execute(
        select(*columns).select_from(Event).outerjoin(target, onclause)
        .where(Event.id == event.id), _viewer_params(user)).one()
    return registration, is_invited


def viewer_standing(event: Event, user) -> tuple:
    """All the event page's registration panel shows of the viewer: their registration's
    state, their place on the waitlist, whether they may register
    (``pagecache.VIEWER_STANDING``). Remembered for the request with the registration."""
    memo = g.setdefault("viewer_standings", {})
    key = (event.id, getattr(user, "id", None))
    if key not in memo:
        registration, may = _viewer_reading(event, user)
        memo[key] = (registration.status if registration else None,
                     waitlist_position(registration) if registration else None, may)
    return memo[key]


def read_with_the_event_page(user) -> ReadWithTheEvent:
    """The viewer's registration and whether they are invited, read in the statement that
    loads the event their page shows (``READ_WITH_THE_EVENT``) and remembered as
    ``viewer_registration`` and ``viewer_may_register`` read them."""

    def keep(event: Event, values: tuple) -> None:
        registration, is_invited = values
        may = not _needs_an_invitation(event, user) or bool(is_invited)
        g.setdefault("viewer_registrations", {})[(event.id, user.id)] = (registration, may)

    columns, joins = _event_page_read(bool(user.is_organiser), _by_country(user))
    return ReadWithTheEvent(columns=columns, joins=joins, params=_viewer_params(user),
                            keep=keep)


def _by_country(user) -> bool:
    """Whether a delegation's invitation can invite ``user`` (a participant naming a country)."""
    return bool(user.is_participant and user.country_code)


def _viewer_params(user) -> dict:
    """The bind parameters of ``_event_page_read``'s columns and join for ``user``."""
    params = {"registrations_viewer_id": user.id}
    if _by_country(user):
        params["registrations_viewer_country"] = user.country_code
    return params


@lru_cache(maxsize=4)
def _event_page_read(organiser: bool, by_country: bool) -> tuple[tuple, tuple]:
    """The viewer's registration and whether they are invited, as columns and the join that
    reads them beside an event, one pair per shape of viewer (organisers need no invitation;
    a participant's delegation may be invited): the event page reads them with the event,
    other pages beside it (``_registration_and_invitation``)."""
    viewer_id = bindparam("registrations_viewer_id")
    country = bindparam("registrations_viewer_country") if by_country else None
    invited = true() if organiser else select(EventInvitee.id).where(
        EventInvitee.event_id == Event.id, _invitation_of(viewer_id, country)).exists()
    return ((Registration, invited.label("viewer_is_invited")),
            ((Registration, (Registration.event_id == Event.id)
              & (Registration.user_id == viewer_id)),))


def is_confirmed(event: Event, user) -> bool:
    registration = viewer_registration(event, user)
    return registration is not None and registration.status == RegistrationStatus.CONFIRMED


def counts_toward_capacity(event: Event, attend_as: AttendAs) -> bool:
    """Event capacity is about chairs in the room, or every place for a virtual event."""
    return event.kind == EventKind.VIRTUAL or attend_as == AttendAs.IN_PERSON


def seats_taken(event: Event, country_code: str | None = None) -> int:
    return db.session.scalar(_seats_query(event.id, _in_person_only(event), country_code))


def _in_person_only(event: Event) -> bool:
    """Whether only in-person places count toward the event's capacity (not a virtual one)."""
    return event.kind != EventKind.VIRTUAL


def _seats_query(event_id, in_person_only: bool, country_code=None):
    """The confirmed places taken, of a delegation's country when given (``event_id`` and
    ``country_code`` are values or bind parameters)."""
    query = select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED)
    if in_person_only:
        query = query.where(Registration.attend_as == AttendAs.IN_PERSON)
    if country_code is not None:
        query = query.join(User, User.id == Registration.user_id).where(
            User.country_code == country_code)
    return query


def _standing(event: Event, user: User) -> tuple[Registration | None, int, int]:
    """The person's registration, the event's seats taken and how many are waiting, in one
    statement: what ``register`` reads under the event's lock, where every statement is
    one that all the other registrations queue behind."""
    registration, taken, queue = db.session.execute(
        _standing_statement(_in_person_only(event)),
        {"standing_event_id": event.id, "standing_user_id": user.id}).one()
    return registration, taken, queue


@lru_cache(maxsize=2)
def _standing_statement(in_person_only: bool):
    """``_standing``'s statement, built once per kind of capacity: building it took a third of
    a millisecond of every registration, while all the others waited on the event's lock."""
    event_id = bindparam("standing_event_id")
    waiting = select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
    return (select(Registration, _seats_query(event_id, in_person_only).scalar_subquery(),
                   waiting.scalar_subquery())
            .select_from(Event)
            .outerjoin(Registration, (Registration.event_id == Event.id)
                       & (Registration.user_id == bindparam("standing_user_id")))
            .where(Event.id == event_id))


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        tuple_(Registration.waitlisted_dt, Registration.id)
        < tuple_(registration.waitlisted_dt, registration.id),
    ))
    return ahead + 1


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """Queue positions of a loaded roster, in the same first-in-first-out order as
    ``waitlist_position`` (earliest waitlisted, then lowest id)."""
    waiting = sorted((r for r in registrations if r.status == RegistrationStatus.WAITLISTED),
                     key=lambda r: (r.waitlisted_dt, r.id))
    return {r.id: n for n, r in enumerate(waiting, start=1)}


def my_registrations(user: User) -> list[tuple[Registration, int | None]]:
    """A person's registrations with their waitlist positions, in two queries."""
    registrations = list(db.session.scalars(
        select(Registration).where(Registration.user_id == user.id)
        .options(joinedload(Registration.event),
                 selectinload(Registration.choices).joinedload(SessionPlace.session))
        .order_by(Registration.created_dt.desc())
    ))
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    positions = {}
    if waiting:
        ahead = select(Registration.event_id, Registration.waitlisted_dt, Registration.id).where(
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.event_id.in_({r.event_id for r in waiting})).order_by(
            Registration.event_id, Registration.waitlisted_dt, Registration.id)
        queue: dict[int, int] = Counter()
        for event_id, _when, registration_id in db.session.execute(ahead):
            queue[event_id] += 1
            positions[registration_id] = queue[event_id]
    return [(r, positions.get(r.id)) for r in registrations]


def roster(event: Event) -> list[Registration]:
    """Everyone registered, real names and all: for organisers only (Chatham House)."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.user).joinedload(User.organisation))
        .order_by(Registration.status, Registration.waitlisted_dt, Registration.created_dt)
    ))


def attendance_counts(event: Event) -> dict:
    """What participants may know: confirmed numbers by country and organisation kind."""
    rows = db.session.execute(
        select(User.country_code, Organisation.kind, Registration.attend_as, func.count())
        .select_from(Registration).join(User, User.id == Registration.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(User.country_code, Organisation.kind, Registration.attend_as)
    ).all()
    return _tally(rows)


def roster_counts(event: Event, registrations: list[Registration]) -> tuple[int, dict]:
    """Seats taken and the participants' numbers, from a roster already loaded."""
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    seats = sum(1 for r in confirmed if counts_toward_capacity(event, r.attend_as))
    rows = Counter((r.user.country_code, r.user.organisation.kind if r.user.organisation
                    else None, r.attend_as) for r in confirmed)
    return seats, _tally((*key, count) for key, count in rows.items())


def _tally(rows) -> dict:
    by_country, by_kind, by_mode = Counter(), Counter(), Counter()
    for country, kind, attend_as, count in rows:
        by_country[country or ""] += count
        by_kind[kind.value if kind else "other"] += count
        by_mode[attend_as.value] += count
    return {"total": sum(by_country.values()), "by_country": dict(sorted(by_country.items())),
            "by_kind": dict(by_kind), "by_mode": dict(by_mode)}


def invites(user: User) -> ColumnElement[bool]:
    """Whether an ``EventInvitee`` row invites ``user``: in person, or with their delegation,
    which is the participants naming its country (an account naming none belongs to none:
    comparing its empty country would match every person's invitation)."""
    return _invitation_of(user.id, user.country_code if _by_country(user) else None)


def _invitation_of(user_id, country_code):
    """``invites`` for a person's id and their delegation's country, None for none (values,
    or bind parameters where one statement serves many people)."""
    criterion = EventInvitee.user_id == user_id
    if country_code is not None:
        criterion = or_(criterion, EventInvitee.country_code == country_code)
    return criterion


def _needs_an_invitation(event: Event, user: User) -> bool:
    return event.is_invitation_only and not user.is_organiser


def _invited(event: Event, user: User):
    """Whether ``user`` is invited to ``event``, as an EXISTS."""
    return select(EventInvitee.id).where(EventInvitee.event_id == event.id,
                                         invites(user)).exists()


def may_register(event: Event, user: User) -> bool:
    if not _needs_an_invitation(event, user):
        return True
    return db.session.scalar(select(_invited(event, user)))


def quota_for(event: Event, country_code: str | None) -> DelegationQuota | None:
    if not country_code:
        return None
    return db.session.scalar(select(DelegationQuota).where(
        DelegationQuota.event_id == event.id, DelegationQuota.country_code == country_code))


# --- locking -----------------------------------------------------------------------------

def lock_event(event: Event) -> Event:
    """Hold the event row until commit: all capacity decisions for it happen one at a time."""
    return lock_row(Event, event.id)


def lock_for_change(registration: Registration) -> tuple[Event, Registration]:
    """The event, the sessions the registration holds places in, then the registration,
    locked in that order and re-read: what the request read before it waited may be stale."""
    event = lock_row(Event, registration.event_id)
    lock_rows(EventSession, db.session.scalars(select(SessionPlace.session_id).where(
        SessionPlace.registration_id == registration.id)))
    registration = lock_row(Registration, registration.id)
    db.session.expire(registration, ["choices"])
    return event, registration


# --- changing ----------------------------------------------------------------------------

def _audit(registration: Registration, actor: User | None, action: str, before, after) -> None:
    db.session.add(AuditRecord(
        actor_id=actor.id if actor else None, action=action, subject_type="registration",
        subject_id=registration.id,
        detail={"from": before.value if before else None, "to": after.value if after else None},
    ))


_CURRENT = object()


def _set_status(registration: Registration, status: RegistrationStatus, actor, action: str,
                before=_CURRENT) -> None:
    """Change status with an audit record; ``before`` is given when the row is new."""
    before = registration.status if before is _CURRENT else before
    registration.status = status
    if status == RegistrationStatus.WAITLISTED and before != RegistrationStatus.WAITLISTED:
        registration.waitlisted_dt = now_utc()
    if status != RegistrationStatus.WAITLISTED:
        registration.waitlisted_dt = None
    db.session.flush()
    _audit(registration, actor, action, before, status)


def _quota_allows(event: Event, attend_as: AttendAs, country_code: str | None) -> bool:
    """Delegation quotas limit in-person places only."""
    if event.kind == EventKind.VIRTUAL or attend_as != AttendAs.IN_PERSON:
        return True
    quota = quota_for(event, country_code)
    return quota is None or seats_taken(event, country_code) < quota.max_in_person


def _has_free_seat(event: Event, attend_as: AttendAs, taken: int | None = None) -> bool:
    """``taken``: the seats taken, when the caller read them already."""
    if not counts_toward_capacity(event, attend_as) or event.capacity is None:
        return True
    return (seats_taken(event) if taken is None else taken) < event.capacity


def _seat_and_quota(event: Event, registration: Registration) -> bool:
    return (_has_free_seat(event, registration.attend_as)
            and _quota_allows(event, registration.attend_as, registration.user.country_code))


def _check_window(event: Event) -> None:
    now = now_utc()
    if event.status != EventStatus.OPEN:
        raise RegistrationConflict(_("Registration for this event is not open."))
    if event.registration_opens_dt and now < event.registration_opens_dt:
        raise RegistrationConflict(_("Registration opens on %(when)s.",
                                     when=viewer_datetime(event.registration_opens_dt)))
    if event.registration_closes_dt and now > event.registration_closes_dt:
        raise RegistrationConflict(_("Registration closed on %(when)s.",
                                     when=viewer_datetime(event.registration_closes_dt)))


def _validate(event: Event, user: User, data: RegistrationInput) -> None:
    if not (data.consent_chatham and data.consent_data):
        raise RegistrationError(_("Please agree to the Chatham House Rule and to the use of "
                                  "your data to register."))
    data.attend_as = _attendance(event, data.attend_as)
    if data.attend_as == AttendAs.IN_PERSON and data.arrival_date and data.departure_date \
            and data.departure_date < data.arrival_date:
        raise RegistrationError(_("Your departure cannot be before your arrival."))
    if data.attend_as == AttendAs.ONLINE:
        data.arrival_date = data.departure_date = None
        data.arrival_time = data.departure_time = None
        data.arrival_flight = data.departure_flight = ""
        data.needs_room, data.room_notes = False, ""
        # Nobody needs a visa to join online: travel documents are not kept at all.
        data.passport_name = data.nationality = data.passport_number = ""
    _check_travel_documents(data)


def _check_travel_documents(data: RegistrationInput) -> None:
    """The passport number as printed and a nationality the platform knows; both optional
    (only someone who needs a visa letter gives them)."""
    data.passport_number = normal_passport_number(data.passport_number)
    if data.passport_number and not is_passport_number(data.passport_number):
        raise RegistrationError(str(PASSPORT_NUMBER_MESSAGE))
    data.nationality = (data.nationality or "").strip().upper()
    if data.nationality and db.session.get(Country, data.nationality) is None:
        raise RegistrationError(_("Choose your nationality from the list."))


def _attendance(event: Event, attend_as: AttendAs) -> AttendAs:
    """How this person attends: as they chose in a hybrid event, else as the event is held."""
    if event.kind == EventKind.VIRTUAL:
        return AttendAs.ONLINE
    if event.kind == EventKind.IN_PERSON:
        return AttendAs.IN_PERSON
    return attend_as


def _limited_sessions(event: Event, session_ids, attend_as: AttendAs) -> list[int]:
    """The chosen sessions with places of their own, each open to the way this person
    attends: an online attendee takes no place on a site visit, nor an in-person one in an
    online-only group."""
    wanted = {int(session_id) for session_id in session_ids}
    if not wanted:
        return []
    sessions = db.session.execute(select(EventSession.id, EventSession.event_id,
                                         EventSession.capacity, EventSession.status,
                                         EventSession.title, EventSession.attendance_mode)
                                  .where(EventSession.id.in_(wanted))).all()
    if len(sessions) != len(wanted) or any(row.event_id != event.id for row in sessions):
        raise RegistrationError(_("That session is not part of this event."))
    if any(row.capacity is None or row.status != SessionStatus.SCHEDULED for row in sessions):
        raise RegistrationError(_("Only sessions with their own places can be chosen."))
    for row in sorted(sessions, key=lambda row: row.title):
        if attend_as == AttendAs.ONLINE and row.attendance_mode == AttendanceMode.IN_PERSON:
            raise RegistrationError(_("%(title)s is in person only: attending online, you "
                                      "cannot take a place in it.", title=row.title))
        if attend_as == AttendAs.IN_PERSON and row.attendance_mode == AttendanceMode.ONLINE:
            raise RegistrationError(_("%(title)s is online only: attending in person, you "
                                      "cannot take a place in it.", title=row.title))
    return sorted(wanted)


def _lock_places(registration: Registration | None, session_ids: list[int]) -> dict:
    """The sessions chosen now and those the registration held places in, locked (after the
    event, before the registration)."""
    held = [] if registration is None else [p.session_id for p in registration.choices]
    return lock_rows(EventSession, {*session_ids, *held})


def _take_session_places(registration: Registration, session_ids: list[int],
                         sessions: dict[int, EventSession]) -> None:
    """Join each chosen session, or its waitlist; leave the ones no longer chosen. The
    caller holds the locks of ``sessions`` (see ``_lock_places``)."""
    current = {place.session_id: place for place in registration.choices}
    for session_id, place in current.items():
        if session_id not in session_ids and place.status in ACTIVE:
            place.status = RegistrationStatus.CANCELLED
            db.session.flush()
            promote_session_waitlist(sessions[session_id])
    for session_id in session_ids:
        place = current.get(session_id)
        if place is not None and place.status in ACTIVE:
            continue
        session = sessions[session_id]
        taken = db.session.scalar(select(func.count()).select_from(SessionPlace).where(
            SessionPlace.session_id == session_id,
            SessionPlace.status == RegistrationStatus.CONFIRMED))
        status = (RegistrationStatus.CONFIRMED if taken < session.capacity
                  else RegistrationStatus.WAITLISTED)
        if place is None:
            place = SessionPlace(registration=registration, session_id=session_id, status=status)
            db.session.add(place)
        place.status = status
        place.waitlisted_dt = now_utc() if status == RegistrationStatus.WAITLISTED else None
        db.session.flush()


def promote_session_waitlist(session: EventSession) -> None:
    taken = db.session.scalar(select(func.count()).select_from(SessionPlace).where(
        SessionPlace.session_id == session.id, SessionPlace.status == RegistrationStatus.CONFIRMED))
    free = None if session.capacity is None else session.capacity - taken
    if free is not None and free <= 0:
        return
    waiting = db.session.scalars(select(SessionPlace).where(
        SessionPlace.session_id == session.id, SessionPlace.status == RegistrationStatus.WAITLISTED)
        .order_by(SessionPlace.waitlisted_dt, SessionPlace.id).limit(free))
    for place in waiting:
        place.status = RegistrationStatus.CONFIRMED
        place.waitlisted_dt = None
    db.session.flush()


@session_places_changing.connect
def _refuse_fewer_places_than_taken(session: EventSession, capacity: int | None) -> None:
    if capacity is None:
        return
    taken = db.session.scalar(select(func.count()).select_from(SessionPlace).where(
        SessionPlace.session_id == session.id, SessionPlace.status == RegistrationStatus.CONFIRMED))
    if capacity < taken:
        raise ConflictError(ngettext(
            "%(num)d person already has a place in this session: it cannot have fewer places.",
            "%(num)d people already have a place in this session: it cannot have fewer places.",
            taken), field="capacity")


@session_places_changed.connect
def _fill_added_places(session: EventSession) -> None:
    promote_session_waitlist(session)


def _apply_details(registration: Registration, data: RegistrationInput) -> None:
    registration.attend_as = data.attend_as
    registration.dietary_needs = data.dietary_needs.strip()
    registration.access_needs = data.access_needs.strip()
    registration.arrival_date = data.arrival_date
    registration.arrival_time = data.arrival_time
    registration.arrival_flight = data.arrival_flight.strip()
    registration.departure_date = data.departure_date
    registration.departure_time = data.departure_time
    registration.departure_flight = data.departure_flight.strip()
    registration.needs_room = data.needs_room
    registration.room_notes = data.room_notes.strip()
    registration.passport_name = data.passport_name.strip()
    registration.nationality = data.nationality or None
    registration.passport_number = data.passport_number
    registration.interpretation_language = data.interpretation_language


def check_may_register(event: Event, user: User) -> None:
    """What ``register`` refuses before it reads anything the person wrote: the event not
    taking registrations now, or by invitation only and this person not invited. The form's
    page asks it first, so that nobody fills in a form that cannot be accepted."""
    _check_window(event)
    if not may_register(event, user):
        raise RegistrationConflict(_("This event is by invitation only, and your delegation "
                                     "has not been invited."))


def register(event: Event, user: User, data: RegistrationInput) -> Registration:
    """Confirm, waitlist or hold for approval; never more confirmed than there are places.

    Everything that does not depend on the count of places is checked before the event row
    is locked, so concurrent registrations queue on the lock as briefly as possible.
    """
    check_may_register(event, user)
    _validate(event, user, data)
    session_ids = _limited_sessions(event, data.session_ids, data.attend_as)
    event = lock_event(event)
    _check_window(event)  # the event may have closed while we waited for the lock
    # After the lock: a twin request has ended, and the seats are as this request leaves them.
    registration, taken, queue = _standing(event, user)
    sessions = _lock_places(registration, session_ids)
    if registration is not None and registration.is_active:
        raise RegistrationConflict(_("You are already registered for this event."))
    if not _quota_allows(event, data.attend_as, user.country_code):
        raise RegistrationConflict(_(
            "The in-person places for your country's delegation are all taken. You can "
            "register to attend online, or ask the organisers."))
    if event.requires_approval:
        status = RegistrationStatus.PENDING
    elif _has_free_seat(event, data.attend_as, taken):
        status = RegistrationStatus.CONFIRMED
    else:
        status = RegistrationStatus.WAITLISTED
    before = registration.status if registration is not None else None
    if registration is None:
        # ``choices=[]``: a new registration holds no places yet; saying so spares a query
        # for them under the event's lock (``_take_session_places`` reads them).
        registration = Registration(event=event, user=user, status=status,
                                    attend_as=data.attend_as, consented_dt=now_utc(), choices=[])
        db.session.add(registration)
    registration.consented_dt = now_utc()
    registration.promoted_dt = None
    _apply_details(registration, data)
    _set_status(registration, status, user, "registered", before=before)
    if status == RegistrationStatus.WAITLISTED:
        # Under the lock, everyone waiting joined before: all of them are ahead.
        registration.queued_as = queue + 1
    _take_session_places(registration, session_ids, sessions)
    email_registrant(registration, registration.status.value)
    return registration


def update_registration(registration: Registration, data: RegistrationInput) -> Registration:
    """Change needs, travel and session choices; the place in the event is kept."""
    event = lock_event(registration.event)
    session_ids = _limited_sessions(event, data.session_ids, _attendance(event, data.attend_as))
    sessions = _lock_places(registration, session_ids)
    registration = lock_row(Registration, registration.id)
    db.session.expire(registration, ["choices"])
    if not registration.is_active:
        raise RegistrationConflict(_("This registration is no longer active."))
    data.consent_chatham = data.consent_data = True
    previous_mode = registration.attend_as
    _validate(event, registration.user, data)
    if data.attend_as != previous_mode and registration.status == RegistrationStatus.CONFIRMED:
        raise RegistrationConflict(_("To switch between in person and online, cancel and "
                                     "register again, or ask the organisers."))
    _apply_details(registration, data)
    _take_session_places(registration, session_ids, sessions)
    return registration


def _release(event: Event, registration: Registration, actor, status: RegistrationStatus,
             action: str) -> list[Registration]:
    """Called with the locks of ``lock_for_change`` held."""
    held_seat = registration.status == RegistrationStatus.CONFIRMED
    _set_status(registration, status, actor, action)
    for place in registration.choices:
        if place.status in ACTIVE:
            place.status = RegistrationStatus.CANCELLED
            db.session.flush()
            promote_session_waitlist(db.session.get(EventSession, place.session_id))
    email_registrant(registration, action, had_place=held_seat)
    tell_registrant(registration, action)
    return promote_waitlist(event, actor) if held_seat else []


def cancel_registration(registration: Registration, actor) -> list[Registration]:
    """Cancel and hand the seat to the first person waiting; returns those promoted.

    Idempotent: cancelling what is already cancelled (a second click, a twin request that
    waited for the lock) changes nothing, sends nothing and writes no audit record.
    """
    event, registration = lock_for_change(registration)
    if actor is not None and not actor.is_organiser and registration.user_id != actor.id:
        # Handed over to a successor meanwhile (app.delegations): no longer theirs to cancel.
        raise RegistrationConflict(_("This registration is no longer yours."))
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    if not registration.is_active:
        raise RegistrationConflict(_("This registration is no longer active."))
    return _release(event, registration, actor, RegistrationStatus.CANCELLED, "cancelled")


def decline_registration(registration: Registration, actor) -> list[Registration]:
    event, registration = lock_for_change(registration)
    if registration.status not in ACTIVE:
        raise RegistrationConflict(_("Only active registrations can be declined."))
    return _release(event, registration, actor, RegistrationStatus.DECLINED, "declined")


def approve_registration(registration: Registration, actor) -> Registration:
    event, registration = lock_for_change(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise RegistrationConflict(_("Only registrations waiting for approval can be approved."))
    if _seat_and_quota(event, registration):
        _set_status(registration, RegistrationStatus.CONFIRMED, actor, "approved")
    else:
        _set_status(registration, RegistrationStatus.WAITLISTED, actor, "approved")
    email_registrant(registration, registration.status.value)
    tell_registrant(registration, registration.status.value)
    return registration


def promote_registration(registration: Registration, actor) -> Registration:
    """An organiser moves one person off the waitlist, when a seat and their quota allow."""
    event, registration = lock_for_change(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise RegistrationConflict(_("Only people on the waitlist can be moved off it."))
    if not _has_free_seat(event, registration.attend_as):
        raise RegistrationConflict(_("There is no free place. Raise the capacity first."))
    if not _quota_allows(event, registration.attend_as, registration.user.country_code):
        raise RegistrationConflict(_("This person's delegation has used all its places."))
    _promote(registration, actor)
    return registration


def _promote(registration: Registration, actor) -> None:
    _set_status(registration, RegistrationStatus.CONFIRMED, actor, "promoted")
    registration.promoted_dt = now_utc()
    email_registrant(registration, "promoted")
    tell_registrant(registration, "promoted")


def promote_waitlist(event: Event, actor=None) -> list[Registration]:
    """Fill free places from the waitlist, first in first out, skipping full delegations."""
    promoted = []
    waiting = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .options(joinedload(Registration.user))
        .order_by(Registration.waitlisted_dt, Registration.id)).all()
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    for registration in waiting:
        if free is not None and free <= 0:
            break
        if not _quota_allows(event, registration.attend_as, registration.user.country_code):
            continue
        _promote(registration, actor)
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted


def set_capacity(event: Event, capacity: int | None, actor) -> list[Registration]:
    event = lock_event(event)
    if capacity is not None and capacity < seats_taken(event):
        raise RegistrationConflict(_("%(n)d people are already confirmed: the capacity cannot "
                                     "be lower.", n=seats_taken(event)), "capacity")
    event.capacity = capacity
    return promote_waitlist(event, actor)


def set_quota(event: Event, country_code: str, max_in_person: int | None, actor):
    """Set or remove a delegation's in-person quota; never below who is already confirmed."""
    event = lock_event(event)
    quota = quota_for(event, country_code)
    if max_in_person is None:
        if quota is not None:
            db.session.delete(quota)
        db.session.flush()
        return promote_waitlist(event, actor)
    confirmed = seats_taken(event, country_code)
    if max_in_person < confirmed:
        raise RegistrationConflict(_("%(n)d people from that delegation are already confirmed "
                                     "in person: the quota cannot be lower.", n=confirmed),
                                   "max_in_person")
    if quota is None:
        quota = DelegationQuota(event_id=event.id, country_code=country_code, max_in_person=0)
        db.session.add(quota)
    quota.max_in_person = max_in_person
    db.session.flush()
    return promote_waitlist(event, actor)


def invite_email_or_delegation(event: Event, email: str | None, country_code: str | None):
    """The roster's invitee form: one person, by the email of their account, or a delegation."""
    if email:
        user = user_by_email(email)
        if user is None:
            raise NobodyToInvite(_("No account uses that email. Invite the person to Roundtable "
                                   "first."), "email")
        return invite_to_event(event, user=user)
    if country_code:
        return invite_to_event(event, country_code=country_code)
    raise NobodyToInvite(_("Choose a delegation or enter an email."))


def invite_to_event(event: Event, *, user: User | None = None, country_code: str | None = None):
    existing = db.session.scalar(select(EventInvitee).where(
        EventInvitee.event_id == event.id,
        EventInvitee.user_id == user.id if user else EventInvitee.country_code == country_code))
    if existing is None:
        existing = EventInvitee(event_id=event.id, user_id=user.id if user else None,
                                country_code=None if user else country_code)
        db.session.add(existing)
        db.session.flush()
        tell_invited(event, user=user, country_code=country_code)
    return existing


def quotas(event: Event) -> list[DelegationQuota]:
    return list(db.session.scalars(select(DelegationQuota).where(
        DelegationQuota.event_id == event.id).order_by(DelegationQuota.country_code)))


def invitees(event: Event) -> list[EventInvitee]:
    return list(db.session.scalars(select(EventInvitee).where(EventInvitee.event_id == event.id)
                                   .options(joinedload(EventInvitee.user))))


# --- telling people ------------------------------------------------------------------------

# Subject and opening line of each state's email, translated when one is sent (in its
# reader's language): only the pair that email uses, not all twelve strings.
_MESSAGES = {
    "confirmed": (_l("Your place is confirmed: %(event)s"),
                  _l("Your registration is confirmed. We look forward to seeing you.")),
    "pending": (_l("Registration received: %(event)s"),
                _l("We received your registration. The organisers will confirm it soon.")),
    "waitlisted": (_l("You are on the waitlist: %(event)s"),
                   _l("The event is full, so you are on the waitlist. We will tell you as "
                      "soon as a place is free.")),
    "promoted": (_l("A place is free for you: %(event)s"),
                 _l("Good news: a place became free and your registration is now "
                    "confirmed.")),
    "cancelled": (_l("Registration cancelled: %(event)s"),
                  _l("Your registration is cancelled. You can register again while "
                     "registration is open.")),
    "declined": (_l("Registration not accepted: %(event)s"),
                 _l("We are sorry: the organisers could not accept your registration.")),
}


def email_registrant(registration: Registration, kind: str, *, had_place: bool = False) -> None:
    """Queue the email for a state change, in the participant's own language. A new place
    carries a calendar invitation (REQUEST); a place given up carries its CANCEL."""

    user = registration.user
    invitation = None
    if kind in ("confirmed", "promoted"):
        invitation = event_invitation(registration, cancel=False)
    elif kind in ("cancelled", "declined") and had_place:
        invitation = event_invitation(registration, cancel=True)
    with force_locale(user.formatting_locale):
        subject, lead = (str(text) for text in _MESSAGES[kind])
        body = render_template("registrations/email/status.txt", registration=registration,
                               lead=lead, user=user,
                               mine_url=absolute_url("registrations.mine"))
        ics, method = invitation or (None, None)
        title = translated(registration.event, "title").text
        queue_email(user.email, subject % {"event": title}, body,
                    calendar=ics, calendar_method=method)


def assign_to_session(session: EventSession, registration: Registration, actor) -> SessionPlace:
    """An organiser puts a registered participant into a small group (within its places)."""
    if registration.event_id != session.event_id:
        raise RegistrationError(_("Only confirmed participants of this event can be "
                                  "assigned."))
    # The order every registration change keeps (event, session, registration): taking the
    # session first, as this once did, deadlocked against people registering for it.
    lock_row(Event, session.event_id)
    locked = lock_row(EventSession, session.id)
    registration = lock_row(Registration, registration.id)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RegistrationError(_("Only confirmed participants of this event can be "
                                  "assigned."))
    place = db.session.scalar(select(SessionPlace).where(
        SessionPlace.registration_id == registration.id, SessionPlace.session_id == session.id))
    if place is not None and place.status == RegistrationStatus.CONFIRMED:
        raise RegistrationConflict(_("This participant is already in this session."))
    if locked.capacity is not None:
        taken = db.session.scalar(select(func.count()).select_from(SessionPlace).where(
            SessionPlace.session_id == session.id,
            SessionPlace.status == RegistrationStatus.CONFIRMED))
        if taken >= locked.capacity:
            raise RegistrationConflict(_("This session is full."))
    if place is None:
        place = SessionPlace(registration=registration, session_id=session.id,
                             status=RegistrationStatus.CONFIRMED)
        db.session.add(place)
    place.status, place.waitlisted_dt = RegistrationStatus.CONFIRMED, None
    db.session.flush()
    _audit(registration, actor, "assigned", None, RegistrationStatus.CONFIRMED)
    return place


def session_members(session: EventSession) -> list[SessionPlace]:
    return list(db.session.scalars(
        select(SessionPlace).where(SessionPlace.session_id == session.id,
                                   SessionPlace.status.in_(ACTIVE))
        .options(joinedload(SessionPlace.registration).joinedload(Registration.user))
        .order_by(SessionPlace.status, SessionPlace.waitlisted_dt, SessionPlace.id)))


def limited_sessions(event: Event) -> list[EventSession]:
    return list(db.session.scalars(select(EventSession).where(
        EventSession.event_id == event.id, EventSession.capacity.is_not(None),
        EventSession.status == SessionStatus.SCHEDULED).order_by(EventSession.start_dt)))


def confirmed_registrations(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .options(joinedload(Registration.user))))


def session_registrants(session: EventSession, user_id: int | None = None) -> list[Registration]:
    """The confirmed registrations whose programme holds ``session`` (``in_programme``: a
    place of their own where the session has places, the right way of attending otherwise),
    with their people; only ``user_id``'s when given."""
    query = select(Registration).where(
        Registration.event_id == session.event_id,
        Registration.status == RegistrationStatus.CONFIRMED).options(
        joinedload(Registration.user)).order_by(Registration.id)
    if user_id is not None:
        query = query.where(Registration.user_id == user_id)
    placed = set(db.session.scalars(select(SessionPlace.registration_id).where(
        SessionPlace.session_id == session.id,
        SessionPlace.status == RegistrationStatus.CONFIRMED)))
    return [registration for registration in db.session.scalars(query)
            if in_programme(session, registration,
                            {session.id} if registration.id in placed else set())]


# --- messages to registrants ---------------------------------------------------------------

MESSAGE_LANGUAGES = ("en", "id", "ms", "th")  # English required, the others optional


def audience_of(countries=(), attend_as: str = "", language: str = "",
                waitlisted: bool = False) -> dict:
    """The filter a message is sent by, as kept with it: delegations (none: every
    country), attendance (in_person, online or "" for both), interpretation language ("" for
    any), and whether people on the waitlist hear too (confirmed people always do)."""
    return {"countries": sorted(set(countries or ())), "attend_as": attend_as or "",
            "language": language or "", "waitlisted": bool(waitlisted)}


def message_recipients(event, audience: dict) -> list[User]:
    """Who a message with this ``audience`` reaches now: the event's confirmed registrants
    (and waitlisted ones if asked) matching every filter given, active accounts only."""
    statuses = [RegistrationStatus.CONFIRMED]
    if audience.get("waitlisted"):
        statuses.append(RegistrationStatus.WAITLISTED)
    query = (select(User).join(Registration, Registration.user_id == User.id)
             .where(Registration.event_id == event.id, Registration.status.in_(statuses),
                    User.deactivated_dt.is_(None)))
    if audience.get("countries"):
        query = query.where(User.country_code.in_(audience["countries"]))
    if audience.get("attend_as"):
        query = query.where(Registration.attend_as == AttendAs(audience["attend_as"]))
    if audience.get("language"):
        query = query.where(Registration.interpretation_language == audience["language"])
    return list(db.session.scalars(query.order_by(User.id)))


def draft_message(event, sender: User, audience: dict, texts: dict) -> EventMessage:
    """A message written, not yet sent: ``texts`` is {language: (subject, body)}; English
    needs both, another language is kept when either is given (the other falls back to
    English when it is read)."""
    english = texts.get("en") or ("", "")
    if not english[0].strip() or not english[1].strip():
        raise RegistrationError(_("Write the message in English; translations are optional."),
                                field="subject_en" if not english[0].strip() else "body_en")
    kept = {}
    for language in MESSAGE_LANGUAGES:
        subject, body = (part.strip() for part in texts.get(language) or ("", ""))
        if subject or body:
            kept[language] = {"subject": subject, "body": body}
    message = EventMessage(event_id=event.id, sender_id=sender.id, audience=audience,
                           texts=kept, created_dt=now_utc())
    db.session.add(message)
    db.session.flush()
    return message


def send_message(message: EventMessage, sender: User) -> int:
    """Send a draft once: the event is locked and the message re-read under the lock, so a
    second press of the button (or a second organiser) finds it sent and sends nothing.
    Each recipient is told on their own (a notice and, as they choose, an email): nobody
    sees who else received it. The number of people reached."""
    lock_row(Event, message.event_id)
    message = db.session.scalars(select(EventMessage).where(EventMessage.id == message.id)
                                 .execution_options(populate_existing=True)).one()
    if message.is_sent:
        raise RegistrationConflict(_("This message has already been sent."))
    recipients = message_recipients(message.event, message.audience)
    tell_message(message, recipients)
    message.sent_dt = now_utc()
    message.recipient_count = len(recipients)
    db.session.add(AuditRecord(
        actor_id=sender.id, action="event_message_sent", subject_type="event",
        subject_id=message.event_id,
        detail={"message": message.id, "audience": message.audience,
                "recipients": len(recipients)}))
    return len(recipients)


def event_messages(event) -> list[EventMessage]:
    """The event's messages, newest first (drafts too: they wait to be confirmed)."""
    return list(db.session.scalars(select(EventMessage).where(EventMessage.event_id == event.id)
                                   .order_by(EventMessage.created_dt.desc(),
                                             EventMessage.id.desc())))
