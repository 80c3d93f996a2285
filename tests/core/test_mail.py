from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.mail import queue_email, send_outbox
from app.core.models import OutboxMessage
from app.extensions import db
from tests.conftest import free_port

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def test_outbox_delivers_through_smtp_once(db_session, smtp_server, frozen_now):
    frozen_now(NOW)
    queue_email("dewi@example.org", "Selamat datang", "Isi pesan")
    db.session.commit()
    assert send_outbox() == (1, 0)
    assert send_outbox() == (0, 0)  # idempotent: nothing is sent twice
    [received] = smtp_server.messages
    assert received["To"] == "dewi@example.org"
    assert received["Subject"] == "Selamat datang"
    assert received.get_content().strip() == "Isi pesan"


def test_unreachable_smtp_keeps_the_message_and_backs_off(db_session, app, monkeypatch,
                                                         frozen_now):
    frozen_now(NOW)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    message = queue_email("a@example.org", "Hello", "Body")
    db.session.commit()
    assert send_outbox() == (0, 1)
    db.session.refresh(message)
    assert message.sent_dt is None and message.attempts == 1 and message.last_error
    assert message.next_attempt_dt == NOW + timedelta(minutes=1)
    assert send_outbox() == (0, 0)  # not due yet


def test_retry_succeeds_once_smtp_is_back(db_session, app, smtp_server, frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    message.attempts = 2
    message.next_attempt_dt = NOW - timedelta(seconds=1)
    db.session.commit()
    assert send_outbox() == (1, 0)
    assert db.session.scalar(select(OutboxMessage.sent_dt)) is not None


def test_a_leased_message_is_left_to_its_sender(db_session, smtp_server, frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    message.leased_until_dt = NOW + timedelta(minutes=5)  # another host is sending it
    db.session.commit()
    assert send_outbox() == (0, 0)
    frozen_now(NOW + timedelta(minutes=6))  # that host died: the lease ran out
    assert send_outbox() == (1, 0)


def test_calendar_part_method_matches(db_session, smtp_server, frozen_now):
    frozen_now(NOW)
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    queue_email("a@example.org", "Invite", "Body", calendar=ics, calendar_method="REQUEST")
    db.session.commit()
    send_outbox()
    [received] = smtp_server.messages
    parts = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert parts and parts[0].get_param("method") == "REQUEST"


def test_send_outbox_command(app, db_session, smtp_server):
    queue_email("a@example.org", "Hello", "Body")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert "sent=1" in result.output
