"""What a meeting is made of: who speaks, facilitates and moderates each session, the
pre-recorded items played in it, the library materials it uses and who downloaded them."""

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
from app.events.models import EventSession
from app.extensions import db
from app.library.models import Resource

NAME_MAX = 200
URL_MAX = 500


class RoleKind(enum.StrEnum):
    SPEAKER = "speaker"
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"


class SessionRole(db.Model):
    """A speaker, facilitator or moderator of a session: an account (``user_id``) or a named
    guest without one (``guest_name``, organisation, country). ``named_in_programme``: they
    agreed to be named in the programme (under the Chatham House Rule nobody is unless they
    did; see ``app.core.visibility.Seen.PROGRAMME``)."""

    __tablename__ = "programme_roles"
    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (guest_name = '')",
                           name="account_or_guest"),
        # One account holds a role once per session: two organisers adding them at once
        # keep one row.
        sa.UniqueConstraint("session_id", "role", "user_id",
                            name="uq_programme_roles_session_role_user"),
        sa.Index("ix_programme_roles_session_position", "session_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    role: Mapped[RoleKind] = mapped_column(str_enum(RoleKind))
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guest_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="", server_default="")
    guest_organisation: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="",
                                                    server_default="")
    guest_country: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    named_in_programme: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User | None] = relationship()
    session: Mapped[EventSession] = relationship()

    @property
    def country_code(self) -> str | None:
        return self.user.country_code if self.user is not None else self.guest_country


class Recording(db.Model):
    """A pre-recorded item played in a session: a video uploaded (stored by the library's
    storage under a random name) or a link to one, with the languages of its subtitles."""

    __tablename__ = "programme_recordings"
    __table_args__ = (
        sa.CheckConstraint("(stored_name IS NULL) <> (video_url = '')",
                           name="file_or_link"),
        sa.CheckConstraint("size_bytes IS NULL OR size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    position: Mapped[int] = mapped_column(default=0)
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    media_type: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    video_url: Mapped[str] = mapped_column(sa.String(URL_MAX), default="", server_default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    subtitles: Mapped[list[RecordingSubtitle]] = relationship(
        cascade="all, delete-orphan", order_by="RecordingSubtitle.language_code")

    @property
    def subtitle_codes(self) -> list[str]:
        return [subtitle.language_code for subtitle in self.subtitles]


class RecordingSubtitle(db.Model):
    """One subtitle language of a recording, from the managed language list."""

    __tablename__ = "programme_recording_subtitles"

    recording_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_recordings.id", ondelete="CASCADE"), primary_key=True)
    language_code: Mapped[str] = mapped_column(sa.ForeignKey("languages.code"),
                                               primary_key=True)


class SessionMaterial(db.Model):
    """A library resource used in a session (slides, a paper, a case study)."""

    __tablename__ = "programme_materials"
    __table_args__ = (
        # Two organisers adding the same resource at once keep one row.
        sa.UniqueConstraint("session_id", "resource_id",
                            name="uq_programme_materials_session_resource"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    resource_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    added_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    resource: Mapped[Resource] = relationship()


class MaterialDownload(db.Model):
    """Who downloaded a session's material, once per person (the first time): organisers
    see which registrants have not prepared yet."""

    __tablename__ = "programme_downloads"
    __table_args__ = (
        sa.UniqueConstraint("material_id", "user_id", name="uq_programme_downloads_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_materials.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    downloaded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
