"""The event page, kept rendered per viewer while nothing it shows has changed.

The page is most of what participants open, and most of its cost is rendering the same
agenda, strips and panels again. A rendered copy is reused only while the event's own row
(``updated_dt``) and everything that belongs to it (``activity_dt``, moved by ``touch_events``
as each transaction commits) are unchanged, for the same viewer, language, zone, URL and count
of unread notices (the header shows it), and for at most a minute (bounding anything outside the
event that a page shows, such as a country's working hours). The copy lives in the
worker's memory; the database decides whether it is still good, so every worker and host
agrees. CSRF tokens are put back fresh on every use.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.core.compression import masked_csrf_token
from app.core.templating import current_locale
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventActivity
from app.events.models import EventSession
from app.notices.services import unread_count_for_page

TTL_SECONDS = 60
MAX_PAGES = 256
TOKEN_MARK = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, not a secret)

_pages: OrderedDict[tuple, tuple[str, float]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _pages.clear()


def key_for(event: Event, viewer, path: str) -> tuple:
    """The header's count of unread notices is part of the page, so part of the key."""
    return (event.id, event.updated_dt, event.activity_dt, viewer.id, current_locale(),
            viewer.timezone, viewer.buddhist_era, tuple(viewer.roles), path,
            unread_count_for_page())


def cached(key: tuple) -> str | None:
    with _lock:
        entry = _pages.get(key)
        if entry is None or time.monotonic() - entry[1] > TTL_SECONDS:
            return None
        _pages.move_to_end(key)
    return entry[0].replace(TOKEN_MARK, masked_csrf_token())


def keep(key: tuple, html: str) -> None:
    stored = html.replace(masked_csrf_token(), TOKEN_MARK)
    with _lock:
        _pages[key] = (stored, time.monotonic())
        _pages.move_to_end(key)
        while len(_pages) > MAX_PAGES:
            _pages.popitem(last=False)


_TOUCHED = "roundtable_touched_events"  # session.info: (event ids, session ids) flushed


def note_touched_events(session, _flush_context) -> None:
    """After each flush, note every event a flushed row belongs to (through ``event_id``, or
    through ``session_id`` for rows of one session); ``touch_events`` writes them at commit."""
    event_ids, session_ids = session.info.setdefault(_TOUCHED, (set(), set()))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Event):
            continue  # its own changes move updated_dt
        if (event_id := getattr(obj, "event_id", None)) is not None:
            event_ids.add(event_id)
        elif (session_id := getattr(obj, "session_id", None)) is not None:
            session_ids.add(session_id)


def forget_touched_events(session, *_args) -> None:
    session.info.pop(_TOUCHED, None)


def touch_events(session) -> None:
    """As the transaction commits, move ``activity_dt`` of every event noted since it began.

    This is the transaction's last write, after every lock it took (``app.core.locking``),
    and to rows nobody locks otherwise (``event_activity``), in id order: two commits touching
    the same events take turns and never wait for anything else, so it cannot deadlock."""
    session.flush()  # the commit's own flush comes after this hook: note its rows too
    event_ids, session_ids = session.info.pop(_TOUCHED, (set(), set()))
    if not (event_ids or session_ids):
        return
    if session_ids:
        event_ids |= set(session.execute(select(EventSession.event_id).where(
            EventSession.id.in_(session_ids))).scalars())
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    now = now_utc()
    existing = select(Event.id, literal(now, UTCDateTime)).where(
        Event.id.in_(sorted(event_ids))).order_by(Event.id)
    session.execute(
        dialect.insert(EventActivity).from_select(["event_id", "changed_dt"], existing)
        .on_conflict_do_update(index_elements=["event_id"], set_={"changed_dt": now}))
