"""Feedback and reflections after an event, kept so that no quote leads back to a person.

The content tables carry no timestamps, and an anonymous answer no user at all; who has
answered is a separate marker without an id or a time, so it cannot be lined up with the
content either.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.models import AnsweredOnce
from app.events.models import EventSession
from app.extensions import db


class FeedbackSubmission(AnsweredOnce, db.Model):
    """Who has given feedback for an event."""

    __tablename__ = "feedback_submissions"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)


class Feedback(db.Model):
    """A rating and comments on the whole event (no session) or on one session."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)",
                           name="rating_one_to_five"),
        sa.Index("ix_feedback_event_session", "event_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    rating: Mapped[int | None] = mapped_column()
    what_worked: Mapped[str] = mapped_column(sa.Text, default="")
    to_improve: Mapped[str] = mapped_column(sa.Text, default="")
    # None when given anonymously; never shown, even to organisers.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[EventSession | None] = relationship()


class Reflection(db.Model):
    """A short reflection; organisers may quote it, unattributed, in the summary report."""

    __tablename__ = "reflections"
    __table_args__ = (sa.Index("ix_reflections_event_report", "event_id", "is_for_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    is_for_report: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
