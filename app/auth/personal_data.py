"""What the accounts feature holds about a person (see app.core.personal_data)."""

from __future__ import annotations

import secrets
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Invitation
from app.auth.models import KnownSignInAddress
from app.auth.models import PasswordReset
from app.auth.models import SignInFailure
from app.auth.models import User
from app.auth.signals import account_deactivated
from app.core.personal_data import FORMER_PARTICIPANT
from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.core.time import now_utc
from app.extensions import db

# A password hash no password matches (werkzeug reads it as no method at all).
UNUSABLE_PASSWORD = "!erased"  # noqa: S105


def erased_email(user: User) -> str:
    """A unique address nobody can receive mail at (.invalid is reserved, RFC 2606)."""
    return f"erased-{user.id}-{secrets.token_hex(6)}@erased.invalid"


def is_erased(user: User) -> bool:
    return user.email.endswith("@erased.invalid")


def _export(user: User) -> list[dict]:
    return [row(user, "email display_name pseudonym country_code timezone locale languages "
                      "created_dt deactivated_dt is_focal_point",
                organisation=user.organisation.name if user.organisation else "",
                organisation_kind=user.organisation.kind if user.organisation else "",
                roles=[str(role) for role in user.roles])]


def _export_addresses(user: User) -> list[dict]:
    return [row(known, "address last_dt") for known in db.session.scalars(
        select(KnownSignInAddress).where(KnownSignInAddress.user_id == user.id)
        .order_by(KnownSignInAddress.last_dt))]


def _erase(erasure: Erasure) -> None:
    user = erasure.user
    db.session.execute(delete(SignInFailure).where(func.lower(SignInFailure.email)
                                                    == erasure.email)
                       .execution_options(synchronize_session=False))
    for model in (KnownSignInAddress, PasswordReset):
        db.session.execute(delete(model).where(model.user_id == user.id)
                           .execution_options(synchronize_session=False))
    placeholder = erased_email(user)
    for invitation in db.session.scalars(select(Invitation).where(
            func.lower(Invitation.email) == erasure.email)):
        if invitation.user_id is None and invitation.used_dt is None:
            db.session.delete(invitation)  # a link still waiting for them: gone
        else:
            invitation.email = placeholder
    user.display_name = FORMER_PARTICIPANT
    user.email = placeholder
    user.pseudonym = ""
    user.password_hash = UNUSABLE_PASSWORD
    user.organisation_id = None
    user.timezone = "UTC"
    user.languages = []
    user.deactivated_dt = user.deactivated_dt or now_utc()
    user.end_every_session()  # every browser signed in as them is signed out
    account_deactivated.send(user)  # the calendar revokes the feed link


def _purge(now: datetime) -> int:
    """Failed sign-ins count for an hour at most; a trusted address for LOGIN_TRUSTED_DAYS;
    a reset link is worth nothing a day after it expired."""
    config = current_app.config
    failures = db.session.execute(delete(SignInFailure).where(
        SignInFailure.created_dt < now - timedelta(days=1))
        .execution_options(synchronize_session=False)).rowcount or 0
    addresses = db.session.execute(delete(KnownSignInAddress).where(
        KnownSignInAddress.last_dt < now - timedelta(days=config["LOGIN_TRUSTED_DAYS"]))
        .execution_options(synchronize_session=False)).rowcount or 0
    resets = db.session.execute(delete(PasswordReset).where(
        PasswordReset.expires_dt < now - timedelta(days=1))
        .execution_options(synchronize_session=False)).rowcount or 0
    return failures + addresses + resets


HOLDINGS.add("account", Holding(
    _l("Your account"),
    {
        "users": columns(
            personal="email display_name pseudonym password_hash organisation_id timezone "
                     "languages session_token",
            fact="id is_participant is_organiser is_interpreter is_focal_point country_code "
                 "locale buddhist_era created_dt "
                 "deactivated_dt"),
        "organisations": columns(not_personal="id name kind country_code"),
        "invitations": columns(
            personal="email", not_personal="token_hash",
            fact="id roles country_code invited_by_id created_dt expires_dt used_dt user_id"),
        # A reset link: who asked and when; the token itself is only a hash.
        "password_resets": columns(personal="user_id created_dt", not_personal="id token_hash",
                                   fact="expires_dt used_dt"),
        "sign_in_failures": columns(personal="email address device",
                                    not_personal="id created_dt"),
    },
    export=_export, erase=_erase, purge=_purge))
HOLDINGS.add("sign_in_addresses", Holding(
    _l("Addresses you signed in from"),
    {"known_sign_in_addresses": columns(personal="user_id address last_dt",
                                        not_personal="id")},
    export=_export_addresses))
