"""Interpretation channels and their modes and requests, interpreters and their assignments."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Language
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import EventSession
from app.extensions import db


class Grade(enum.StrEnum):
    """AIIC language classes: A native, B active (works into it), C passive (from it only)."""

    A = "A"
    B = "B"
    C = "C"


class AssignmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RELEASED = "released"  # the organisers took it back; kept so calendars get a CANCEL


# Assignments that hold the interpreter's time: the others count for nothing.
BOOKED = (AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED)
DECLINE_REASON_MAX = 500  # characters: the column's size, and what the form accepts


class Mode(enum.StrEnum):
    """How a channel is interpreted; each has its staffing rule (``rules.STAFFING``)."""

    SIMULTANEOUS = "simultaneous"  # from a booth (or a remote console), the default
    CONSECUTIVE = "consecutive"  # after the speaker, in turns: site visits, small groups
    WHISPERED = "whispered"  # chuchotage, beside one or two listeners, on site only
    SIGN = "sign"  # a sign language (the language's ``is_sign``)


class SessionChannel(db.Model):
    """A booth (on site) or online channel interpreting a session into one language.

    Its source is the session's floor language, or the pivot channel when it takes relay.
    """

    __tablename__ = "session_channels"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "language_code",
                            name="uq_session_channels_session_language"),
        sa.CheckConstraint("relay_via IS NULL OR relay_via <> language_code",
                           name="relay_not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    language_code: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    # Two-way booth: also interprets questions from the channel's language back to the floor.
    is_retour: Mapped[bool] = mapped_column(default=False)
    # Other booths listen to this one (it is their pivot): the team needs one more.
    gives_relay: Mapped[bool] = mapped_column(default=False)
    relay_via: Mapped[str | None] = mapped_column(sa.ForeignKey("languages.code"))
    mode: Mapped[Mode] = mapped_column(str_enum(Mode), default=Mode.SIMULTANEOUS,
                                       server_default=Mode.SIMULTANEOUS.value)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    session: Mapped[EventSession] = relationship()
    language: Mapped[Language] = relationship(foreign_keys=[language_code])
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="channel", cascade="all, delete-orphan", order_by="Assignment.id")

    @property
    def source_code(self) -> str:
        return self.relay_via or self.session.floor_language


class InterpretationRequest(db.Model):
    """A participant's language for one session; overrides their registration's choice."""

    __tablename__ = "interpretation_requests"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "session_id", name="uq_interpretation_requests_user"),
        sa.Index("ix_interpretation_requests_session", "session_id", "language_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    language_code: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    session: Mapped[EventSession] = relationship()


class InterpreterProfile(db.Model):
    """One per interpreter account: how and where they work."""

    __tablename__ = "interpreter_profiles"
    __table_args__ = (
        sa.CheckConstraint("works_remote OR works_on_site", name="works_somehow"),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    # Home zone: their days (the daily remote limit) and the availability they enter.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    works_remote: Mapped[bool] = mapped_column(default=True)
    works_on_site: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship()
    languages: Mapped[list[InterpreterLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="InterpreterLanguage.grade")
    availability: Mapped[list[Availability]] = relationship(
        cascade="all, delete-orphan", order_by="Availability.start_dt")

    def grades(self) -> dict[str, Grade]:
        return {row.language_code: row.grade for row in self.languages}


class InterpreterLanguage(db.Model):
    __tablename__ = "interpreter_languages"
    __table_args__ = (sa.UniqueConstraint("interpreter_id", "language_code",
                                          name="uq_interpreter_languages_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interpreter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreter_profiles.user_id", ondelete="CASCADE"))
    language_code: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    grade: Mapped[Grade] = mapped_column(str_enum(Grade, length=1))


class Availability(db.Model):
    """A window the interpreter can work in, or (``is_available`` false) time off.

    Without any window an interpreter is available whenever they are not off.
    """

    __tablename__ = "interpreter_availability"
    __table_args__ = (
        sa.CheckConstraint("end_dt > start_dt", name="ends_after_start"),
        sa.Index("ix_interpreter_availability_interpreter", "interpreter_id", "start_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interpreter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreter_profiles.user_id", ondelete="CASCADE"))
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    is_available: Mapped[bool] = mapped_column(default=True)


class Assignment(db.Model):
    """An interpreter in a channel's team. ``sequence`` grows with every change so the
    interpreter's calendar applies each invitation, update and cancellation in order."""

    __tablename__ = "interpretation_assignments"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "interpreter_id",
                            name="uq_interpretation_assignments_channel"),
        sa.Index("ix_interpretation_assignments_interpreter", "interpreter_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_channels.id", ondelete="CASCADE"))
    interpreter_id: Mapped[int] = mapped_column(sa.ForeignKey("interpreter_profiles.user_id"))
    status: Mapped[AssignmentStatus] = mapped_column(str_enum(AssignmentStatus),
                                                     default=AssignmentStatus.PROPOSED)
    sequence: Mapped[int] = mapped_column(default=0)
    # Why the interpreter declined, in their words: for the organisers who find a
    # replacement (organisers only, like the interpreter's name). Empty unless declined.
    decline_reason: Mapped[str] = mapped_column(sa.String(DECLINE_REASON_MAX), default="",
                                                server_default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    channel: Mapped[SessionChannel] = relationship(back_populates="assignments")
    interpreter: Mapped[InterpreterProfile] = relationship()

    @property
    def is_booked(self) -> bool:
        return self.status in BOOKED


class LanguageNotProvided(db.Model):
    """Organisers' word that a language asked for will not be interpreted, for one session
    or (``session_id`` empty) the whole event; gone again when a channel opens for it."""

    __tablename__ = "interpretation_not_provided"
    __table_args__ = (sa.Index("ix_interpretation_not_provided_event", "event_id",
                               "language_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    language_code: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    reason: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    session: Mapped[EventSession | None] = relationship()


GLOSSARY_TERM_MAX = 200  # characters of a term or its equivalent: the columns' size
GLOSSARY_NOTE_MAX = 500
BRIEFING_MAX = 20_000  # characters of a briefing note: a few pages, what the form accepts


class GlossaryTerm(db.Model):
    """One entry of the glossary of a language pair, shared by every session interpreted
    between the two languages (either way): a term, its equivalent, a note for the booth.

    The pair is kept in one order (``language_a`` the code that sorts first) so en→th and
    th→en booths read and add to the same glossary; ``term_key`` is the term as compared
    (case and blanks folded), so the unique constraint refuses the same term twice even when
    two people add it at the same moment."""

    __tablename__ = "glossary_terms"
    __table_args__ = (
        sa.UniqueConstraint("language_a", "language_b", "term_key",
                            name="uq_glossary_terms_term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language_a: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    language_b: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"))
    term_a: Mapped[str] = mapped_column(sa.String(GLOSSARY_TERM_MAX))
    term_b: Mapped[str] = mapped_column(sa.String(GLOSSARY_TERM_MAX))
    term_key: Mapped[str] = mapped_column(sa.String(GLOSSARY_TERM_MAX))
    note: Mapped[str] = mapped_column(sa.String(GLOSSARY_NOTE_MAX), default="",
                                      server_default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    @property
    def pair(self) -> tuple[str, str]:
        return self.language_a, self.language_b


class Briefing(db.Model):
    """The organisers' briefing note on a session for its interpreters: context, names and
    acronyms to expect, sensitivities. One per session; none until written."""

    __tablename__ = "interpretation_briefings"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
