from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from app.core.mail import OutboxResult
from app.core.mail import build_email
from app.core.mail import queue_email
from app.core.mail import send_outbox
from app.core.models import OutboxMessage
from app.extensions import db
from tests.fixtures.mail import free_port
from tests.fixtures.people import login_as

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def test_outbox_delivers_through_smtp_once(db_session, smtp_server, frozen_now):
    frozen_now(NOW)
    queue_email("dewi@example.org", "Selamat datang", "Isi pesan")
    db.session.commit()
    assert send_outbox() == OutboxResult(sent=1)
    assert send_outbox() == OutboxResult()  # idempotent: nothing is sent twice
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
    assert send_outbox() == OutboxResult(failed=1)
    db.session.refresh(message)
    assert message.sent_dt is None and message.attempts == 1 and message.last_error
    assert message.next_attempt_dt == NOW + timedelta(minutes=1)
    assert send_outbox() == OutboxResult()  # not due yet


def test_retry_succeeds_once_smtp_is_back(db_session, app, smtp_server, frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    message.attempts = 2
    message.next_attempt_dt = NOW - timedelta(seconds=1)
    db.session.commit()
    assert send_outbox() == OutboxResult(sent=1)
    assert db.session.scalar(select(OutboxMessage.sent_dt)) is not None


def test_a_leased_message_is_left_to_its_sender(db_session, smtp_server, frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    message.leased_until_dt = NOW + timedelta(minutes=5)  # another host is sending it
    db.session.commit()
    assert send_outbox() == OutboxResult()
    frozen_now(NOW + timedelta(minutes=6))  # that host died: the lease ran out
    assert send_outbox() == OutboxResult(sent=1)


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


def test_a_message_that_cannot_be_built_is_a_dead_letter_and_blocks_nothing(
        db_session, smtp_server, frozen_now, app):
    frozen_now(NOW)
    broken = queue_email("a@example.org", "Fine", "Body")
    broken.subject = "Topic\nBcc: everyone@example.org"  # as if saved before the form stripped it
    queue_email("b@example.org", "Next", "Body")
    db.session.commit()
    assert send_outbox() == OutboxResult(sent=1, dead=1)
    db.session.refresh(broken)
    assert broken.dead_dt is not None and broken.sent_dt is None and broken.last_error
    assert [m["To"] for m in smtp_server.messages] == ["b@example.org"]
    assert send_outbox() == OutboxResult()  # a dead letter is not retried by itself


def test_subjects_are_one_line_whatever_the_title_holds(db_session):
    message = queue_email("a@example.org", "Screening\r\nand\x00 referral ", "Body")
    assert message.subject == "Screening and referral"


def test_after_the_last_attempt_a_message_is_dead_and_the_command_fails(
        db_session, app, monkeypatch, frozen_now):
    frozen_now(NOW)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    message = queue_email("a@example.org", "Hello", "Body")
    message.attempts = app.config["OUTBOX_MAX_ATTEMPTS"] - 1
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 1 and "dead=1" in result.output
    db.session.refresh(message)
    assert message.dead_dt is not None


def test_an_organiser_sends_a_dead_letter_again(client, organiser, participant, smtp_server,
                                                frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    message.dead_dt, message.attempts, message.last_error = NOW, 8, "SMTPDataError: 554"
    db.session.commit()
    login_as(client, participant)
    assert client.get("/outbox").status_code == 403
    login_as(client, organiser)
    page = client.get("/outbox").get_data(as_text=True)
    assert "a@example.org" in page and "SMTPDataError: 554" in page
    assert f'action="/outbox/{message.id}/retry"' in page
    assert client.post(f"/outbox/{message.id}/retry").status_code == 302
    assert send_outbox() == OutboxResult(sent=1)
    assert client.post(f"/outbox/{message.id}/retry").status_code == 302  # already sent: no-op
    assert send_outbox() == OutboxResult()


def test_message_id_is_stable_per_message(db_session, frozen_now):
    frozen_now(NOW)
    message = queue_email("a@example.org", "Hello", "Body")
    db.session.commit()
    first = build_email(message, "Roundtable <roundtable@example.org>")["Message-ID"]
    assert first == build_email(message, "Roundtable <roundtable@example.org>")["Message-ID"]
    assert first.endswith("@example.org>") and str(message.id) in first
