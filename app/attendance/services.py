"""The rules of attendance: who may be checked in, and how a video platform's attendance
report becomes attendance rows.

Every change locks the session, then the registrations it decides on (app.core.locking's
order), so a check-in racing a cancellation sees the cancellation."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.attendance.models import Attendance
from app.attendance.models import AttendanceSource
from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_rows
from app.events.models import EventSession
from app.events.models import SessionStatus
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace

REPORT_MAX_BYTES = 2 * 1024 * 1024  # a 60-person meeting's report is a few kilobytes
HEADER_SEARCH_ROWS = 40  # Zoom puts the meeting's details above the participants' table


class AttendanceError(Refusal):
    """A check-in or an import refused by a rule."""


class ReportTooLarge(AttendanceError):
    status = 413


class SessionCancelled(Conflict, AttendanceError):
    """The session was cancelled (perhaps a moment ago): nobody attends it."""


def _expected_query(session: EventSession):
    """The event's confirmed registrations, or, for a session with its own places (a site
    visit, a small group), those holding a confirmed place in it."""
    query = select(Registration).where(Registration.event_id == session.event_id,
                                       Registration.status == RegistrationStatus.CONFIRMED)
    if _has_places(session):
        query = query.join(SessionPlace, (SessionPlace.registration_id == Registration.id)
                           & (SessionPlace.session_id == session.id)
                           & (SessionPlace.status == RegistrationStatus.CONFIRMED))
    return query


def expected(session: EventSession, search: str = "") -> list[Registration]:
    """Who is expected at the session, by name. ``search`` keeps the names that contain it
    (any case)."""
    query = (_expected_query(session).join(Registration.user)
             .options(joinedload(Registration.user)).order_by(func.lower(User.display_name)))
    if search.strip():
        query = query.where(func.lower(User.display_name).contains(search.strip().lower(),
                                                                   autoescape=True))
    return list(db.session.scalars(query))


def _has_places(session: EventSession) -> bool:
    return db.session.scalar(select(func.count()).select_from(SessionPlace).where(
        SessionPlace.session_id == session.id)) > 0


def attended(session: EventSession) -> dict[int, Attendance]:
    """The session's attendance rows by person."""
    return {row.user_id: row for row in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}


def counts(session: EventSession) -> dict[AttendanceSource, int]:
    found = dict(db.session.execute(
        select(Attendance.source, func.count()).where(Attendance.session_id == session.id)
        .group_by(Attendance.source)).all())
    return {source: found.get(source, 0) for source in AttendanceSource}


def _lock_open_session(session: EventSession) -> EventSession:
    """The session, locked and re-read: a cancelled one has nobody to check in."""
    session = lock_rows(EventSession, [session.id], keys_unchanged=True)[session.id]
    if session.status == SessionStatus.CANCELLED:
        raise SessionCancelled(_("This session is cancelled, so nobody can attend it."))
    return session


def check_in(session: EventSession, registration: Registration, actor: User) -> Attendance:
    """Mark a person as arrived. Checking in someone already checked in changes nothing, so a
    phone on a poor connection may send the same tap twice."""
    session = _lock_open_session(session)
    registration = lock_rows(Registration, [registration.id],
                             keys_unchanged=True)[registration.id]
    is_expected = db.session.scalar(select(func.count()).select_from(
        _expected_query(session).where(Registration.id == registration.id).subquery()))
    if not is_expected:
        raise Conflict(_("%(name)s is not expected at this session (their registration or "
                         "place is no longer confirmed).", name=registration.user.display_name))
    row = db.session.scalar(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.user_id == registration.user_id))
    if row is None:
        row = Attendance(session_id=session.id, user_id=registration.user_id,
                         source=AttendanceSource.CHECKED_IN, recorded_by_id=actor.id)
        db.session.add(row)
        db.session.flush()
    return row


def undo_check_in(session: EventSession, registration: Registration) -> None:
    """Take a mistaken check-in back (or an imported row the organiser knows is wrong)."""
    session = _lock_open_session(session)
    db.session.execute(delete(Attendance).where(Attendance.session_id == session.id,
                                                Attendance.user_id == registration.user_id))


@dataclass
class ImportResult:
    """What an imported report said: how many of its people are registered and now marked as
    attending, and those it lists who are not (as the report names them: the organiser
    decides whether a guest joined under another address)."""

    rows: int = 0
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)


def import_report(session: EventSession, data: bytes, actor: User) -> ImportResult:
    """Replace the session's imported attendance with what a video platform's attendance
    report says (Zoom's participant or webinar report, Microsoft Teams' attendance list, Google
    Meet's): each row's email is matched to a confirmed registration; minutes add up over a
    person's joins. Check-ins made in the room are kept. Importing the same report again gives
    the same rows."""
    if len(data) > REPORT_MAX_BYTES:
        raise ReportTooLarge(_("This file is larger than an attendance report can be (2 MB)."))
    table = _read_table(data)
    session = _lock_open_session(session)
    by_email = {r.user.email.lower(): r for r in expected(session)}
    regs = lock_rows(Registration, [r.id for r in by_email.values()], keys_unchanged=True)
    by_email = {email: regs[r.id] for email, r in by_email.items()}
    result = ImportResult()
    minutes: dict[int, int] = {}
    unmatched: dict[str, None] = {}
    for email, name, duration in table:
        result.rows += 1
        registration = by_email.get(email.lower())
        if registration is None:
            unmatched[name or email] = None
            continue
        minutes[registration.user_id] = minutes.get(registration.user_id, 0) + duration
    kept = attended(session)
    db.session.execute(delete(Attendance).where(Attendance.session_id == session.id,
                                                Attendance.source == AttendanceSource.IMPORTED))
    for user_id, total in minutes.items():
        if user_id in kept and kept[user_id].source == AttendanceSource.CHECKED_IN:
            kept[user_id].minutes = total
            continue
        db.session.add(Attendance(session_id=session.id, user_id=user_id, minutes=total,
                                  source=AttendanceSource.IMPORTED, recorded_by_id=actor.id))
    db.session.flush()
    result.matched = len(minutes)
    result.unmatched = sorted(unmatched, key=str.lower)
    return result


def _decode(data: bytes) -> str:
    """Zoom and Meet write UTF-8 (often with a byte-order mark); Teams writes UTF-16. A file
    that does not decode, or decodes to binary (NUL characters), is no CSV report."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise AttendanceError(_("This file is not a text (CSV) attendance report. Export "
                                "the report as CSV and upload it again."), "report")
    return text


def _read_table(data: bytes) -> list[tuple[str, str, int]]:
    """(email, name, minutes) for every participant row of the report."""
    text = _decode(data)
    lines = text.splitlines()
    at, header, delimiter = _find_header(lines)
    email_col = _column(header, ("email", "e-mail"))
    name_col = _column(header, ("name",))
    duration_col = _column(header, ("duration", "time in session", "attendance duration"))
    rows = []
    for cells in csv.reader(lines[at + 1:], delimiter=delimiter):
        if len(cells) <= email_col or "@" not in cells[email_col]:
            continue
        name = cells[name_col].strip() if name_col is not None and name_col < len(cells) else ""
        duration = (parse_minutes(cells[duration_col])
                    if duration_col is not None and duration_col < len(cells) else 0)
        rows.append((cells[email_col].strip(), name, duration))
    return rows


def _find_header(lines: list[str]) -> tuple[int, list[str], str]:
    """The participants table's header row, its column titles in lower case and the
    delimiter it uses (Teams: tabs; some locales: semicolons). It names an email column and,
    as a rule, a name column too: Zoom writes a one-row table about the meeting (the host's
    email among its columns) above the participants' table."""
    found = []
    for at, line in enumerate(lines[:HEADER_SEARCH_ROWS]):
        delimiter = max(",\t;", key=line.count)
        header = [cell.strip().lower() for cell in next(csv.reader([line],
                                                                   delimiter=delimiter), [])]
        if _column(header, ("email", "e-mail")) is not None:
            found.append((_column(header, ("name",)) is None, at, header, delimiter))
    if not found:
        raise AttendanceError(_("No column of email addresses was found in this file. Upload "
                                "the participants report with email addresses included."),
                              "report")
    _nameless, at, header, delimiter = min(found, key=lambda item: item[:2])
    return at, header, delimiter


def _column(header: list[str], words: tuple[str, ...]) -> int | None:
    for index, title in enumerate(header):
        if any(word in title for word in words):
            return index
    return None


_UNIT_MINUTES = {"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "m": 1, "min": 1,
                 "mins": 1, "minute": 1, "minutes": 1, "s": 1 / 60, "sec": 1 / 60,
                 "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60}


def parse_minutes(text: str) -> int:
    """Minutes, as the platforms write a duration: "47" (Zoom), "1h 5m 3s" (Teams),
    "1 hr 2 min" (Meet), "01:05:03". Unreadable: 0 (the person still attended)."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _whole(float(text))
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        parts = [int(part) for part in text.split(":")]
        if len(parts) == 2:
            parts.insert(0, 0)
        hours, mins, secs = parts
        return _whole(hours * 60 + mins + secs / 60)
    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]+)", text):
        total += float(amount) * _UNIT_MINUTES.get(unit, 0)
    return _whole(total)


def _whole(minutes: float) -> int:
    """Half a minute counts as a minute (not Python's round-half-to-even)."""
    return int(minutes + 0.5)
