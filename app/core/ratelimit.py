"""Fixed-window rate limits kept in the database, so every worker and host counts together."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.core.models import RateCounter
from app.core.time import now_utc
from app.extensions import db


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def count_request(key: str, window: timedelta) -> int:
    """Add one to ``key``'s counter for the current window and return the new count
    (one atomic upsert: concurrent requests never lose a count)."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    start = _window_start(now_utc(), window)
    statement = (
        dialect.insert(RateCounter)
        .values(key=key[:120], window_start_dt=start, count=1)
        .on_conflict_do_update(index_elements=["key", "window_start_dt"],
                               set_={"count": RateCounter.count + 1})
        .returning(RateCounter.count)
    )
    return db.session.execute(statement).scalar_one()


def over_limit(key: str, limit: int, window: timedelta) -> bool:
    return count_request(key, window) > limit


def seconds_left_in_window(window: timedelta) -> int:
    """Seconds until the current window ends and every counter in it starts again."""
    now = now_utc()
    return max(1, int((_window_start(now, window) + window - now).total_seconds()))
