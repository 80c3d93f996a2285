"""Organisers' corrections to the public-holiday calendar."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class HolidayOverride(db.Model):
    """An organiser's correction to the holidays package: a day added (an announced Eid, a
    joint leave day) or removed, for a whole country or one subdivision."""

    __tablename__ = "holiday_overrides"
    __table_args__ = (sa.UniqueConstraint("country_code", "subdivision", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    subdivision: Mapped[str] = mapped_column(sa.String(16), default="")
    day: Mapped[date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    is_holiday: Mapped[bool] = mapped_column()  # False: a working day after all
    category: Mapped[str] = mapped_column(sa.String(20), default="public")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class BlockedTime(db.Model):
    """A time of day when no call is proposed in a country, in each invitee's own wall
    clock (lunch, Friday prayers): on one weekday (0 = Monday) or, when None, every day."""

    __tablename__ = "blocked_times"
    __table_args__ = (
        sa.CheckConstraint("start_minute >= 0 AND end_minute > start_minute "
                           "AND end_minute <= 1440", name="minutes"),
        sa.CheckConstraint("weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
                           name="weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"), index=True)
    weekday: Mapped[int | None] = mapped_column()
    start_minute: Mapped[int] = mapped_column()
    end_minute: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    # Only on the country's days of Ramadan, and only for calls that keep Ramadan hours
    # (the working day ending early, iftar).
    ramadan_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class RamadanPeriod(db.Model):
    """The days of Ramadan in one country and year as the organisers set them (the announced
    dates); without one, the dates are estimated from the holidays package's Eid al-Fitr."""

    __tablename__ = "ramadan_periods"
    __table_args__ = (
        sa.UniqueConstraint("country_code", "year"),
        sa.CheckConstraint("last_day >= first_day", name="days_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    year: Mapped[int] = mapped_column()
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
