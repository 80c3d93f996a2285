"""Serialised VEVENTs kept in the database, so a personal feed is assembled from bytes.

Serialising is most of a feed's cost (icalendar writes 2,000 items in about a second), and
an item changes far less often than feeds are fetched. Each item is written once per
change and kept in ``calendar_item_cache``, which every worker and host reads; a feed is
then its items' stored bytes joined under a calendar head.

An item's key is a digest of everything it says: its UID and SEQUENCE, and also its texts
(in the reader's language), the online link or its absence, its status, its times, the
organiser, and the serialiser's own version. SEQUENCE alone would not do: a translation, a
room or a registrant's confirmation (which shows the online link) change the bytes without
moving it. So no change can be missed and no row is ever rewritten: a changed item names
another row. Two people share a row exactly when they are shown the same item, so one
person's feed can never show what was built for another: the row *is* what they are shown.
DTSTAMP, the one line that differs per fetch, is stored as a placeholder and written at
assembly.

Each feed also keeps the list of its items' keys (``calendar_feeds.items_index``) until it
changes: the change that moves the feed's ETag drops the list. An unchanged feed is then a
read of its list and a read of the bytes; a changed one asks the features for its items
(``services.FEED_SOURCES``), reads their bytes in one statement, and writes what is new in
one more (ON CONFLICT DO NOTHING: two hosts filling the same item at once both succeed),
however many items there are (up to ``MAX_PER_STATEMENT``). Rows are never updated.
``prune`` (``flask prune-calendar-cache``, and the jobs loop) removes rows once old,
superseded or not: a row still in use is simply written again on its next fetch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

import click
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import any_
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.calendar.ical import CalendarItem
from app.calendar.ical import assemble
from app.calendar.ical import vevent_bytes
from app.calendar.models import CalendarFeed
from app.calendar.models import CalendarItemCache
from app.core.db import begin_write_transaction
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db

# The serialiser's version: this package's iCalendar code and the libraries it relies on.
# A change to any of them names new rows, so no feed mixes items written two ways.
_FORMAT = hashlib.sha256(b"|".join([
    (Path(__file__).parent / "ical.py").read_bytes(),
    version("icalendar").encode(), version("pytz").encode(),
])).hexdigest()

PLACEHOLDER_STAMP = datetime(1970, 1, 1, tzinfo=UTC)
_PLACEHOLDER_LINE = b"\r\nDTSTAMP:19700101T000000Z\r\n"
# Rows older than this are removed by ``prune``; one still in use is written again.
KEEP = timedelta(days=14)
# Bound parameters per statement stay far below SQLite's and PostgreSQL's limits.
MAX_PER_STATEMENT = 5000

_TABLE = CalendarItemCache.__table__


def _insert_unnested():
    """PostgreSQL: the new rows as four arrays, unnested into one INSERT. An executemany
    sends, binds and plans each row on its own, which for a cold feed of 2,000 items cost
    more than serialising them."""
    rows = func.unnest(
        bindparam("digests", type_=postgresql.ARRAY(String)),
        bindparam("uids", type_=postgresql.ARRAY(String)),
        bindparam("sequences", type_=postgresql.ARRAY(Integer)),
        bindparam("bodies", type_=postgresql.ARRAY(Text)),
    ).table_valued("digest", "uid", "sequence", "body").render_derived(name="fresh")
    return postgresql.insert(_TABLE).from_select(
        ["digest", "uid", "sequence", "body", "created_dt"],
        select(rows.c.digest, rows.c.uid, rows.c.sequence, rows.c.body,
               bindparam("created", type_=UTCDateTime)),
    ).on_conflict_do_nothing(index_elements=["digest"])


_INSERT_UNNESTED = _insert_unnested()


def item_key(item: CalendarItem, organiser: tuple[str, str]) -> str:
    """The digest naming the item's bytes: equal exactly when the bytes are."""
    seed = repr((_FORMAT, organiser, item))
    return hashlib.sha256(seed.encode()).hexdigest()


def _chunks(values: list, size: int = MAX_PER_STATEMENT):
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class Serialised:
    """Items as a feed shows them: their keys and VEVENT bytes, in order, and the rows to
    keep for the items written now (``keep``)."""

    keys: list[str]
    vevents: list[bytes]
    fresh: list[dict]


def serialise(items: list[CalendarItem], organiser: tuple[str, str],
              stamp: datetime) -> Serialised:
    """Each item's VEVENT with ``stamp`` as DTSTAMP: its stored bytes, or written now where
    none are stored (one read, whatever the number of items)."""
    keys = [item_key(item, organiser) for item in items]
    stored = _stored(keys)
    fresh, created = [], now_utc()
    for key, item in zip(keys, items, strict=True):
        if key in stored:
            continue
        stored[key] = vevent_bytes(item, PLACEHOLDER_STAMP, organiser)
        # An item naming an attendee is that person's alone: written, never kept.
        if not item.attendees:
            fresh.append({"digest": key, "uid": item.uid, "sequence": item.sequence,
                          "body": stored[key].decode(), "created_dt": created})
    return Serialised(keys, _stamped([stored[key] for key in keys], stamp), fresh)


def _stored(keys: list[str]) -> dict[str, bytes]:
    stored: dict[str, bytes] = {}
    on_postgresql = db.session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(sorted(set(keys))):
        # PostgreSQL takes the keys as one array: thousands of bound parameters cost more to
        # send and plan than the rows cost to read.
        matching = CalendarItemCache.digest == any_(bindparam(
            "keys", chunk, type_=postgresql.ARRAY(String))) if on_postgresql \
            else CalendarItemCache.digest.in_(chunk)
        stored.update((key, body.encode()) for key, body in db.session.execute(
            select(CalendarItemCache.digest, CalendarItemCache.body).where(matching)))
    return stored


def _stamped(bodies: list[bytes], stamp: datetime) -> list[bytes]:
    line = b"\r\nDTSTAMP:" + stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode() + b"\r\n"
    return [body.replace(_PLACEHOLDER_LINE, line, 1) for body in bodies]


# --- a feed's list of its items ----------------------------------------------------------------

@dataclass(frozen=True)
class FeedIndex:
    """A feed's head and item keys, to keep for its next fetch while ``validity`` holds;
    ``changed`` is the feed's last change, read before its items were gathered."""

    user_id: int
    changed: datetime
    validity: str
    head: bytes
    keys: list[str]


def feed_validity(changed: datetime, language: str, name: str,
                  organiser: tuple[str, str]) -> str:
    """What a feed's kept list of items holds for: its last change (moved by every change
    that touches the feed, ``services.follow_changes``, which also drops the list), the day
    (cancelled items drop out after 30 days), the reader's language, the feed's name."""
    seed = repr((_FORMAT, changed.isoformat(), now_utc().date().isoformat(), language, name,
                 organiser))
    return hashlib.sha256(seed.encode()).hexdigest()


def kept_feed(user_id: int, validity: str, stamp: datetime) -> bytes | None:
    """The feed from its kept list of items, or None when it must be built again (changed
    since, or an item pruned): a read of the list and one of the items' bytes."""
    kept = db.session.execute(select(CalendarFeed.items_key, CalendarFeed.items_index)
                              .where(CalendarFeed.user_id == user_id)).first()
    if kept is None or kept.items_key != validity or kept.items_index is None:
        return None
    listed, _sep, head = kept.items_index.partition("\n")
    keys = listed.split(",") if listed else []
    stored = _stored(keys)
    if len(stored) < len(set(keys)):
        return None
    return assemble(head.encode(), _stamped([stored[key] for key in keys], stamp))


def keep(fresh: list[dict], index: FeedIndex | None = None) -> None:
    """Keep the items written for the first time, and the feed's list of them.

    The reads are over: they are committed first, and the writes run in a writer's
    transaction of their own (on SQLite a reader that starts writing is refused if another
    wrote meanwhile; a writer waits its turn). Rows another worker or host inserted meanwhile
    stay as they are (ON CONFLICT DO NOTHING): the same key is the same bytes. The list is
    kept only if the feed did not change while its items were gathered. The caller
    commits."""
    if not fresh and index is None:
        return
    db.session.commit()
    begin_write_transaction()
    if db.session.get_bind().dialect.name == "postgresql":
        for chunk in _chunks(fresh):
            db.session.execute(_INSERT_UNNESTED, {
                "digests": [row["digest"] for row in chunk],
                "uids": [row["uid"] for row in chunk],
                "sequences": [row["sequence"] for row in chunk],
                "bodies": [row["body"] for row in chunk], "created": chunk[0]["created_dt"]})
    else:
        statement = sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["digest"])
        for chunk in _chunks(fresh):  # executemany: one prepared statement, in-process
            db.session.execute(statement, chunk)
    if index is not None:
        # Core, so no flush listener takes this for a change of the feed.
        db.session.execute(update(CalendarFeed).where(
            CalendarFeed.user_id == index.user_id, CalendarFeed.changed_dt == index.changed)
            .values(items_key=index.validity,
                    items_index=",".join(index.keys) + "\n" + index.head.decode()))


# --- cleanup -----------------------------------------------------------------------------------

def prune(now: datetime | None = None) -> int:
    """Remove rows written more than ``KEEP`` ago (idempotent, safe on several hosts at once:
    a feed that still shows the item writes it again)."""
    removed = db.session.execute(
        delete(_TABLE).where(_TABLE.c.created_dt < (now or now_utc()) - KEEP)).rowcount
    db.session.commit()
    return removed


@click.command("prune-calendar-cache")
def prune_command():
    """Remove old serialised calendar items (idempotent; safe on several hosts at once)."""
    click.echo(f"removed={prune()}")
