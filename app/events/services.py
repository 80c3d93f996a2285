"""Events and agendas: the rules, as plain functions. Callers commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import lru_cache

import pytz
from flask import abort
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select

from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.locking import lock_rows
from app.core.models import Country
from app.core.registry import Registry
from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import is_valid_timezone
from app.core.time import local_day_bounds
from app.core.time import localize
from app.core.time import to_zone
from app.events import visibility
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.signals import event_changed
from app.events.signals import session_changed
from app.events.signals import session_places_changed
from app.events.signals import session_places_changing
from app.extensions import db


class EventRuleError(Refusal):
    """Input that breaks a rule of events or agendas; the message is for the user.

    ``field`` names the form field at fault (shown beside it), None when no one field is.
    """


class ConflictError(EventRuleError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


class AmbiguousTimeChoiceNeeded(EventRuleError):
    """The wall-clock time happens twice; the form must ask which occurrence is meant."""


AUDIENCE_COUNTS: Registry = Registry("who a cancellation emails")
"""Each takes an event and a session of it (None: the whole event) and returns a Counter of
the people cancelling it would email, by the part they play ("participants",
"interpreters", "invitees"). The calendar, which sends those emails, counts them."""

DATE_WARNINGS: Registry = Registry("warnings about an event's dates")
"""Checks features above events run on an event's dates when it is saved: each takes the event
and the reader's locale and returns sentences to show (never a refusal)."""


def visible_events_query(viewer):
    """Events a viewer may see: drafts belong to organisers only, and a private event (a
    scheduled bilateral call) to its invitees, organisers and assigned interpreters. The rule
    is ``app.events.visibility``'s; the timeline, the events list and every event page use it."""
    return select(Event).where(visibility.event_visibility_clause(viewer))


def get_visible_event(event_id: int, viewer) -> Event | None:
    """By primary key, then ``visibility.can_see_event``: the same rule as
    ``visible_events_query`` without building its clause for every page (a query more only
    for a private event)."""
    event = db.session.get(Event, event_id)
    return event if visibility.can_see_event(viewer, event) else None


@dataclass(frozen=True)
class ReadWithTheEvent:
    """Rows of the viewer's own that a feature reads in the statement that loads the event
    its page shows: ``columns`` (entities or labelled expressions), outer-joined through
    ``joins`` ((target, onclause) pairs, correlated to ``Event``), with ``params`` for their
    bind parameters, handed to ``keep(event, values)`` once the viewer may see the event.

    ``columns`` and ``joins`` hold no values of the viewer (those go in ``params``), so a
    feature returns the same objects for every viewer of one shape and the statement is
    built once for them all."""

    columns: tuple
    joins: tuple
    params: dict
    keep: Callable[[Event, tuple], None]


READ_WITH_THE_EVENT: Registry[Callable[[object], ReadWithTheEvent | None]] = Registry(
    "the viewer's own rows, read with the event page's event")
"""Each takes a signed-in viewer and returns what to read with the event (None: nothing for
this viewer): the event page's own parts (the viewer's registration) then cost no statement of
their own."""


def event_page_or_404(event_id: int, viewer) -> Event:
    """``visible_event_or_404`` for the event page: one statement reads the event and what the
    features above it read with it (``READ_WITH_THE_EVENT``) for a signed-in viewer."""
    reads = [read for _name, entry in READ_WITH_THE_EVENT.items()
             if viewer.is_authenticated and (read := entry(viewer)) is not None]
    statement = _event_page_statement(tuple((read.columns, read.joins) for read in reads))
    params = {"event_id": event_id}
    for read in reads:
        params.update(read.params)
    row = db.session.execute(statement, params).first()
    if row is None or not visibility.can_see_event(viewer, row[0]):
        abort(404)
    values = iter(row[1:])
    for read in reads:
        read.keep(row[0], tuple(next(values) for _column in read.columns))
    return row[0]


@lru_cache(maxsize=64)
def _event_page_statement(reads: tuple[tuple[tuple, tuple], ...]):
    """Built once per shape of viewer: building a statement costs a page more than running
    it."""
    statement = select(Event, *(column for columns, _joins in reads for column in columns))
    for _columns, joins in reads:
        for target, onclause in joins:
            statement = statement.outerjoin(target, onclause)
    return statement.where(Event.id == bindparam("event_id"))


def visible_event_or_404(event_id: int, viewer) -> Event:
    """The loader every feature's event pages share (event and session pages, calendar
    downloads, registration, topics...): an event the viewer may not see, a draft or someone
    else's bilateral call, looks like nothing (404)."""
    event = get_visible_event(event_id, viewer)
    if event is None:
        abort(404)
    return event


def part_of_event_or_404(model, row_id: int, event: Event):
    """The ``model`` row ``row_id`` (a session, a registration, a topic...) when it belongs to
    ``event``: an id from another event is as unknown as a missing one (404)."""
    row = db.session.get(model, row_id)
    if row is None or row.event_id != event.id:
        abort(404)
    return row


def timeline(viewer) -> list[tuple[Event, datetime | None]]:
    """The platform's history and upcoming meetings, newest first, each with the start of
    its first session (one query, whatever the number of events)."""
    first_start = (
        select(EventSession.event_id, func.min(EventSession.start_dt).label("first_start_dt"))
        .where(EventSession.status == SessionStatus.SCHEDULED)
        .group_by(EventSession.event_id)
        .subquery()
    )
    query = (
        visible_events_query(viewer)
        .add_columns(first_start.c.first_start_dt)
        .outerjoin(first_start, first_start.c.event_id == Event.id)
        .order_by(Event.start_date.desc(), Event.id.desc())
    )
    return [(event, starts) for event, starts in db.session.execute(query)]


def event_list(viewer) -> list[tuple[Event, int]]:
    """Events with their number of scheduled sessions, soonest last-day first."""
    counts = (
        select(EventSession.event_id, func.count().label("session_count"))
        .where(EventSession.status == SessionStatus.SCHEDULED)
        .group_by(EventSession.event_id)
        .subquery()
    )
    query = (
        visible_events_query(viewer)
        .add_columns(func.coalesce(counts.c.session_count, 0))
        .outerjoin(counts, counts.c.event_id == Event.id)
        .order_by(Event.start_date.desc(), Event.id.desc())
    )
    return [(event, count) for event, count in db.session.execute(query)]


def agenda(event: Event) -> list[EventSession]:
    return list(db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id)
        .order_by(EventSession.start_dt, EventSession.room, EventSession.id)
    ))


def participating_countries(event: Event) -> list[Country]:
    """The countries whose zones make the time strip: the event's list, or all of them."""
    query = select(Country).order_by(Country.code)
    if event.country_codes:
        query = query.where(Country.code.in_(event.country_codes))
    return list(db.session.scalars(query))


def default_timezone(host_country_code: str | None, organiser_zone: str | None) -> str:
    """The zone a meeting runs in when the organiser leaves the choice to the app: the host
    country's main zone (its first, the time strip's), else the organiser's own, else UTC."""
    if host_country_code:
        country = db.session.get(Country, host_country_code)
        if country is not None and is_valid_timezone(country.timezone):
            return country.timezone
    return organiser_zone if is_valid_timezone(organiser_zone) else "UTC"


def platform_zones() -> list[tuple[str, list[str]]]:
    """Each platform country's code with every zone it has: its own first (those the time
    strip shows), then the others the tz database gives it (Australia's states, Lord Howe,
    Pacific/Chatham, Asia/Kuching...), for the organiser's timezone list."""
    found = []
    for country in db.session.scalars(select(Country).order_by(Country.code)):
        own = list(country.zones or [country.timezone])
        others = [zone for zone in pytz.country_timezones.get(country.code, [])
                  if zone in pytz.common_timezones_set and zone not in own]
        found.append((country.code, [*own, *others]))
    return found


def can_see_joining_details(event: Event, viewer) -> bool:
    """Online links and joining instructions: organisers, and whoever a feature above events
    admits (``visibility.JOINERS``: confirmed registrants)."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_organiser:
        return True
    return any(admits(event, viewer) for admits in visibility.JOINERS)


# --- events ------------------------------------------------------------------------------

EVENT_FIELDS = ("title", "description", "kind", "status", "timezone", "start_date",
                "end_date", "host_country_code", "co_hosts", "venue", "address", "online_url",
                "joining_instructions", "topics", "country_codes", "is_chatham_house",
                "is_invitation_only", "requires_approval", "registration_opens_dt",
                "registration_closes_dt", "language")


def registration_window(opens: date | None, closes: date | None, zone: str):
    """Dates in the meeting's zone as UTC instants: from the start of the opening day to the
    end of the closing day."""
    opens_dt = local_day_bounds(opens, zone)[0] if opens else None
    closes_dt = local_day_bounds(closes, zone)[1] if closes else None
    if opens_dt and closes_dt and closes_dt <= opens_dt:
        raise EventRuleError(_("Registration cannot close before it opens."),
                             field="registration_closes")
    return opens_dt, closes_dt


def _check_event(fields: dict, sessions: list[EventSession]) -> None:
    if not is_valid_timezone(fields["timezone"]):
        raise EventRuleError(_("Choose a timezone from the list, such as Asia/Jakarta."),
                             field="timezone")
    if fields["end_date"] < fields["start_date"]:
        raise EventRuleError(_("The last day cannot be before the first day."),
                             field="end_date")
    if (fields["end_date"] - fields["start_date"]).days > 31:
        raise EventRuleError(_("An event can last at most 31 days."), field="end_date")
    outside = [s for s in sessions if s.status == SessionStatus.SCHEDULED and not (
        fields["start_date"] <= to_zone(s.start_dt, fields["timezone"]).date()
        and to_zone(s.end_dt, fields["timezone"]).date() <= fields["end_date"])]
    if outside:
        raise ConflictError(ngettext(
            "%(num)d session would fall outside the new dates. Move or cancel it first.",
            "%(num)d sessions would fall outside the new dates. Move or cancel them first.",
            len(outside)))


def create_event(**fields) -> Event:
    _check_event(fields, [])
    fields.setdefault("requires_approval", False)
    fields.setdefault("registration_opens_dt", None)
    fields.setdefault("registration_closes_dt", None)
    fields.setdefault("language", "en")
    event = Event(**{name: fields[name] for name in EVENT_FIELDS})
    db.session.add(event)
    db.session.flush()
    return event


# A change to any of these is news for the participants' calendars.
ANNOUNCED = ("title", "start_date", "end_date", "venue", "address", "timezone")


def update_event(event: Event, **fields) -> bool:
    """Apply the changes; True when participants' calendars need an update."""
    _check_event(fields, event.sessions)
    before = {name: getattr(event, name) for name in ANNOUNCED}
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    return any(getattr(event, name) != value for name, value in before.items())


def cancel_event(event: Event) -> Event:
    """Cancel the event and every session of it. Decided under the event's lock: a second
    press of the confirmation's button, or a second organiser, is refused rather than
    announcing the cancellation twice."""
    event = lock_row(Event, event.id)
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("This event is cancelled."))
    event.status = EventStatus.CANCELLED
    for session in lock_rows(EventSession, [s.id for s in event.sessions]).values():
        _mark_cancelled(session)
    return event


# --- sessions ----------------------------------------------------------------------------

@dataclass
class SessionInput:
    """What an organiser enters: a day and wall-clock times in the event's zone."""

    title: str
    kind: SessionKind
    day: date
    start_time: time
    end_time: time
    description: str = ""
    room: str = ""
    online_url: str = ""
    attendance_mode: AttendanceMode = AttendanceMode.BOTH
    floor_language: str = "en"
    capacity: int | None = None
    meeting_point: str = ""
    transport: str = ""
    occurrence: str | None = None  # "earlier" / "later" when the time happens twice


def implied_attendance_mode(event: Event) -> AttendanceMode | None:
    """How everyone attends the sessions of this kind of event: online in a virtual event, in
    person in an in-person one; None in a hybrid event, where the organiser chooses per session
    (the session form asks "Who attends how" there only)."""
    if event.kind == EventKind.VIRTUAL:
        return AttendanceMode.ONLINE
    if event.kind == EventKind.IN_PERSON:
        return AttendanceMode.IN_PERSON
    return None


def event_days(event: Event) -> list[date]:
    days = (event.end_date - event.start_date).days + 1
    return [event.start_date + timedelta(days=n) for n in range(max(days, 0))]


def to_utc_instant(day: date, wall: time, zone: str, occurrence: str | None,
                   field: str | None = None) -> datetime:
    """The instant of a wall-clock time; a time the clocks skip is refused (blaming
    ``field``), one they repeat asks which occurrence is meant (the ``occurrence`` field)."""
    naive = datetime.combine(day, wall)
    prefer_later = None if not occurrence else occurrence == "later"
    try:
        return localize(naive, zone, prefer_later=prefer_later)
    except NonExistentLocalTime:
        raise EventRuleError(_(
            "%(time)s does not exist on %(date)s in %(zone)s: the clocks skip that hour when "
            "daylight saving starts. Choose another time.",
            time=wall.strftime("%H:%M"), date=day.isoformat(), zone=zone), field=field) from None
    except AmbiguousLocalTime:
        raise AmbiguousTimeChoiceNeeded(_(
            "%(time)s happens twice on %(date)s in %(zone)s because the clocks go back. "
            "Choose which one you mean.",
            time=wall.strftime("%H:%M"), date=day.isoformat(), zone=zone),
            field="occurrence") from None


def session_instants(event: Event, data: SessionInput) -> tuple[datetime, datetime]:
    if data.day not in event_days(event):
        raise EventRuleError(_("The session must be on one of the event's days."), field="day")
    start_dt = to_utc_instant(data.day, data.start_time, event.timezone, data.occurrence,
                              field="start_time")
    end_dt = to_utc_instant(data.day, data.end_time, event.timezone, data.occurrence,
                            field="end_time")
    if end_dt <= start_dt:
        raise EventRuleError(_("The session must end after it starts."), field="end_time")
    return start_dt, end_dt


def _check_room_free(event: Event, start_dt, end_dt, room: str, session_id: int | None):
    if not room.strip():
        return
    clash = db.session.scalar(
        select(EventSession).where(
            EventSession.event_id == event.id,
            EventSession.status == SessionStatus.SCHEDULED,
            func.lower(EventSession.room) == room.strip().lower(),
            EventSession.start_dt < end_dt,
            EventSession.end_dt > start_dt,
            EventSession.id != (session_id or 0),
        ).limit(1)
    )
    if clash is not None:
        raise ConflictError(_("%(room)s is already used by “%(title)s” at that time.",
                              room=room, title=clash.title), field="room")


def _apply(session: EventSession, event: Event, data: SessionInput) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ConflictError(_("This event is cancelled."))
    if data.capacity is not None and data.capacity < 1:
        raise EventRuleError(_("Places must be at least 1, or empty for no own limit."),
                             field="capacity")
    start_dt, end_dt = session_instants(event, data)
    _check_room_free(event, start_dt, end_dt, data.room, session.id)
    mode = implied_attendance_mode(event) or AttendanceMode(data.attendance_mode)
    session.title = data.title.strip()
    session.description = data.description
    session.kind = data.kind
    session.start_dt, session.end_dt = start_dt, end_dt
    session.room = data.room.strip()
    session.online_url = data.online_url
    session.attendance_mode = mode
    session.floor_language = data.floor_language
    session.capacity = data.capacity
    session.meeting_point = data.meeting_point.strip()
    session.transport = data.transport.strip()


def schedule_session(event: Event, data: SessionInput) -> EventSession:
    session = EventSession()
    _apply(session, event, data)  # before linking: a refused session never joins the event
    session.event = event
    db.session.add(session)
    db.session.flush()
    return session


# A change to any of these makes calendar clients update their copy (RFC 5545 SEQUENCE).
SEQUENCED = ("start_dt", "end_dt", "room", "online_url", "status", "title")


def update_session(session: EventSession, data: SessionInput) -> EventSession:
    """Change a session. Its places are changed under the locks of the event and the session
    (the order of ``app.core.locking``): other features refuse fewer places than are taken and
    fill places that were added, in their waiting order."""
    event = lock_row(Event, session.event_id)
    session = lock_row(EventSession, session.id)
    before = {name: getattr(session, name) for name in SEQUENCED}
    places_before = session.capacity
    if data.capacity != places_before:
        session_places_changing.send(session, capacity=data.capacity)
    _apply(session, event, data)
    if any(getattr(session, name) != value for name, value in before.items()):
        session.sequence += 1
    if session.capacity != places_before:
        db.session.flush()
        session_places_changed.send(session)
    return session


def cancel_session(session: EventSession) -> EventSession:
    """Cancel one session, under the locks of its event and itself (the order of
    ``app.core.locking``); a session already cancelled is refused, as is one of a cancelled
    event (it was cancelled with it)."""
    event = lock_row(Event, session.event_id)
    session = lock_row(EventSession, session.id)
    if session.status == SessionStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        raise ConflictError(_("This session is already cancelled."))
    _mark_cancelled(session)
    return session


def _mark_cancelled(session: EventSession) -> None:
    if session.status != SessionStatus.CANCELLED:
        session.status = SessionStatus.CANCELLED
        session.sequence += 1  # calendars apply the cancellation over what they hold


def session_input_from(session: EventSession) -> dict:
    """Form defaults for editing: the stored instants as the event's wall-clock times."""
    start = to_zone(session.start_dt, session.event.timezone)
    end = to_zone(session.end_dt, session.event.timezone)
    return {"title": session.title, "description": session.description,
            "kind": session.kind.value, "day": start.date().isoformat(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None), "room": session.room,
            "online_url": session.online_url, "attendance_mode": session.attendance_mode.value,
            "floor_language": session.floor_language, "capacity": session.capacity,
            "meeting_point": session.meeting_point, "transport": session.transport}


# --- telling people ------------------------------------------------------------------------

def announce_event_change(event: Event, *, cancelled: bool = False) -> None:
    """Everyone holding an invitation to the event hears of the change (``event_changed``:
    the calendar sends them)."""
    event_changed.send(event, cancelled=cancelled)


def announce_session_change(session: EventSession) -> None:
    session_changed.send(session)


def cancellation_audience(event: Event, session: EventSession | None = None) -> Counter:
    """How many people cancelling ``session`` (or the whole ``event``) would email, by part."""
    total = Counter()
    for count in AUDIENCE_COUNTS:
        total.update(count(event, session))
    return total
