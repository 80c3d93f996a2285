"""The one way to lock rows before deciding, and the one order to lock them in.

Every state change that reads something and then decides on it (a seat is free, the
registration is still pending, the interpreter is still free at that hour) first locks the
rows it decides on, then re-reads them under the lock, then checks its precondition. Two
requests that touch the same rows therefore run one after the other, and the second one sees
what the first one did.

Locks are always taken in this order, and within one kind by id:

    user  ->  event  ->  session  ->  bilateral call  ->  registration  ->  interpreter
          ->  working group  ->  language

so two requests can wait for each other but never deadlock. (An account is locked first:
spending a password-reset link, and changing who is an organiser or active, decide under
the account rows' locks and lock nothing else. A working group's series and
its meetings' changes are decided under the group's lock; no change of a group locks
anything else, so it comes late. An erasure locks only the account it erases, last. An
interpretation language is locked last: adding it back and retiring it decide under its
lock. The event page's cache stamp, ``event_activity``, is written by the commit itself,
after everything else, and locked by nothing: it is outside this order.)
Taking a new lock of an earlier kind after one of a later kind in the same transaction is a
programming error, refused at once (``LockOrderError``) rather than left to deadlock under
load. Re-reading rows this transaction already holds is
always allowed (it waits for nobody).

PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks: every POST already holds the
database's write lock from its first statement (``BEGIN IMMEDIATE``, see ``app.core.db``), as
does every command, so the order is trivially kept there.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import bindparam
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db

LOCK_ORDER = ("users", "events", "sessions", "bilateral_calls", "registrations",
              "interpreter_profiles", "working_groups", "languages")
_RANK = "roundtable_lock_rank"  # the latest kind locked in this transaction
_HELD = "roundtable_locked_rows"  # (table, id) of every row locked in this transaction


class LockOrderError(RuntimeError):
    """A lock requested out of the documented order: fix the code, not the data."""


def lock_rows(model, ids: Iterable[int], *, keys_unchanged: bool = False) -> dict:
    """Lock the rows of ``model`` with these primary keys, re-read under the lock.

    ``keys_unchanged``: the transaction neither deletes these rows nor changes their keys
    (PostgreSQL ``FOR NO KEY UPDATE``). Others may then still insert rows that refer to them
    (an audit record naming the account) while the lock is held: a handover that locks two
    accounts, then an event, does not deadlock with a cancel that holds the event and writes
    a row naming one of the accounts. Two such locks of one row still take turns."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    _check_order(model.__tablename__, ids)
    key = model.__mapper__.primary_key[0]
    rows = db.session.scalars(_locking_statement(model, keys_unchanged), {"lock_ids": ids})
    return {getattr(row, key.key): row for row in rows}


@lru_cache(maxsize=64)
def _locking_statement(model, keys_unchanged: bool):
    """Built once per kind of row: a registration waits for the event's lock, and building
    the statement again for every one of them only lengthens the queue."""
    key = model.__mapper__.primary_key[0]
    return (select(model).where(key.in_(bindparam("lock_ids", expanding=True))).order_by(key)
            .with_for_update(key_share=keys_unchanged)
            .execution_options(populate_existing=True))


def lock_row(model, row_id: int):
    """One row, locked and re-read; None when it no longer exists."""
    return lock_rows(model, [row_id]).get(row_id)


def _check_order(table: str, ids: list[int]) -> None:
    rank = LOCK_ORDER.index(table)
    info = db.session().info
    held_rows = info.setdefault(_HELD, set())
    new_rows = {(table, row_id) for row_id in ids} - held_rows
    held_rank = info.get(_RANK, -1)
    if new_rows and rank < held_rank:
        raise LockOrderError(
            f"lock on {table} requested after {LOCK_ORDER[held_rank]}: the order is "
            + " -> ".join(LOCK_ORDER))
    held_rows |= new_rows
    info[_RANK] = max(rank, held_rank)


@sa_event.listens_for(Session, "after_transaction_end")
def _locks_end_with_the_transaction(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RANK, None)
        session.info.pop(_HELD, None)
