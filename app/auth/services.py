"""Accounts: invitations, sign-in with a shared throttle, profiles. Callers commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import Invitation, Organisation, OrganisationKind, SignInFailure, User
from app.core.access import Role
from app.core.mail import queue_email
from app.core.models import Country
from app.core.time import is_valid_timezone, now_utc
from app.extensions import db

# Spoken languages offered on profiles; names come from babel in the reader's language.
SPOKEN_LANGUAGES = ("en", "id", "ms", "th", "mi", "zh", "ar", "fa", "ta", "my", "vi", "tl")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be honoured; the message is for the user.

    ``field`` names the form field at fault (shown beside it), None when no one field is.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvitationUnusable(AccountError):
    pass


class SignInRefused(AccountError):
    pass


class SignInThrottled(AccountError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get(
        "PASSWORD_HASH_METHOD", "scrypt"))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def invite(email: str, roles, invited_by: User | None, country_code: str | None = None
           ) -> tuple[Invitation, str]:
    """Create an invitation and return it with its token (shown once, never stored)."""
    email = normalise_email(email)
    if user_by_email(email):
        raise AccountError(_("%(email)s already has an account.", email=email), field="email")
    roles = sorted({Role(role).value for role in roles}) or [Role.PARTICIPANT.value]
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        token_hash=_token_hash(token),
        roles=roles,
        country_code=country_code or None,
        invited_by=invited_by,
        expires_dt=now_utc() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def queue_invitation_email(invitation: Invitation, join_url: str, locale: str = "en") -> None:
    with force_locale(locale):
        subject = _("You are invited to Roundtable")
        body = render_template("auth/email/invitation.txt", invitation=invitation,
                               join_url=join_url)
    queue_email(invitation.email, subject, body)


def usable_invitation(token: str) -> Invitation:
    """The invitation behind ``token``, or ``InvitationUnusable`` saying why not."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    )
    if invitation is None:
        raise InvitationUnusable(_("This invitation link is not valid. Check that you copied "
                                   "the whole link, or ask the organisers for a new one."))
    if invitation.used_dt is not None:
        raise InvitationUnusable(_("This invitation has already been used. Sign in instead."))
    if invitation.expires_dt <= now_utc():
        raise InvitationUnusable(_("This invitation has expired. Ask the organisers for a "
                                   "new one."))
    return invitation


def organisation_for(name: str, kind: str, country_code: str | None) -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == name,
                                   Organisation.country_code == country_code)
    )
    if organisation is None:
        organisation = Organisation(name=name, kind=OrganisationKind(kind),
                                    country_code=country_code)
        db.session.add(organisation)
    return organisation


def default_timezone_for(country_code: str | None) -> str:
    country = db.session.get(Country, country_code) if country_code else None
    return country.timezone if country else "UTC"


def apply_profile(user: User, *, display_name: str, pseudonym: str, country_code: str | None,
                  organisation_name: str, organisation_kind: str, timezone: str, locale: str,
                  languages) -> User:
    """Validate and store profile fields; an empty timezone means the country's default."""
    timezone = timezone or default_timezone_for(country_code)
    if not is_valid_timezone(timezone):
        raise AccountError(_("Choose a timezone from the list, such as Asia/Jakarta."),
                           field="timezone")
    if locale not in current_app.config["LANGUAGES"]:
        raise AccountError(_("That language is not available."), field="locale")
    user.display_name = display_name.strip()
    user.pseudonym = (pseudonym or "").strip()
    user.country_code = country_code or None
    user.organisation = organisation_for(organisation_name, organisation_kind or "other",
                                         user.country_code)
    user.timezone = timezone
    user.locale = locale
    user.languages = [code for code in SPOKEN_LANGUAGES if code in set(languages or ())]
    return user


def accept_invitation(token: str, password: str, **profile) -> User:
    """Create the invitee's account; the invitation is spent atomically so it works once."""
    invitation = usable_invitation(token)
    check_password_strength(password)
    spent = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_dt.is_(None))
        .values(used_dt=now_utc())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1 or user_by_email(invitation.email):
        raise InvitationUnusable(_("This invitation has already been used. Sign in instead."))
    user = User(email=invitation.email, password_hash=hash_password(password))
    user.set_roles(invitation.roles)
    apply_profile(user, **profile)
    db.session.add(user)
    db.session.flush()
    invitation.user_id = user.id
    return user


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Use a password of at least %(n)d characters.",
                             n=MIN_PASSWORD_LENGTH), field=field)


def recent_failures(email: str, address: str) -> tuple[int, int]:
    """Failures in the window for this account from this address, and from the address."""
    since = now_utc() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    pair, from_address = db.session.execute(
        select(
            func.count().filter(SignInFailure.email == email),
            func.count(),
        ).where(SignInFailure.address == address, SignInFailure.created_dt > since)
    ).one()
    return pair, from_address


def authenticate(email: str, password: str, address: str) -> User:
    """The user whose credentials these are; failures are recorded and throttled."""
    email = normalise_email(email)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    pair, from_address = recent_failures(email, address)
    if pair >= limit or from_address >= limit * 5:
        raise SignInThrottled(_("Too many failed sign-ins. Please wait %(minutes)d minutes "
                                "and try again.",
                                minutes=current_app.config["LOGIN_WINDOW_MINUTES"]))
    user = user_by_email(email)
    # Check a hash even for unknown emails so response time does not reveal who has an account.
    stored = user.password_hash if user else _decoy_hash()
    if user is None or not check_password_hash(stored, password or ""):
        db.session.add(SignInFailure(email=email, address=address))
        raise SignInRefused(_("That email and password do not match an account."))
    return user


def _decoy_hash() -> str:
    return _decoy_for(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@lru_cache(maxsize=4)
def _decoy_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_("Your current password is not correct."), field="current")
    check_password_strength(new, field="new")
    user.password_hash = hash_password(new)


def create_organiser(email: str, display_name: str, password: str) -> User:
    """Bootstrap or promote an organiser from the command line."""
    email = normalise_email(email)
    check_password_strength(password)
    user = user_by_email(email)
    if user is None:
        user = User(email=email, display_name=display_name or email, timezone="UTC")
        db.session.add(user)
    user.is_organiser = True
    user.password_hash = hash_password(password)
    db.session.flush()
    return user
