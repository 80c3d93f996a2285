"""Bilateral calls: the rules, as plain functions. Callers commit.

A call's poll is decided under a lock on the call row (``SELECT ... FOR UPDATE`` on
PostgreSQL; every POST already holds SQLite's write lock), so a vote never lands on a poll
that was closed while it waited, and two organisers cannot pick two slots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.bilaterals.models import Answer
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallRequest
from app.bilaterals.models import CallStatus
from app.bilaterals.models import CandidateSlot
from app.bilaterals.models import SlotVote
from app.bilaterals.notices import tell_poll_opened
from app.bilaterals.notices import tell_scheduled
from app.bilaterals.slots import Block
from app.bilaterals.slots import Invitee
from app.bilaterals.slots import Reason
from app.bilaterals.slots import TeamCheck
from app.bilaterals.slots import find_slots
from app.calendar.ical import Attendee
from app.calendar.services import SESSION
from app.calendar.services import itip_calendar
from app.calendar.services import session_item
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.i18n import country_name
from app.core.i18n import language_name
from app.core.locking import lock_row
from app.core.mail import queue_email
from app.core.models import AuditRecord
from app.core.models import Country
from app.core.registry import Registry
from app.core.time import fmt_when
from app.core.time import now_utc
from app.core.time import to_zone
from app.core.time import zone_label
from app.core.web import absolute_url
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.translations import translated
from app.extensions import db
from app.holidays.services import blocked_times_for
from app.holidays.services import holidays_for
from app.holidays.services import overrides_for
from app.holidays.services import ramadans_for
from app.holidays.workdays import subdivision_for
from app.holidays.workdays import working_days_of
from app.registrations.models import AttendAs
from app.registrations.models import EventInvitee
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupMember
from app.workinggroups.services import group_occurrences

MAX_RANGE_DAYS = 90
PROPOSED_SLOTS = 8
BUSY_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)


class BilateralError(Refusal):
    """Input that breaks a rule; the message is for the user. ``field`` names the form field
    at fault (shown beside it), None when no one field is."""


class Unprocessable(BilateralError):
    status = 422


class BilateralConflict(BilateralError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


@dataclass(frozen=True)
class CallStaffing:
    """What a feature above this one (interpretation) adds to a call that needs it:
    ``team_check(call)``, None or whether a team is free at [start, end) (the slot finder
    proposes only those); ``preview(call, start, end)``, a line for the confirmation page;
    ``staff(call, session)``, run in the pick's unit of work, under the call's lock, to
    staff the new session (raising a ``BilateralConflict`` when it no longer can)."""

    team_check: Callable[[BilateralCall], TeamCheck | None]
    preview: Callable[[BilateralCall, datetime, datetime], str]
    staff: Callable[[BilateralCall, EventSession], None]


CALL_STAFFING: Registry[CallStaffing] = Registry("staffing of a bilateral call")


def staffing_preview(call: BilateralCall, slot: CandidateSlot) -> list[str]:
    """What picking ``slot`` will staff (the interpretation channel and its team)."""
    return [line for line in (staffing.preview(call, slot.start_dt, slot.end_dt)
                              for staffing in CALL_STAFFING) if line]


def _team_check(call: BilateralCall) -> TeamCheck | None:
    checks = [check for check in (staffing.team_check(call) for staffing in CALL_STAFFING)
              if check is not None]
    if not checks:
        return None
    return lambda start, end: all(check(start, end) for check in checks)


# --- who is free when -------------------------------------------------------------------

def _busy(user_ids, start: datetime, end: datetime) -> dict[int, list[tuple]]:
    """Each person's other Roundtable commitments overlapping [start, end): sessions of
    events they are registered for, and their working groups' meetings."""
    busy: dict[int, list[tuple]] = defaultdict(list)
    rows = db.session.execute(
        select(Registration.user_id, EventSession.start_dt, EventSession.end_dt)
        .join(EventSession, EventSession.event_id == Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id.in_(list(user_ids)),
               Registration.status.in_(BUSY_STATUSES),
               EventSession.status == SessionStatus.SCHEDULED,
               Event.status != EventStatus.CANCELLED,
               EventSession.start_dt < end, EventSession.end_dt > start))
    for user_id, session_start, session_end in rows:
        busy[user_id].append((session_start, session_end))
    memberships = db.session.execute(
        select(WorkingGroupMember.user_id, WorkingGroup)
        .join(WorkingGroup, WorkingGroup.id == WorkingGroupMember.group_id)
        .where(WorkingGroupMember.user_id.in_(list(user_ids)))
        .options(selectinload(WorkingGroup.exceptions))).all()
    for user_id, group in memberships:
        for occurrence in group_occurrences(group, after=start - timedelta(days=1), limit=100,
                                            before=end):
            if not occurrence.is_cancelled:
                busy[user_id].append((occurrence.start_dt, occurrence.end_dt))
    return busy


def invitee_profiles(users: list[User], first: date, last: date, *,
                     joint_leave: bool, ramadan: bool = False) -> list[Invitee]:
    """What the slot finder knows of each invitee; with ``ramadan``, their country's
    Ramadan hours on its days of Ramadan."""
    countries = {c.code: c for c in db.session.scalars(select(Country).where(
        Country.code.in_({u.country_code for u in users})))}
    fasting = {code: tuple((r.first_day, r.last_day) for r in ramadans)
               for code, ramadans in ramadans_for(countries, first - timedelta(days=1),
                                                  last + timedelta(days=1)).items()} \
        if ramadan else {}
    overrides = overrides_for(countries, first, last)
    window = (datetime.combine(first, time(), UTC) - timedelta(days=1),
              datetime.combine(last, time(), UTC) + timedelta(days=2))
    busy = _busy([u.id for u in users], *window)
    blocked = {code: tuple(Block(b.weekday, b.start_minute, b.end_minute, b.ramadan_only)
                           for b in blocks)
               for code, blocks in blocked_times_for(countries).items()}
    profiles = []
    # An organiser or interpreter with no country has no working days to keep to.
    for user in (user for user in users if user.country_code in countries):
        country = countries[user.country_code]
        subdivision = subdivision_for(country.code, user.timezone, country.holiday_subdivision)
        profiles.append(Invitee(
            key=user.id, zone=user.timezone, country_code=country.code,
            work_start=country.work_start_minute, work_end=country.work_end_minute,
            working_days=working_days_of(country.code, subdivision),
            holidays=holidays_for(country.code, subdivision, first, last, overrides,
                                  joint_leave=joint_leave),
            busy=tuple(sorted(busy.get(user.id, ()))), blocked=blocked[country.code],
            fasting=fasting.get(country.code, ())))
    return profiles


# How near the start or the end of someone's working day a call may fall before it is
# called early or late for them.
EDGE_OF_DAY = 90


@dataclass(frozen=True)
class SidePlace:
    """Where a slot falls in one zone's working day: "early", "late" or "midday"."""

    zone: str
    country_code: str
    start: datetime  # local
    end: datetime  # local
    place: str


def slot_fairness(call: BilateralCall, slot: CandidateSlot) -> list[SidePlace]:
    """For each side of the call (country a, then b) and each zone its invitees are in, the
    slot's local time and whether it is early or late in their working day."""
    countries = {c.code: c for c in db.session.scalars(select(Country).where(
        Country.code.in_((call.country_a, call.country_b))))}
    zones = sorted({(invitee.user.country_code, invitee.user.timezone)
                    for invitee in call.invitees},
                   key=lambda pair: (pair[0] != call.country_a, pair[1]))
    places = []
    for code, zone in zones:
        country = countries.get(code)
        if country is None:
            continue
        start, end = to_zone(slot.start_dt, zone), to_zone(slot.end_dt, zone)
        start_minute = start.hour * 60 + start.minute
        end_minute = start_minute + int((slot.end_dt - slot.start_dt).total_seconds() // 60)
        if start_minute < country.work_start_minute + EDGE_OF_DAY:
            place = "early"
        elif end_minute > country.work_end_minute - EDGE_OF_DAY:
            place = "late"
        else:
            place = "midday"
        places.append(SidePlace(zone, code, start, end, place))
    return places


WEEKDAYS_PLURAL = (_l("Mondays"), _l("Tuesdays"), _l("Wednesdays"), _l("Thursdays"),
                   _l("Fridays"), _l("Saturdays"), _l("Sundays"))


def reason_text(reason: Reason, locale: str) -> str:
    """A reason from the slot finder in the reader's words."""
    zones = list(reason.zones)
    if reason.code == "no_working_day":
        text = _("Every day of the range is a weekend or a public holiday for the invitees "
                 "in %(zone)s (%(country)s).", zone=zones[0],
                 country=country_name(reason.country_code, locale))
        if reason.holiday_names:
            text += " " + _("Holidays: %(names)s.", names=", ".join(reason.holiday_names))
        return text
    if reason.code == "fully_busy":
        return _("The invitees in %(zone)s have other Roundtable sessions at every working "
                 "hour of the range.", zone=zones[0])
    if reason.code == "no_overlap":
        if len(reason.weekdays) >= 5:
            return _("No overlap of working hours between %(a)s and %(b)s on any working "
                     "day of the range.", a=zones[0], b=zones[1])
        days = ", ".join(str(WEEKDAYS_PLURAL[day]) for day in reason.weekdays)
        return _("No overlap of working hours between %(a)s and %(b)s on %(days)s.",
                 a=zones[0], b=zones[1], days=days)
    if reason.code == "no_team":
        return _("No interpreter team for the call's languages is free at any time that "
                 "suits the invitees: add interpreters, or ask them to free some time.")
    if reason.code == "too_short":
        return _("The working hours of %(zones)s overlap for at most %(n)d minutes on a day, "
                 "too short for the call.", zones=", ".join(zones), n=reason.minutes)
    return _("Other Roundtable sessions of the invitees fill every shared working hour.")


# --- calls ----------------------------------------------------------------------------------

@dataclass
class CallInput:
    country_a: str
    country_b: str
    topic: str
    duration_minutes: int
    first_date: date
    last_date: date
    invitee_ids: list[int]
    timezone: str
    follow_up_event_id: int | None = None
    interpretation: str = ""  # "th-en"
    avoid_joint_leave: bool = True
    ramadan_hours: bool = True
    book_interpreters: bool = False  # from Roundtable's interpreters (needs interpretation)
    online_url: str = ""
    request_id: int | None = None  # the participant's request this call answers


def _check_call(data: CallInput) -> list[User]:
    if data.country_a == data.country_b:
        raise Unprocessable(_("A bilateral call is between two different countries."))
    today = to_zone(now_utc(), data.timezone).date()
    if data.first_date < today:
        raise Unprocessable(_("The date range starts in the past. Choose dates from today."))
    if data.last_date < data.first_date:
        raise Unprocessable(_("The last date cannot be before the first date."))
    if (data.last_date - data.first_date).days + 1 > MAX_RANGE_DAYS:
        raise Unprocessable(_("The date range is longer than %(n)d days. Choose a shorter "
                              "range.", n=MAX_RANGE_DAYS))
    if data.duration_minutes % 15 or not 15 <= data.duration_minutes <= 480:
        raise Unprocessable(_("The duration must be between 15 minutes and 8 hours, in "
                              "steps of 15 minutes."))
    users = list(db.session.scalars(select(User).where(User.id.in_(set(data.invitee_ids)),
                                                       User.deactivated_dt.is_(None))))
    if len(users) != len(set(data.invitee_ids)) or not users:
        raise Unprocessable(_("Choose the invitees from the list."))
    pair = (data.country_a, data.country_b)
    if any(side_of(user, pair) is None and not is_supporting(user) for user in users):
        raise Unprocessable(_("Every invitee must belong to one of the two countries' "
                              "delegations, or be an organiser or an interpreter."))
    countries = {side_of(user, pair) for user in users} - {None}
    if countries != set(pair):
        missing = (set(pair) - countries).pop()
        raise Unprocessable(_("Invite people from both countries: nobody from %(country)s's "
                              "delegation is invited.",
                              country=country_name(missing, str(get_locale()))))
    if data.interpretation:
        parts = data.interpretation.split("-")
        if len(parts) != 2 or parts[0] == parts[1] or not all(parts):
            raise Unprocessable(_("Choose the interpretation as two different languages."))
    if data.follow_up_event_id is not None and \
            db.session.get(Event, data.follow_up_event_id) is None:
        raise Unprocessable(_("Choose the event this call follows from the list."))
    return users


def side_of(user: User, pair: tuple[str, str]) -> str | None:
    """The delegation of the two a person sits in: a participant of that country."""
    return user.country_code if user.is_participant and user.country_code in pair else None


def is_supporting(user: User) -> bool:
    """Organisers and interpreters may join any call beside the two delegations."""
    return user.is_organiser or user.is_interpreter


@dataclass(frozen=True)
class InviteeGroup:
    """People a call may invite, one group each: a delegation (``country`` set; ticked by
    default), organisers, interpreters."""

    country: str | None
    role: str  # "delegation", "organiser" or "interpreter"
    people: tuple[User, ...]


def invitable(country_a: str | None, country_b: str | None) -> list[InviteeGroup]:
    """Who the call form offers: the active delegates of the two countries (each country's
    participants), then organisers and interpreters not already in one of them. Nobody else
    of the platform: a call is between two delegations."""
    pair = tuple(code for code in (country_a, country_b) if code)
    people = db.session.scalars(select(User).where(
        User.deactivated_dt.is_(None),
        (User.is_participant & User.country_code.in_(pair)) | User.is_organiser
        | User.is_interpreter).order_by(User.display_name, User.id)).all()
    groups = [InviteeGroup(code, "delegation", tuple(
        user for user in people if side_of(user, pair) == code)) for code in dict.fromkeys(pair)]
    rest = [user for user in people if side_of(user, pair) is None]
    groups.append(InviteeGroup(None, "organiser", tuple(u for u in rest if u.is_organiser)))
    groups.append(InviteeGroup(None, "interpreter", tuple(
        u for u in rest if u.is_interpreter and not u.is_organiser)))
    return [group for group in groups if group.people]


def create_call(data: CallInput, actor: User) -> BilateralCall:
    """Create the call and propose its slots (none, with reasons, when nothing fits)."""
    users = _check_call(data)
    source, _sep, target = data.interpretation.partition("-")
    call = BilateralCall(
        country_a=data.country_a, country_b=data.country_b, topic=data.topic.strip(),
        duration_minutes=data.duration_minutes, first_date=data.first_date,
        last_date=data.last_date, timezone=data.timezone,
        follow_up_event_id=data.follow_up_event_id, interpretation_from=source,
        interpretation_to=target, avoid_joint_leave=data.avoid_joint_leave,
        ramadan_hours=data.ramadan_hours,
        book_interpreters=data.book_interpreters and bool(data.interpretation),
        online_url=data.online_url.strip(), created_by_id=actor.id, status=CallStatus.OPEN,
        invitees=[CallInvitee(user_id=user.id) for user in users])
    db.session.add(call)
    db.session.flush()
    if data.request_id is not None:
        request = db.session.get(CallRequest, data.request_id)
        if request is not None and request.call_id is None:
            request.call_id = call.id
    propose_slots(call, users)
    tell_poll_opened(call, users)
    return call


def ask_for_call(user: User, other_country: str, topic: str, note: str = "") -> CallRequest:
    """A participant asks for a follow-up call between their delegation and another one;
    the organisers are told by email and plan it (invitees, dates) from the request."""
    if not user.country_code:
        raise Unprocessable(_("Set your country in your profile first: a bilateral call is "
                              "between your delegation and another one."))
    if db.session.get(Country, other_country) is None:
        raise Unprocessable(_("Choose a country from the list."))
    if other_country == user.country_code:
        raise Unprocessable(_("Choose the other country: a bilateral call is between two "
                              "countries."))
    if not topic.strip():
        raise Unprocessable(_("Say what the call should be about."))
    request = CallRequest(requester_id=user.id, country_a=user.country_code,
                          country_b=other_country, topic=topic.strip()[:200],
                          note=note.strip())
    db.session.add(request)
    db.session.flush()
    for organiser in db.session.scalars(select(User).where(User.is_organiser)):
        with force_locale(organiser.formatting_locale):
            pair = "–".join(country_name(code, organiser.formatting_locale)
                            for code in (request.country_a, request.country_b))
            queue_email(organiser.email,
                        _("A participant asks for a bilateral call: %(countries)s",
                          countries=pair),
                        render_template("bilaterals/email/call_request.txt", request=request,
                                        pair=pair, url=absolute_url("bilaterals.list_calls")))
    return request


def open_requests() -> list[CallRequest]:
    return list(db.session.scalars(
        select(CallRequest).where(CallRequest.call_id.is_(None))
        .options(joinedload(CallRequest.requester)).order_by(CallRequest.created_dt)))


def propose_slots(call: BilateralCall, users: list[User] | None = None) -> list[CandidateSlot]:
    """(Re)compute the candidates; refused once anyone answered, as answers would be lost."""
    if users is None:
        users = [invitee.user for invitee in call.invitees]
    if db.session.scalar(select(func.count()).select_from(SlotVote).join(CandidateSlot).where(
            CandidateSlot.call_id == call.id)):
        raise BilateralConflict(_("Invitees have already answered the poll: its slots can no "
                                  "longer change."))
    db.session.execute(delete(CandidateSlot).where(CandidateSlot.call_id == call.id))
    db.session.expire(call, ["slots"])
    profiles = invitee_profiles(users, call.first_date, call.last_date,
                                joint_leave=call.avoid_joint_leave, ramadan=call.ramadan_hours)
    search = find_slots(profiles, call.first_date, call.last_date, call.duration_minutes,
                        not_before=now_utc(), day_zone=call.timezone, team=_team_check(call))
    slots = [CandidateSlot(call_id=call.id, start_dt=slot.start_dt, end_dt=slot.end_dt,
                           rank=rank, worst_minutes=slot.worst)
             for rank, slot in enumerate(search.slots[:PROPOSED_SLOTS], start=1)]
    db.session.add_all(slots)
    call.no_slot_reasons = [reason_record(r) for r in search.reasons]
    db.session.flush()
    return slots


def reason_record(reason: Reason) -> dict:
    return {"code": reason.code, "zones": list(reason.zones),
            "country_code": reason.country_code, "weekdays": list(reason.weekdays),
            "holiday_names": list(reason.holiday_names), "minutes": reason.minutes}


def stored_reasons(call: BilateralCall) -> list[Reason]:
    return [Reason(code=r["code"], zones=tuple(r["zones"]), country_code=r["country_code"],
                   weekdays=tuple(r["weekdays"]), holiday_names=tuple(r["holiday_names"]),
                   minutes=r["minutes"]) for r in call.no_slot_reasons or []]


def calls_for(user: User) -> list[BilateralCall]:
    """Every call for organisers; the calls a participant is invited to otherwise."""
    query = select(BilateralCall).options(selectinload(BilateralCall.invitees)).order_by(
        BilateralCall.created_dt.desc(), BilateralCall.id.desc())
    if not user.is_organiser:
        query = query.where(BilateralCall.id.in_(
            select(CallInvitee.call_id).where(CallInvitee.user_id == user.id)))
    return list(db.session.scalars(query))


def is_invited(call: BilateralCall, user: User) -> bool:
    return any(invitee.user_id == user.id for invitee in call.invitees)


def lock_call(call: BilateralCall) -> BilateralCall:
    return lock_row(BilateralCall, call.id)


def my_answers(call: BilateralCall, user: User) -> dict[int, Answer]:
    return dict(db.session.execute(
        select(SlotVote.slot_id, SlotVote.answer).join(CandidateSlot).where(
            CandidateSlot.call_id == call.id, SlotVote.user_id == user.id)).all())


def vote(call: BilateralCall, user: User, answers: dict[int, Answer]) -> None:
    """Record or change a person's answers; only on an open poll, only for offered slots."""
    call = lock_call(call)
    if not call.is_open:
        raise BilateralConflict(_("This poll is closed: the call is already scheduled or "
                                  "cancelled."))
    if not is_invited(call, user):
        raise BilateralConflict(_("Only the invitees of this call can answer its poll."))
    offered = {slot.id for slot in call.slots}
    if not answers or not set(answers) <= offered:
        raise Unprocessable(_("That slot is not offered in this poll."))
    existing = {v.slot_id: v for v in db.session.scalars(select(SlotVote).where(
        SlotVote.slot_id.in_(offered), SlotVote.user_id == user.id))}
    for slot_id, answer in answers.items():
        current = existing.get(slot_id)
        if current is None:
            db.session.add(SlotVote(slot_id=slot_id, user_id=user.id, answer=answer))
        else:
            current.answer = answer
    db.session.flush()


@dataclass
class Tally:
    yes: int = 0
    if_need_be: int = 0
    no: int = 0


def tally(call: BilateralCall) -> dict[int, Tally]:
    """Answers per slot in one grouped query."""
    counts = {slot.id: Tally() for slot in call.slots}
    rows = db.session.execute(
        select(SlotVote.slot_id, SlotVote.answer, func.count()).join(CandidateSlot)
        .where(CandidateSlot.call_id == call.id).group_by(SlotVote.slot_id, SlotVote.answer))
    for slot_id, answer, count in rows:
        setattr(counts[slot_id], answer.value, count)
    return counts


@dataclass(frozen=True)
class PersonAnswers:
    user: User
    answers: dict[int, Answer]  # slot id -> answer; empty when they have not answered


def answers_by_person(call: BilateralCall) -> list[PersonAnswers]:
    """Each invitee's answer to each slot (one query), the delegation of country a first,
    then b, then organisers and interpreters, by name: for organisers only."""
    given: dict[int, dict[int, Answer]] = defaultdict(dict)
    for user_id, slot_id, answer in db.session.execute(
            select(SlotVote.user_id, SlotVote.slot_id, SlotVote.answer).join(CandidateSlot)
            .where(CandidateSlot.call_id == call.id)):
        given[user_id][slot_id] = answer
    pair = (call.country_a, call.country_b)
    order = {call.country_a: 0, call.country_b: 1}
    people = sorted((invitee.user for invitee in call.invitees), key=lambda user: (
        order.get(side_of(user, pair), 2), user.display_name.lower(), user.id))
    return [PersonAnswers(user, given.get(user.id, {})) for user in people]


def answered_count(call: BilateralCall) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(SlotVote.user_id))).join(CandidateSlot)
        .where(CandidateSlot.call_id == call.id))


def _interpretation_for(user: User, call: BilateralCall) -> str:
    """The channel a person listens to: the language they speak when they do not speak
    both sides of the call (a Thai speaker hears the English interpreted into Thai)."""
    source, target = call.interpretation_from, call.interpretation_to
    speaks = set(user.languages or [])
    if not source or {source, target} <= speaks:
        return ""
    return source if source in speaks and target not in speaks else target


def call_title(call: BilateralCall) -> str:
    a = db.session.get(Country, call.country_a)
    b = db.session.get(Country, call.country_b)
    return f"Bilateral call: {a.name}–{b.name}: {call.topic}"[:200]


def pick_slot(call: BilateralCall, slot_id: int, actor: User) -> EventSession:
    """The chosen slot becomes a bilateral session of its own virtual event; every invitee
    is registered, confirmed, and receives a calendar invitation (iTIP REQUEST); the
    session is staffed (its interpretation channel and team) in the same unit of work."""
    call = lock_call(call)
    if not call.is_open:
        raise BilateralConflict(_("This poll is closed: the call is already scheduled or "
                                  "cancelled."))
    slot = next((s for s in call.slots if s.id == slot_id), None)
    if slot is None:
        raise Unprocessable(_("That slot is not offered in this poll."))
    day = to_zone(slot.start_dt, call.timezone).date()
    languages = [code for code in (call.interpretation_from, call.interpretation_to) if code]
    description = [call.topic]
    if call.follow_up_event is not None:
        description.append(f"Follow-up of: {call.follow_up_event.title}")
    if languages:
        description.append("Interpretation: " + "–".join(
            language_name(code, "en") for code in languages))
    event = Event(title=call_title(call), kind=EventKind.VIRTUAL, status=EventStatus.OPEN,
                  timezone=call.timezone, start_date=day, end_date=day,
                  description="\n".join(description), is_invitation_only=True,
                  is_private=True,  # its invitees, organisers and interpreters only
                  is_chatham_house=True, country_codes=[call.country_a, call.country_b],
                  online_url=call.online_url)
    session = EventSession(event=event, title=call.topic[:200], kind=SessionKind.BILATERAL,
                           start_dt=slot.start_dt, end_dt=slot.end_dt,
                           attendance_mode=AttendanceMode.ONLINE,
                           floor_language=call.interpretation_from or "en")
    db.session.add_all([event, session])
    db.session.flush()
    for staffing in CALL_STAFFING:
        staffing.staff(call, session)
    now = now_utc()
    for invitee in call.invitees:
        user = invitee.user
        db.session.add(EventInvitee(event_id=event.id, user_id=user.id))
        registration = Registration(
            event=event, user=user, status=RegistrationStatus.CONFIRMED,
            attend_as=AttendAs.ONLINE, consented_dt=now,
            interpretation_language=_interpretation_for(user, call))
        db.session.add(registration)
        db.session.flush()
        db.session.add(AuditRecord(actor_id=actor.id, action="registered_by_poll",
                                   subject_type="registration", subject_id=registration.id,
                                   detail={"from": None, "to": "confirmed", "call": call.id}))
        _invite(session, user)
    slot.is_chosen = True
    call.status, call.session_id = CallStatus.SCHEDULED, session.id
    db.session.flush()
    tell_scheduled(call, slot.start_dt)
    return session


def _invite(session: EventSession, user: User) -> None:
    locale = user.formatting_locale
    with force_locale(locale):
        attendee = Attendee(user.email, user.display_name, "ACCEPTED")
        ics = itip_calendar(user, session_item(session, may_join=True, attendee=attendee),
                            "REQUEST", kind=SESSION, event_id=session.event_id,
                            session_id=session.id)
        body = render_template(
            "bilaterals/email/scheduled.txt", session=session,
            when=fmt_when(session.start_dt, user.timezone, locale, user.buddhist_era),
            zone=zone_label(user.timezone, locale, session.start_dt),
            url=absolute_url("events.show_event", event_id=session.event_id))
        queue_email(user.email, _("Scheduled: %(title)s",
                                  title=translated(session.event, "title").text), body,
                    calendar=ics, calendar_method="REQUEST")


def cancel_call(call: BilateralCall) -> None:
    call = lock_call(call)
    if not call.is_open:
        raise BilateralConflict(_("Only a call whose poll is still open can be cancelled "
                                  "here; cancel a scheduled call from its event."))
    call.status = CallStatus.CANCELLED
    db.session.flush()
