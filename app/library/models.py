"""Resources members share: toolkits, manuals, case studies and summary reports."""

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
from app.events.models import Event
from app.extensions import db


class ResourceKind(enum.StrEnum):
    TOOLKIT = "toolkit"
    MANUAL = "manual"
    CASE_STUDY = "case_study"
    SUMMARY_REPORT = "summary_report"
    SLIDES = "slides"  # a session's presentation (app.programme offers it as material)
    PAPER = "paper"
    OTHER = "other"


class TagKind(enum.StrEnum):
    COUNTRY = "country"
    TOPIC = "topic"


# Key downloads of an event: which resources its page offers.
resource_events = sa.Table(
    "resource_events", db.metadata,
    sa.Column("resource_id", sa.ForeignKey("resources.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Resource(db.Model):
    __tablename__ = "resources"
    __table_args__ = (sa.CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind))
    # Random, server-chosen: the file's name on disk never comes from the uploader.
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The uploader's file name, made safe, shown and offered as the download name only.
    original_name: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    uploader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The uploader chose to be named to every member; otherwise only organisers see who it was.
    show_uploader: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    uploader: Mapped[User | None] = relationship()
    tags: Mapped[list[ResourceTag]] = relationship(
        cascade="all, delete-orphan", order_by="(ResourceTag.kind, ResourceTag.value)")
    events: Mapped[list[Event]] = relationship(secondary=resource_events,
                                               order_by="Event.start_date")

    def tag_values(self, kind: TagKind) -> list[str]:
        return [tag.value for tag in self.tags if tag.kind == kind]


class ResourceTag(db.Model):
    """A country code or a free topic tag, one row each so the list can filter in SQL."""

    __tablename__ = "resource_tags"
    __table_args__ = (
        sa.UniqueConstraint("resource_id", "kind", "value"),
        sa.Index("ix_resource_tags_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id", ondelete="CASCADE"))
    kind: Mapped[TagKind] = mapped_column(str_enum(TagKind))
    value: Mapped[str] = mapped_column(sa.String(80))
