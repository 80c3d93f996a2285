"""Accounts: invitations, sign-in with a shared throttle, sessions, profiles. Callers commit."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask import g
from flask import has_request_context
from flask import render_template
from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from app.auth.models import Invitation
from app.auth.models import KnownSignInAddress
from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.auth.models import PasswordReset
from app.auth.models import SignInFailure
from app.auth.models import User
from app.auth.signals import account_deactivated
from app.core.access import Role
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_rows
from app.core.mail import queue_email
from app.core.models import AuditRecord
from app.core.models import Country
from app.core.ratelimit import over_limit
from app.core.ratelimit import seconds_left_in_window
from app.core.registry import Registry
from app.core.time import is_valid_timezone
from app.core.time import now_utc
from app.core.web import absolute_url
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


class AccountConflict(AccountError, Conflict):
    """Refused because someone else changed the accounts meanwhile (409)."""


class ResetLinkUnusable(AccountError):
    """A password-reset link that is unknown, used, expired or of a deactivated account."""

    status = 410


class TooManyResetRequests(AccountError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds, for the Retry-After header


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
    # One live invitation per address: a new one replaces any still pending (its link stops
    # working; app.auth.services.usable_invitation says a newer one was sent).
    now = now_utc()
    for pending in db.session.scalars(select(Invitation).where(
            Invitation.email == email, Invitation.used_dt.is_(None), Invitation.expires_dt > now)):
        pending.expires_dt = now
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


def reinvite(invitation: Invitation, invited_by: User) -> tuple[Invitation, str]:
    """Send a pending (or expired) invitation again: a new link, with the same roles and
    country, that replaces the old one."""
    if invitation.used_dt is not None:
        raise AccountError(_("%(email)s already has an account.", email=invitation.email))
    return invite(invitation.email, invitation.roles, invited_by, invitation.country_code)


def pending_invitations(limit: int = 200) -> list[Invitation]:
    """Invitations not yet used, the latest per address only (older ones were replaced)."""
    latest = select(func.max(Invitation.id)).group_by(Invitation.email)
    return list(db.session.scalars(
        select(Invitation).where(Invitation.used_dt.is_(None), Invitation.id.in_(latest))
        .order_by(Invitation.created_dt.desc(), Invitation.id.desc()).limit(limit)))


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
    if invitation.expires_dt <= now_utc() and db.session.scalar(select(Invitation.id).where(
            Invitation.email == invitation.email, Invitation.id > invitation.id).limit(1)):
        raise InvitationUnusable(_("A newer invitation was sent to this address. Use the link "
                                   "in the latest invitation email."))
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

# Facts about the signed-in person that every page shows (the header's count of unread
# notices), each a scalar SQL expression over ``User`` added by the feature that owns it:
# a reading request fetches them in the statement that loads the account, so they cost no
# round trip of their own, and keeps each as ``g.<name>``, where that feature's own reader
# finds it. An expression holds no value of the request (the statement is built once).
READ_WITH_THE_ACCOUNT: Registry[Callable[[], ColumnElement]] = Registry(
    "facts read with the signed-in account")
READING_METHODS = ("GET", "HEAD")


def load_signed_in(token: str) -> User | None:
    """The active account whose session token a cookie holds; None for a token that was
    replaced (signed out, password changed, deactivated) or never existed.

    A writing request reads no facts with it: its view may change them (mark a notice
    read) before the page that shows them is rendered, so their readers read them then."""
    if not token or len(token) > 64:
        return None
    facts = (tuple(READ_WITH_THE_ACCOUNT.items())
             if has_request_context() and request.method in READING_METHODS else ())
    row = db.session.execute(_account_statement(facts), {"token": token}).first()
    if row is None or not row[0].is_active:
        return None
    for (name, _expression), value in zip(facts, row[1:], strict=True):
        setattr(g, name, value)
    return row[0]


@lru_cache(maxsize=4)
def _account_statement(facts: tuple) -> Select:
    """Built once per set of facts (each expression is the same for every account): on a
    page that reuses its rendered parts, building the statement costs more than running it."""
    return (select(User, *(expression().label(name) for name, expression in facts))
            .where(User.session_token == bindparam("token")))


def sign_out_everywhere(user: User) -> None:
    user.end_every_session()


def _lock_for_account_change(user: User, actor: User) -> tuple[User, User]:
    """Lock the account being changed, the acting organiser's and every active organiser's
    (users first in app.core.locking's order), re-read: two organisers changing each other
    at once take turns, and the second sees what the first did. Refused when the actor is no
    longer an active organiser (someone removed their role or deactivated them meanwhile).

    With nobody able to demote or deactivate themselves, this keeps the last active
    organiser: whoever changes an organiser is another active organiser at that moment,
    under the lock, so one always remains (tests/test_races.py has two organisers demote
    each other at once)."""
    organisers = db.session.scalars(select(User.id).where(
        User.is_organiser, User.deactivated_dt.is_(None))).all()
    locked = lock_rows(User, {user.id, actor.id, *organisers})
    actor = locked[actor.id]
    if not (actor.is_active and actor.is_organiser):
        raise AccountConflict(_("You are no longer an active organiser, so you cannot change "
                                "accounts."))
    return locked[user.id], actor


def _audit_account(actor: User, action: str, user: User, **detail) -> None:
    db.session.add(AuditRecord(actor_id=actor.id, action=action, subject_type="user",
                               subject_id=user.id, detail=detail))


def set_active(user: User, active: bool, actor: User) -> User:
    """Deactivate an account or reactivate it. Deactivating ends every session at once and
    announces it (``account_deactivated``): the calendar revokes the personal feed link, a
    secret URL that would keep showing the agenda. Unused password-reset links stop working.
    Nobody deactivates their own account (so the last active organiser stays)."""
    user, actor = _lock_for_account_change(user, actor)
    if not active and user.id == actor.id:
        raise AccountError(_("You cannot deactivate your own account."))
    if active == user.is_active:
        return user  # a second click, or someone else did it first: nothing to do
    if active:
        user.deactivated_dt = None
    else:
        user.deactivated_dt = now_utc()
        user.end_every_session()
        _spend_reset_links(user)
        account_deactivated.send(user)
    _audit_account(actor, "account_reactivated" if active else "account_deactivated", user)
    return user


def change_roles(user: User, roles, actor: User) -> User:
    """Give an account exactly these roles. Nobody removes their own organiser role (so the
    last active organiser keeps theirs: see _lock_for_account_change). Sessions go on:
    every request reads the roles afresh, so a removed role stops working at the person's
    next click and an added one shows then."""
    wanted = {Role(role) for role in roles}
    if not wanted:
        raise AccountError(_("Choose at least one role."), field="roles")
    user, actor = _lock_for_account_change(user, actor)
    losing_organiser = user.is_organiser and Role.ORGANISER not in wanted
    if losing_organiser and user.id == actor.id:
        raise AccountError(_("You cannot remove your own organiser role. Ask another "
                             "organiser to do it."), field="roles")
    before = [role.value for role in user.roles]
    user.set_roles(wanted)
    after = [role.value for role in user.roles]
    if after != before:
        _audit_account(actor, "roles_changed", user, before=before, after=after)
    return user


def set_focal_point(user: User, appoint: bool, actor: User) -> User:
    """Appoint a person focal point of their own country's delegation, or remove them. A
    focal point must be a participant with a country (the delegation they act for is always
    their own account's); a country may have several."""
    user, actor = _lock_for_account_change(user, actor)
    if appoint == user.is_focal_point:
        return user  # a second click, or another organiser did it first
    if appoint and not (user.is_participant and user.country_code):
        raise AccountError(_("Only a participant with a country can be a delegation focal "
                             "point."))
    user.is_focal_point = appoint
    _audit_account(actor, "focal_point_appointed" if appoint else "focal_point_removed", user,
                   country=user.country_code)
    return user


ACCOUNT_STATUSES = ("active", "deactivated")
ACCOUNTS_PER_PAGE = 50


@dataclass(frozen=True)
class AccountPage:
    people: list[User]
    total: int
    page: int
    pages: int


def list_accounts(role: str | None = None, status: str | None = None, page: int = 1,
                  per_page: int = ACCOUNTS_PER_PAGE) -> AccountPage:
    """One page of accounts, by email, filtered by role and status: two queries (the count
    and the page) however many accounts there are."""
    query = select(User)
    if role in {r.value for r in Role}:
        query = query.where(getattr(User, User._ROLE_COLUMNS[Role(role)]))
    if status == "active":
        query = query.where(User.deactivated_dt.is_(None))
    elif status == "deactivated":
        query = query.where(User.deactivated_dt.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    people = list(db.session.scalars(query.order_by(User.email)
                                     .offset((page - 1) * per_page).limit(per_page)))
    return AccountPage(people, total, page, pages)


# --- password reset by email ---------------------------------------------------------------
#
# Anyone may ask for a link for any address and always gets the same answer, whether an
# account uses the address, is deactivated, or none does: the page, its status and the work
# done before answering are the same (two counters counted, one account looked up, no
# password hashed); only an active account's owner gets an email, through the outbox, which
# is sent later by `flask jobs`, not while the person waits. The link works once and for
# PASSWORD_RESET_TTL_MINUTES; only its hash is stored. Asking is throttled per email address
# and per client address (the shared rate counters, app.core.ratelimit); the email address
# is counted under a hash, so no typed address is kept.

RESET_WINDOW = timedelta(hours=1)


def _check_reset_throttle(email: str, address: str) -> None:
    config = current_app.config
    over_email = over_limit("reset-email:" + _token_hash(email)[:40],
                            config["PASSWORD_RESET_MAX_PER_EMAIL"], RESET_WINDOW)
    over_address = over_limit("reset-address:" + (address or "unknown")[:64],
                              config["PASSWORD_RESET_MAX_PER_ADDRESS"], RESET_WINDOW)
    if over_email or over_address:
        minutes = max(1, math.ceil(seconds_left_in_window(RESET_WINDOW) / 60))
        raise TooManyResetRequests(
            ngettext("Too many password reset requests. Please wait %(num)d minute and try "
                     "again, or use the link in an email you already received.",
                     "Too many password reset requests. Please wait %(num)d minutes and try "
                     "again, or use the link in an email you already received.", minutes),
            retry_after=minutes * 60)


def request_password_reset(email: str, address: str) -> None:
    """Email a reset link to the account using ``email`` when there is an active one;
    otherwise do nothing (the caller answers the same either way)."""
    email = normalise_email(email)
    _check_reset_throttle(email, address)
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue_password_reset(user)
    minutes = current_app.config["PASSWORD_RESET_TTL_MINUTES"]
    with force_locale(user.locale or "en"):
        subject = _("Choose a new Roundtable password")
        body = render_template("auth/email/password_reset.txt", user=user, minutes=minutes,
                               reset_url=absolute_url("auth.reset_password", token=token))
    queue_email(user.email, subject, body)


def issue_password_reset(user: User) -> str:
    """A new reset link's token for ``user`` (shown once, in the email; only its hash is
    kept), working for PASSWORD_RESET_TTL_MINUTES."""
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_TTL_MINUTES"]
    db.session.add(PasswordReset(user=user, token_hash=_token_hash(token),
                                 expires_dt=now_utc() + timedelta(minutes=minutes)))
    return token


def _refuse_unusable(reset: PasswordReset | None) -> None:
    if reset is None:
        raise ResetLinkUnusable(_("This password reset link is not valid. Check that you "
                                  "copied the whole link, or ask for a new one."))
    if not reset.user.is_active:
        raise ResetLinkUnusable(_("This account has been deactivated. Ask the organisers if "
                                  "you need it again."))
    if reset.used_dt is not None:
        raise ResetLinkUnusable(_("This password reset link has already been used, or a "
                                  "newer one was. Sign in with your new password, or ask "
                                  "for a new link."))
    if reset.expires_dt <= now_utc():
        raise ResetLinkUnusable(_("This password reset link has expired. Ask for a new one."))


def usable_reset(token: str) -> PasswordReset:
    """The reset behind ``token``, or ``ResetLinkUnusable`` saying why not."""
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == _token_hash(token or "")))
    _refuse_unusable(reset)
    return reset


def reset_password(token: str, password: str) -> User:
    """Set the new password through the link, once: the account's row is locked and the link
    re-read under the lock, so of two requests racing with one link the second finds it used.
    Every session of the account ends, its other links stop working and the sign-in
    failures of its address are forgotten (the owner proved they hold the mailbox)."""
    reset = usable_reset(token)
    check_password_strength(password)
    user = lock_rows(User, [reset.user_id])[reset.user_id]
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.id == reset.id)
                              .execution_options(populate_existing=True))
    _refuse_unusable(reset)
    _spend_reset_links(user)
    user.password_hash = hash_password(password)
    user.end_every_session()
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == user.email))
    _audit_account(user, "password_reset", user)
    return user


def _spend_reset_links(user: User) -> None:
    now = now_utc()
    for reset in db.session.scalars(select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_dt.is_(None))):
        reset.used_dt = now


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_("Your current password is not correct."), field="current")
    check_password_strength(new, field="new")
    user.password_hash = hash_password(new)
    user.end_every_session()  # a copied cookie or "remember me" elsewhere stops working
    _spend_reset_links(user)


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
