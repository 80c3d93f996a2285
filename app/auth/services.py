"""Accounts: invitations, sign-in with a shared throttle, sessions, profiles. Callers commit."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import (
    Invitation,
    KnownSignInAddress,
    Organisation,
    OrganisationKind,
    SignInFailure,
    User,
)
from app.auth.signals import account_deactivated
from app.core.access import Role
from app.core.errors import Refusal
from app.core.mail import queue_email
from app.core.models import AuditRecord, Country
from app.core.time import is_valid_timezone, now_utc
from app.extensions import db

# Spoken languages offered on profiles; names come from babel in the reader's language.
SPOKEN_LANGUAGES = ("en", "id", "ms", "th", "mi", "zh", "ar", "fa", "ta", "my", "vi", "tl")
MIN_PASSWORD_LENGTH = 10


class AccountError(Refusal):
    """A request about accounts that cannot be honoured; the message is for the user.

    ``field`` names the form field at fault (shown beside it), None when no one field is.
    """


class InvitationUnusable(AccountError):
    pass


class SignInRefused(AccountError):
    pass


class SignInThrottled(AccountError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds, for the Retry-After header


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


# --- signing in: the throttle --------------------------------------------------------------
#
# Failed sign-ins are counted in the database (every worker and host alike) and three limits
# apply, each over a sliding window, before any password is checked:
#
# 1. The pair: one account from one source, LOGIN_MAX_FAILURES (10) per LOGIN_WINDOW_MINUTES
#    (15). The source is the browser's device when it shows this account's device cookie
#    (issued at each successful sign-in), else the client address. It applies to everyone.
# 2. The account, from all sources together: LOGIN_ACCOUNT_MAX_FAILURES (20) per
#    LOGIN_ACCOUNT_WINDOW_MINUTES (60), the slower, global limit: twelve addresses cannot
#    make 120 guesses at one account.
# 3. The address, over all accounts: LOGIN_ADDRESS_MAX_FAILURES (50) per LOGIN_WINDOW_MINUTES
#    (guessing one common password at many accounts).
#
# Limits 2 and 3 are the ones a stranger can fill with their own failures, so they do not
# apply to a trusted source: a browser holding the account's device cookie, or an address the
# account signed in from successfully within LOGIN_TRUSTED_DAYS (90). The owner of an account
# is therefore never locked out by someone else's guesses at it or from a shared address
# (behind one proxy or NAT); only their own source's pair limit binds them. Someone signing in
# for the first time from an address under attack may have to wait for the window to pass.
# A locked-out source is told how many minutes until enough failures have aged out of the
# window (the answer also carries Retry-After); attempts made while locked out are not
# counted, so waiting always ends it. A success clears its own pair's failures.
#
# Unknown and known emails take the same path and the same password-hash work (a decoy hash
# in the configured method for unknown ones), so neither the answer nor its timing tells
# whether an account exists.

DEVICE_COOKIE = "rt_device"
_DEVICE_SALT = "sign-in-device"


@dataclass(frozen=True)
class SignInSource:
    """Where a sign-in comes from: the client address and, when the browser showed a device
    cookie for the account being signed in to, that device."""

    address: str
    device: str | None = None


def _limits() -> dict[str, tuple[int, timedelta]]:
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    return {
        "pair": (config["LOGIN_MAX_FAILURES"], window),
        "account": (config["LOGIN_ACCOUNT_MAX_FAILURES"],
                    timedelta(minutes=config["LOGIN_ACCOUNT_WINDOW_MINUTES"])),
        "address": (config["LOGIN_ADDRESS_MAX_FAILURES"], window),
    }


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_DEVICE_SALT)


def device_cookie_for(user: User, current: str | None = None) -> str:
    """The device cookie to give a browser that just signed in as ``user`` (the same device
    id again when its cookie already names one for this account)."""
    device = _device_of(current, user) or secrets.token_urlsafe(16)
    return _device_serializer().dumps([user.id, device])


def device_cookie_max_age() -> int:
    return current_app.config["LOGIN_TRUSTED_DAYS"] * 24 * 3600


def _device_of(cookie: str | None, user: User | None) -> str | None:
    """The device id of a device cookie issued to ``user``; None for anything else."""
    if not cookie or user is None:
        return None
    try:
        user_id, device = _device_serializer().loads(cookie)
    except (BadSignature, TypeError, ValueError):
        return None
    if user_id != user.id or not isinstance(device, str) or len(device) > 32:
        return None
    return device


def _is_known_address(user: User | None, address: str) -> bool:
    """Whether ``user`` signed in from ``address`` within the trusted days (the query runs
    for an unknown email too: the same work either way)."""
    since = now_utc() - timedelta(days=current_app.config["LOGIN_TRUSTED_DAYS"])
    found = db.session.scalar(select(KnownSignInAddress.id).where(
        KnownSignInAddress.user_id == (user.id if user else 0),
        KnownSignInAddress.address == address, KnownSignInAddress.last_dt > since))
    return user is not None and found is not None


def _pair_filter(email: str, source: SignInSource):
    if source.device:
        return (SignInFailure.email == email) & (SignInFailure.device == source.device)
    return ((SignInFailure.email == email) & (SignInFailure.address == source.address)
            & SignInFailure.device.is_(None))


def _wait_if_over(condition, limit: int, window: timedelta) -> timedelta | None:
    """How long until fewer than ``limit`` failures matching ``condition`` remain in the
    window; None while fewer than ``limit`` are in it."""
    now = now_utc()
    times = db.session.scalars(
        select(SignInFailure.created_dt).where(condition, SignInFailure.created_dt > now - window)
        .order_by(SignInFailure.created_dt.desc()).limit(limit)
    ).all()
    if len(times) < limit:
        return None
    return times[-1] + window - now  # the limit-th newest failure leaves the window then


def throttle_wait(email: str, source: SignInSource, trusted: bool) -> timedelta | None:
    """How long this source must wait before trying this account again; None: it may try."""
    limits = _limits()
    checks = [(_pair_filter(email, source), *limits["pair"])]
    if not trusted:
        checks += [(SignInFailure.email == email, *limits["account"]),
                   (SignInFailure.address == source.address, *limits["address"])]
    waits = [wait for wait in (_wait_if_over(*check) for check in checks) if wait is not None]
    return max(waits) if waits else None


def authenticate(email: str, password: str, address: str, device_cookie: str | None = None
                 ) -> User:
    """The user whose credentials these are; failures are recorded and throttled (the policy
    is described above). ``device_cookie``: what the browser sent as ``DEVICE_COOKIE``."""
    email = normalise_email(email)
    address = (address or "unknown")[:64]
    user = user_by_email(email)
    source = SignInSource(address, _device_of(device_cookie, user))
    trusted = _is_known_address(user, address) or source.device is not None
    wait = throttle_wait(email, source, trusted)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise SignInThrottled(_("Too many failed sign-ins. Please wait %(minutes)d minutes "
                                "and try again.", minutes=minutes), retry_after=minutes * 60)
    # The same hash work whether or not the account exists: response time tells nothing.
    stored = user.password_hash if user else _decoy_hash()
    if not check_password_hash(stored, password or "") or user is None:
        db.session.add(SignInFailure(email=email, address=address, device=source.device))
        raise SignInRefused(_("That email and password do not match an account."))
    if not user.is_active:
        raise SignInRefused(_("This account has been deactivated. Ask the organisers if you "
                              "need it again."))
    db.session.execute(delete(SignInFailure).where(_pair_filter(email, source)))
    remember_address(user, address)
    return user


def remember_address(user: User, address: str) -> None:
    """Note a successful sign-in from ``address`` (one atomic upsert: concurrent sign-ins
    never collide)."""
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    now = now_utc()
    db.session.execute(
        dialect.insert(KnownSignInAddress)
        .values(user_id=user.id, address=(address or "unknown")[:64], last_dt=now)
        .on_conflict_do_update(index_elements=["user_id", "address"], set_={"last_dt": now})
    )


def _decoy_hash() -> str:
    return _decoy_for(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


@lru_cache(maxsize=4)
def _decoy_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


# --- sessions ------------------------------------------------------------------------------

def load_signed_in(token: str) -> User | None:
    """The active account whose session token a cookie holds; None for a token that was
    replaced (signed out, password changed, deactivated) or never existed."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.session_token == token))
    return user if user is not None and user.is_active else None


def sign_out_everywhere(user: User) -> None:
    user.end_every_session()


def set_active(email: str, active: bool, actor: User) -> User:
    """Deactivate an account or reactivate it. Deactivating ends every session at once and
    announces it (``account_deactivated``): the calendar revokes the personal feed link, a
    secret URL that would keep showing the agenda."""
    user = user_by_email(email)
    if user is None:
        raise AccountError(_("No account uses %(email)s.", email=normalise_email(email)),
                           field="email")
    if not active and user.id == actor.id:
        raise AccountError(_("You cannot deactivate your own account."), field="email")
    if active:
        user.deactivated_dt = None
    else:
        user.deactivated_dt = user.deactivated_dt or now_utc()
        user.end_every_session()
        account_deactivated.send(user)
    db.session.add(AuditRecord(actor_id=actor.id,
                               action="account_reactivated" if active else "account_deactivated",
                               subject_type="user", subject_id=user.id, detail={}))
    return user


def deactivated_accounts() -> list[User]:
    return list(db.session.scalars(select(User).where(User.deactivated_dt.is_not(None))
                                   .order_by(User.email)))


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_("Your current password is not correct."), field="current")
    check_password_strength(new, field="new")
    user.password_hash = hash_password(new)
    user.end_every_session()  # a copied cookie or "remember me" elsewhere stops working


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
    user.end_every_session()
    db.session.flush()
    return user


def participants_by_country() -> list[User]:
    """People who can be invited, with their country loaded (one query)."""
    return list(db.session.scalars(select(User).where(
        User.is_participant, User.country_code.is_not(None))
        .options(joinedload(User.country)).order_by(User.country_code, User.display_name)))
