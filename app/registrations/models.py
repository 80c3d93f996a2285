"""Registrations, per-session places, delegation quotas and event invitations."""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime
from datetime import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventSession
from app.extensions import db


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class AttendAs(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One row per person and event; cancelling and registering again reuses it.
        sa.UniqueConstraint("event_id", "user_id"),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
        # The waitlist queue: position = people of the event waiting since earlier.
        sa.Index("ix_registrations_waitlist", "event_id", "status", "waitlisted_dt", "id"),
        sa.CheckConstraint("departure_date IS NULL OR arrival_date IS NULL "
                           "OR departure_date >= arrival_date", name="travel_dates_in_order"),
    )

    # Not stored: set by ``services.register`` when it waitlists someone, their place in the
    # queue counted under the event's lock, for the message that greets them (the queue
    # moves after; ``services.waitlist_position`` reads where they are now).
    queued_as = None

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    attend_as: Mapped[AttendAs] = mapped_column(str_enum(AttendAs))
    # When the person joined the waitlist: the queue is first in, first out.
    waitlisted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dietary_needs: Mapped[str] = mapped_column(sa.String(500), default="")
    access_needs: Mapped[str] = mapped_column(sa.String(500), default="")
    arrival_date: Mapped[date | None] = mapped_column(sa.Date)
    arrival_time: Mapped[time | None] = mapped_column(sa.Time)  # local time at the airport
    arrival_flight: Mapped[str] = mapped_column(sa.String(80), default="")
    departure_date: Mapped[date | None] = mapped_column(sa.Date)
    departure_time: Mapped[time | None] = mapped_column(sa.Time)
    departure_flight: Mapped[str] = mapped_column(sa.String(80), default="")
    needs_room: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    room_notes: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # Exactly as in the passport, for visa invitation letters. These three are seen by the
    # person and organisers only (``visibility.can_see_travel_documents``), and are kept only
    # while the person attends in person.
    passport_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    nationality: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    passport_number: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    interpretation_language: Mapped[str] = mapped_column(sa.String(8), default="")
    consented_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
    choices: Mapped[list[SessionPlace]] = relationship(
        back_populates="registration", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class SessionPlace(db.Model):
    """A place in a session with its own capacity (site visit, small group)."""

    __tablename__ = "session_places"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "session_id"),
        sa.Index("ix_session_places_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    waitlisted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    session: Mapped[EventSession] = relationship()


def in_programme(session: EventSession, registration: Registration, places: set) -> bool:
    """Whether a session of a registrant's event is theirs (their calendar feed, their printed
    programme): a session with places of its own (a site visit, a small group) only with a
    confirmed place in it (``places``: those session ids), and none held only in the other way
    of attending (an online attendee is not at the welcome dinner)."""
    if session.capacity is not None:
        return session.id in places
    if registration.attend_as == AttendAs.ONLINE:
        return session.attendance_mode != AttendanceMode.IN_PERSON
    return session.attendance_mode != AttendanceMode.ONLINE


class DelegationQuota(db.Model):
    """At most ``max_in_person`` confirmed in-person places for one country's delegation."""

    __tablename__ = "delegation_quotas"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "country_code"),
        sa.CheckConstraint("max_in_person >= 0", name="quota_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    max_in_person: Mapped[int] = mapped_column()


class EventInvitee(db.Model):
    """Who may register for an invitation-only event: one person, or a whole delegation."""

    __tablename__ = "event_invitees"
    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (country_code IS NULL)", name="person_or_country"),
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_invitees_event_user"),
        sa.UniqueConstraint("event_id", "country_code", name="uq_event_invitees_event_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))

    user: Mapped[User | None] = relationship()


class EventMessage(db.Model):
    """A message organisers write to an event's registrants (pre-reading, logistics). A draft
    until an organiser confirms it on its own page; then sent once (``sent_dt``) and kept:
    who wrote it, to whom (the audience filter, not the names) and how many received it."""

    __tablename__ = "event_messages"
    __table_args__ = (sa.Index("ix_event_messages_event", "event_id", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # {"countries": ["TH"], "attend_as": "in_person" or "", "language": "th" or "",
    #  "waitlisted": false}: who receives it, decided again when it is sent.
    audience: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # {"en": {"subject": ..., "body": ...}, "th": {...}}: English always, others if given.
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipient_count: Mapped[int | None] = mapped_column()

    event: Mapped[Event] = relationship()
    sender: Mapped[User | None] = relationship()

    @property
    def is_sent(self) -> bool:
        return self.sent_dt is not None
