"""What a printed agenda and a participant's programme hold.

The agenda is the event page's agenda (titles, kinds, rooms, places, times): it names nobody,
so under the Chatham House Rule it can be printed and emailed on. A programme is one
registrant's: the sessions of the event that are theirs (``registrations.models.in_programme``,
the rule their calendar feed follows), where to be, and the interpretation they will listen to.
Each runs a fixed number of queries however many sessions the event has.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import select

from app.core.time import to_zone
from app.events.display import SessionTimes
from app.events.display import session_times
from app.events.models import Event
from app.events.models import EventSession
from app.events.services import agenda
from app.extensions import db
from app.interpretation.models import InterpretationRequest
from app.interpretation.models import LanguageNotProvided
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from app.registrations.models import in_programme
from app.registrations.services import registration_for


class Hearing(enum.StrEnum):
    """How a participant follows a session in the language they asked for."""

    FLOOR = "floor"  # the session is held in it: nothing to tune in to
    CHANNEL = "channel"  # a channel interprets into it
    NOT_PROVIDED = "not_provided"  # the organisers said it will not be provided
    ASKED = "asked"  # asked for, no channel yet


@dataclass(frozen=True)
class Listening:
    language: str
    hearing: Hearing
    mode: Mode | None = None


@dataclass(frozen=True)
class Entry:
    session: EventSession
    times: SessionTimes
    listening: Listening | None = None


@dataclass(frozen=True)
class Programme:
    registration: Registration
    days: list[tuple[date, list[Entry]]]


def _by_day(event: Event, entries: list[Entry]) -> list[tuple[date, list[Entry]]]:
    """Entries under the event's local days, as the agenda page groups them."""
    return [(day, list(group)) for day, group in groupby(
        entries, key=lambda e: to_zone(e.session.start_dt, event.timezone).date())]


def _times(event: Event, session: EventSession, zone: str, locale: str,
           buddhist_era: bool) -> SessionTimes:
    # No strip of every country's zones on paper: the reader's time and the meeting's.
    return session_times(session.start_dt, session.end_dt, event.timezone, zone, locale, (),
                         buddhist_era)


def agenda_days(event: Event, zone: str, locale: str,
                buddhist_era: bool) -> list[tuple[date, list[Entry]]]:
    """The whole agenda, every session (cancelled ones marked by their status), by day."""
    return _by_day(event, [Entry(s, _times(event, s, zone, locale, buddhist_era))
                           for s in agenda(event)])


def programme_of(event: Event, user, zone: str, locale: str,
                 buddhist_era: bool) -> Programme | None:
    """``user``'s programme of ``event``, or None without an active registration (pending
    and waitlisted ones have a programme too: it says their status)."""
    registration = registration_for(event, user)
    if registration is None or not registration.is_active:
        return None
    places = set(db.session.scalars(select(SessionPlace.session_id).where(
        SessionPlace.registration_id == registration.id,
        SessionPlace.status == RegistrationStatus.CONFIRMED)))
    sessions = [s for s in agenda(event) if in_programme(s, registration, places)]
    listening = listening_for(registration, sessions)
    return Programme(registration, _by_day(event, [
        Entry(s, _times(event, s, zone, locale, buddhist_era), listening.get(s.id))
        for s in sessions]))


def listening_for(registration: Registration, sessions) -> dict[int, Listening]:
    """Per session, the language the registrant asked for (their request for that session,
    else their registration's) and how they will hear it. Three queries for any number."""
    ids = [s.id for s in sessions]
    if not ids:
        return {}
    asked = dict(db.session.execute(
        select(InterpretationRequest.session_id, InterpretationRequest.language_code).where(
            InterpretationRequest.user_id == registration.user_id,
            InterpretationRequest.session_id.in_(ids))).all())
    channels = {(session_id, code): mode for session_id, code, mode in db.session.execute(
        select(SessionChannel.session_id, SessionChannel.language_code, SessionChannel.mode)
        .where(SessionChannel.session_id.in_(ids)))}
    refused = set(db.session.execute(
        select(LanguageNotProvided.session_id, LanguageNotProvided.language_code).where(
            LanguageNotProvided.event_id == registration.event_id)).all())
    found = {}
    for session in sessions:
        code = asked.get(session.id, registration.interpretation_language)
        if not code:
            continue
        if code == session.floor_language:
            found[session.id] = Listening(code, Hearing.FLOOR)
        elif (session.id, code) in channels:
            found[session.id] = Listening(code, Hearing.CHANNEL, channels[session.id, code])
        elif (session.id, code) in refused or (None, code) in refused:
            found[session.id] = Listening(code, Hearing.NOT_PROVIDED)
        else:
            found[session.id] = Listening(code, Hearing.ASKED)
    return found
