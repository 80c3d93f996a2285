"""Planning rules and the logistics lists. Lists read one roster query (users, organisations
and session places eager-loaded), so their cost does not grow in queries with the number of
participants. Callers commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.bilaterals.services import holidays_for, overrides_for
from app.core.models import Country
from app.core.time import now_utc, to_zone
from app.events.models import Event, EventStatus
from app.extensions import db
from app.planning.models import HostCandidate, PlanningTask
from app.registrations.models import AttendAs, Registration, RegistrationStatus
from app.registrations.services import roster


class PlanningError(ValueError):
    """A rule of planning broken; the message is for the user. ``field`` names the form
    field at fault (shown beside it), None when no one field is."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PlanningConflict(PlanningError):
    status = 409


# --- date check ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clash:
    day: date
    country_code: str
    name: str


def holiday_clashes(start: date, end: date) -> list[Clash]:
    """Public holidays of every participating country between two dates, with the
    organisers' holiday overrides and joint leave days applied (the calendar the slot
    finder uses)."""
    countries = db.session.scalars(select(Country).order_by(Country.code)).all()
    overrides = overrides_for([country.code for country in countries], start, end)
    clashes = [
        Clash(day, country.code, name)
        for country in countries
        for day, name in holidays_for(country.code, country.holiday_subdivision, start, end,
                                      overrides, joint_leave=True).items()
    ]
    return sorted(clashes, key=lambda clash: (clash.day, clash.country_code))


def meeting_clashes(start: date, end: date, excluding: int | None = None) -> list[Event]:
    """Other Roundtable meetings on any of those days."""
    return list(db.session.scalars(select(Event).where(
        Event.start_date <= end, Event.end_date >= start,
        Event.status != EventStatus.CANCELLED, Event.id != (excluding or 0))
        .order_by(Event.start_date)))


def add_candidate(event: Event, country_code: str, venue: str, start: date, end: date,
                  notes: str = "") -> HostCandidate:
    if end < start:
        raise PlanningError(_("The last day cannot be before the first day."),
                            field="end_date")
    if (end - start).days > 14:
        raise PlanningError(_("A roundtable lasts at most 14 days."), field="end_date")
    if db.session.get(Country, country_code) is None:
        raise PlanningError(_("Choose one of the participating countries."), field="country")
    candidate = HostCandidate(event_id=event.id, country_code=country_code,
                              venue=venue.strip(), start_date=start, end_date=end,
                              notes=notes.strip())
    db.session.add(candidate)
    db.session.flush()
    return candidate


def candidates(event: Event) -> list[HostCandidate]:
    return list(db.session.scalars(select(HostCandidate).where(
        HostCandidate.event_id == event.id).order_by(HostCandidate.start_date)))


def choose_candidate(event: Event, candidate: HostCandidate) -> Event:
    """Make a candidate the meeting's host, venue and dates (sessions must still fit)."""
    from app.events.services import EVENT_FIELDS, EventRuleError, update_event

    fields = {name: getattr(event, name) for name in EVENT_FIELDS}
    fields.update(host_country_code=candidate.country_code, venue=candidate.venue,
                  start_date=candidate.start_date, end_date=candidate.end_date)
    try:
        update_event(event, **fields)
    except EventRuleError as error:
        raise PlanningConflict(str(error)) from None
    return event


# --- checklist -------------------------------------------------------------------------------

def add_task(event: Event, title: str, owner_id: int | None, due: date | None) -> PlanningTask:
    if not title.strip():
        raise PlanningError(_("Give the task a title."), field="title")
    task = PlanningTask(event_id=event.id, title=title.strip(), owner_id=owner_id, due_date=due)
    db.session.add(task)
    db.session.flush()
    return task


def tasks(event: Event) -> list[PlanningTask]:
    return list(db.session.scalars(
        select(PlanningTask).where(PlanningTask.event_id == event.id)
        .options(joinedload(PlanningTask.owner))
        .order_by(PlanningTask.done_dt.is_not(None), PlanningTask.due_date,
                  PlanningTask.id)))


def toggle_task(task: PlanningTask) -> PlanningTask:
    task.done_dt = None if task.done_dt else now_utc()
    return task


def is_overdue(task: PlanningTask, today: date) -> bool:
    return task.done_dt is None and task.due_date is not None and task.due_date < today


# --- logistics lists ---------------------------------------------------------------------------

def travellers(event: Event) -> list[Registration]:
    """Confirmed people coming in person, from one roster query."""
    return [r for r in roster(event) if r.status == RegistrationStatus.CONFIRMED
            and r.attend_as == AttendAs.IN_PERSON]


@dataclass(frozen=True)
class Movement:
    """One airport pickup or drop-off."""

    day: date | None
    time: object
    direction: str  # "arrival" / "departure"
    flight: str
    registration: Registration


def manifest(event: Event) -> list[Movement]:
    """Arrivals and departures in date and time order, for airport pickups."""
    movements = []
    for registration in travellers(event):
        movements.append(Movement(registration.arrival_date, registration.arrival_time,
                                  "arrival", registration.arrival_flight, registration))
        movements.append(Movement(registration.departure_date, registration.departure_time,
                                  "departure", registration.departure_flight, registration))
    return sorted(movements, key=lambda m: (m.day is None, m.day or date.min,
                                            m.time is None, str(m.time or ""), m.direction,
                                            m.registration.user.display_name.lower()))


def nights(registration: Registration) -> int | None:
    if registration.arrival_date and registration.departure_date:
        return (registration.departure_date - registration.arrival_date).days
    return None


def rooming(event: Event) -> list[Registration]:
    rooms = [r for r in travellers(event) if r.needs_room]
    return sorted(rooms, key=lambda r: (r.arrival_date or date.max,
                                        r.user.display_name.lower()))


def needs_summary(event: Event) -> tuple[Counter, Counter, list[Registration]]:
    """Counts of each dietary and access need, and the people who have any."""
    confirmed = [r for r in roster(event) if r.status == RegistrationStatus.CONFIRMED]
    dietary = Counter(r.dietary_needs.strip().capitalize() for r in confirmed
                      if r.dietary_needs.strip())
    access = Counter(r.access_needs.strip().capitalize() for r in confirmed
                     if r.access_needs.strip())
    people = sorted((r for r in confirmed if r.dietary_needs or r.access_needs),
                    key=lambda r: r.user.display_name.lower())
    return dietary, access, people


def badges(event: Event) -> list[Registration]:
    """Everyone confirmed, in person or online; a badge shows only the public name."""
    confirmed = [r for r in roster(event) if r.status == RegistrationStatus.CONFIRMED]
    return sorted(confirmed, key=lambda r: (r.user.country_code or "",
                                            r.user.public_name.lower()))


def letter_registration(event: Event, registration_id: int) -> Registration:
    """The registration a visa letter is for: confirmed, in person, with a passport name."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise PlanningError(_("That person is not registered for this event."))
    if registration.status != RegistrationStatus.CONFIRMED or \
            registration.attend_as != AttendAs.IN_PERSON:
        raise PlanningConflict(_("Letters are only for confirmed participants who attend in "
                                 "person."))
    if not registration.passport_name:
        raise PlanningConflict(_("This participant has not entered their name as in their "
                                 "passport yet."))
    return registration


def today_in(event: Event) -> date:
    return to_zone(now_utc(), event.timezone).date()
