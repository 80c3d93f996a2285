"""Interpretation: channels, requests, interpreter profiles and assignments under the
staffing rules (``rules.py``). Services flush; callers commit.

Concurrency: an assignment change locks, in the order of ``app.core.locking``, the session
of the channel and then the interpreters it touches, and re-reads the team under those locks;
auto-assign locks the event, its sessions and every interpreter it may choose. So two
organisers (or two auto-assign runs for events at the same hours) can never both give one
interpreter overlapping work, and a second run sees what the first one planned.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.calendar.ical import Attendee
from app.calendar.services import ASSIGNMENT
from app.calendar.services import itip_calendar
from app.calendar.services import session_item
from app.core import languages as interpretation_languages
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.locking import lock_rows
from app.core.mail import queue_email
from app.core.models import AuditRecord
from app.core.time import fmt_when
from app.core.time import localize
from app.core.time import now_utc
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
from app.interpretation import rules
from app.interpretation.models import BOOKED
from app.interpretation.models import DECLINE_REASON_MAX
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import Availability
from app.interpretation.models import Grade
from app.interpretation.models import InterpretationRequest
from app.interpretation.models import InterpreterLanguage
from app.interpretation.models import InterpreterProfile
from app.interpretation.models import Language
from app.interpretation.models import LanguageNotProvided
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel
from app.interpretation.notices import tell_interpreter_proposed
from app.interpretation.notices import tell_language_not_provided
from app.interpretation.notices import tell_language_provided
from app.interpretation.notices import tell_organisers_declined
from app.registrations.models import ACTIVE
from app.registrations.models import Registration


class InterpretationError(Refusal):
    """A rule of this feature broken; see ``app.core.errors.Refusal``."""


class RuleBroken(InterpretationError, Conflict):
    """A staffing rule refuses the change, given the assignments already made; the message
    names the rule."""


class NoLongerOpen(InterpretationError, Conflict):
    """The assignment changed meanwhile (declined already, taken back, its session
    cancelled): what the person saw on their page no longer holds."""


def limits() -> rules.Limits:
    return rules.Limits.from_config(current_app.config)


def languages(keep=()) -> list[Language]:
    """The managed list's languages on offer (not retired), and those in ``keep``."""
    return interpretation_languages.offered(keep)


# --- the managed list of languages ----------------------------------------------------------

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
NAME_LOCALES = ("en", "id", "ms", "th")
NAME_MAX = 80


class LanguageError(InterpretationError):
    """A language the list cannot take (or give up) as asked; ``field`` names the input."""


def all_languages() -> list[Language]:
    """Every language of the list, retired ones too, with what uses each (one query each)."""
    return list(db.session.scalars(select(Language).order_by(Language.code)))


def open_channel_counts() -> dict[str, int]:
    """Channels, per language, of sessions not over and not cancelled: what the language
    still serves (relay through it included)."""
    now = now_utc()
    found: Counter = Counter()
    for code, via in db.session.execute(
            select(SessionChannel.language_code, SessionChannel.relay_via)
            .join(SessionChannel.session).join(EventSession.event)
            .where(EventSession.end_dt >= now, EventSession.status != SessionStatus.CANCELLED,
                   Event.status != EventStatus.CANCELLED)):
        found[code] += 1
        if via:
            found[via] += 1
    return dict(found)


def add_language(code: str, *, name: str, names: dict[str, str], is_sign: bool,
                 actor: User | None = None) -> Language:
    """Put a language on the list (or back on it, when it was retired: with the names
    given now). ``code``: an ISO 639 code (two or three letters, e.g. "my", "asf"),
    optionally with a region or script ("zh-hant")."""
    code = (code or "").strip().lower()
    if not LANGUAGE_CODE.match(code):
        raise LanguageError(_("Give the language's ISO 639 code: two or three letters, such "
                              "as my for Burmese or asf for Auslan."), field="code")
    names = {locale: (names.get(locale) or "").strip() for locale in NAME_LOCALES}
    name = (name or "").strip()
    if not (names["en"] or interpretation_languages.label(code, "en") != code):
        raise LanguageError(_("Give the language's name in English: the app knows no name "
                              "for %(code)s.", code=code), field="name_en")
    if any(len(text) > NAME_MAX for text in (name, *names.values())):
        raise LanguageError(_("Keep each name to %(max)d characters or fewer.", max=NAME_MAX))
    language = lock_row(Language, code)
    if language is not None and not language.is_retired:
        raise LanguageError(_("%(language)s (%(code)s) is on the list already.",
                              language=rules.lang(code), code=code), field="code")
    if language is None:
        language = Language(code=code)
        db.session.add(language)
    language.name = name or names["en"] or code
    language.names = {locale: text for locale, text in names.items() if text}
    language.is_sign = bool(is_sign)
    language.retired_dt = None
    db.session.flush()
    interpretation_languages.forget_names()
    _audit(actor, "language_added", language)
    return language


def retire_language(language: Language, actor: User | None = None) -> Language:
    """Offer the language no more. Refused while a channel not yet over uses it, and for the
    pivot language relay goes through. Opening a channel does not lock the language (it runs
    after session and interpreter locks in one transaction, see ``app.core.locking``), so a
    channel opened in the very moment of retirement can outlive it: it keeps working, as
    everything else already pointing at a retired language does."""
    lock_row(Language, language.code)
    db.session.refresh(language)
    if language.is_retired:
        raise LanguageError(_("%(language)s is retired already.",
                              language=rules.lang(language.code)))
    if language.code == limits().pivot:
        raise LanguageError(_("%(language)s is the pivot language relay goes through: it "
                              "stays on the list.", language=rules.lang(language.code)))
    channels = open_channel_counts().get(language.code, 0)
    if channels:
        raise RuleBroken(ngettext(
            "%(language)s still has %(num)d open channel: it can be retired once that "
            "session is over or its channel is gone.",
            "%(language)s still has %(num)d open channels: it can be retired once those "
            "sessions are over or their channels are gone.", channels,
            language=rules.lang(language.code)))
    language.retired_dt = now_utc()
    db.session.flush()
    interpretation_languages.forget_names()  # the request's choices no longer offer it
    _audit(actor, "language_retired", language)
    return language


def _audit(actor, action: str, language: Language) -> None:
    db.session.add(AuditRecord(actor_id=actor.id if actor else None, action=action,
                               subject_type="language", subject_id=0,
                               detail={"code": language.code, "is_sign": language.is_sign}))


def _lock_team(channel: SessionChannel, interpreter_id: int) -> InterpreterProfile:
    """The channel's session, then the interpreter; the team is re-read under the locks."""
    lock_row(EventSession, channel.session_id)
    profile = lock_row(InterpreterProfile, interpreter_id)
    db.session.expire(channel, ["assignments"])
    return profile


# --- views of the models for the rules ------------------------------------------------------

def is_on_site(session: EventSession) -> bool:
    """A booth at the venue, unless the session (or the whole event) happens online."""
    return (session.event.kind != EventKind.VIRTUAL
            and session.attendance_mode != AttendanceMode.ONLINE)


def slot_of(channel: SessionChannel, listeners: int | None = None) -> rules.Slot:
    """The channel as the rules see it. Whispering is staffed by its listeners: counted here
    (one query) unless the caller knows them."""
    session = channel.session
    event = session.event
    mode = channel.mode or Mode.SIMULTANEOUS
    if listeners is None:
        listeners = listeners_of(channel) if mode == Mode.WHISPERED else 0
    return rules.Slot(
        channel_id=channel.id, event_id=event.id, title=session.title,
        start=session.start_dt, end=session.end_dt, floor=session.floor_language,
        target=channel.language_code, relay_via=channel.relay_via,
        is_retour=channel.is_retour, gives_relay=channel.gives_relay,
        on_site=is_on_site(session), place=event.venue, zone=event.timezone,
        cancelled=session.status == SessionStatus.CANCELLED
        or event.status == EventStatus.CANCELLED,
        mode=mode, listeners=listeners,
    )


def person_of(profile: InterpreterProfile) -> rules.Person:
    return rules.Person(
        id=profile.user_id, name=profile.user.public_name, grades=profile.grades(),
        remote=profile.works_remote, on_site=profile.works_on_site, zone=profile.timezone,
        windows=tuple((a.start_dt, a.end_dt) for a in profile.availability if a.is_available),
        off=tuple((a.start_dt, a.end_dt) for a in profile.availability if not a.is_available),
    )


def _booked_assignments(interpreter_ids) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).where(Assignment.interpreter_id.in_(list(interpreter_ids)),
                                 Assignment.status.in_(BOOKED))
        .options(joinedload(Assignment.channel).joinedload(SessionChannel.session)
                 .joinedload(EventSession.event))))


def booked_slots(interpreter_ids, exclude: Assignment | None = None) -> dict[int, list]:
    """Each interpreter's proposed and accepted work, as rule slots (one query)."""
    found = defaultdict(list)
    for assignment in _booked_assignments(interpreter_ids):
        if exclude is None or assignment.id != exclude.id:
            found[assignment.interpreter_id].append(slot_of(assignment.channel))
    return found


def profiles_query():
    return select(InterpreterProfile).options(
        joinedload(InterpreterProfile.user), selectinload(InterpreterProfile.languages),
        selectinload(InterpreterProfile.availability))


def all_profiles() -> list[InterpreterProfile]:
    return list(db.session.scalars(profiles_query().join(InterpreterProfile.user)
                                   .order_by(User.display_name)).unique())


def team_of(channel: SessionChannel, exclude: Assignment | None = None) -> list[Assignment]:
    return [a for a in channel.assignments if a.is_booked and a is not exclude]


def check_assignment(channel: SessionChannel, profile: InterpreterProfile,
                     exclude: Assignment | None = None) -> None:
    """Raise ``RuleBroken`` naming the first rule the interpreter in this channel breaks."""
    slot = slot_of(channel)
    problem = rules.first_problem(
        slot, person_of(profile), booked_slots([profile.user_id], exclude)[profile.user_id],
        len(team_of(channel, exclude)), limits())
    if problem:
        raise RuleBroken(problem)


# --- channels and relay ---------------------------------------------------------------------

def event_channels(event: Event) -> list[SessionChannel]:
    return list(db.session.scalars(
        select(SessionChannel).join(SessionChannel.session)
        .where(EventSession.event_id == event.id)
        .order_by(EventSession.start_dt, EventSession.id, SessionChannel.language_code)
        .options(joinedload(SessionChannel.session).joinedload(EventSession.event),
                 selectinload(SessionChannel.assignments).joinedload(Assignment.interpreter)
                 .joinedload(InterpreterProfile.user))).unique())


def open_channel(session: EventSession, language_code: str, *, is_retour: bool = False,
                 mode: Mode = Mode.SIMULTANEOUS) -> SessionChannel:
    """A channel in a language of the list, staffed under its mode's rule: a sign language
    always under the sign-language rule, whispering only where the listeners are."""
    language = db.session.get(Language, language_code)
    if language is None or language.is_retired:
        raise InterpretationError(_("Choose a language from the list."))
    mode = Mode.SIGN if language.is_sign else Mode(mode)
    if mode == Mode.SIGN and not language.is_sign:
        raise InterpretationError(_("%(language)s is not a sign language: choose another "
                                    "mode.", language=rules.lang(language_code)))
    if rules.STAFFING[mode].on_site_only and not is_on_site(session):
        raise RuleBroken(_("Rule: whispering — the interpreter whispers beside the listeners, "
                           "so %(title)s must be on site; choose consecutive or simultaneous "
                           "for an online session.", title=session.title))
    if session.status == SessionStatus.CANCELLED:
        raise RuleBroken(_("Rule: cancelled session — %(title)s is cancelled; it needs no "
                           "interpretation.", title=session.title))
    if language_code == session.floor_language:
        raise InterpretationError(_("%(language)s is the floor language of %(title)s: it "
                                    "needs no channel.", language=rules.lang(language_code),
                                    title=session.title))
    exists = db.session.scalar(select(SessionChannel.id).where(
        SessionChannel.session_id == session.id, SessionChannel.language_code == language_code))
    if exists:
        raise RuleBroken(_("%(title)s already has a %(language)s channel.",
                           title=session.title, language=rules.lang(language_code)))
    channel = SessionChannel(session=session, language_code=language_code,
                             is_retour=is_retour, mode=mode)
    problem = rules.team_problem(slot_of(channel), 0, limits())
    if problem:
        raise RuleBroken(problem)
    db.session.add(channel)
    db.session.flush()
    _clear_not_provided(session, language_code)
    tell_language_provided(channel)
    return channel


# --- a language that will not be provided ---------------------------------------------------

NOT_PROVIDED_REASON_MAX = 300


def mark_not_provided(event: Event, session: EventSession | None, language_code: str,
                      reason: str, actor: User) -> LanguageNotProvided:
    """Organisers say a language asked for will not be interpreted, for one session or (no
    ``session``) the whole event: everyone who asked for it is told, with the reason if
    given. Decided under the event's lock, so two organisers cannot mark it twice."""
    lock_row(Event, event.id)
    if db.session.get(Language, language_code) is None:
        raise InterpretationError(_("Choose a language from the list."), field="language")
    reason = (reason or "").strip()[:NOT_PROVIDED_REASON_MAX]
    sessions = [session] if session is not None else list(event.sessions)
    open_channels = db.session.scalar(select(SessionChannel.id).where(
        SessionChannel.session_id.in_([s.id for s in sessions]),
        SessionChannel.language_code == language_code).limit(1))
    if session is not None and open_channels:
        raise RuleBroken(_("%(title)s already has a %(language)s channel.",
                           title=session.title, language=rules.lang(language_code)))
    already = db.session.scalar(select(LanguageNotProvided.id).where(
        LanguageNotProvided.event_id == event.id,
        LanguageNotProvided.language_code == language_code,
        LanguageNotProvided.session_id.is_(None) if session is None
        else LanguageNotProvided.session_id == session.id))
    if already:
        raise RuleBroken(_("%(language)s is already marked as not provided there.",
                           language=rules.lang(language_code)))
    mark = LanguageNotProvided(event_id=event.id, session=session,
                               language_code=language_code, reason=reason,
                               decided_by=actor.id)
    db.session.add(mark)
    db.session.flush()
    db.session.add(AuditRecord(
        actor_id=actor.id, action="interpretation_not_provided", subject_type="event",
        subject_id=event.id, detail={"language": language_code,
                                     "session": session.id if session else None,
                                     "reason": reason}))
    tell_language_not_provided(mark, event)
    return mark


def _clear_not_provided(session: EventSession, language_code: str) -> None:
    """A channel opened: the language is provided after all, for this session (and the
    event-wide mark no longer holds either)."""
    marks = list(db.session.scalars(select(LanguageNotProvided).where(
        LanguageNotProvided.event_id == session.event_id,
        LanguageNotProvided.language_code == language_code,
        (LanguageNotProvided.session_id == session.id)
        | LanguageNotProvided.session_id.is_(None))))
    for mark in marks:
        db.session.add(AuditRecord(
            actor_id=None, action="interpretation_not_provided_cleared",
            subject_type="event", subject_id=session.event_id,
            detail={"language": language_code, "session": mark.session_id,
                    "channel_session": session.id}))
        db.session.delete(mark)


def not_provided_marks(event: Event) -> list[LanguageNotProvided]:
    return list(db.session.scalars(select(LanguageNotProvided).where(
        LanguageNotProvided.event_id == event.id).order_by(LanguageNotProvided.id)))


def not_provided_for(registration) -> list[tuple[str, str, str]]:
    """What a registrant asked for that will not be provided: (language code, the session's
    title or "" for the whole event, reason), for their registration's language and their
    requests per session."""
    wanted = {registration.interpretation_language} - {""}
    per_session = dict(db.session.execute(
        select(InterpretationRequest.session_id, InterpretationRequest.language_code)
        .join(EventSession, EventSession.id == InterpretationRequest.session_id)
        .where(EventSession.event_id == registration.event_id,
               InterpretationRequest.user_id == registration.user_id)).all())
    found = []
    for mark in not_provided_marks(registration.event):
        if mark.session_id is None:
            if mark.language_code in wanted | set(per_session.values()):
                found.append((mark.language_code, "", mark.reason))
        elif per_session.get(mark.session_id, registration.interpretation_language) \
                == mark.language_code:
            found.append((mark.language_code, mark.session.title, mark.reason))
    return found


def _who_can(profiles, source: str, target: str) -> list[InterpreterProfile]:
    return [p for p in profiles if rules.can_interpret(p.grades(), source, target)]


def relay_proposal(channel: SessionChannel, profiles) -> str | None:
    """The pivot to take relay through when nobody interprets the floor into the channel's
    language directly but enough people cover both legs; None otherwise."""
    pivot, session = limits().pivot, channel.session
    if channel.relay_via or pivot in (session.floor_language, channel.language_code):
        return None
    if _who_can(profiles, session.floor_language, channel.language_code):
        return None
    givers = _who_can(profiles, session.floor_language, pivot)
    if len(givers) < limits().min_relay_givers or not _who_can(profiles, pivot,
                                                                channel.language_code):
        return None
    return pivot


def use_relay(channel: SessionChannel) -> SessionChannel:
    """Take relay through the pivot: its channel opens (or is marked) as giving relay."""
    session, pivot = channel.session, limits().pivot
    profiles = all_profiles()
    if pivot in (session.floor_language, channel.language_code):
        raise RuleBroken(_("Rule: relay — %(pivot)s is the floor or the channel's own "
                           "language; relay through it makes no sense.", pivot=rules.lang(pivot)))
    givers = _who_can(profiles, session.floor_language, pivot)
    if len(givers) < limits().min_relay_givers:
        raise RuleBroken(_("Rule: relay — at least %(n)d interpreters must be able to give "
                           "relay from %(floor)s into %(pivot)s; there are %(found)d.",
                           n=limits().min_relay_givers, floor=rules.lang(session.floor_language),
                           pivot=rules.lang(pivot), found=len(givers)))
    if not _who_can(profiles, pivot, channel.language_code):
        raise RuleBroken(_("Rule: relay — nobody interprets from %(pivot)s into %(target)s.",
                           pivot=rules.lang(pivot), target=rules.lang(channel.language_code)))
    pivot_channel = db.session.scalar(select(SessionChannel).where(
        SessionChannel.session_id == session.id, SessionChannel.language_code == pivot))
    if pivot_channel is None:
        pivot_channel = open_channel(session, pivot)
    pivot_channel.gives_relay = True
    channel.relay_via = pivot
    db.session.flush()
    for assignment in team_of(channel):
        email_interpreter(assignment, "changed")
    return channel


# --- demand ---------------------------------------------------------------------------------

@dataclass
class Demand:
    sessions: list[EventSession]
    languages: list[str]  # the grid's columns: codes asked for or with a channel, then the
    # platform's own languages still on offer
    counts: dict[tuple[int, str], int]
    channels: dict[tuple[int, str], SessionChannel]


def demand(event: Event) -> Demand:
    """Requests per session and language: a session request wins over the language chosen
    at registration. A constant number of queries, whatever the size of the event."""
    sessions = [s for s in db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id)
        .order_by(EventSession.start_dt, EventSession.id)) if s.kind != SessionKind.BREAK]
    at_registration = dict(db.session.execute(
        select(Registration.user_id, Registration.interpretation_language)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE),
               Registration.interpretation_language != "")).all())
    per_session = defaultdict(dict)
    for session_id, user_id, code in db.session.execute(
            select(InterpretationRequest.session_id, InterpretationRequest.user_id,
                   InterpretationRequest.language_code)
            .join(EventSession, EventSession.id == InterpretationRequest.session_id)
            .where(EventSession.event_id == event.id)):
        per_session[session_id][user_id] = code
    counts: Counter = Counter()
    for session in sessions:
        wanted = {**at_registration, **per_session[session.id]}
        for code in wanted.values():
            if code != session.floor_language:
                counts[(session.id, code)] += 1
    channels = {(c.session_id, c.language_code): c for c in event_channels(event)}
    platform = {language.code for language in languages()} & set(
        current_app.config["LANGUAGES"])
    used = {code for _sid, code in counts} | {code for _sid, code in channels}
    return Demand(sessions, sorted(used | platform), dict(counts), channels)


def listeners_of(channel: SessionChannel) -> int:
    """People wanting the channel's language in its session (as ``demand`` counts them)."""
    session = channel.session
    wanted = dict(db.session.execute(
        select(Registration.user_id, Registration.interpretation_language)
        .where(Registration.event_id == session.event_id, Registration.status.in_(ACTIVE),
               Registration.interpretation_language != "")).all())
    wanted.update(db.session.execute(
        select(InterpretationRequest.user_id, InterpretationRequest.language_code)
        .where(InterpretationRequest.session_id == session.id)).all())
    return sum(code == channel.language_code for code in wanted.values())


def request_interpretation(user: User, session: EventSession, language_code: str
                           ) -> InterpretationRequest:
    language = db.session.get(Language, language_code)
    if language is None or language.is_retired:
        raise InterpretationError(_("Choose a language from the list."))
    registered = db.session.scalar(select(Registration.id).where(
        Registration.event_id == session.event_id, Registration.user_id == user.id,
        Registration.status.in_(ACTIVE)))
    if registered is None:
        raise InterpretationError(_("Register for the event before asking for "
                                    "interpretation."))
    request = db.session.scalar(select(InterpretationRequest).where(
        InterpretationRequest.user_id == user.id,
        InterpretationRequest.session_id == session.id))
    if request is None:
        request = InterpretationRequest(user_id=user.id, session_id=session.id)
        db.session.add(request)
    request.language_code = language_code
    db.session.flush()
    return request


def my_requests(user: User, event: Event) -> list[InterpretationRequest]:
    return list(db.session.scalars(
        select(InterpretationRequest).join(InterpretationRequest.session)
        .where(InterpretationRequest.user_id == user.id, EventSession.event_id == event.id)
        .options(joinedload(InterpretationRequest.session))
        .order_by(EventSession.start_dt)))


# --- interpreter profiles -------------------------------------------------------------------

def profile_of(user: User) -> InterpreterProfile | None:
    return db.session.scalar(profiles_query().where(InterpreterProfile.user_id == user.id))


def save_profile(user: User, *, timezone: str, works_remote: bool, works_on_site: bool,
                 grades: dict[str, Grade]) -> InterpreterProfile:
    if not (works_remote or works_on_site):
        raise InterpretationError(_("Choose remote, on site, or both."))
    if Grade.A not in grades.values():
        raise InterpretationError(_("Give at least one A language: interpreters work into "
                                    "their A language."))
    profile = profile_of(user)
    kept = list(profile.grades()) if profile else []  # a retired language they had stays
    known = {language.code for language in languages(keep=kept)}
    if set(grades) - known:
        raise InterpretationError(_("Choose languages from the list."))
    if profile is None:
        profile = InterpreterProfile(user_id=user.id, user=user)
        db.session.add(profile)
    profile.timezone, profile.works_remote = timezone, works_remote
    profile.works_on_site = works_on_site
    # Change the rows in place: replacing the list would insert the new (profile, language)
    # rows before deleting the old ones, and the unique key refuses that on an unchanged save.
    current = {row.language_code: row for row in profile.languages}
    for code in set(current) - set(grades):
        profile.languages.remove(current[code])
    for code, grade in sorted(grades.items()):
        if code in current:
            current[code].grade = grade
        else:
            profile.languages.append(InterpreterLanguage(language_code=code, grade=grade))
    db.session.flush()
    return profile


def add_availability(profile: InterpreterProfile, start: datetime, end: datetime, *,
                     is_available: bool) -> Availability:
    """``start``/``end`` are wall-clock times in the interpreter's home zone."""
    start_dt, end_dt = localize(start, profile.timezone), localize(end, profile.timezone)
    if end_dt <= start_dt:
        raise InterpretationError(_("The end must come after the start."))
    window = Availability(interpreter_id=profile.user_id, start_dt=start_dt, end_dt=end_dt,
                          is_available=is_available)
    db.session.add(window)
    db.session.flush()
    return window


# --- assignments ----------------------------------------------------------------------------

def assign_interpreter(channel: SessionChannel, profile: InterpreterProfile) -> Assignment:
    """Propose an interpreter for a channel, under every rule; they are emailed."""
    profile = _lock_team(channel, profile.user_id)
    assignment = next((a for a in channel.assignments
                       if a.interpreter_id == profile.user_id), None)
    if assignment is not None and assignment.is_booked:
        raise RuleBroken(_("%(name)s is already in this team.", name=profile.user.public_name))
    check_assignment(channel, profile)
    if assignment is None:
        assignment = Assignment(interpreter=profile, interpreter_id=profile.user_id)
        channel.assignments.append(assignment)
    else:
        assignment.sequence += 1
    # Asked again: a new answer.
    assignment.status, assignment.decline_reason = AssignmentStatus.PROPOSED, ""
    db.session.flush()
    email_interpreter(assignment, "assigned")
    tell_interpreter_proposed(assignment)
    return assignment


def release_assignment(assignment: Assignment) -> Assignment:
    """The organisers take an interpreter off a team; their calendar gets a cancellation."""
    _lock_team(assignment.channel, assignment.interpreter_id)
    db.session.refresh(assignment)
    if not assignment.is_booked:
        raise InterpretationError(_("This assignment is not active."))
    assignment.status = AssignmentStatus.RELEASED
    assignment.sequence += 1
    db.session.flush()
    email_interpreter(assignment, "released")
    return assignment


def accept_assignment(assignment: Assignment) -> Assignment:
    """The interpreter takes the work. Accepting re-checks the rules: things may have moved."""
    _lock_team(assignment.channel, assignment.interpreter_id)
    db.session.refresh(assignment)
    if assignment.status != AssignmentStatus.PROPOSED:
        raise InterpretationError(_("Only a proposed assignment can be accepted."))
    check_assignment(assignment.channel, assignment.interpreter, exclude=assignment)
    assignment.status = AssignmentStatus.ACCEPTED
    # The calendar item turns from TENTATIVE to CONFIRMED: a new SEQUENCE, so every
    # client replaces the one it holds (RFC 5545 3.8.7.4).
    assignment.sequence += 1
    db.session.flush()
    return assignment


def why_not_declinable(assignment: Assignment) -> str | None:
    """Why the interpreter can no longer decline this assignment, or None when they can."""
    if not assignment.is_booked:
        return _("This assignment is no longer open.")
    if slot_of(assignment.channel).cancelled:
        return _("This session is cancelled: there is nothing to decline.")
    return None


def decline_assignment(assignment: Assignment, reason: str) -> Assignment:
    """The interpreter gives the work back, saying why; the organisers are emailed who
    declined which session and why, so they can find a replacement.

    Refused once the assignment is no longer open (declined already, or taken back by the
    organisers) and for a cancelled session, whose interpreters are no longer needed: read
    under the locks, so two presses of the button decline (and email) once."""
    reason = (reason or "").strip()
    if not reason:
        raise InterpretationError(_("Say why you decline: the organisers need it to find "
                                    "a replacement."))
    if len(reason) > DECLINE_REASON_MAX:
        raise InterpretationError(_("Keep the reason to %(max)d characters or fewer.",
                                    max=DECLINE_REASON_MAX))
    _lock_team(assignment.channel, assignment.interpreter_id)
    db.session.refresh(assignment)
    refusal = why_not_declinable(assignment)
    if refusal:
        raise NoLongerOpen(refusal)
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason
    db.session.flush()
    tell_organisers_of_decline(assignment)
    tell_organisers_declined(assignment)
    return assignment


@dataclass
class AutoAssignReport:
    added: list[Assignment] = field(default_factory=list)
    filled: list[SessionChannel] = field(default_factory=list)
    unfilled: list[tuple[SessionChannel, str]] = field(default_factory=list)
    explored: int = 0


def _lock_for_planning(event: Event) -> None:
    """The event, its sessions and every interpreter, then everything re-read: a plan is made
    from the whole picture, so nobody else may change any of it meanwhile (auto-assign is a
    rare, organiser-started job; waiting a moment for it is cheap)."""
    lock_row(Event, event.id)
    lock_rows(EventSession, db.session.scalars(
        select(EventSession.id).where(EventSession.event_id == event.id)))
    lock_rows(InterpreterProfile, db.session.scalars(select(InterpreterProfile.user_id)))
    db.session.expire_all()


def auto_assign(event: Event, *, notify_interpreters: bool = True) -> AutoAssignReport:
    """Fill every open channel of the event with full teams under the rules, least-loaded
    interpreters first. Accepted (and proposed) assignments stay as they are, so running it
    twice adds nothing the second time."""
    _lock_for_planning(event)
    channels = event_channels(event)
    profiles = all_profiles()
    people = [person_of(p) for p in profiles]
    booked = booked_slots([p.user_id for p in profiles])
    teams = {c.id: [a.interpreter_id for a in team_of(c)] for c in channels}
    plan = rules.plan_assignments([slot_of(c) for c in channels], people, booked, teams,
                                  limits())
    by_profile = {p.user_id: p for p in profiles}
    report = AutoAssignReport(explored=plan.explored)
    reused = {(a.channel_id, a.interpreter_id): a for c in channels for a in c.assignments}
    for channel in channels:
        for pid in plan.added.get(channel.id, ()):
            assignment = reused.get((channel.id, pid))
            if assignment is None:
                assignment = Assignment(interpreter=by_profile[pid], interpreter_id=pid,
                                        status=AssignmentStatus.PROPOSED)
                channel.assignments.append(assignment)
            else:
                assignment.status = AssignmentStatus.PROPOSED
                assignment.sequence += 1
                assignment.decline_reason = ""
            report.added.append(assignment)
        if channel.id in plan.added:
            report.filled.append(channel)
        elif channel.id in plan.unfilled:
            report.unfilled.append((channel, plan.unfilled[channel.id]))
    db.session.flush()
    if notify_interpreters:
        for assignment in report.added:
            email_interpreter(assignment, "assigned")
            tell_interpreter_proposed(assignment)
    return report


# --- what interpreters see ------------------------------------------------------------------

def load_assignment(assignment_id: int) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.id == assignment_id).options(
        joinedload(Assignment.channel).joinedload(SessionChannel.session)
        .joinedload(EventSession.event), joinedload(Assignment.interpreter)))


def my_assignments(user: User, since: datetime | None = None) -> list[Assignment]:
    """The interpreter's assignments from sessions not yet over, with their teams (constant
    number of queries)."""
    since = since or now_utc()
    return list(db.session.scalars(
        select(Assignment).join(Assignment.channel).join(SessionChannel.session)
        .where(Assignment.interpreter_id == user.id, EventSession.end_dt >= since,
               Assignment.status != AssignmentStatus.RELEASED)
        .order_by(EventSession.start_dt, Assignment.id)
        .options(joinedload(Assignment.channel).joinedload(SessionChannel.session)
                 .joinedload(EventSession.event),
                 joinedload(Assignment.channel).selectinload(SessionChannel.assignments)
                 .joinedload(Assignment.interpreter).joinedload(InterpreterProfile.user))
    ).unique())


def turns(channel: SessionChannel):
    team = [a.interpreter.user.public_name for a in team_of(channel)]
    return rules.turn_schedule(slot_of(channel), team, limits())


def place_of(channel: SessionChannel) -> str:
    session = channel.session
    if is_on_site(session):
        return ", ".join(part for part in (session.room, session.event.venue) if part)
    return session.online_url or session.event.online_url


# --- coverage -------------------------------------------------------------------------------

class CoverageState(enum.StrEnum):
    """How far a channel's staffing has come. Only interpreters who said yes cover a
    channel: a proposal may still be declined."""

    GAP = "gap"  # no channel, or no team can work this long
    SHORT = "short"  # fewer interpreters booked (proposed or accepted) than the team needs
    AWAITING = "awaiting"  # enough proposed, not all of them accepted yet
    COVERED = "covered"  # the whole team has accepted


@dataclass
class CoverageRow:
    session: EventSession
    language: str
    requests: int
    channel: SessionChannel | None
    needed: int | None
    team: list[Assignment]
    issues: list[str]
    declined: list[Assignment] = field(default_factory=list)  # with their reasons

    @property
    def accepted(self) -> int:
        return sum(a.status == AssignmentStatus.ACCEPTED for a in self.team)

    @property
    def state(self) -> CoverageState:
        return coverage_state(self.channel is not None, self.needed, len(self.team),
                              self.accepted)


def coverage_state(has_channel: bool, needed: int | None, booked: int,
                   accepted: int) -> CoverageState:
    if not has_channel or needed is None:
        return CoverageState.GAP
    if booked < needed:
        return CoverageState.SHORT
    if accepted < needed:
        return CoverageState.AWAITING
    return CoverageState.COVERED


def coverage(event: Event) -> list[CoverageRow]:
    """Per session and language: demand against staffed channels, with gaps and rule
    warnings (every booked assignment re-checked against the interpreter's other work)."""
    found = demand(event)
    profiles = all_profiles()
    team_ids = {a.interpreter_id for c in found.channels.values() for a in team_of(c)}
    booked = booked_slots(team_ids)
    by_profile = {p.user_id: p for p in profiles}
    settings = limits()
    rows = []
    for session in found.sessions:
        codes = sorted({code for (sid, code) in found.counts if sid == session.id}
                       | {code for (sid, code) in found.channels if sid == session.id})
        for code in codes:
            channel = found.channels.get((session.id, code))
            requests = found.counts.get((session.id, code), 0)
            issues, team, needed = [], [], None
            if channel is None:
                issues.append(_("Gap: %(n)d requested %(language)s and no channel is open.",
                                n=requests, language=rules.lang(code)))
            else:
                slot = slot_of(channel, listeners=requests)
                team = team_of(channel)
                needed = rules.slot_team_size(slot, settings)
                issues += _channel_issues(channel, slot, team, needed, booked, by_profile,
                                          profiles, settings)
            declined = [a for a in channel.assignments if a.status == AssignmentStatus.DECLINED] \
                if channel is not None else []
            rows.append(CoverageRow(session, code, requests, channel, needed, team, issues,
                                    declined))
    return rows


def _channel_issues(channel, slot, team, needed, booked, by_profile, profiles, settings):
    issues = []
    if needed is None:
        return [rules.team_problem(slot, 0, settings)]
    if slot.cancelled and team:
        issues.append(rules.cancelled_problem(slot))
    if len(team) < needed:
        issues.append(_("Gap: the team has %(n)d of the %(needed)d interpreters it needs.",
                        n=len(team), needed=needed))
    elif len(team) > needed:
        issues.append(rules.team_problem(slot, needed, settings))
    for assignment in team:
        person = person_of(by_profile[assignment.interpreter_id])
        others = [s for s in booked[assignment.interpreter_id]
                  if s.channel_id != channel.id]
        problem = rules.static_problem(slot, person) or rules.dynamic_problem(
            slot, person, others, settings)
        if problem and not slot.cancelled:
            issues.append(problem)
    proposal = relay_proposal(channel, profiles)
    if proposal:
        issues.append(_("Nobody interprets %(floor)s into %(target)s directly: relay through "
                        "%(pivot)s is proposed.", floor=rules.lang(slot.floor),
                        target=rules.lang(slot.target), pivot=rules.lang(proposal)))
    return issues


# --- notifications --------------------------------------------------------------------------

SUBJECTS = {
    "assigned": lambda title: _("Interpreting assignment: %(title)s", title=title),
    "changed": lambda title: _("Changed interpreting assignment: %(title)s", title=title),
    "released": lambda title: _("Released from interpreting: %(title)s", title=title),
}


def assignment_item(assignment: Assignment, *, attendee=None, cancel: bool = False):
    """The interpreter's calendar item: the session itself (the same UID in their feed and
    their emails), titled with the channel; its SEQUENCE adds the assignment's own changes to
    the session's, so each message supersedes the last."""
    channel = assignment.channel
    session = channel.session
    item = session_item(session, may_join=True, attendee=attendee, cancelled=cancel)
    # A proposal the interpreter has not accepted yet is pencilled in: TENTATIVE until they
    # accept (then CONFIRMED), CANCELLED when the session or the assignment goes.
    status = ("TENTATIVE" if item.status == "CONFIRMED"
              and assignment.status == AssignmentStatus.PROPOSED else item.status)
    return dataclasses.replace(
        item, sequence=session.sequence + assignment.sequence, status=status,
        summary=_("Interpreting (%(language)s): %(title)s",
                  language=rules.lang(channel.language_code), title=session.title))


def email_interpreter(assignment: Assignment, kind: str) -> None:
    """Email the interpreter with an iTIP REQUEST (assigned, changed) or CANCEL (released).

    The SEQUENCE is never below the last one sent to them for the session (see
    ``calendar.services.itip_calendar``). Nobody is asked to reply by calendar: the email
    links to their assignments, where they accept or decline."""

    channel, user = assignment.channel, assignment.interpreter.user
    session = channel.session
    cancel = kind == "released"
    with force_locale(user.formatting_locale):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else "NEEDS-ACTION")
        method = "CANCEL" if cancel else "REQUEST"
        ics = itip_calendar(user, assignment_item(assignment, attendee=attendee, cancel=cancel),
                            method, kind=ASSIGNMENT, event_id=session.event_id,
                            session_id=session.id)
        body = render_template(
            "interpretation/email/assignment.txt", kind=kind, assignment=assignment,
            channel=channel, session=session, user=user, lang=rules.lang,
            when=fmt_when(session.start_dt, user.timezone, user.formatting_locale,
                          user.buddhist_era),
            zone=zone_label(user.timezone, user.formatting_locale, session.start_dt),
            url=absolute_url("interpretation.my_assignments"))
        queue_email(user.email, SUBJECTS[kind](translated(session, "title").text), body,
                    calendar=ics, calendar_method=method)


def tell_organisers_of_decline(assignment: Assignment) -> None:
    """Email every organiser, in their language and time, who declined which session and
    why (organisers read interpreters' names and reasons; nobody else is told)."""
    channel, interpreter = assignment.channel, assignment.interpreter.user
    session = channel.session
    url = absolute_url("interpretation.assignments", event_id=session.event_id)
    organisers = db.session.scalars(select(User).where(
        User.is_organiser, User.deactivated_dt.is_(None)).order_by(User.id))
    for organiser in organisers:
        locale = organiser.formatting_locale
        with force_locale(locale):
            body = render_template(
                "interpretation/email/declined.txt", assignment=assignment, channel=channel,
                session=session, name=interpreter.display_name, user=organiser,
                lang=rules.lang, when=fmt_when(session.start_dt, organiser.timezone, locale,
                                                organiser.buddhist_era),
                zone=zone_label(organiser.timezone, locale, session.start_dt),
                url=url)
            queue_email(organiser.email,
                        _("%(name)s declined interpreting %(title)s",
                          name=interpreter.display_name, title=session.title), body)
