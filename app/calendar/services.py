"""What goes into calendars: downloads, personal feeds, iTIP invitations and reminders.

Everything is built by ``ical.build_calendar``; this module decides which items a person may
see and what each says, in that person's language.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.calendar.ical import Attendee, CalendarItem, build_calendar
from app.calendar.models import CalendarFeed, ReminderSent
from app.core.mail import queue_email
from app.core.time import fmt_when, now_utc
from app.core.web import absolute_url
from app.events.models import (
    AttendanceMode,
    Event,
    EventSession,
    EventStatus,
    SessionKind,
    SessionStatus,
)
from app.extensions import db
from app.interpretation.models import Assignment
from app.interpretation.queries import (
    booked_session_ids,
    interpreters_of_events,
    interpreting_status,
)
from app.registrations.models import ACTIVE, Registration, RegistrationStatus

KEEP_CANCELLED = timedelta(days=30)
HOUR = timedelta(hours=1)
PARTSTAT = {
    RegistrationStatus.CONFIRMED: "ACCEPTED",
    RegistrationStatus.PENDING: "TENTATIVE",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.CANCELLED: "DECLINED",
    RegistrationStatus.DECLINED: "DECLINED",
}


def organiser_address() -> tuple[str, str]:
    return current_app.config["MAIL_DEFAULT_SENDER"], _("Roundtable organisers")


# --- items ---------------------------------------------------------------------------------

def _chatham_note(event: Event) -> str:
    if not event.is_chatham_house:
        return ""
    return _("Chatham House Rule: you may use what is said here, but never reveal who said "
             "it or who was present.")


def session_item(session: EventSession, *, may_join: bool, attendee: Attendee | None = None,
                 cancelled: bool = False) -> CalendarItem:
    """One session as a VEVENT; the online link only for those allowed to see it."""
    event = session.event
    online = session.attendance_mode != AttendanceMode.IN_PERSON and event.is_online
    link = (session.online_url or event.online_url) if online and may_join else ""
    lines = [event.title, session.description, _chatham_note(event)]
    if link and event.joining_instructions:
        lines.append(event.joining_instructions)
    location = ", ".join(part for part in (session.room, event.venue) if part)
    return CalendarItem(
        uid=session.uid, sequence=session.sequence, summary=session.title,
        start=session.start_dt, end=session.end_dt, timezone=event.timezone,
        description="\n\n".join(line for line in lines if line),
        location=location or (link if link else ""), url=link,
        status="CANCELLED" if cancelled or session.status == SessionStatus.CANCELLED
        or event.status == EventStatus.CANCELLED else "CONFIRMED",
        attendees=[attendee] if attendee else [], last_modified=session.updated_dt,
        categories=[event.title],
    )


def event_item(event: Event, attendee: Attendee | None = None,
               cancelled: bool = False) -> CalendarItem:
    """The whole event as an all-day item (DTEND is the day after the last day)."""
    lines = [event.description, _chatham_note(event),
             _("Agenda: %(url)s", url=absolute_url("events.show_event", event_id=event.id))]
    return CalendarItem(
        uid=event.uid, sequence=event.sequence, summary=event.title, all_day=True,
        start=event.start_date, end=event.end_date + timedelta(days=1),
        timezone=event.timezone, description="\n\n".join(line for line in lines if line),
        location=", ".join(part for part in (event.venue, event.address) if part),
        status="CANCELLED" if cancelled or event.status == EventStatus.CANCELLED
        else "CONFIRMED",
        attendees=[attendee] if attendee else [], alarm_minutes=None,
        last_modified=event.updated_dt,
    )


def render(items, method: str, name: str = "") -> bytes:
    return build_calendar(items, method=method, organiser=organiser_address(),
                          stamp=now_utc(), name=name)


def agenda_calendar(event: Event, sessions: list[EventSession], may_join: bool) -> bytes:
    items = [session_item(s, may_join=may_join) for s in sessions]
    return render(items, "PUBLISH", name=event.title)


# --- personal feed ---------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(user: User) -> str:
    """A new secret feed URL token for the user; any earlier one stops working."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash, feed.created_dt, feed.revoked_dt = _hash(token), now_utc(), None
    feed.changed_dt = now_utc()
    db.session.flush()
    return token


def revoke_feed(user: User) -> None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is not None:
        feed.token_hash, feed.revoked_dt = None, now_utc()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id,
                                                        CalendarFeed.token_hash.is_not(None)))


def _relevant_sessions(user_id, is_organiser: bool, since: datetime):
    """Session ids in a person's feed: their events' sessions (registered, or organising)
    and the sessions they interpret."""
    registered = (
        select(EventSession.id.label("session_id"))
        .join(Registration, Registration.event_id == EventSession.event_id)
        .where(Registration.user_id == user_id,
               or_(Registration.status.in_(ACTIVE), Registration.updated_dt >= since))
    )
    interpreting = booked_session_ids(user_id)
    if not is_organiser:
        return union_all(registered, interpreting)
    organising = select(EventSession.id.label("session_id")).join(
        Event, Event.id == EventSession.event_id).where(
        Event.status.in_([EventStatus.OPEN, EventStatus.CLOSED]))
    return union_all(registered, organising, interpreting)


# Built once: on the polling path even building the statement shows.
FEED_STAMP = select(CalendarFeed.user_id, CalendarFeed.changed_dt).where(
    CalendarFeed.token_hash == bindparam("token_hash"))


def feed_stamp(token: str) -> tuple[int, datetime] | None:
    """(user id, last change) of a live feed: one indexed look-up, all a conditional
    request needs."""
    # Core on the session's connection, no ORM: this path is hit by every calendar client
    # polling, and must stay as close to free as a database read can be.
    return db.session.connection().execute(
        FEED_STAMP, {"token_hash": _hash(token or "")}).first()


def feed_etag(token: str, changed: datetime) -> str:
    """Unique to the feed and its last change; the date is mixed in so clients revalidate
    daily and cancelled items drop out after 30 days."""
    seed = f"{_hash(token)}:{changed.isoformat()}:{now_utc().date().isoformat()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def follow_changes(session, _flush_context) -> None:
    """After each flush, move the feeds that just changed (SQLAlchemy ``after_flush``): a
    session or event edited touches its participants' and the organisers' feeds; a
    registration touches its owner's; a working group its members' and the organisers'.
    Nobody has to remember to call this."""
    # Imported here: bilaterals' models load events, whose views load this module.
    from app.bilaterals.models import WorkingGroup, WorkingGroupException, WorkingGroupMember

    event_ids, user_ids, group_ids = set(), set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WorkingGroup):
            group_ids.add(obj.id)
        elif isinstance(obj, WorkingGroupException | WorkingGroupMember):
            group_ids.add(obj.group_id)
            if isinstance(obj, WorkingGroupMember):
                user_ids.add(obj.user_id)  # also someone who just left the group
        elif isinstance(obj, EventSession):
            event_ids.add(obj.event_id)
        elif isinstance(obj, Event):
            event_ids.add(obj.id)
        elif isinstance(obj, Registration):
            user_ids.add(obj.user_id)
        elif isinstance(obj, Assignment):
            user_ids.add(obj.interpreter_id)
    event_ids.discard(None)
    user_ids.discard(None)
    group_ids.discard(None)
    if not (event_ids or user_ids or group_ids):
        return
    touched = [CalendarFeed.user_id.in_(user_ids)] if user_ids else []
    if group_ids:
        touched += [
            CalendarFeed.user_id.in_(select(WorkingGroupMember.user_id).where(
                WorkingGroupMember.group_id.in_(group_ids))),
            CalendarFeed.user_id.in_(select(User.id).where(User.is_organiser)),
        ]
    if event_ids:
        touched += [
            CalendarFeed.user_id.in_(select(Registration.user_id).where(
                Registration.event_id.in_(event_ids))),
            CalendarFeed.user_id.in_(select(User.id).where(User.is_organiser)),
            CalendarFeed.user_id.in_(interpreters_of_events(event_ids)),
        ]
    session.connection().execute(
        update(CalendarFeed).where(or_(*touched)).values(changed_dt=now_utc()))


def feed_calendar(user: User) -> bytes:
    """Everything a person is registered for, interpreting, organising or a member of;
    cancellations stay 30 days."""
    since = now_utc() - KEEP_CANCELLED
    ids = _relevant_sessions(user.id, user.is_organiser, since).subquery()
    sessions = db.session.scalars(
        select(EventSession).where(EventSession.id.in_(select(ids.c.session_id)))
        .options(joinedload(EventSession.event)).order_by(EventSession.start_dt)).unique().all()
    registrations = {r.event_id: r for r in db.session.scalars(
        select(Registration).where(Registration.user_id == user.id))}
    interpreting = dict(db.session.execute(interpreting_status(user.id)).all())
    items = []
    for session in sessions:
        if session.id in interpreting:
            partstat = "ACCEPTED" if interpreting[session.id] == "accepted" else "NEEDS-ACTION"
            items.append(session_item(session, may_join=True, attendee=Attendee(
                user.email, user.display_name, partstat, rsvp=False)))
            continue
        registration = registrations.get(session.event_id)
        gone = registration is not None and not registration.is_active and not user.is_organiser
        if (gone or session.status == SessionStatus.CANCELLED) and session.updated_dt < since \
                and (registration is None or registration.updated_dt < since):
            continue
        confirmed = registration is not None and registration.status == \
            RegistrationStatus.CONFIRMED
        attendee = Attendee(user.email, user.display_name,
                            PARTSTAT[registration.status], rsvp=False) if registration else None
        items.append(session_item(session, may_join=confirmed or user.is_organiser,
                                  attendee=attendee, cancelled=gone))
    # Working groups recur: the series with its RRULE, cancelled meetings as EXDATE and
    # moved ones as RECURRENCE-ID overrides. (Imported here: bilaterals builds on calendar.)
    from app.bilaterals.services import group_items, groups_for

    for group in groups_for(user):
        items.extend(group_items(group))
    return render(items, "PUBLISH", name=_("Roundtable: %(name)s", name=user.display_name))


# --- iTIP email ------------------------------------------------------------------------------

def event_invitation(registration: Registration, *, cancel: bool) -> tuple[str, str]:
    """The event as an iTIP message for one participant: (calendar text, method).

    REQUEST on confirmation or change; CANCEL (never a REQUEST marked cancelled) when the
    place is given up. Both carry ORGANIZER, or Outlook files a duplicate.
    """
    user, event = registration.user, registration.event
    method = "CANCEL" if cancel else "REQUEST"
    with force_locale(user.locale or "en"):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else PARTSTAT.get(registration.status,
                                                                   "NEEDS-ACTION"))
        return render([event_item(event, attendee, cancelled=cancel)], method).decode(), method


def send_event_invitation(registration: Registration, *, cancel: bool = False) -> None:
    """An invitation email on its own: for changes to the event itself."""
    user, event = registration.user, registration.event
    ics, method = event_invitation(registration, cancel=cancel)
    with force_locale(user.locale or "en"):
        subject = (_("Cancelled: %(event)s", event=event.title) if cancel
                   else _("Updated: %(event)s", event=event.title))
        body = render_template("calendar/email/invitation.txt", event=event, cancel=cancel,
                               agenda_url=absolute_url("events.show_event", event_id=event.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


def announce_event_change(event: Event, *, cancelled: bool = False) -> int:
    """Tell every confirmed participant that the event moved or was cancelled."""
    event.sequence += 1
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.CONFIRMED)
        .options(joinedload(Registration.user), joinedload(Registration.event))).all()
    for registration in registrations:
        send_event_invitation(registration, cancel=cancelled)
    return len(registrations)


# --- reminders -----------------------------------------------------------------------------

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
        with force_locale(user.locale or "en"):
            when = fmt_when(session.start_dt, user.timezone, user.locale or "en")
            subject = _("Tomorrow: %(title)s", title=session.title)
            body = render_template("calendar/email/reminder.txt", session=session, when=when,
                                   user=user, url=absolute_url(
                                       "events.show_session", event_id=session.event_id,
                                       session_id=session.id))
            queue_email(user.email, subject, body)
        db.session.commit()
        sent += 1
    return sent


def send_session_invitation(user: User, session: EventSession, *, cancel: bool) -> None:
    """One session as an iTIP message to one person (bilateral calls are invited this way)."""
    method = "CANCEL" if cancel else "REQUEST"
    with force_locale(user.locale or "en"):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else "ACCEPTED")
        ics = render([session_item(session, may_join=True, attendee=attendee,
                                   cancelled=cancel)], method).decode()
        subject = (_("Cancelled: %(event)s", event=session.title) if cancel
                   else _("Updated: %(event)s", event=session.title))
        body = render_template("calendar/email/invitation.txt", event=session.event,
                               cancel=cancel, agenda_url=absolute_url(
                                   "events.show_session", event_id=session.event_id,
                                   session_id=session.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


def announce_session_change(session: EventSession) -> int:
    """A moved or cancelled session reaches everyone holding an invitation to it: the
    interpreters of its channels (their REQUEST, or CANCEL when it is cancelled) and, for a
    bilateral call, its invitees. Others follow it through their feed."""
    from app.interpretation.models import AssignmentStatus, SessionChannel
    from app.interpretation.services import notify as notify_interpreter

    cancelled = session.status == SessionStatus.CANCELLED
    assignments = db.session.scalars(
        select(Assignment).join(SessionChannel, SessionChannel.id == Assignment.channel_id)
        .where(SessionChannel.session_id == session.id,
               Assignment.status.in_([AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED]))
    ).all()
    for assignment in assignments:
        notify_interpreter(assignment, "released" if cancelled else "changed")
    invitees = []
    if session.kind == SessionKind.BILATERAL:
        invitees = db.session.scalars(
            select(User).join(Registration, Registration.user_id == User.id)
            .where(Registration.event_id == session.event_id,
                   Registration.status == RegistrationStatus.CONFIRMED)).all()
        for user in invitees:
            send_session_invitation(user, session, cancel=cancelled)
    return len(assignments) + len(invitees)
