"""Organisers' corrections to the public-holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import UTCDateTime, now_utc
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
