"""Reference data and infrastructure tables every feature shares."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


def str_enum(enum_class, length: int = 20) -> sa.Enum:
    """Enums stored as their readable values in a VARCHAR, the same on every backend."""
    return sa.Enum(enum_class, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda members: [member.value for member in members])


class Completable:
    """Something agreed that its owner (or an organiser) marks done, or open again: an
    action from a call or from a working group's meeting."""

    done_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_done(self) -> bool:
        return self.done_dt is not None

    def mark(self, done: bool) -> None:
        """Marking it as it already is changes nothing (a second click, or two people at
        once): the time it was first done is kept."""
        if not done:
            self.done_dt = None
        elif self.done_dt is None:
            self.done_dt = now_utc()


class AnsweredOnce:
    """Who has answered something (an event's feedback, a survey): one row per person and
    thing answered, both the key, so nobody answers twice. Nothing else, neither an id nor
    a time, so the row cannot be lined up with the answers (which, given anonymously, carry
    no user). The model adds the key column of what is answered."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)


def one_per_person(parent: str, parent_table: str, *, index_person: bool = True) -> type:
    """A mixin for a person's row under a parent row (a call's invitee, a working group's
    member, a topic's vote): at most one per parent and person, the unique constraint being
    the rule rather than a Python check, and deleted with its parent. It gives the columns
    ``id``, ``<parent>_id`` (referring to ``parent_table``) and ``user_id`` (indexed where
    people's own rows are looked up); the model adds its own columns and relationships."""
    parent_key = f"{parent}_id"
    first = -1  # before the model's own columns, as the migrations created the tables
    return type(f"OnePerPersonUnder{parent.title()}", (), {
        "__annotations__": {"id": Mapped[int], parent_key: Mapped[int], "user_id": Mapped[int]},
        "__table_args__": (sa.UniqueConstraint(parent_key, "user_id"),),
        "id": mapped_column(primary_key=True, sort_order=first),
        parent_key: mapped_column(sa.ForeignKey(f"{parent_table}.id", ondelete="CASCADE"),
                                  sort_order=first),
        "user_id": mapped_column(sa.ForeignKey("users.id"), index=index_person,
                                 sort_order=first),
    })


class Country(db.Model):
    """A participating country; its zones feed the time strips and the slot finder."""

    __tablename__ = "countries"
    __table_args__ = (
        sa.CheckConstraint("work_start_minute >= 0 AND work_start_minute < 1440",
                           name="work_start"),
        sa.CheckConstraint(
            "work_end_minute > work_start_minute AND work_end_minute <= 1440", name="work_end"
        ),
    )

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # Every zone the country's delegations live in, default first (Indonesia has three).
    zones: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    work_start_minute: Mapped[int] = mapped_column(default=8 * 60)
    work_end_minute: Mapped[int] = mapped_column(default=18 * 60)
    # ISO 3166-2 suffix used for public holidays (e.g. "NSW"), empty for national only.
    holiday_subdivision: Mapped[str] = mapped_column(sa.String(8), default="")

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Language(db.Model):
    """A language interpretation can be asked for and provided in: the one list organisers
    manage, shared by registrations, session requests, channels and interpreter profiles.

    ``name`` is the language named in itself; ``names`` its name in the platform's languages
    (locale -> name) where CLDR has none or the organisers prefer theirs. A retired language
    is offered no more; what already points at it (requests, channels, profiles) stays.
    """

    __tablename__ = "languages"

    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    names: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    is_sign: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    retired_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_retired(self) -> bool:
        return self.retired_dt is not None


class AuditRecord(db.Model):
    """Who changed what and when; written in the same transaction as the change."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int] = mapped_column()
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_records_subject", "subject_type", "subject_id"),)


class OutboxMessage(db.Model):
    """An email waiting to be sent; queued in the transaction of the change it reports."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # An iCalendar document sent as text/calendar; its METHOD (REQUEST, CANCEL, PUBLISH).
    calendar: Mapped[str | None] = mapped_column(sa.Text)
    calendar_method: Mapped[str | None] = mapped_column(sa.String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # A sender leases one message while it talks to SMTP, so two hosts never send it twice;
    # a sender that dies holds back only that message, and only until the lease runs out.
    leased_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Given up on (it cannot be built, the server refused the recipient, or every retry
    # failed): a dead letter that organisers see and can send again; it never blocks others.
    dead_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (
        sa.Index(
            "ix_outbox_messages_pending",
            "next_attempt_dt",
            postgresql_where=sa.text("sent_dt IS NULL"),
            sqlite_where=sa.text("sent_dt IS NULL"),
        ),
    )


class RateCounter(db.Model):
    """Requests counted per key and fixed window, shared by every worker and host."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    window_start_dt: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class ConsentRecord(db.Model):
    """A person agreed to the privacy notice of ``notice_version`` (its text lives in
    core/privacy.html beside ``personal_data.PRIVACY_NOTICE_VERSION``) at ``agreed_dt``."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    notice_version: Mapped[str] = mapped_column(sa.String(20))
    agreed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
