"""What registration puts into calendars: the sessions of a registrant's programme in their
feed, the event's own item emailed on confirmation (and cancelled when the place is given up),
the day-before reminders, and which feeds a registration's change moves."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.calendar.ical import Attendee
from app.calendar.ical import CalendarItem
from app.calendar.models import CalendarFeed
from app.calendar.models import ReminderSent
from app.calendar.services import ANNOUNCERS
from app.calendar.services import FEED_SOURCES
from app.calendar.services import FEED_WATCHERS
from app.calendar.services import REGISTRATION
from app.calendar.services import Announcer
from app.calendar.services import Notice
from app.calendar.services import event_item
from app.calendar.services import itip_calendar
from app.calendar.services import last_methods
from app.calendar.services import session_item
from app.calendar.services import standing
from app.core.mail import queue_email
from app.core.time import fmt_when
from app.core.time import now_utc
from app.core.web import absolute_url
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.translations import translated
from app.extensions import db
from app.registrations.models import ACTIVE
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from app.registrations.models import in_programme

PARTSTAT = {
    RegistrationStatus.CONFIRMED: "ACCEPTED",
    RegistrationStatus.PENDING: "TENTATIVE",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.CANCELLED: "DECLINED",
    RegistrationStatus.DECLINED: "DECLINED",
}
REGISTERED_RANK = 10  # below the organisers' view of a session and an interpreter's


# --- the feed --------------------------------------------------------------------------------

@FEED_SOURCES("registered")
def registered_items(user: User, since: datetime) -> list[tuple[int, CalendarItem]]:
    """The sessions of the events a person registered for: their programme, the online link
    once confirmed; a registration given up shows its sessions cancelled for a while."""
    registrations = {r.event_id: r for r in db.session.scalars(
        select(Registration).where(
            Registration.user_id == user.id,
            or_(Registration.status.in_(ACTIVE), Registration.updated_dt >= since)))}
    if not registrations:
        return []
    # The events in a statement of their own: joined, every session's row would carry (and
    # the driver decode) its event's columns again, JSON included.
    sessions = db.session.scalars(
        select(EventSession).where(EventSession.event_id.in_(registrations))
        .options(selectinload(EventSession.event)).order_by(EventSession.start_dt)).all()
    places = set(db.session.scalars(
        select(SessionPlace.session_id).join(Registration).where(
            Registration.user_id == user.id, SessionPlace.status == RegistrationStatus.CONFIRMED)))
    items = []
    for session in sessions:
        registration = registrations[session.event_id]
        if not user.is_organiser and not in_programme(session, registration, places):
            continue
        gone = not registration.is_active and not user.is_organiser
        if (gone or session.status == SessionStatus.CANCELLED) and \
                session.updated_dt < since and registration.updated_dt < since:
            continue
        confirmed = registration.status == RegistrationStatus.CONFIRMED
        items.append((REGISTERED_RANK, session_item(
            session, may_join=confirmed or user.is_organiser, cancelled=gone)))
    return items


@FEED_WATCHERS("registrations")
def registrants_feeds(changed: list, event_ids: set[int]) -> list:
    """A registration moves its owner's feed; a place taken or given up (a site visit, a
    small group) its registrant's; a changed event its registrants'."""
    user_ids = {obj.user_id for obj in changed if isinstance(obj, Registration)}
    registration_ids = {obj.registration_id for obj in changed
                        if isinstance(obj, SessionPlace)}
    user_ids.discard(None)
    registration_ids.discard(None)
    clauses = [CalendarFeed.user_id.in_(user_ids)] if user_ids else []
    if registration_ids:
        clauses.append(CalendarFeed.user_id.in_(select(Registration.user_id).where(
            Registration.id.in_(registration_ids))))
    if event_ids:
        clauses.append(CalendarFeed.user_id.in_(select(Registration.user_id).where(
            Registration.event_id.in_(event_ids))))
    return clauses


# --- the event's own item, emailed -----------------------------------------------------------

def event_invitation(registration: Registration, *, cancel: bool) -> tuple[str, str]:
    """The event as an iTIP message for one participant: (calendar text, method).

    REQUEST on confirmation or change; CANCEL (never a REQUEST marked cancelled) when the
    place is given up. Both carry ORGANIZER, or Outlook files a duplicate. Each one is
    recorded, so the SEQUENCE of the next one for this person is higher.
    """
    user, event = registration.user, registration.event
    method = "CANCEL" if cancel else "REQUEST"
    with force_locale(user.formatting_locale):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else PARTSTAT.get(registration.status,
                                                                   "NEEDS-ACTION"))
        ics = itip_calendar(user, event_item(event, attendee, cancelled=cancel), method,
                            kind=REGISTRATION, event_id=event.id)
        return ics, method


def send_event_invitation(registration: Registration, *, cancel: bool = False) -> None:
    """An invitation email on its own: for changes to the event itself."""
    user, event = registration.user, registration.event
    ics, method = event_invitation(registration, cancel=cancel)
    with force_locale(user.formatting_locale):
        title = translated(event, "title").text
        subject = (_("Cancelled: %(event)s", event=title) if cancel
                   else _("Updated: %(event)s", event=title))
        body = render_template("calendar/email/invitation.txt", event=event, cancel=cancel,
                               agenda_url=absolute_url("events.show_event", event_id=event.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


def _is_bilateral_call(event: Event) -> bool:
    """A scheduled bilateral call's event: its invitees got the session, never the event."""
    return db.session.scalar(select(EventSession.id).where(
        EventSession.event_id == event.id, EventSession.kind == SessionKind.BILATERAL)
        .limit(1)) is not None


def item_holders(event: Event) -> list[Registration]:
    """Registrations whose owner holds the event's own item: it was emailed to them and not
    cancelled since. Items sent before deliveries were recorded count for confirmed places,
    except in a bilateral call (its invitees were sent the session instead)."""
    holding = standing(event.id, REGISTRATION)
    recorded = last_methods(event.uid)
    legacy = not _is_bilateral_call(event)
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.user), joinedload(Registration.event))
        .order_by(Registration.id)).unique().all()
    return [r for r in registrations if r.user_id in holding or (
        legacy and r.user_id not in recorded and r.status == RegistrationStatus.CONFIRMED)]


def _participants(event: Event, cancelled: bool) -> list[Notice]:
    return [Notice(registration.user_id,
                   lambda registration=registration: send_event_invitation(
                       registration, cancel=cancelled))
            for registration in item_holders(event)]


ANNOUNCERS.add("participants", Announcer(event_audience=_participants))


# --- reminders -------------------------------------------------------------------------------

def _insert_ignore(dialect_name: str):
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    return dialect.insert(ReminderSent)


def send_reminders(now: datetime | None = None) -> int:
    """Email each confirmed participant the day before each session (idempotent: a row per
    person and session is claimed first, so two hosts never send the same reminder)."""
    now = now or now_utc()
    due = db.session.execute(
        select(Registration.user_id, EventSession.id)
        .join(EventSession, EventSession.event_id == Registration.event_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED,
               EventSession.status == SessionStatus.SCHEDULED,
               Event.status.in_([EventStatus.OPEN, EventStatus.CLOSED]),
               EventSession.start_dt > now + timedelta(hours=12),
               EventSession.start_dt <= now + timedelta(hours=36))
    ).all()
    sent = 0
    for user_id, session_id in due:
        claim = (_insert_ignore(db.engine.dialect.name)
                 .values(user_id=user_id, session_id=session_id, sent_dt=now)
                 .on_conflict_do_nothing(index_elements=["user_id", "session_id"])
                 .returning(ReminderSent.id))
        if db.session.execute(claim).scalar() is None:
            continue  # already reminded, here or on another host
        user = db.session.get(User, user_id)
        session = db.session.get(EventSession, session_id)
        with force_locale(user.formatting_locale):
            when = fmt_when(session.start_dt, user.timezone, user.formatting_locale,
                            user.buddhist_era)
            subject = _("Tomorrow: %(title)s", title=translated(session, "title").text)
            body = render_template("calendar/email/reminder.txt", session=session, when=when,
                                   user=user, url=absolute_url(
                                       "events.show_session", event_id=session.event_id,
                                       session_id=session.id))
            queue_email(user.email, subject, body)
        db.session.commit()
        sent += 1
    return sent
