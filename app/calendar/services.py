"""What goes into calendars: downloads, personal feeds and iTIP invitations.

Everything is built by ``ical.build_calendar``; this module knows events and sessions, and
the features above it plug in what they know (``FEED_SOURCES``, ``FEED_WATCHERS``,
``ANNOUNCERS``): registrations their registrants' items, interpretation its interpreters',
working groups their series. Each item says what it says in its reader's language.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from functools import partial

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.signals import account_deactivated
from app.calendar import itemcache
from app.calendar.ical import Attendee
from app.calendar.ical import CalendarItem
from app.calendar.ical import assemble
from app.calendar.ical import build_calendar
from app.calendar.ical import calendar_head
from app.calendar.models import CalendarDelivery
from app.calendar.models import CalendarFeed
from app.core.mail import queue_email
from app.core.registry import Registry
from app.core.templating import current_language
from app.core.time import now_utc
from app.core.web import absolute_url
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.events.services import AUDIENCE_COUNTS
from app.events.signals import event_changed
from app.events.signals import session_changed
from app.events.translations import translated
from app.extensions import db

KEEP_CANCELLED = timedelta(days=30)
HOUR = timedelta(hours=1)

# --- what the features above plug in ---------------------------------------------------------

FEED_SOURCES: Registry[Callable[[User, datetime], list[tuple[int, CalendarItem]]]] = Registry(
    "personal feed sources")
"""Each takes a person and ``since`` (an item cancelled before then is left out) and returns
(rank, item) pairs: what that feature puts in the person's feed. Where two give the same item
(one UID and RECURRENCE-ID: a session someone attends and interprets), the higher rank wins."""

FEED_WATCHERS: Registry[Callable[[list, set[int]], list]] = Registry("what moves a feed")
"""Each takes the objects one flush changed and the ids of the events changed in it, and
returns WHERE clauses on ``CalendarFeed.user_id``: whose feeds show the change."""


@dataclasses.dataclass(frozen=True)
class Notice:
    """One person to tell of a change, and how (an email with its calendar item)."""

    user_id: int
    send: Callable[[], None]


@dataclasses.dataclass(frozen=True)
class Announcer:
    """A feature whose people hold emailed calendar items of an event or its sessions.

    ``session_audience(session, cancelled, told, last)``: whom to tell that the session moved
    or was cancelled, leaving out ``told`` (told already, by this change or an earlier
    cancellation); ``last``: who was ever emailed the session's item, with the METHOD of the
    last message. ``event_audience(event, cancelled)``: whom to tell of the event itself."""

    session_audience: Callable[..., list[Notice]] | None = None
    event_audience: Callable[[Event, bool], list[Notice]] | None = None


ANNOUNCERS: Registry[Announcer] = Registry("who holds emailed calendar items")
"""By the part people play ("interpreters", "invitees", "participants"): the names a
cancellation page counts them by."""


def organiser_address() -> tuple[str, str]:
    """The ORGANIZER of every item: the organisers' real mailbox (``ORGANISER_EMAIL``), else
    the sender address. Nobody is asked to reply (RSVP=FALSE): answers go through the links
    in each email, so an iTIP REPLY never has to be read."""
    config = current_app.config
    return (config.get("ORGANISER_EMAIL") or config["MAIL_DEFAULT_SENDER"],
            _("Roundtable organisers"))


# --- items ---------------------------------------------------------------------------------

def _chatham_note(event: Event, language: str | None = None) -> str:
    if not event.is_chatham_house:
        return ""
    return _chatham_text(language or current_language())


@lru_cache(maxsize=16)
def _chatham_text(language: str) -> str:
    """The note in ``language``, the page's language (the key only: the catalogues do not
    change while the app runs), translated once: a feed's every item carries it."""
    return _("Chatham House Rule: you may use what is said here, but never reveal who said "
             "it or who was present.")


def session_item(session: EventSession, *, may_join: bool, attendee: Attendee | None = None,
                 cancelled: bool = False) -> CalendarItem:
    """One session as a VEVENT; the online link only for those allowed to see it."""
    event = session.event
    online = session.attendance_mode != AttendanceMode.IN_PERSON and event.is_online
    link = (session.online_url or event.online_url) if online and may_join else ""
    language = current_language()  # asked once: a feed builds thousands of these
    event_title = translated(event, "title", language).text
    lines = [event_title, translated(session, "description", language).text,
             _chatham_note(event, language)]
    if link and event.joining_instructions:
        lines.append(event.joining_instructions)
    location = ", ".join(part for part in (session.room,
                                           translated(event, "venue", language).text) if part)
    return CalendarItem(
        uid=session.uid, sequence=session.sequence,
        summary=translated(session, "title", language).text,
        start=session.start_dt, end=session.end_dt, timezone=event.timezone,
        description="\n\n".join(line for line in lines if line),
        location=location or (link if link else ""), url=link,
        status="CANCELLED" if cancelled or session.status == SessionStatus.CANCELLED
        or event.status == EventStatus.CANCELLED else "CONFIRMED",
        attendees=[attendee] if attendee else [], last_modified=session.updated_dt,
        categories=[event_title],
    )


def event_item(event: Event, attendee: Attendee | None = None,
               cancelled: bool = False) -> CalendarItem:
    """The whole event as an all-day item (DTEND is the day after the last day)."""
    lines = [translated(event, "description").text, _chatham_note(event),
             _("Agenda: %(url)s", url=absolute_url("events.show_event", event_id=event.id))]
    return CalendarItem(
        uid=event.uid, sequence=event.sequence, summary=translated(event, "title").text,
        all_day=True,
        start=event.start_date, end=event.end_date + timedelta(days=1),
        timezone=event.timezone, description="\n\n".join(line for line in lines if line),
        location=", ".join(part for part in (translated(event, "venue").text, event.address)
                           if part),
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
    return render(items, "PUBLISH", name=translated(event, "title").text)


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
    feed.changed_dt, feed.items_key = now_utc(), None
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
    session or event edited touches the organisers' feeds and, through ``FEED_WATCHERS``,
    those of its registrants and interpreters; a registration its owner's; a working group
    its members'. Nobody has to remember to call this."""
    changed = [*session.new, *session.dirty, *session.deleted]
    event_ids = {obj.event_id for obj in changed if isinstance(obj, EventSession)}
    event_ids |= {obj.id for obj in changed if isinstance(obj, Event)}
    event_ids.discard(None)
    touched = [CalendarFeed.user_id.in_(select(User.id).where(User.is_organiser))] \
        if event_ids else []
    for watcher in FEED_WATCHERS:
        touched += watcher(changed, event_ids)
    if touched:
        session.connection().execute(
            # The kept list of its items goes too (``itemcache.kept_feed``), whatever the clocks.
            update(CalendarFeed).where(or_(*touched)).values(changed_dt=now_utc(),
                                                             items_key=None))


def delivered_sequences(user_id: int) -> dict[str, int]:
    """The SEQUENCE last emailed to a person, per UID."""
    return dict(db.session.execute(select(CalendarDelivery.uid, CalendarDelivery.sequence)
                                   .where(CalendarDelivery.user_id == user_id)).all())


def feed_calendar(user: User, changed: datetime | None = None, *,
                  later: Callable[[Callable[[], None]], None] | None = None) -> bytes:
    """Everything a person is registered for, interpreting, organising or a member of;
    cancellations stay 30 days; in the person's language, whoever fetches it.

    A feed is METHOD:PUBLISH, so it names no ATTENDEE (RFC 5546 3.2.1). Where the person was
    also emailed the item, it says what the last email said: the same title and a SEQUENCE
    never below it.

    Items are serialised once per change and kept (``itemcache``); given the feed's last
    change (``changed``), the list of its items is kept too, and a feed unchanged since is
    assembled from the two without asking any feature. What is kept is written in a
    transaction of its own after the reads (``itemcache.keep``), at once (the caller
    commits it) or handed to ``later`` (the feed view: after the response, so a first
    fetch does not wait for its items to be stored)."""
    with force_locale(user.formatting_locale):
        # The feed's name shows wherever the calendar app is shown: the pseudonym, if set.
        name = _("Roundtable: %(name)s", name=user.public_name)
        organiser, stamp = organiser_address(), now_utc()
        validity = None if changed is None else itemcache.feed_validity(
            changed, str(user.formatting_locale), name, organiser)
        if validity is not None:
            kept = itemcache.kept_feed(user.id, validity, stamp)
            if kept is not None:
                return kept
        items = _feed_items(user)
        head = calendar_head(items, method="PUBLISH", name=name)
        serialised = itemcache.serialise(items, organiser, stamp)
        index = None
        if validity is not None and not any(item.attendees for item in items):
            index = itemcache.FeedIndex(user.id, changed, validity, head, serialised.keys)
        keeping = partial(itemcache.keep, serialised.fresh, index)
        if later is None:
            keeping()
        else:
            later(keeping)
        return assemble(head, serialised.vevents)


def _feed_items(user: User) -> list[CalendarItem]:
    since = now_utc() - KEEP_CANCELLED
    chosen: dict[tuple, tuple[int, CalendarItem]] = {}
    for source in FEED_SOURCES:
        for rank, item in source(user, since):
            key = (item.uid, item.recurrence_id)
            if key not in chosen or chosen[key][0] < rank:
                chosen[key] = (rank, item)
    sent = delivered_sequences(user.id)
    items = []
    for _rank, item in chosen.values():
        if sent.get(item.uid, -1) > item.sequence:
            item = dataclasses.replace(item, sequence=sent[item.uid])
        items.append(item)
    # Sessions in the order they happen; series (working groups) after them.
    items.sort(key=lambda item: (bool(item.rrule or item.recurrence_id),
                                 item.start.timestamp() if isinstance(item.start, datetime)
                                 and item.start.tzinfo else 0))
    return items


@FEED_SOURCES("organising")
def organised_items(user: User, since: datetime) -> list[tuple[int, CalendarItem]]:
    """Organisers follow every session of every open or closed event, online links
    included; cancelled ones for ``KEEP_CANCELLED``."""
    if not user.is_organiser:
        return []
    sessions = db.session.scalars(
        select(EventSession).join(Event, Event.id == EventSession.event_id)
        .where(Event.status.in_([EventStatus.OPEN, EventStatus.CLOSED]))
        .options(selectinload(EventSession.event)).order_by(EventSession.start_dt)).all()
    return [(ORGANISING_RANK, session_item(session, may_join=True)) for session in sessions
            if not (session.status == SessionStatus.CANCELLED and session.updated_dt < since)]


ORGANISING_RANK = 20  # above a registrant's view of a session, below an interpreter's


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
    # The person's feed says this SEQUENCE from now on (``feed_calendar``): it moved.
    db.session.execute(update(CalendarFeed).where(CalendarFeed.user_id == user.id)
                       .values(changed_dt=now_utc(), items_key=None))
    return render([dataclasses.replace(item, sequence=sequence)], method).decode()


def standing(event_id: int, kind: str, session_id: int | None = None) -> set[int]:
    """People whose last message of this kind for the event (or session) was a REQUEST."""
    query = select(CalendarDelivery.user_id).where(
        CalendarDelivery.event_id == event_id, CalendarDelivery.kind == kind,
        CalendarDelivery.method == "REQUEST")
    if session_id is not None:
        query = query.where(CalendarDelivery.session_id == session_id)
    return set(db.session.scalars(query))


def last_methods(uid: str) -> dict[int, str]:
    """Who was ever emailed this item, with the METHOD of the last message."""
    return dict(db.session.execute(select(CalendarDelivery.user_id, CalendarDelivery.method)
                                   .where(CalendarDelivery.uid == uid)).all())


# --- announcing changes ---------------------------------------------------------------------

@event_changed.connect
def announce_event_change(event: Event, *, cancelled: bool = False) -> int:
    """Tell everyone holding an invitation that the event changed or was cancelled.

    A change updates the event's own item for those who hold it. Cancelling cancels every
    item ever sent for the event and still standing, each by its own UID: participants'
    event items, bilateral invitees' session invitations and interpreters' assignments
    (``announce_session_change`` for each session)."""
    event.sequence += 1
    sent = 0
    if cancelled:
        for session in event.sessions:
            sent += announce_session_change(session, cancelled=True)
    for notice in _event_notices(event, cancelled):
        notice.send()
        sent += 1
    return sent


@session_changed.connect
def announce_session_change(session: EventSession, *, cancelled: bool | None = None) -> int:
    """A moved or cancelled session reaches everyone holding an invitation to it (the
    ``ANNOUNCERS``: interpreters of its channels, a bilateral call's invitees); others follow
    it through their feed. A cancellation (of the session, or of its whole event:
    ``cancelled=True``) goes to every invitation still standing: one per person and UID."""
    if cancelled is None:
        cancelled = session.status == SessionStatus.CANCELLED or \
            session.event.status == EventStatus.CANCELLED
    notices = [notice for found in _session_notices(session, cancelled).values()
               for notice in found]
    for notice in notices:
        notice.send()
    return len(notices)


def _session_notices(session: EventSession, cancelled: bool) -> dict[str, list[Notice]]:
    """Whom a session's change tells, by part, each person once (an interpreter who is also
    an invitee gets the interpreter's message). Decided apart from the sending, so a page can
    say beforehand who will be told (``cancellation_audience``)."""
    last = last_methods(session.uid)
    # Cancelled already (the session, before its event): nothing more to say.
    told = {user_id for user_id, method in last.items() if method == "CANCEL"} \
        if cancelled else set()
    found = {}
    for name, announcer in ANNOUNCERS.items():
        if announcer.session_audience is not None:
            found[name] = announcer.session_audience(session, cancelled, told, last)
            told |= {notice.user_id for notice in found[name]}
    return found


def _event_notices(event: Event, cancelled: bool) -> list[Notice]:
    return [notice for announcer in ANNOUNCERS if announcer.event_audience is not None
            for notice in announcer.event_audience(event, cancelled)]


@AUDIENCE_COUNTS("calendar invitations")
def cancellation_audience(event: Event, session: EventSession | None = None) -> Counter:
    """How many people cancelling ``session`` (or, without one, the whole ``event``) would
    email, by part ("participants", "interpreters", "invitees"), decided by the very functions
    that email them: what a confirmation page promises is what happens."""
    people: dict[str, set[int]] = defaultdict(set)
    for each in [session] if session is not None else event.sessions:
        for name, notices in _session_notices(each, cancelled=True).items():
            people[name] |= {notice.user_id for notice in notices}
    if session is None:
        for name, announcer in ANNOUNCERS.items():
            if announcer.event_audience is not None:
                people[name] |= {notice.user_id
                                 for notice in announcer.event_audience(event, True)}
    return Counter({name: len(ids) for name, ids in people.items()})


def send_session_invitation(user: User, session: EventSession, *, cancel: bool) -> None:
    """One session as an iTIP message to one person (bilateral calls are invited this way)."""
    method = "CANCEL" if cancel else "REQUEST"
    with force_locale(user.formatting_locale):
        attendee = Attendee(user.email, user.display_name,
                            "DECLINED" if cancel else "ACCEPTED")
        ics = itip_calendar(user, session_item(session, may_join=True, attendee=attendee,
                                               cancelled=cancel), method,
                            kind=SESSION, event_id=session.event_id, session_id=session.id)
        title = translated(session, "title").text
        subject = (_("Cancelled: %(event)s", event=title) if cancel
                   else _("Updated: %(event)s", event=title))
        body = render_template("calendar/email/invitation.txt", event=session.event,
                               cancel=cancel, agenda_url=absolute_url(
                                   "events.show_session", event_id=session.event_id,
                                   session_id=session.id))
        queue_email(user.email, subject, body, calendar=ics, calendar_method=method)


