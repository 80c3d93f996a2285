"""The event page, rendered once per kind of reader and finished per standing of viewer.

The page is most of what participants open, and nearly all of it reads the same to every
viewer who shares a language, a zone, a choice of era and a set of roles: the agenda, the
time strips, the facts, the panels' links, the header. That *shell* is rendered once per
such reader and reused by all of them; the few parts that are one viewer's own (their
registration, whether they may see the joining link, their programme) are left in it as
marked holes (``viewer_part`` in ``events/event.html``), rendered apart from the shell for
each *standing* (``VIEWER_STANDING``: not registered, confirmed, number 3 on the waitlist...)
and shared by the viewers of that kind and standing, since they show nothing else of the
viewer. So a viewer's first view costs two statements (their account, and the event with
their registration: ``services.event_page_or_404``; a third counts a waitlisted viewer's place
in the queue), and rendering their parts only when nobody of their kind and standing came
before.

Both copies are reused only while the event's own row (``updated_dt``) and everything that
belongs to it (``activity_dt``, moved by ``touch_events`` as each
transaction commits) are unchanged,
for the same URL and count of unread notices (the header shows it), and for at most a
minute (bounding anything outside the event that a page shows, such as a country's
working hours). They live in the worker's memory; the database decides whether they are
still good, so every worker and host agrees. The CSRF token, the one secret of the shell,
is kept as a placeholder and put back fresh on every use.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Hashable
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.core.compression import masked_csrf_token
from app.core.i18n import select_timezone
from app.core.registry import Registry
from app.core.templating import current_locale
from app.core.templating import viewer_buddhist_era
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventActivity
from app.events.models import EventSession
from app.notices.services import unread_count_for_page

TTL_SECONDS = 60
MAX_SHELLS = 256  # 8 zones x 4 languages x a few kinds of reader, for several events
MAX_PARTS = 4096  # a few hundred bytes per standing
TOKEN_MARK = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, not a secret)
PART_MARK = Markup("\x00part:{}\x00")  # format() escapes the name it is given

_shells: OrderedDict[tuple, tuple[Shell, float]] = OrderedDict()
_parts: OrderedDict[tuple, tuple[dict[str, str], float]] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _shells.clear()
        _parts.clear()


def shell_key(event: Event, viewer, path: str) -> tuple:
    """What the shared page depends on: the event's version and the reader's kind, never who
    they are. Roles and delegation decide the menu and the organisers' links."""
    return (event.id, event.updated_dt, event.activity_dt, current_locale(),
            select_timezone(), viewer_buddhist_era(), tuple(viewer.roles),
            viewer.focal_country, path, unread_count_for_page())


VIEWER_STANDING: Registry[Callable[[Event, object], Hashable]] = Registry(
    "what the event page's own parts show of the viewer")
"""Each takes the event and the viewer and returns all that its feature's viewer part shows of
that viewer (their registration's state and place on the waitlist, whether they may join
online): viewers of one kind and one standing are shown the same parts, so those are rendered
once for all of them. A part shows nothing of the viewer but what is here (no name, no
email): what it showed would go to the next viewer of that standing."""


def parts_key(key: tuple, event: Event, viewer) -> tuple:
    return (*key, *(standing(event, viewer) for _name, standing in VIEWER_STANDING.items()))


class Holes:
    """Passed to the shell's render as ``viewer_part``: each call leaves a mark where a
    viewer's own template goes and remembers the template."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, name: str) -> Markup:
        self.names.append(name)
        return PART_MARK.format(name)


def _fresh(entry_time: float) -> bool:
    return time.monotonic() - entry_time <= TTL_SECONDS


class Shell(NamedTuple):
    """The shared page cut at its marks: ``pieces`` alternate text and marks (the CSRF
    token's, a viewer part's), so a page is assembled in one join rather than a pass over the
    whole page per mark; ``names`` are its viewer parts' templates."""

    pieces: tuple[str, ...]
    names: tuple[str, ...]


_MARKS = re.compile("(\x00(?:csrf-token|part:[^\x00]*)\x00)")  # kept by split(): odd pieces


def cut(html: str, names: tuple[str, ...]) -> Shell:
    """A freshly rendered shell, its CSRF token replaced by the placeholder, cut at marks."""
    return Shell(tuple(_MARKS.split(html.replace(masked_csrf_token(), TOKEN_MARK))), names)


def shell(key: tuple) -> Shell | None:
    with _lock:
        entry = _shells.get(key)
        if entry is None or not _fresh(entry[1]):
            return None
        _shells.move_to_end(key)
    return entry[0]


def keep_shell(key: tuple, kept: Shell) -> None:
    with _lock:
        _shells[key] = (kept, time.monotonic())
        _shells.move_to_end(key)
        while len(_shells) > MAX_SHELLS:
            _shells.popitem(last=False)


def parts(key: tuple) -> dict[str, str] | None:
    with _lock:
        entry = _parts.get(key)
        if entry is None or not _fresh(entry[1]):
            return None
        _parts.move_to_end(key)
    return entry[0]


def keep_parts(key: tuple, rendered: dict[str, str]) -> None:
    token = masked_csrf_token()
    stored = {name: html.replace(token, TOKEN_MARK) for name, html in rendered.items()}
    with _lock:
        _parts[key] = (stored, time.monotonic())
        _parts.move_to_end(key)
        while len(_parts) > MAX_PARTS:
            _parts.popitem(last=False)


def assemble(kept: Shell, rendered: dict[str, str]) -> str:
    """The shell with the viewer's parts in their holes and this response's CSRF token."""
    token = masked_csrf_token()
    holes = {str(PART_MARK.format(name)): part.replace(TOKEN_MARK, token)
             for name, part in rendered.items()}
    return "".join(
        piece if n % 2 == 0 else token if piece == TOKEN_MARK else holes.get(piece, "")
        for n, piece in enumerate(kept.pieces))


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
    session.execute(_touch_statement(session.get_bind().dialect.name),
                    {"touched_ids": sorted(event_ids), "touched_at": now_utc()})


@lru_cache(maxsize=2)
def _touch_statement(dialect_name: str):
    """``touch_events``' upsert, built once: it ends every transaction that writes."""
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    touched_at = bindparam("touched_at", type_=UTCDateTime)
    existing = select(Event.id, touched_at).where(
        Event.id.in_(bindparam("touched_ids", expanding=True))).order_by(Event.id)
    # Of the table, not the model: the ORM would take the parameters for rows to insert.
    return (dialect.insert(EventActivity.__table__)
            .from_select(["event_id", "changed_dt"], existing)
            .on_conflict_do_update(index_elements=["event_id"], set_={"changed_dt": touched_at}))
