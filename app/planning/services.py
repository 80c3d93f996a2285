"""Planning rules and the logistics lists. Lists read one roster query (users, organisations
and session places eager-loaded), so their cost does not grow in queries with the number of
participants. Callers commit."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import date

from babel.lists import format_list
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.i18n import country_name
from app.core.i18n import select_buddhist_era
from app.core.models import Country
from app.core.time import fmt_day
from app.core.time import now_utc
from app.core.time import to_zone
from app.events.models import Event
from app.events.models import EventStatus
from app.events.services import participating_countries
from app.extensions import db
from app.holidays.services import holidays_for
from app.holidays.services import overrides_for
from app.planning.models import HostCandidate
from app.planning.models import LetterSettings
from app.planning.models import PlanningTask
from app.registrations.models import AttendAs
from app.registrations.models import EventInvitee
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.services import roster


class PlanningError(Refusal):
    """A rule of planning broken; the message is for the user. ``field`` names the form
    field at fault (shown beside it), None when no one field is."""


class PlanningConflict(PlanningError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


# --- date check ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clash:
    day: date
    country_code: str
    name: str


def holiday_clashes(start: date, end: date, country_codes=None) -> list[Clash]:
    """Public holidays between two dates of every platform country (or of
    ``country_codes``), with the organisers' holiday overrides and joint leave days applied
    (the calendar the slot finder uses)."""
    query = select(Country).order_by(Country.code)
    if country_codes is not None:
        query = query.where(Country.code.in_(list(country_codes)))
    countries = db.session.scalars(query).all()
    overrides = overrides_for([country.code for country in countries], start, end)
    clashes = [
        Clash(day, country.code, name)
        for country in countries
        for day, name in holidays_for(country.code, country.holiday_subdivision, start, end,
                                      overrides, joint_leave=True).items()
    ]
    return sorted(clashes, key=lambda clash: (clash.day, clash.country_code))


def event_countries(event: Event) -> list[str]:
    """Whose holidays matter to a meeting: the host country, the participating countries
    (all of them when the event names none) and every delegation invited to it."""
    invited = db.session.scalars(select(EventInvitee.country_code).where(
        EventInvitee.event_id == event.id, EventInvitee.country_code.is_not(None)))
    codes = {event.host_country_code, *(c.code for c in participating_countries(event)),
             *invited}
    return sorted(code for code in codes if code)


def event_holiday_clashes(event: Event) -> list[Clash]:
    """The public holidays a meeting's days fall on, in the countries whose people come
    (``event_countries``). A warning, never a refusal: a meeting may have to be then."""
    return holiday_clashes(event.start_date, event.end_date, event_countries(event))


def holiday_warnings(event: Event, locale: str, buddhist_era: bool | None = None) -> list[str]:
    """``event_holiday_clashes`` in words, dates and countries in the reader's language:
    "20 May 2027 is Vesak Day in Indonesia." (in the Buddhist Era for a Thai reader who
    chose it; ``buddhist_era`` None: the reader of this request's choice)."""
    era = select_buddhist_era() if buddhist_era is None else buddhist_era
    return [_("%(day)s is %(holiday)s in %(country)s.",
              day=fmt_day(clash.day, locale, "medium", era), holiday=clash.name,
              country=country_name(clash.country_code, locale))
            for clash in event_holiday_clashes(event)]


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
    from app.events.services import EVENT_FIELDS
    from app.events.services import EventRuleError
    from app.events.services import update_event

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


# --- visa invitation letters -------------------------------------------------------------

@dataclass(frozen=True)
class LetterDetails:
    """Who signs an event's letters, whom an embassy contacts, what the organisers pay for."""

    signatory_name: str = ""
    signatory_title: str = ""
    signatory_organisation: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    costs_covered: str = ""


LETTER_DEFAULTS = {  # LetterDetails field -> the configuration key of its default
    "signatory_name": "VISA_LETTER_SIGNATORY_NAME",
    "signatory_title": "VISA_LETTER_SIGNATORY_TITLE",
    "signatory_organisation": "VISA_LETTER_SIGNATORY_ORGANISATION",
    "contact_name": "VISA_LETTER_CONTACT_NAME",
    "contact_email": "VISA_LETTER_CONTACT_EMAIL",
    "contact_phone": "VISA_LETTER_CONTACT_PHONE",
}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9 ()./-]{6,40}")


def default_letter_details() -> LetterDetails:
    """The platform's defaults, from the configuration (the contact email falls back to the
    organisers' mailbox)."""
    config = current_app.config
    defaults = {name: (config.get(key) or "").strip() for name, key in LETTER_DEFAULTS.items()}
    defaults["contact_email"] = defaults["contact_email"] or (
        config.get("ORGANISER_EMAIL") or "").strip()
    return LetterDetails(**defaults)


def saved_letter_settings(event: Event) -> LetterSettings | None:
    return db.session.scalar(select(LetterSettings).where(LetterSettings.event_id == event.id))


def letter_details(event: Event) -> LetterDetails:
    """What this event's letters say: each detail the organisers saved for it, else the
    platform's default."""
    details = default_letter_details()
    saved = saved_letter_settings(event)
    if saved is None:
        return details
    return replace(details, **{f.name: getattr(saved, f.name) for f in fields(LetterDetails)
                               if getattr(saved, f.name)})


def save_letter_settings(event: Event, details: LetterDetails) -> LetterSettings:
    """Keep the event's own letter details; an empty one means "the platform's default"."""
    values = {f.name: (getattr(details, f.name) or "").strip() for f in fields(LetterDetails)}
    if values["contact_email"] and not EMAIL.fullmatch(values["contact_email"]):
        raise PlanningError(_("Enter the contact's email address, such as "
                              "visas@example.org."), field="contact_email")
    if values["contact_phone"] and not PHONE.fullmatch(values["contact_phone"]):
        raise PlanningError(_("Enter a phone number with its country code, such as "
                              "+62 21 555 0100."), field="contact_phone")
    settings = saved_letter_settings(event)
    if settings is None:
        settings = LetterSettings(event_id=event.id)
        db.session.add(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.flush()
    return settings


def letter_registration(event: Event, registration_id: int) -> Registration:
    """The registration a visa letter is for: confirmed, and attending in person."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise PlanningError(_("That person is not registered for this event."))
    if registration.status != RegistrationStatus.CONFIRMED or \
            registration.attend_as != AttendAs.IN_PERSON:
        raise PlanningConflict(_("Letters are only for confirmed participants who attend in "
                                 "person."))
    return registration


class LetterIncomplete(PlanningConflict):
    """A letter an embassy would send back: ``missing`` names each detail it lacks."""

    def __init__(self, missing: list[str], locale: str):
        super().__init__(_("The letter cannot be written yet. Missing: %(missing)s.",
                           missing=format_list(missing, locale=locale)))
        self.missing = missing


@dataclass(frozen=True)
class VisaLetter:
    """Everything an embassy reads in an invitation letter, checked complete."""

    issued: date
    registration: Registration
    event: Event
    details: LetterDetails

    @property
    def single_day(self) -> bool:
        return self.event.start_date == self.event.end_date


def visa_letter(event: Event, registration_id: int, issued: date, locale: str) -> VisaLetter:
    """The letter for one participant, issued on ``issued``; refused (``LetterIncomplete``)
    while the participant's passport details, the venue, the signatory or the embassy
    contact are missing. The phone number and what the organisers pay for are said when
    known, and left out otherwise."""
    registration = letter_registration(event, registration_id)
    details = letter_details(event)
    required = (
        (registration.passport_name, _("the participant's name as in their passport")),
        (registration.nationality, _("the participant's nationality")),
        (registration.passport_number, _("the participant's passport number")),
        (event.venue, _("the venue")),
        (event.host_country_code, _("the host country")),
        (details.signatory_name, _("the signatory's name")),
        (details.signatory_title, _("the signatory's title")),
        (details.signatory_organisation, _("the signatory's organisation")),
        (details.contact_name, _("the embassy contact's name")),
        (details.contact_email, _("the embassy contact's email")),
    )
    missing = [label for value, label in required if not value]
    if missing:
        raise LetterIncomplete(missing, locale)
    return VisaLetter(issued=issued, registration=registration, event=event, details=details)


def today_in(event: Event) -> date:
    return to_zone(now_utc(), event.timezone).date()
