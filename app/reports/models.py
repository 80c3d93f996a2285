"""A meeting's summary report: its sections in each language, the library resources it
offers as key downloads, and the organisers' acknowledgements of check flags."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.events.models import Event
from app.extensions import db
from app.library.models import Resource


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


# The sections of a report, in the order the seeds' summaries tell a meeting.
SECTIONS = ("overview", "sessions", "highlights", "reflections", "next_steps")

# A published report's key downloads: the only way these files are public.
report_downloads = sa.Table(
    "report_downloads", db.metadata,
    sa.Column("report_id", sa.ForeignKey("summary_reports.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("resource_id", sa.ForeignKey("resources.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class SummaryReport(db.Model):
    """One per event. ``texts`` is {language: {section: text}}: the event's own language
    (``Event.language``) is the original, the others its translations, read with the same
    marked fallback as the event's own texts (``app.reports.services.section_text``)."""

    __tablename__ = "summary_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          unique=True)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus),
                                                 default=ReportStatus.DRAFT)
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    published_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    event: Mapped[Event] = relationship()
    downloads: Mapped[list[Resource]] = relationship(secondary=report_downloads,
                                                     order_by="Resource.title")
    acknowledgements: Mapped[list[ReportAcknowledgement]] = relationship(
        cascade="all, delete-orphan", order_by="ReportAcknowledgement.id")

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ReportAcknowledgement(db.Model):
    """An organiser's word that a flagged name may stand (an organisation that agreed to be
    named as host): the words as the check normalises them, who said so and when."""

    __tablename__ = "report_acknowledgements"
    __table_args__ = (sa.UniqueConstraint("report_id", "words"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("summary_reports.id", ondelete="CASCADE"))
    words: Mapped[str] = mapped_column(sa.String(320))
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
