"""The notices registration sends: invitations, decisions on a registration, changes to the
sessions of an event a person holds a place at (answering ``session_changed``), and a word to
those invited who have not registered a week before registration closes (a job)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import click
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy import select

from app.auth.models import User
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.events.signals import session_changed
from app.events.translations import in_every_language
from app.extensions import db
from app.notices.services import NoticeKind
from app.notices.services import add_kind
from app.notices.services import app_path
from app.notices.services import notify
from app.notices.services import notify_each_once
from app.registrations.models import EventInvitee
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus

# The status emails carry the calendar invitation and go whatever the choice: the notice's
# own email is off unless the person asks for it.
add_kind(NoticeKind("event_invited", _l("You are invited to %(event)s"),
                    _l("I am invited to an event"), email_default=True, translated=("event",)))
add_kind(NoticeKind("registration_confirmed", _l("Your place is confirmed: %(event)s"),
                    _l("My registration is confirmed"), email_default=False, translated=("event",)))
add_kind(NoticeKind("registration_waitlisted", _l("You are on the waitlist: %(event)s"),
                    _l("My registration is put on the waitlist"), email_default=False,
                    translated=("event",)))
add_kind(NoticeKind("registration_promoted", _l("A place is free for you: %(event)s"),
                    _l("A place becomes free for me on the waitlist"), email_default=False,
                    translated=("event",)))
add_kind(NoticeKind("registration_declined", _l("Registration not accepted: %(event)s"),
                    _l("My registration is not accepted"), email_default=False,
                    translated=("event",)))
add_kind(NoticeKind("session_moved", _l("%(title)s has moved to %(when)s"),
                    _l("A session I hold a place at moves"), email_default=False,
                    times=("when",), translated=("title",)))
add_kind(NoticeKind("session_cancelled", _l("%(title)s is cancelled"),
                    _l("A session I hold a place at is cancelled"), email_default=False,
                    translated=("title",)))

# An organisers' message: its subject and body are kept in every language written and read
# in the reader's, else in English.
add_kind(NoticeKind("event_message", _l("%(event)s: %(subject)s"),
                    _l("The organisers of an event I am registered for send a message"),
                    email_default=True, detail="%(body)s", translated=("event", "subject", "body")))
# A delegation focal point handed a departing delegate's registration to a successor
# (app.delegations): both are told, the successor to add their own needs and travel.
add_kind(NoticeKind("registration_handed_over",
                    _l("Your registration was handed over: %(event)s"),
                    _l("My registration is handed over to a successor"), email_default=True,
                    translated=("event",)))
add_kind(NoticeKind("registration_received",
                    _l("A registration was handed over to you: %(event)s"),
                    _l("A registration is handed over to me"), email_default=True,
                    translated=("event",)))
# A focal point (or an organiser) registered a delegate on their behalf: the delegate did not
# tick the consents themselves, so they are asked to review the registration.
add_kind(NoticeKind("registration_made_on_behalf",
                    _l("You were registered on your behalf: %(event)s. Please review it."),
                    _l("Someone registers me for an event on my behalf"), email_default=True,
                    translated=("event",)))

STATUS_KINDS = {"confirmed": "registration_confirmed", "waitlisted": "registration_waitlisted",
                "promoted": "registration_promoted", "declined": "registration_declined"}


def tell_registrant(registration: Registration, kind: str) -> None:
    """A decision on a registration (``kind``: confirmed, waitlisted, promoted, declined)."""
    if kind in STATUS_KINDS:
        notify([registration.user], STATUS_KINDS[kind],
               event=in_every_language(registration.event, "title"),
               link=app_path("registrations.mine"))


def tell_message(message, recipients) -> None:
    """Each recipient of an organisers' message, on their own (one notice and email each)."""
    notify(recipients, "event_message", event=in_every_language(message.event, "title"),
           subject={language: text["subject"] for language, text in message.texts.items()
                    if text.get("subject")},
           body={language: text["body"] for language, text in message.texts.items()
                 if text.get("body")},
           link=app_path("events.show_event", event_id=message.event_id))


def tell_handed_over(registration: Registration, departing: User) -> None:
    """A registration moved from ``departing`` to its new holder (``registration.user``)."""
    link, event = app_path("registrations.mine"), in_every_language(registration.event, "title")
    notify([departing], "registration_handed_over", event=event, link=link)
    notify([registration.user], "registration_received", event=event, link=link)


def tell_registered_on_behalf(registration: Registration) -> None:
    """The delegate a focal point registered: to review the registration and add their own
    needs and travel."""
    notify([registration.user], "registration_made_on_behalf",
           event=in_every_language(registration.event, "title"),
           link=app_path("registrations.mine"))


def tell_invited(event, *, user: User | None = None, country_code: str | None = None) -> None:
    """A person, or every active participant of a delegation, invited to an event that is
    no longer a draft (a draft's invitees hear when it opens)."""
    if event.status == EventStatus.DRAFT:
        return
    people = [user] if user is not None else db.session.scalars(select(User).where(
        User.country_code == country_code, User.is_participant,
        User.deactivated_dt.is_(None)))
    notify(people, "event_invited", event=in_every_language(event, "title"),
           link=app_path("events.show_event", event_id=event.id))


@session_changed.connect
def tell_session_holders(session: EventSession, **_extra) -> None:
    """Everyone confirmed for the session's event hears that it moved or was cancelled."""
    people = db.session.scalars(select(User).join(Registration, Registration.user_id == User.id)
                                .where(Registration.event_id == session.event_id,
                                       Registration.status == RegistrationStatus.CONFIRMED))
    link = app_path("events.show_session", event_id=session.event_id, session_id=session.id)
    title = in_every_language(session, "title")
    if session.status == SessionStatus.CANCELLED:
        notify(people, "session_cancelled", title=title, link=link)
    else:
        notify(people, "session_moved", title=title, when=session.start_dt, link=link)


# --- invited, not registered, a week before registration closes -----------------------------

CLOSING_NOTICE_DAYS = 7

add_kind(NoticeKind("registration_closing", _l("Registration for %(event)s closes on %(when)s"),
                    _l("Registration is closing for an event I am invited to and I have not "
                       "registered"), email_default=True, times=("when",), translated=("event",)))


def remind_invited_unregistered(now: datetime | None = None) -> int:
    """Each person invited to an open event (in person, or through their delegation) who has
    not registered is told once, ``CLOSING_NOTICE_DAYS`` before registration closes. The
    notice row claims (person, event), so two runs, here or on another host, tell them once."""
    now = now or now_utc()
    events = db.session.scalars(select(Event).where(
        Event.status == EventStatus.OPEN, Event.registration_closes_dt > now,
        Event.registration_closes_dt <= now + timedelta(days=CLOSING_NOTICE_DAYS))
        .order_by(Event.id)).all()
    due = []
    for event in events:
        invited = select(EventInvitee).where(EventInvitee.event_id == event.id)
        registered = select(Registration.user_id).where(Registration.event_id == event.id)
        due += [(user.id, event.id) for user in db.session.scalars(
            select(User).where(
                User.is_participant, User.deactivated_dt.is_(None), User.id.not_in(registered),
                or_(User.id.in_(invited.with_only_columns(EventInvitee.user_id)),
                    User.country_code.in_(invited.with_only_columns(EventInvitee.country_code))))
            .order_by(User.id))]

    def reminder(event_id):
        event = db.session.get(Event, event_id)
        return ("registration_closing", f"event:{event_id}",
                app_path("events.show_event", event_id=event_id),
                {"event": in_every_language(event, "title"), "when": event.registration_closes_dt})

    return notify_each_once(due, reminder)


@click.command("send-registration-reminders")
def send_registration_reminders_command():
    """Tell people invited to an event who have not registered, a week before registration
    closes (idempotent; safe on several hosts)."""
    click.echo(f"reminded={remind_invited_unregistered()}")
