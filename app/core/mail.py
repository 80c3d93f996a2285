"""Email through a database outbox: queued with the change, sent by ``flask send-outbox``.

Sending is at-least-once: a message is leased before it is handed to SMTP, so two senders on
two hosts never pick the same one, and a crashed sender's lease simply runs out.
"""

from __future__ import annotations

import smtplib
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import click
from flask import current_app
from sqlalchemy import or_, select

from app.core.db import begin_write_transaction
from app.core.models import OutboxMessage
from app.core.time import now_utc
from app.extensions import db

LEASE = timedelta(minutes=5)


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
        subject=subject,
        body=body,
        calendar=calendar,
        calendar_method=calendar_method,
        next_attempt_dt=now_utc(),
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_dt)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
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


def _lease_batch(size: int) -> list[int]:
    begin_write_transaction()
    now = now_utc()
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_dt.is_(None),
            OutboxMessage.next_attempt_dt <= now,
            OutboxMessage.attempts < current_app.config["OUTBOX_MAX_ATTEMPTS"],
            or_(OutboxMessage.leased_until_dt.is_(None), OutboxMessage.leased_until_dt < now),
        )
        .order_by(OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    for message in messages:
        message.leased_until_dt = now + LEASE
    ids = [message.id for message in messages]
    db.session.commit()
    return ids


def send_outbox(batch_size: int = 50) -> tuple[int, int]:
    """Send every due message; return (sent, failed). Safe to run on several hosts at once."""
    sent = failed = 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    while ids := _lease_batch(batch_size):
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            try:
                deliver(build_email(message, sender))
            except (OSError, smtplib.SMTPException) as error:
                message.attempts += 1
                message.last_error = str(error)[:2000]
                # Back off 1, 2, 4 ... minutes so a dead SMTP server is not hammered.
                message.next_attempt_dt = now_utc() + timedelta(minutes=2 ** (message.attempts - 1))
                failed += 1
            else:
                message.sent_dt = now_utc()
                sent += 1
            message.leased_until_dt = None
            db.session.commit()
        if len(ids) < batch_size:
            break
    return sent, failed


@click.command("send-outbox")
def send_outbox_command():
    """Send queued emails (idempotent; run it from cron on any number of hosts)."""
    sent, failed = send_outbox()
    click.echo(f"sent={sent} failed={failed}")
