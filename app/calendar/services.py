"""What goes into calendars: downloads, personal feeds, iTIP invitations and reminders.

Everything is built by ``ical.build_calendar``; this module decides which items a person may
see and what each says, in that person's language.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.auth.signals import account_deactivated
from app.calendar.ical import Attendee, CalendarItem, build_calendar
from app.calendar.models import CalendarDelivery, CalendarFeed, ReminderSent
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
    booked_assignments,
    booked_session_ids,
    interpreters_of_events,
)
from app.registrations.models import (
    ACTIVE,
    AttendAs,
    Registration,
    RegistrationStatus,
    SessionPlace,
)

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
    """The ORGANIZER of every item: the organisers' real mailbox (``ORGANISER_EMAIL``), else
    the sender address. Nobody is asked to reply (RSVP=FALSE): answers go through the links
    in each email, so an iTIP REPLY never has to be read."""
    config = current_app.config
    return (config.get("ORGANISER_EMAIL") or config["MAIL_DEFAULT_SENDER"],
            _("Roundtable organisers"))


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
        transparent=True,  # days of the event, not hours: the sessions say when one is busy
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


@account_deactivated.connect
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

    event_ids, user_ids, group_ids, registration_ids = set(), set(), set(), set()
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
        elif isinstance(obj, SessionPlace):  # joined or left a site visit or small group
            registration_ids.add(obj.registration_id)
        elif isinstance(obj, Assignment):
            user_ids.add(obj.interpreter_id)
    event_ids.discard(None)
    user_ids.discard(None)
    group_ids.discard(None)
    registration_ids.discard(None)
    if not (event_ids or user_ids or group_ids or registration_ids):
        return
    touched = [CalendarFeed.user_id.in_(user_ids)] if user_ids else []
    if registration_ids:
        touched.append(CalendarFeed.user_id.in_(select(Registration.user_id).where(
            Registration.id.in_(registration_ids))))
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


def delivered_sequences(user_id: int) -> dict[str, int]:
    """The SEQUENCE last emailed to a person, per UID."""
    return dict(db.session.execute(select(CalendarDelivery.uid, CalendarDelivery.sequence)
                                   .where(CalendarDelivery.user_id == user_id)).all())


def feed_calendar(user: User) -> bytes:
    """Everything a person is registered for, interpreting, organising or a member of;
    cancellations stay 30 days; in the person's language, whoever fetches it.

    A feed is METHOD:PUBLISH, so it names no ATTENDEE (RFC 5546 3.2.1). Where the person was
    also emailed the item, it says what the last email said: the same title and a SEQUENCE
    never below it."""
    with force_locale(user.formatting_locale):
        return _feed_calendar(user)


def _in_programme(session: EventSession, registration: Registration, places: set) -> bool:
    """Whether a session of a registrant's event is theirs: a session with places of its own
    (a site visit, a small group) only with a confirmed place in it, and none held only in
    the other way of attending (an online attendee is not at the welcome dinner)."""
    if session.capacity is not None:
        return session.id in places
    if registration.attend_as == AttendAs.ONLINE:
        return session.attendance_mode != AttendanceMode.IN_PERSON
    return session.attendance_mode != AttendanceMode.ONLINE


def _feed_calendar(user: User) -> bytes:
    # Imported here: interpretation and bilaterals build on calendar.
    from app.bilaterals.services import group_items, groups_for
    from app.interpretation.services import assignment_item

    since = now_utc() - KEEP_CANCELLED
    ids = _relevant_sessions(user.id, user.is_organiser, since).subquery()
    sessions = db.session.scalars(
        select(EventSession).where(EventSession.id.in_(select(ids.c.session_id)))
        .options(joinedload(EventSession.event)).order_by(EventSession.start_dt)).unique().all()
    registrations = {r.event_id: r for r in db.session.scalars(
        select(Registration).where(Registration.user_id == user.id))}
    places = set(db.session.scalars(
        select(SessionPlace.session_id).join(Registration).where(
            Registration.user_id == user.id, SessionPlace.status == RegistrationStatus.CONFIRMED)))
    interpreting = {}
    for assignment in db.session.scalars(booked_assignments(user.id)).unique():
        interpreting.setdefault(assignment.channel.session_id, assignment)
    sent = delivered_sequences(user.id)
    items = []
    for session in sessions:
        if session.id in interpreting:
            item = assignment_item(interpreting[session.id])
        else:
            registration = registrations.get(session.event_id)
            if registration is not None and not user.is_organiser and \
                    not _in_programme(session, registration, places):
                continue
            gone = registration is not None and not registration.is_active and \
                not user.is_organiser
            if (gone or session.status == SessionStatus.CANCELLED) and \
                    session.updated_dt < since and \
                    (registration is None or registration.updated_dt < since):
                continue
            confirmed = registration is not None and registration.status == \
                RegistrationStatus.CONFIRMED
            item = session_item(session, may_join=confirmed or user.is_organiser,
                                cancelled=gone)
        if sent.get(item.uid, -1) > item.sequence:
            item = dataclasses.replace(item, sequence=sent[item.uid])
        items.append(item)
    # Working groups recur: the series with its RRULE, cancelled meetings as EXDATE and
    # moved ones as RECURRENCE-ID overrides.
    for group in groups_for(user):
        items.extend(group_items(group))
    # The feed's name shows wherever the calendar app is shown: the pseudonym, if one is set.
    return render(items, "PUBLISH", name=_("Roundtable: %(name)s", name=user.public_name))


# --- iTIP email ------------------------------------------------------------------------------

# What a delivery is, so it can be built again to cancel it.
REGISTRATION, SESSION, ASSIGNMENT = "registration", "session", "assignment"


def itip_calendar(user: User, item: CalendarItem, method: str, *, kind: str, event_id: int,
                  session_id: int | None = None) -> str:
    """One item as an iTIP message (REQUEST or CANCEL) to one person, and the record of it.

    Its SEQUENCE is the item's own or, when that is not higher, one above the last message
    for this UID to this person: a CANCEL outranks its REQUEST, a REQUEST after a CANCEL
    outranks both, so SEQUENCE never stands still or goes back. One upsert decides it, so two
    transactions never send the same number."""
    table = CalendarDelivery.__table__
    on_sqlite = db.session.get_bind().dialect.name == "sqlite"
    insert = (sqlite if on_sqlite else postgresql).insert(table).values(
        user_id=user.id, uid=item.uid, kind=kind, event_id=event_id, session_id=session_id,
        sequence=item.sequence, method=method, sent_dt=now_utc())
    higher = func.max if on_sqlite else func.greatest
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.uid],
        set_={"sequence": higher(insert.excluded.sequence, table.c.sequence + 1),
              "method": insert.excluded.method, "kind": insert.excluded.kind,
              "event_id": insert.excluded.event_id, "session_id": insert.excluded.session_id,
              "sent_dt": insert.excluded.sent_dt},
    ).returning(table.c.sequence)
    sequence = db.session.execute(statement).scalar_one()
    return render([dataclasses.replace(item, sequence=sequence)], method).decode()


def _standing(event_id: int, kind: str, session_id: int | None = None) -> set[int]:
    """People whose last message of this kind for the event (or session) was a REQUEST."""
    query = select(CalendarDelivery.user_id).where(
        CalendarDelivery.event_id == event_id, CalendarDelivery.kind == kind,
        CalendarDelivery.method == "REQUEST")
    if session_id is not None:
        query = query.where(CalendarDelivery.session_id == session_id)
    return set(db.session.scalars(query))


def _last_methods(uid: str) -> dict[int, str]:
    """Who was ever emailed this item, with the METHOD of the last message."""
    return dict(db.session.execute(select(CalendarDelivery.user_id, CalendarDelivery.method)
                                   .where(CalendarDelivery.uid == uid)).all())


def _holds_scheduled_call(event: Event) -> bool:
    """A scheduled bilateral call's event: its invitees got the session, never the event."""
    from app.bilaterals.models import BilateralCall  # bilaterals builds on calendar

    return db.session.scalar(select(BilateralCall.id).join(
        EventSession, EventSession.id == BilateralCall.session_id).where(
        EventSession.event_id == event.id).limit(1)) is not None


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
        subject = (_("Cancelled: %(event)s", event=event.title) if cancel
                   else _("Updated: %(event)s", event=event.title))
        body = render_template("calendar/email/invitation.txt", event=event, cancel=cancel,
                               agenda_url=absolute_url("events.show_event", event_id=event.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


def _registration_item_holders(event: Event) -> list[Registration]:
    """Registrations whose owner holds the event's own item: it was emailed to them and not
    cancelled since. Items sent before deliveries were recorded count for confirmed places,
    except in a scheduled bilateral call (its invitees were sent the session instead)."""
    standing = _standing(event.id, REGISTRATION)
    recorded = _last_methods(event.uid)
    legacy = not _holds_scheduled_call(event)
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.user), joinedload(Registration.event))
        .order_by(Registration.id)).unique().all()
    return [r for r in registrations if r.user_id in standing or (
        legacy and r.user_id not in recorded and r.status == RegistrationStatus.CONFIRMED)]


def announce_event_change(event: Event, *, cancelled: bool = False) -> int:
    """Tell everyone holding an invitation that the event changed or was cancelled.

    A change updates the event's own item for the participants who hold it. Cancelling
    cancels every item ever sent for the event and still standing, each by its own UID:
    participants' registration items, bilateral invitees' session invitations and
    interpreters' assignments (``announce_session_change`` for each session)."""
    event.sequence += 1
    sent = 0
    if cancelled:
        for session in event.sessions:
            sent += announce_session_change(session, cancelled=True)
    for registration in _registration_item_holders(event):
        send_event_invitation(registration, cancel=cancelled)
        sent += 1
    return sent


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
        with force_locale(user.formatting_locale):
            when = fmt_when(session.start_dt, user.timezone, user.formatting_locale)
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
    with force_locale(user.formatting_locale):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else "ACCEPTED")
        ics = itip_calendar(user, session_item(session, may_join=True, attendee=attendee,
                                               cancelled=cancel), method,
                            kind=SESSION, event_id=session.event_id, session_id=session.id)
        subject = (_("Cancelled: %(event)s", event=session.title) if cancel
                   else _("Updated: %(event)s", event=session.title))
        body = render_template("calendar/email/invitation.txt", event=session.event,
                               cancel=cancel, agenda_url=absolute_url(
                                   "events.show_session", event_id=session.event_id,
                                   session_id=session.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


def announce_session_change(session: EventSession, *, cancelled: bool | None = None) -> int:
    """A moved or cancelled session reaches everyone holding an invitation to it: the
    interpreters of its channels (their REQUEST, or CANCEL when it is cancelled) and, for a
    bilateral call, its invitees. Others follow it through their feed.

    A cancellation (of the session, or of its whole event: ``cancelled=True``) goes to every
    invitation for it still standing, whoever holds it now: one CANCEL per person and UID."""
    from app.interpretation.services import notify as notify_interpreter

    if cancelled is None:
        cancelled = session.status == SessionStatus.CANCELLED or \
            session.event.status == EventStatus.CANCELLED
    interpreters, invitees = _session_audience(session, cancelled)
    for assignment in interpreters:
        notify_interpreter(assignment, "released" if cancelled else "changed")
    for user in invitees:
        send_session_invitation(user, session, cancel=cancelled)
    return len(interpreters) + len(invitees)


def _session_audience(session: EventSession,
                      cancelled: bool) -> tuple[list[Assignment], list[User]]:
    """Whom ``announce_session_change`` tells: the interpreters' assignments (one per
    person) and the bilateral call's invitees. Decided apart from the sending, so a page can
    say beforehand who will be told (``cancellation_audience``)."""
    from app.interpretation.models import BOOKED, SessionChannel

    assignments = db.session.scalars(
        select(Assignment).join(SessionChannel, SessionChannel.id == Assignment.channel_id)
        .where(SessionChannel.session_id == session.id).order_by(Assignment.id)).all()
    last = _last_methods(session.uid)
    # Cancelled already (the session, before its event): nothing more to say.
    told = {user_id for user_id, method in last.items() if method == "CANCEL"} \
        if cancelled else set()
    standing = _standing(session.event_id, ASSIGNMENT, session.id) if cancelled else set()
    interpreters = []
    for assignment in sorted(assignments, key=lambda a: not a.is_booked):
        if assignment.interpreter_id in told:
            continue  # one item per person: two channels of theirs share the session's UID
        if assignment.status in BOOKED or assignment.interpreter_id in standing:
            told.add(assignment.interpreter_id)
            interpreters.append(assignment)
    confirmed = []
    if session.kind == SessionKind.BILATERAL:
        confirmed = db.session.scalars(
            select(User).join(Registration, Registration.user_id == User.id)
            .where(Registration.event_id == session.event_id,
                   Registration.status == RegistrationStatus.CONFIRMED)).all()
    invitees = [user for user in confirmed if user.id not in told]
    if cancelled:
        # Also those who hold it and are no longer registered; invitations sent before
        # deliveries were recorded count for the confirmed invitees.
        standing = _standing(session.event_id, SESSION, session.id) - told
        invitees = [user for user in invitees if user.id in standing or user.id not in last]
        known = {user.id for user in invitees}
        invitees += db.session.scalars(select(User).where(
            User.id.in_(standing - known)).order_by(User.id)).all()
    return interpreters, invitees


@dataclasses.dataclass(frozen=True)
class Audience:
    """How many people a cancellation emails, by the part they play."""

    participants: int = 0  # registered, holding the event's own calendar item
    interpreters: int = 0  # told they are no longer needed
    invitees: int = 0  # of a bilateral call, holding the call's calendar item


def cancellation_audience(event: Event, session: EventSession | None = None) -> Audience:
    """Whom cancelling ``session`` (or, without one, the whole ``event``) would email, decided
    by the very functions that email them (``announce_event_change``,
    ``announce_session_change``): what a confirmation page promises is what happens."""
    interpreters, invitees = set(), set()
    for each in [session] if session is not None else event.sessions:
        assignments, users = _session_audience(each, cancelled=True)
        interpreters |= {assignment.interpreter_id for assignment in assignments}
        invitees |= {user.id for user in users}
    participants = set() if session is not None else {
        registration.user_id for registration in _registration_item_holders(event)}
    return Audience(len(participants), len(interpreters), len(invitees))
