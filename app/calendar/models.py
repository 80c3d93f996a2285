"""Personal calendar feeds and the reminders already sent."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class CalendarFeed(db.Model):
    """A secret feed URL per person; only a hash of its token is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moved forward by every change that touches the feed (see ``feeds.follow_changes``),
    # so a conditional request is answered from this row alone.
    changed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The feed as last built (see ``itemcache.kept_feed``): its calendar head and the keys of
    # its items, valid while ``items_key`` (the change above, the day, the language...) holds.
    items_key: Mapped[str | None] = mapped_column(sa.String(64))
    items_index: Mapped[str | None] = mapped_column(sa.Text)


class ReminderSent(db.Model):
    """One row per person and session reminded: makes ``send-reminders`` idempotent."""

    __tablename__ = "reminders_sent"
    __table_args__ = (sa.UniqueConstraint("user_id", "session_id",
                                          name="uq_reminders_sent_user_session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    sent_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class CalendarDelivery(db.Model):
    """One row per person and calendar item (UID) ever emailed to them as an iTIP message: the
    SEQUENCE and METHOD last sent. Every REQUEST and CANCEL goes out with a SEQUENCE above the
    one before it, and cancelling an event reaches every item still standing for it (a
    participant's registration, a bilateral invitee's session, an interpreter's assignment),
    each by its own UID. ``kind`` says which it is, so the item can be built again."""

    __tablename__ = "calendar_deliveries"
    __table_args__ = (sa.UniqueConstraint("user_id", "uid",
                                          name="uq_calendar_deliveries_user_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16))  # registration, session, assignment
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column()
    method: Mapped[str] = mapped_column(sa.String(16))  # REQUEST or CANCEL
    sent_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class CalendarItemCache(db.Model):
    """One VEVENT as text, serialised once and shared by every feed, worker and host that
    shows the very same item (see ``app.calendar.itemcache``).

    ``digest`` names the content: the UID, the SEQUENCE and everything else the item says
    (its texts in the reader's language, the online link or not, cancelled or not) and the
    serialiser's version, so any change that alters the text names another row and a row is
    never rewritten. The text holds a placeholder DTSTAMP, replaced at assembly: no person's
    data is in it, only what every reader of that item is shown (an item naming an ATTENDEE
    is never kept)."""

    __tablename__ = "calendar_item_cache"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(120), index=True)
    sequence: Mapped[int] = mapped_column()
    body: Mapped[str] = mapped_column(sa.Text)  # text, so the privacy scans read it too
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
