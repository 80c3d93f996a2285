"""Erasure: asked for by the person, done by an organiser."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.time import UTCDateTime
from app.extensions import db


class ErasureRequest(db.Model):
    """A person asked for their data to be erased (``requested_dt``), or an organiser erased
    them unasked (``requested_dt`` empty); ``erased_dt`` once done. The account it names is
    anonymised by then, so the row keeps the fact and the times, not who it was."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        sa.CheckConstraint("requested_dt IS NOT NULL OR erased_dt IS NOT NULL",
                           name="asked_or_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    requested_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_pending(self) -> bool:
        return self.erased_dt is None
