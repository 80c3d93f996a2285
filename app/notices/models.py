"""Notices and each person's choice of which ones are also emailed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class Notice(db.Model):
    """Something that happened to ``recipient``. Only the kind and its parameters are kept,
    never the text: the text is written in the recipient's language when it is shown or
    emailed (``app.notices.services.notice_text``)."""

    __tablename__ = "notices"
    __table_args__ = (
        # The Notices page and the header count read a person's notices, unread first.
        sa.Index("ix_notices_recipient_read", "recipient_id", "read_dt"),
        # A notice sent by a job carries a key: the row claims it, so two hosts running the
        # job send it once (NULL keys never collide).
        sa.UniqueConstraint("recipient_id", "kind", "key",
                            name="uq_notices_recipient_kind_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    # The message's parameters (titles, reasons, instants as ISO text, ids of people named).
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # A path inside the app ("/bilaterals/3"), without the deployment's prefix.
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    key: Mapped[str | None] = mapped_column(sa.String(80))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_dt is not None


class NoticeEmailChoice(db.Model):
    """A person's own choice for one kind; without a row, the kind's default holds."""

    __tablename__ = "notice_email_choices"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    is_emailed: Mapped[bool] = mapped_column()
