"""Email through a database outbox: queued with the change, sent by ``flask send-outbox``.

Sending is at-least-once: each message is leased, one at a time, before it is handed to SMTP,
so two senders on two hosts never pick the same one, and a crashed sender's lease simply runs
out. A message that cannot be sent becomes a dead letter for organisers; it never blocks the
queue.
"""

from __future__ import annotations

import re
import smtplib
import sys
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import click
from flask import current_app
from sqlalchemy import or_
from sqlalchemy import select

from app.core.db import begin_write_transaction
from app.core.models import OutboxMessage
from app.core.time import now_utc
from app.extensions import db

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text: str) -> str:
    """A header is one line: control characters (CR, LF, NUL...) become spaces, runs of
    spaces one space. A title with a line break must not break the email, nor inject a
    header."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def queue_email(
    recipient: str,
    subject: str,
    body: str,
    *,
    calendar: str | None = None,
    calendar_method: str | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        recipient=recipient,
        subject=one_line(subject),
        body=body,
        calendar=calendar,
        calendar_method=calendar_method,
        next_attempt_dt=now_utc(),
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage | ClaimedMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_dt)
    # Stable per message: if a message is ever sent twice (a sender died after SMTP accepted
    # it, before it was marked sent), mail systems and clients recognise the copy.
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{int(message.created_dt.timestamp())}@{domain}>"
    email.set_content(message.body)
    if message.calendar:
        # RFC 6047: the calendar rides as an alternative body whose method= matches METHOD,
        # plus an .ics attachment for clients that only look at attachments.
        email.add_alternative(
            message.calendar, subtype="calendar", params={"method": message.calendar_method}
        )
        email.add_attachment(
            message.calendar.encode(),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return email


def deliver(email: EmailMessage) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        sys.stdout.write(email.as_string() + "\n")
        sys.stdout.flush()
        return
    with smtplib.SMTP(
        config["MAIL_SERVER"] or "127.0.0.1",
        config["MAIL_PORT"],
        timeout=config["MAIL_TIMEOUT_SECONDS"],
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


@dataclass
class OutboxResult:
    sent: int = 0
    failed: int = 0  # will be retried
    dead: int = 0  # given up on

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def tried(self) -> int:
        return self.sent + self.failed + self.dead

    @property
    def all_failed(self) -> bool:
        return self.tried > 0 and self.sent == 0

    def __str__(self) -> str:
        return f"sent={self.sent} failed={self.failed} dead={self.dead}"


@dataclass(frozen=True)
class ClaimedMessage:
    """What sending needs, read once under the claim: talking to SMTP must not open a
    transaction (on SQLite a command's transactions hold the database's write lock)."""

    id: int
    created_dt: datetime
    recipient: str
    subject: str
    body: str
    calendar: str | None
    calendar_method: str | None
    attempts: int

    @classmethod
    def of(cls, message: OutboxMessage) -> ClaimedMessage:
        return cls(**{name: getattr(message, name) for name in cls.__dataclass_fields__})


def _claim_next() -> ClaimedMessage | None:
    """Lease the oldest due message and count the attempt, committed before SMTP is called.

    One message at a time: a slow server can then never outlast a lease that covered a whole
    batch (which sent messages twice), and a sender killed mid-send holds back one message.
    ``SKIP LOCKED`` lets senders on other hosts take the next message instead of waiting.
    """
    begin_write_transaction()
    now = now_utc()
    message = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_dt.is_(None),
            OutboxMessage.dead_dt.is_(None),
            OutboxMessage.next_attempt_dt <= now,
            or_(OutboxMessage.leased_until_dt.is_(None), OutboxMessage.leased_until_dt < now),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if message is not None:
        message.leased_until_dt = now + timedelta(
            seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
        message.attempts += 1
        message = ClaimedMessage.of(message)
    db.session.commit()
    return message


def _attempt(message: ClaimedMessage, sender: str) -> tuple[str, Exception | None]:
    """Build and hand one message to SMTP; no database writes. ("sent" | "failed" | "dead")."""
    try:
        email = build_email(message, sender)
    except (ValueError, TypeError) as error:  # e.g. a line break in a header
        return "dead", error
    try:
        deliver(email)
    except smtplib.SMTPRecipientsRefused as error:  # permanent: retrying cannot help
        return "dead", error
    except (OSError, smtplib.SMTPException) as error:
        return "failed", error
    return "sent", None


def _record(message_id: int, outcome: str, error: Exception | None) -> str:
    """Write what happened in a transaction of its own that starts as a writer (a read that
    later writes would be refused on SQLite when another sender wrote in between)."""
    db.session.rollback()  # end the snapshot read while building the message
    begin_write_transaction()
    message = db.session.get(OutboxMessage, message_id)
    now = now_utc()
    if error is not None:
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if outcome == "failed" and message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        outcome = "dead"
    if outcome == "sent":
        message.sent_dt = now
    elif outcome == "dead":
        message.dead_dt = now
        current_app.logger.error("email %s to %s is a dead letter: %s", message.id,
                                 message.recipient, message.last_error)
    else:
        # Back off 1, 2, 4 ... minutes so a dead SMTP server is not hammered.
        message.next_attempt_dt = now + timedelta(minutes=2 ** (message.attempts - 1))
    message.leased_until_dt = None
    db.session.commit()
    return outcome


def send_outbox() -> OutboxResult:
    """Send every due message once; safe to run on several hosts at once.

    Each message is attempted at most once per run (a failure moves it into the future), so
    the run ends even when the mail server refuses everything.
    """
    result = OutboxResult()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    while (message := _claim_next()) is not None:
        result.count(_record(message.id, *_attempt(message, sender)))
    return result


def outbox_problems(limit: int = 200) -> list[OutboxMessage]:
    """Dead letters and messages still being retried, newest first, for organisers."""
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_dt.is_(None),
               or_(OutboxMessage.dead_dt.is_not(None), OutboxMessage.attempts > 0))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)))


def retry_dead_letter(message: OutboxMessage) -> None:
    """An organiser sends a dead letter again (after fixing the address or the server)."""
    if message.sent_dt is not None or message.dead_dt is None:
        return  # already sent, or still in the queue: nothing to do
    message.dead_dt = None
    message.attempts = 0
    message.next_attempt_dt = now_utc()


@click.command("send-outbox")
def send_outbox_command():
    """Send queued emails (idempotent; run it from cron on any number of hosts). Exits 1
    when there was mail to send and none of it went out, so cron and monitors notice."""
    result = send_outbox()
    click.echo(str(result))
    if result.all_failed:
        raise SystemExit(1)
