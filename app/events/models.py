"""Events (a roundtable, a virtual session, a bilateral day) and their agenda of sessions."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import column_property
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.models import Country
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class EventKind(enum.StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    CANCELLED = "cancelled"


class SessionKind(enum.StrEnum):
    PLENARY = "plenary"
    SMALL_GROUP = "small_group"
    SITE_VISIT = "site_visit"
    BILATERAL = "bilateral"
    WORKING_GROUP = "working_group"
    SOCIAL = "social"
    BREAK = "break"


class AttendanceMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    BOTH = "both"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def new_uid() -> str:
    return f"{uuid.uuid4()}@roundtable"


class EventActivity(db.Model):
    """When anything belonging to an event last changed: the event page's cache key.

    It is a row of its own, not a column of ``events``, and it is written only as a
    transaction commits (``app.events.pagecache``): the last write of a transaction, after
    every lock it takes, so it never waits in the middle of one. Written to the event row
    during a flush, it would take the event's lock after the session's and deadlock with a
    change that holds the event and waits for that session."""

    __tablename__ = "event_activity"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    changed_dt: Mapped[datetime] = mapped_column(UTCDateTime)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )
    __mapper_args__ = {"eager_defaults": False}  # see ``language``

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT,
                                                index=True)
    # The IANA zone the event runs in; its dates are calendar dates in that zone.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date] = mapped_column(sa.Date, index=True)
    end_date: Mapped[date] = mapped_column(sa.Date)
    host_country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    co_hosts: Mapped[str] = mapped_column(sa.String(500), default="")
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    joining_instructions: Mapped[str] = mapped_column(sa.Text, default="")
    is_chatham_house: Mapped[bool] = mapped_column(default=True)
    is_invitation_only: Mapped[bool] = mapped_column(default=True)
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Countries whose delegations take part; their zones make the time strip (empty: all).
    country_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # In-person places (every place, for a virtual event); None means no limit.
    capacity: Mapped[int | None] = mapped_column()
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The language its title, description and venue (and its sessions' texts) are written
    # in; ``translations`` holds the same texts in the platform's other languages.
    # {"th": {"title": ..., "description": ...}, "id": {...}}: see ``app.events.translations``.
    # Defaults in the database only, never named in an INSERT (``eager_defaults``: read
    # when first used): the models still write rows into a schema of an older revision, as
    # the migration tests do.
    language: Mapped[str] = mapped_column(sa.String(8), server_default="en")
    translations: Mapped[dict] = mapped_column(sa.JSON, server_default="{}")
    # Seen only by its invitees, organisers and the interpreters assigned to it (a scheduled
    # bilateral call): listed nowhere else, and "not found" to anyone else. The rule itself
    # lives in ``app.core.visibility``.
    is_private: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    registration_opens_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The event as one all-day calendar item (the registration invitation): UID and SEQUENCE.
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    # Moved by any change to a row that belongs to the event (sessions, registrations,
    # invitees, key downloads...): the event page's cached copy is only used while it holds.
    # Kept in its own row (``EventActivity``), read with the event in the same query.
    activity_dt: Mapped[datetime | None] = column_property(
        sa.select(EventActivity.changed_dt).where(EventActivity.event_id == id)
        .correlate_except(EventActivity).scalar_subquery())

    host_country: Mapped[Country | None] = relationship()
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.start_dt", cascade="all, delete-orphan"
    )

    @property
    def is_online(self) -> bool:
        return self.kind in (EventKind.VIRTUAL, EventKind.HYBRID)

    @property
    def is_visible_to_all(self) -> bool:
        """Listed for everyone: neither a draft nor private (see ``app.core.visibility``)."""
        return self.status != EventStatus.DRAFT and not self.is_private

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventSession(db.Model):
    """One agenda item. Its UID and SEQUENCE let calendar clients follow every change."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.Index("ix_sessions_event_start", "event_id", "start_dt"),
    )
    __mapper_args__ = {"eager_defaults": False}  # see ``Event.language``

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind))
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus),
                                                  default=SessionStatus.SCHEDULED)
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(sa.String(200), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    attendance_mode: Mapped[AttendanceMode] = mapped_column(str_enum(AttendanceMode),
                                                            default=AttendanceMode.BOTH)
    floor_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    capacity: Mapped[int | None] = mapped_column()
    # Site visits and study tours: where to gather (departure is the session's start).
    meeting_point: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    transport: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # Its texts in other languages than the event's own, as ``Event.translations`` (and, as
    # there, defaulted by the database only).
    translations: Mapped[dict] = mapped_column(sa.JSON, server_default="{}")
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    event: Mapped[Event] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<EventSession {self.id} {self.title!r}>"
