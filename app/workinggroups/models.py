"""National working groups: a recurring meeting of members of one country (or several),
with meetings moved or cancelled one by one."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Completable
from app.core.models import one_per_person
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import new_uid
from app.extensions import db


class WorkingGroup(db.Model):
    """A recurring meeting: an RRULE over wall-clock time in ``timezone``, from
    ``first_start_dt`` (whose local time of day every occurrence keeps) to ``until_date``."""

    __tablename__ = "working_groups"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480",
                           name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    rrule: Mapped[str] = mapped_column(sa.String(200))
    first_start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column()
    until_date: Mapped[date | None] = mapped_column(sa.Date)
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    members: Mapped[list[WorkingGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan")
    exceptions: Mapped[list[WorkingGroupException]] = relationship(
        back_populates="group", cascade="all, delete-orphan",
        order_by="WorkingGroupException.original_start_dt")


class WorkingGroupMember(one_per_person("group", "working_groups"), db.Model):
    __tablename__ = "working_group_members"

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class WorkingGroupException(db.Model):
    """One occurrence cancelled (no new times) or moved (new start and end)."""

    __tablename__ = "working_group_exceptions"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "original_start_dt"),
        sa.CheckConstraint("(new_start_dt IS NULL) = (new_end_dt IS NULL)", name="moved_whole"),
        sa.CheckConstraint("new_end_dt IS NULL OR new_end_dt > new_start_dt",
                           name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"))
    original_start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    new_start_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_end_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup] = relationship(back_populates="exceptions")

    @property
    def is_cancelled(self) -> bool:
        return self.new_start_dt is None


class WorkingGroupMinutes(db.Model):
    """What was said at one meeting, kept under the meeting's place in the series
    (``original_start_dt``), so minutes stay with their meeting when it is moved."""

    __tablename__ = "working_group_minutes"
    __table_args__ = (sa.UniqueConstraint("group_id", "original_start_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_groups.id", ondelete="CASCADE"))
    original_start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class WorkingGroupAction(Completable, db.Model):
    """An action agreed at one meeting: what, whose (a member), by when, and whether done.
    Open ones carry over to the meetings after it."""

    __tablename__ = "working_group_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    original_start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
