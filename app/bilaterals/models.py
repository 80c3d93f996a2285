"""Bilateral follow-up calls: invitees, candidate slots, votes, requests."""

from __future__ import annotations

import enum
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Completable
from app.core.models import one_per_person
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventSession
from app.extensions import db


class CallStatus(enum.StrEnum):
    OPEN = "open"  # the poll takes answers
    SCHEDULED = "scheduled"  # a slot was picked and became a session
    CANCELLED = "cancelled"


class Answer(enum.StrEnum):
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


class BilateralCall(db.Model):
    __tablename__ = "bilateral_calls"
    __table_args__ = (
        sa.CheckConstraint("country_a <> country_b", name="two_countries"),
        sa.CheckConstraint("last_date >= first_date", name="dates_in_order"),
        sa.CheckConstraint("duration_minutes > 0 AND duration_minutes <= 480",
                           name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_a: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    country_b: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    topic: Mapped[str] = mapped_column(sa.String(200))
    duration_minutes: Mapped[int] = mapped_column()
    # Calendar dates as each invitee reads them in their own zone.
    first_date: Mapped[date] = mapped_column(sa.Date)
    last_date: Mapped[date] = mapped_column(sa.Date)
    # The zone the call is run and invited in (the organiser's, by default).
    timezone: Mapped[str] = mapped_column(sa.String(64))
    follow_up_event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"))
    # Interpretation need, e.g. th -> en; empty when none.
    interpretation_from: Mapped[str] = mapped_column(sa.String(8), default="")
    interpretation_to: Mapped[str] = mapped_column(sa.String(8), default="")
    avoid_joint_leave: Mapped[bool] = mapped_column(default=True)
    # Keep each country's Ramadan hours (its blocked times marked Ramadan only) on its days
    # of Ramadan: Indonesia's and Malaysia's shorter working day and iftar.
    ramadan_hours: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # With interpretation: book Roundtable's interpreters (slots only when a team is free;
    # the team proposed when a slot is picked). False: the interpreters come from elsewhere.
    book_interpreters: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[CallStatus] = mapped_column(str_enum(CallStatus), default=CallStatus.OPEN,
                                               index=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL"))
    # Why no slot was found, as reason records, shown to the organiser.
    no_slot_reasons: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    # What the call decided, written by organisers once it is scheduled; its invitees and
    # organisers read it (the call's page), nobody else.
    outcome_notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    outcome_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    invitees: Mapped[list[CallInvitee]] = relationship(
        back_populates="call", cascade="all, delete-orphan")
    slots: Mapped[list[CandidateSlot]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CandidateSlot.rank")
    actions: Mapped[list[CallAction]] = relationship(
        back_populates="call", cascade="all, delete-orphan",
        order_by="(CallAction.due_date, CallAction.id)")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    follow_up_event: Mapped[Event | None] = relationship()
    session: Mapped[EventSession | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == CallStatus.OPEN


class CallInvitee(one_per_person("call", "bilateral_calls"), db.Model):
    __tablename__ = "call_invitees"

    call: Mapped[BilateralCall] = relationship(back_populates="invitees")
    user: Mapped[User] = relationship()


class CandidateSlot(db.Model):
    __tablename__ = "candidate_slots"
    __table_args__ = (
        sa.UniqueConstraint("call_id", "start_dt"),
        sa.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("bilateral_calls.id", ondelete="CASCADE"))
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    rank: Mapped[int] = mapped_column()
    # Minutes from the middle of the working day for the worst-placed invitee.
    worst_minutes: Mapped[int] = mapped_column(default=0)
    is_chosen: Mapped[bool] = mapped_column(default=False)

    call: Mapped[BilateralCall] = relationship(back_populates="slots")
    votes: Mapped[list[SlotVote]] = relationship(back_populates="slot",
                                                 cascade="all, delete-orphan")


class SlotVote(one_per_person("slot", "candidate_slots", index_person=False), db.Model):
    __tablename__ = "slot_votes"

    answer: Mapped[Answer] = mapped_column(str_enum(Answer))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    slot: Mapped[CandidateSlot] = relationship(back_populates="votes")


class CallAction(Completable, db.Model):
    """A follow-up action agreed on a call: one owner (an invitee or an organiser), a due
    date, done when its owner (or an organiser) says so."""

    __tablename__ = "call_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("bilateral_calls.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_date: Mapped[date] = mapped_column(sa.Date)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    call: Mapped[BilateralCall] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])


class CallRequest(db.Model):
    """A participant asks the organisers for a follow-up call with another delegation."""

    __tablename__ = "call_requests"
    __table_args__ = (sa.CheckConstraint("country_a <> country_b", name="two_countries"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    country_a: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    country_b: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    topic: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The call the organisers planned from it; None while the request waits.
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bilateral_calls.id"))

    requester: Mapped[User] = relationship()
