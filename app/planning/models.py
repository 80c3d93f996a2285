"""Planning the annual in-person meeting: where and when it could be, and what must be done."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class HostCandidate(db.Model):
    """A possible host country, city or venue and dates, compared before one is chosen."""

    __tablename__ = "host_candidates"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    venue: Mapped[str] = mapped_column(sa.String(200))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class PlanningTask(db.Model):
    """One item of the checklist (venue booked, interpreters booked, materials translated)."""

    __tablename__ = "planning_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    done_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    owner: Mapped[User | None] = relationship()


class LetterSettings(db.Model):
    """Who signs an event's visa invitation letters, whom an embassy contacts, and what the
    organisers pay for. One row per event, saved from its planning page; an empty field
    falls back to the ``VISA_LETTER_*`` configuration (``services.letter_settings``)."""

    __tablename__ = "letter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          unique=True)
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    # "Return flights, four nights' accommodation and meals": said in the letter when set.
    costs_covered: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
