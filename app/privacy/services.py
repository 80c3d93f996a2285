"""Rules about personal data: downloads, erasure, retention and the audit log. Views call
these; so do the tests and the ``purge-personal-data`` command."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from datetime import datetime

import click
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import User
from app.auth.personal_data import is_erased
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.models import AuditRecord
from app.core.personal_data import PRIVACY_NOTICE_VERSION
from app.core.personal_data import erase_person
from app.core.personal_data import export_person
from app.core.personal_data import purge_expired
from app.core.personal_data import record_consent
from app.core.personal_data import section_titles
from app.core.time import local_day_bounds
from app.core.time import now_utc
from app.extensions import db
from app.privacy.models import ErasureRequest
from app.registrations.exports import csv_text

AUDIT_PAGE_SIZE = 50


class PrivacyRefusal(Refusal):
    """A personal-data action that cannot be done as asked."""


class AlreadyErased(Conflict):
    """Someone erased the person first."""


# --- the person's own data ------------------------------------------------------------------

def export_json(user: User) -> str:
    """Everything held about ``user`` as one JSON document, sections by feature."""
    document = {
        "exported_at": now_utc().isoformat(),
        "privacy_notice_version": PRIVACY_NOTICE_VERSION,
        "sections": export_person(user),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def export_zip(user: User) -> bytes:
    """The same data as CSV files, one per section, in one zip: a spreadsheet opens each
    (UTF-8 with a byte-order mark; cells that look like formulas stay text). Nested values
    (lists, a language's grades) are written as JSON inside their cell."""
    buffer = io.BytesIO()
    titles = section_titles()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in export_person(user).items():
            header = sorted({key for item in rows for key in item}) or ["(none)"]
            body = [[_csv_value(item.get(key)) for key in header] for item in rows]
            archive.writestr(f"{name}.csv", csv_text(header, body))
        archive.writestr("README.txt", "\n".join(
            [_("Your data from Roundtable, one CSV file per section:"), ""]
            + [f"{name}.csv: {title}" for name, title in titles.items()]) + "\n")
    return buffer.getvalue()


def _csv_value(value) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def agree_to_notice(user: User) -> None:
    record_consent(user)


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(
        ErasureRequest.user_id == user.id, ErasureRequest.erased_dt.is_(None)))


def request_erasure(user: User) -> ErasureRequest:
    """The person asks for their data to be erased; asking twice is one request."""
    existing = pending_request(user)
    if existing is not None:
        return existing
    request = ErasureRequest(user_id=user.id, requested_dt=now_utc())
    db.session.add(request)
    db.session.add(AuditRecord(actor_id=user.id, action="erasure_requested",
                               subject_type="user", subject_id=user.id, detail={}))
    db.session.flush()
    return request


# --- organisers: erasure ---------------------------------------------------------------------

def pending_requests() -> list[ErasureRequest]:
    return list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.erased_dt.is_(None)).order_by(ErasureRequest.requested_dt)))


def person_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(
        func.lower(User.email) == (email or "").strip().lower()))
    if user is None:
        raise PrivacyRefusal(_("No account uses %(email)s.", email=email.strip()),
                             field="email")
    return user


def check_erasable(person: User, actor: User) -> None:
    if person.id == actor.id:
        raise PrivacyRefusal(_("You cannot erase your own account. Ask another organiser."))
    if is_erased(person):
        raise AlreadyErased(_("This person's data has already been erased."))


def erase(person: User, actor: User) -> None:
    """Erase ``person``: every feature deletes or anonymises what it holds (see
    app.core.personal_data); the account stays as "Former participant", unable to sign in,
    so that counts and the audit trail still add up. The erasure is audited, by account id
    only."""
    person = lock_row(User, person.id)
    check_erasable(person, actor)
    erase_person(person)
    now = now_utc()
    asked = list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.user_id == person.id, ErasureRequest.erased_dt.is_(None))))
    for request in asked:
        request.erased_dt, request.erased_by_id = now, actor.id
    if not asked:
        db.session.add(ErasureRequest(user_id=person.id, erased_dt=now, erased_by_id=actor.id))
    db.session.add(AuditRecord(actor_id=actor.id, action="person_erased", subject_type="user",
                               subject_id=person.id, detail={"requested": bool(asked)}))
    db.session.flush()


# --- retention ---------------------------------------------------------------------------------

def purge(now: datetime | None = None) -> dict[str, int]:
    """What each feature cleared (see ``PERSONAL_DATA_RETENTION_DAYS`` and friends)."""
    result = purge_expired(now)
    db.session.flush()
    return result


@click.command("purge-personal-data")
def purge_command():
    """Clear personal data kept past its retention period (idempotent; safe on two hosts)."""
    result = purge()
    db.session.commit()
    click.echo(", ".join(f"{name}: {count}" for name, count in result.items()))


def purge_job() -> str:
    """``flask jobs`` runs the purge daily."""
    result = purge()
    db.session.commit()
    return f"purged {sum(result.values())}"


# --- the audit log -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class AuditEntry:
    record: AuditRecord
    actor: User | None


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).distinct()
                                   .order_by(AuditRecord.action)))


def audit_actors() -> list[User]:
    return list(db.session.scalars(select(User).where(User.id.in_(
        select(AuditRecord.actor_id).where(AuditRecord.actor_id.is_not(None)))).order_by(
        User.display_name, User.id)))


def _audit_query(wanted: AuditFilter, zone: str):
    query = select(AuditRecord, User).outerjoin(User, User.id == AuditRecord.actor_id)
    if wanted.action:
        query = query.where(AuditRecord.action == wanted.action)
    if wanted.actor_id is not None:
        query = query.where(AuditRecord.actor_id == wanted.actor_id)
    if wanted.first_day is not None:
        query = query.where(AuditRecord.created_dt >= local_day_bounds(wanted.first_day, zone)[0])
    if wanted.last_day is not None:
        query = query.where(AuditRecord.created_dt < local_day_bounds(wanted.last_day, zone)[1])
    return query.order_by(AuditRecord.created_dt.desc(), AuditRecord.id.desc())


def audit_page(wanted: AuditFilter, zone: str, page: int) -> tuple[list[AuditEntry], int]:
    """One page of the log, newest first, and how many pages there are."""
    total = db.session.scalar(select(func.count()).select_from(
        _audit_query(wanted, zone).order_by(None).subquery()))
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(_audit_query(wanted, zone).limit(AUDIT_PAGE_SIZE)
                              .offset((page - 1) * AUDIT_PAGE_SIZE))
    return [AuditEntry(record, actor) for record, actor in rows], pages


def audit_entries(wanted: AuditFilter, zone: str) -> list[AuditEntry]:
    return [AuditEntry(record, actor)
            for record, actor in db.session.execute(_audit_query(wanted, zone))]


def audit_csv(entries: list[AuditEntry], actor_name, when) -> str:
    """The filtered log for a spreadsheet; ``actor_name`` says how a person is shown."""
    return csv_text(
        [_("When"), _("Who"), _("Action"), _("Subject"), _("Subject id"), _("Details")],
        ([when(entry.record.created_dt), actor_name(entry.actor), entry.record.action,
          entry.record.subject_type, entry.record.subject_id,
          json.dumps(entry.record.detail or {}, ensure_ascii=False)] for entry in entries))
