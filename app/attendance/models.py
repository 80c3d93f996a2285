"""One row per person who attended a session, and how we know."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import EventSession
from app.extensions import db


class AttendanceSource(enum.StrEnum):
    CHECKED_IN = "checked_in"  # an organiser saw them arrive
    IMPORTED = "imported"  # the video platform's attendance report lists them


class Attendance(db.Model):
    """A person attended a session. At most one row per person and session: checking in twice,
    or importing the same report again, changes nothing."""

    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id"),
        sa.CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    source: Mapped[AttendanceSource] = mapped_column(str_enum(AttendanceSource))
    # Minutes connected, summed over every join and leave in the report (imported rows only).
    minutes: Mapped[int | None] = mapped_column()
    recorded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    session: Mapped[EventSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
