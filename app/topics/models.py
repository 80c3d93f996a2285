"""Topics participants propose for a meeting, and their votes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import one_per_person
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventSession
from app.extensions import db


class Topic(db.Model):
    __tablename__ = "topics"
    __table_args__ = (sa.Index("ix_topics_event_created", "event_id", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Only organisers see who proposed a topic; others see the proposer's public name.
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The agenda session the organisers made of it, once scheduled.
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    proposer: Mapped[User] = relationship()
    session: Mapped[EventSession | None] = relationship()


class TopicVote(one_per_person("topic", "topics"), db.Model):
    """One vote per topic and person."""

    __tablename__ = "topic_votes"

    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
