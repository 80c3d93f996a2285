"""Accounts, organisations, invitations and sign-in attempts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.access import Role
from app.core.i18n import formatting_locale
from app.core.models import Country
from app.core.models import str_enum
from app.core.time import UTCDateTime
from app.core.time import now_utc
from app.extensions import db


class OrganisationKind(enum.StrEnum):
    GOVERNMENT = "government"
    CIVIL_SOCIETY = "civil_society"
    INTERNATIONAL = "international"
    OTHER = "other"


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (sa.UniqueConstraint("name", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    # Lived-experience experts may take a pseudonym: everyone but organisers sees only it.
    pseudonym: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_participant: Mapped[bool] = mapped_column(default=True)
    is_organiser: Mapped[bool] = mapped_column(default=False)
    is_interpreter: Mapped[bool] = mapped_column(default=False)
    # A delegation focal point: acts for the delegation of their own ``country_code`` (sees
    # its registrations and needs, hands a departing delegate over). Set by organisers.
    is_focal_point: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    # Dates written in Thai show the Buddhist Era year (2569 for 2026): the reader's choice.
    buddhist_era: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # ISO 639-1 codes of the languages the person speaks.
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # What a signed-in browser holds (in its session and "remember me" cookies) instead of
    # the id: replacing it ends every session of the account at once (sign-out, a password
    # change, deactivation). See ``get_id`` and app.auth.views.load_user.
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, index=True,
                                               default=new_session_token, server_default="")
    # Set by an organiser: the account can no longer sign in; None while it may.
    deactivated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    _ROLE_COLUMNS = {
        Role.PARTICIPANT: "is_participant",
        Role.ORGANISER: "is_organiser",
        Role.INTERPRETER: "is_interpreter",
    }

    @property
    def formatting_locale(self) -> str:
        """How dates and numbers are written for this person where no request says so (emails,
        calendar text): their language, and for English their country's way ("3 Dec 2026")."""
        return formatting_locale(self.locale or "en", self.country_code)

    def has_role(self, role: Role) -> bool:
        return bool(getattr(self, self._ROLE_COLUMNS[Role(role)]))

    @property
    def roles(self) -> list[Role]:
        return [role for role in Role if self.has_role(role)]

    def set_roles(self, roles) -> None:
        wanted = {Role(role) for role in roles}
        for role, column in self._ROLE_COLUMNS.items():
            setattr(self, column, role in wanted)

    def get_id(self) -> str:
        """Flask-Login's alternative id: the session token, never the (guessable,
        permanent) primary key."""
        if self.session_token is None:  # a new account not yet flushed
            self.session_token = new_session_token()
        return self.session_token

    def end_every_session(self) -> None:
        """Sign the account out everywhere: every cookie naming the old token stops working."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:
        return self.deactivated_dt is None

    @property
    def focal_country(self) -> str | None:
        """The country whose delegation this person acts for, or None: a focal point's own
        country, while they are an active participant with one."""
        if self.is_focal_point and self.is_participant and self.country_code:
            return self.country_code
        return None

    @property
    def public_name(self) -> str:
        """The name other participants may see: the pseudonym when one is set."""
        return self.pseudonym or self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Invitation(db.Model):
    """A single-use, expiring link that lets one email address create its account."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    # Only a hash is stored: a leaked database does not leak usable links.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("countries.code"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class PasswordReset(db.Model):
    """A single-use, expiring link that lets the owner of an account's mailbox choose a new
    password (app.auth.services.request_password_reset, reset_password)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    # Only a hash is stored, as for invitations: a leaked database holds no usable link.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the link was used, or when another link of the account was used first.
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SignInFailure(db.Model):
    """Failed sign-ins, kept in the database so every worker and host throttles alike (the
    policy is in app.auth.services.authenticate)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        sa.Index("ix_sign_in_failures_lookup", "email", "address", "created_dt"),
        sa.Index("ix_sign_in_failures_address", "address", "created_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    # The browser's device id when it showed this account's device cookie, else None.
    device: Mapped[str | None] = mapped_column(sa.String(32))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class KnownSignInAddress(db.Model):
    """An address from which an account has signed in: strangers' failures there or on the
    account do not lock the account's owner out (see app.auth.services.authenticate)."""

    __tablename__ = "known_sign_in_addresses"
    __table_args__ = (sa.UniqueConstraint("user_id", "address",
                                          name="uq_known_sign_in_addresses_user_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(sa.String(64))
    last_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
