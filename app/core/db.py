"""Database behaviour that must be identical on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import click
from flask import Flask
from flask import after_this_request
from flask import current_app
from flask import has_request_context
from flask import request
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine

from app.extensions import db


def configure_engine(engine: Engine) -> None:
    """Give SQLite real transactions, foreign keys and concurrent readers.

    pysqlite normally issues BEGIN itself, lazily and always DEFERRED; taking that over lets a
    request ask for ``BEGIN IMMEDIATE`` so a writer holds the lock from its first read, the
    SQLite counterpart of ``SELECT ... FOR UPDATE``.
    """
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin") or (
            "IMMEDIATE" if running_a_command() else "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def running_a_command() -> bool:
    """A ``flask`` command (outside any request): its transactions start as writers on
    SQLite. Commands read, then write; a read transaction that later writes is refused at once
    ("database is locked") when another process wrote meanwhile, whereas a writer waits its
    turn (busy_timeout). So two copies of a command wait for each other instead of crashing."""
    return click.get_current_context(silent=True) is not None and not has_request_context()


def begin_write_transaction() -> None:
    """Start the session's transaction as a writer (SQLite); a no-op on PostgreSQL.

    Must run before the session's first statement; PostgreSQL callers lock rows instead.
    """
    if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def begin_read_only_request() -> None:
    """On PostgreSQL, let a reading request run its statements without BEGIN and ROLLBACK
    around them: each is then one round trip instead of three (every statement still sees a
    consistent snapshot of its own, as under READ COMMITTED). SQLite gains nothing."""
    session = db.session()
    if isinstance(session.bind, Connection):
        return  # joined to a transaction someone else owns (as the tests do): keep it
    if db.engine.dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def finish_unit_of_work(response):
    """One unit of work per request: what a request changed is committed once, after its
    view answered without an error; an error answer (4xx, 5xx) keeps nothing of it. Views
    commit themselves only where something must be kept whatever follows (a failed sign-in
    counted before the 429 that refuses the next) or done only once the row is saved (a file
    removed after its row)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not db.session().in_transaction():
        return response  # a reader: nothing to keep, and its loaded rows stay fresh
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def after_the_response(work: Callable[[], None]) -> None:
    """Run ``work`` once the response has been sent, in a transaction of its own, committed
    (rolled back and logged if it fails): for writes the reader should not wait for, where
    losing them costs only time (filling a cache the next request would fill anyway).

    The server runs it when it closes the response, after the last byte went out; the
    worker is busy meanwhile, the person is not."""
    app = current_app._get_current_object()

    @after_this_request
    def _when_sent(response):
        response.call_on_close(partial(_run_after_the_response, app, work))
        return response


def _run_after_the_response(app: Flask, work: Callable[[], None]) -> None:
    with app.app_context():
        try:
            work()
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("work after the response failed")
