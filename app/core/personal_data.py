"""What the platform holds about a person, declared by each feature beside its own tables.

Every feature registers one ``Holding`` in ``HOLDINGS`` (in its ``personal_data`` module,
a hook its ``FEATURE`` names): the columns of its tables, each classified, and what to do
with them:

* ``export(user)``: the person's rows as plain values (their "Your data" download);
* ``erase(erasure)``: delete or anonymise the feature's rows about the person;
* ``purge(now)``: retention, for data that is sensitive and needed only for a while
  (travel, passports, dietary and access needs: ``PERSONAL_DATA_RETENTION_DAYS`` after the
  event ends), run by ``flask purge-personal-data`` and by ``flask jobs``.

The classification is checked against ``db.metadata`` by tests/core/test_personal_data.py:
a column nobody classified fails it, so a new column cannot escape the export and the
erasure by being forgotten. This module knows no feature: features build on it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from app.core.models import AuditRecord
from app.core.models import ConsentRecord
from app.core.models import OutboxMessage
from app.core.models import RateCounter
from app.core.registry import Registry
from app.core.time import now_utc
from app.extensions import db

# The privacy notice (app/core/templates/core/privacy.html) a person agrees to: raise it
# whenever the notice says something new, and everyone is asked to agree again.
PRIVACY_NOTICE_VERSION = "1"
# What an erased account is called everywhere from then on.
FORMER_PARTICIPANT = "Former participant"
# Identifiers shorter than this are not searched for in free text (a one-letter pseudonym
# would otherwise blank every "A" of every email).
MIN_IDENTIFIER_LENGTH = 3


class Kind(enum.StrEnum):
    PERSONAL = "personal"  # about the person: exported, erased or anonymised on erasure
    PURGED = "purged"  # personal, sensitive and event-bound: also purged after retention
    FACT = "fact"  # kept after erasure: a fact no longer tied to anyone (a status, a link
    # to the anonymised account, a count)
    NOT_PERSONAL = "not_personal"  # about meetings, rooms, languages: nobody in particular


def columns(**kinds: str) -> dict[Kind, list[str]]:
    """``columns(personal="email display_name", fact="id")``: names split on spaces."""
    return {Kind(kind): names.split() for kind, names in kinds.items()}


@dataclass
class Erasure:
    """One person being erased: who, and every string that named them (captured before any
    feature changed anything), to be scrubbed from free text wherever it appears."""

    user: Any
    identifiers: list[str] = field(default_factory=list)
    email: str = ""  # the account's address before erasure (lower case)

    @property
    def searchable(self) -> list[str]:
        found = {text.strip() for text in self.identifiers if text and text.strip()}
        return sorted((text for text in found if len(text) >= MIN_IDENTIFIER_LENGTH),
                      key=len, reverse=True)


@dataclass(frozen=True)
class Holding:
    title: Any  # the section's heading, translated when shown
    tables: dict[str, dict[Kind, list[str]]]
    export: Callable[[Any], list[dict]] | None = None
    erase: Callable[[Erasure], None] | None = None
    purge: Callable[[datetime], int] | None = None
    # More strings that name the person (passport names), for ``Erasure.identifiers``.
    identifiers: Callable[[Any], list[str]] | None = None


HOLDINGS: Registry[Holding] = Registry("personal data")


# --- plain values ----------------------------------------------------------------------------

def plain(value):
    """A value as JSON and CSV can hold it: dates in ISO 8601 (UTC for instants)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def row(obj, names: str, **extra) -> dict:
    """The named attributes of ``obj`` (space separated) as plain values, plus ``extra``."""
    return {**{name: plain(getattr(obj, name)) for name in names.split()},
            **{key: plain(value) for key, value in extra.items()}}


# --- scrubbing free text -----------------------------------------------------------------------

def _spellings(identifier: str) -> list[str]:
    """How an identifier may be stored: as typed, and inside JSON (non-ASCII escaped)."""
    escaped = json.dumps(identifier)[1:-1]
    return [identifier] if escaped == identifier else [identifier, escaped]


def mentioning(column, erasure: Erasure):
    """A WHERE clause: the column's text contains one of the person's identifiers (any case;
    a JSON column is read as its text)."""
    text = func.lower(sa.cast(column, sa.Text))
    clauses = [text.contains(spelling.lower(), autoescape=True)
               for identifier in erasure.searchable for spelling in _spellings(identifier)]
    return sa.or_(*clauses) if clauses else sa.false()


def scrub_text(text: str | None, erasure: Erasure) -> str | None:
    """``text`` with every identifier of the person replaced by "Former participant"."""
    if not text:
        return text
    for identifier in erasure.searchable:
        lowered, needle = text.lower(), identifier.lower()
        start = lowered.find(needle)
        while start != -1:
            text = text[:start] + FORMER_PARTICIPANT + text[start + len(identifier):]
            lowered = text.lower()
            start = lowered.find(needle, start + len(FORMER_PARTICIPANT))
    return text


def scrub_json(value, erasure: Erasure):
    if isinstance(value, str):
        return scrub_text(value, erasure)
    if isinstance(value, list):
        return [scrub_json(item, erasure) for item in value]
    if isinstance(value, dict):
        return {key: scrub_json(item, erasure) for key, item in value.items()}
    return value


# --- what the registry does with a person ----------------------------------------------------

def export_person(user) -> dict[str, list[dict]]:
    """Everything every feature holds about ``user``, by section (empty sections included,
    so the person sees what could be held)."""
    return {name: holding.export(user) for name, holding in HOLDINGS.items()
            if holding.export is not None}


def section_titles() -> dict[str, str]:
    return {name: str(holding.title) for name, holding in HOLDINGS.items()
            if holding.export is not None}


def erase_person(user) -> Erasure:
    """Every feature deletes or anonymises what it holds about ``user``; the account row
    itself is anonymised by the accounts feature, which keeps it as "Former participant" so
    that counts and the audit trail still add up."""
    identifiers = [user.display_name, user.pseudonym, user.email]
    for holding in HOLDINGS:
        if holding.identifiers is not None:
            identifiers += holding.identifiers(user)
    erasure = Erasure(user, identifiers, email=user.email.lower())
    for holding in HOLDINGS:
        if holding.erase is not None:
            holding.erase(erasure)
    db.session.flush()
    return erasure


def purge_expired(now: datetime | None = None) -> dict[str, int]:
    """Retention: each feature clears what it keeps only for a while. Returns the rows
    changed per feature (0 everywhere when run again: it is idempotent)."""
    now = now or now_utc()
    return {name: holding.purge(now) for name, holding in HOLDINGS.items()
            if holding.purge is not None}


def classified_columns() -> dict[tuple[str, str], list[tuple[str, Kind]]]:
    """(table, column) -> every (holding, kind) that classifies it (one, when all is well)."""
    found: dict[tuple[str, str], list[tuple[str, Kind]]] = {}
    for name, holding in HOLDINGS.items():
        for table, kinds in holding.tables.items():
            for kind, names in kinds.items():
                for column in names:
                    found.setdefault((table, column), []).append((name, kind))
    return found


# --- consent -------------------------------------------------------------------------------------

def record_consent(user, version: str = PRIVACY_NOTICE_VERSION) -> ConsentRecord:
    """``user`` agrees to the privacy notice of ``version``, now."""
    consent = ConsentRecord(user_id=user.id, notice_version=version, agreed_dt=now_utc())
    db.session.add(consent)
    return consent


def latest_consent(user) -> ConsentRecord | None:
    return db.session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == user.id)
                             .order_by(ConsentRecord.agreed_dt.desc(), ConsentRecord.id.desc())
                             .limit(1))


def needs_consent(user) -> bool:
    consent = latest_consent(user)
    return consent is None or consent.notice_version != PRIVACY_NOTICE_VERSION


# --- core's own tables -------------------------------------------------------------------------

def _export_consents(user) -> list[dict]:
    return [row(consent, "notice_version agreed_dt") for consent in db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id)
        .order_by(ConsentRecord.agreed_dt))]


def _export_emails(user) -> list[dict]:
    return [row(message, "created_dt subject body sent_dt") for message in db.session.scalars(
        select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == user.email.lower())
        .order_by(OutboxMessage.created_dt))]


def _export_audit(user) -> list[dict]:
    """What the person did (as an actor), and what was done to their account."""
    records = db.session.scalars(select(AuditRecord).where(sa.or_(
        AuditRecord.actor_id == user.id,
        sa.and_(AuditRecord.subject_type == "user", AuditRecord.subject_id == user.id)))
        .order_by(AuditRecord.created_dt, AuditRecord.id))
    return [row(record, "created_dt action subject_type subject_id detail",
                by_you=record.actor_id == user.id) for record in records]


def _erase_emails(erasure: Erasure) -> None:
    email = erasure.email
    # Mail to the person: they can no longer receive it, and its text names them.
    db.session.execute(delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == email)
                       .execution_options(synchronize_session=False))
    # Mail to others that names them (an organiser told of their registration).
    for message in db.session.scalars(select(OutboxMessage).where(sa.or_(
            mentioning(OutboxMessage.subject, erasure), mentioning(OutboxMessage.body, erasure),
            mentioning(OutboxMessage.calendar, erasure),
            mentioning(OutboxMessage.last_error, erasure)))):
        message.subject = scrub_text(message.subject, erasure)
        message.body = scrub_text(message.body, erasure)
        message.calendar = scrub_text(message.calendar, erasure)
        message.last_error = scrub_text(message.last_error, erasure)


def _erase_audit(erasure: Erasure) -> None:
    """The audit trail keeps the fact (its actor is now the anonymised account), never the
    identity: names and addresses in its details are replaced."""
    for record in db.session.scalars(select(AuditRecord).where(
            mentioning(AuditRecord.detail, erasure))):
        record.detail = scrub_json(record.detail, erasure)


def _purge_emails(now: datetime) -> int:
    """Sent and abandoned email is kept ``OUTBOX_RETENTION_DAYS`` (to answer questions about
    what was sent), then deleted with its text."""
    cutoff = now - timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"])
    done = sa.or_(OutboxMessage.sent_dt < cutoff, OutboxMessage.dead_dt < cutoff)
    return db.session.execute(delete(OutboxMessage).where(done)
                              .execution_options(synchronize_session=False)).rowcount or 0


def _purge_counters(now: datetime) -> int:
    """Request counts (some keyed by a client address) matter for an hour at most."""
    return db.session.execute(delete(RateCounter).where(
        RateCounter.window_start_dt < now - timedelta(days=1))
        .execution_options(synchronize_session=False)).rowcount or 0


HOLDINGS.add("consents", Holding(
    _l("Privacy notice agreements"),
    # Kept after erasure: the agreement was given (by the now anonymous account).
    {"consent_records": columns(fact="id user_id notice_version agreed_dt")},
    export=_export_consents))
HOLDINGS.add("emails", Holding(
    _l("Email sent to you"),
    {"outbox_messages": columns(
        personal="recipient subject body calendar last_error",
        not_personal="id created_dt calendar_method attempts next_attempt_dt leased_until_dt "
                     "sent_dt dead_dt")},
    export=_export_emails, erase=_erase_emails, purge=_purge_emails))
HOLDINGS.add("audit", Holding(
    _l("Audit trail"),
    {"audit_records": columns(fact="id created_dt actor_id action subject_type subject_id",
                              personal="detail")},
    export=_export_audit, erase=_erase_audit))
HOLDINGS.add("reference", Holding(
    _l("Reference data"),
    {"countries": columns(not_personal="code name timezone zones work_start_minute "
                                       "work_end_minute holiday_subdivision"),
     # Keyed by a client address (unknown feed links) or an account id (feed renders).
     "rate_counters": columns(personal="key", not_personal="window_start_dt count")},
    purge=_purge_counters))
