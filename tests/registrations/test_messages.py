"""Organisers' messages to an event's registrants: who receives one (each filter), in which
language, sent once however often the button is pressed, never to a deactivated account,
and nobody learns who else received it."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import delete
from sqlalchemy import select

from app.core.models import AuditRecord
from app.core.models import OutboxMessage
from app.events.models import EventKind
from app.extensions import db
from app.notices import services as notices
from app.notices.models import Notice
from app.registrations import services
from app.registrations.models import AttendAs
from app.registrations.models import EventMessage
from app.registrations.models import RegistrationStatus
from tests.fixtures.people import login_as
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
THAI = {"subject": "เอกสารอ่านก่อนการประชุม", "body": "โปรดอ่านเอกสารก่อนวันประชุม"}
ENGLISH = {"subject": "Pre-reading", "body": "Please read the case studies before we meet."}


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def roundtable(make_event):
    return make_event(kind=EventKind.HYBRID, is_invitation_only=False, title="Bangkok Roundtable",
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24))


@pytest.fixture
def people(roundtable, make_user):
    """A confirmed Thai in-person registrant asking for Thai interpretation, a confirmed Thai
    online one, a confirmed New Zealander in person, a waitlisted Malaysian, a declined
    Indonesian and a confirmed Thai in person whose account is deactivated."""
    def registrant(country, attend_as, status, language="", locale="en"):
        user = make_user(("participant",), country=country, locale=locale)
        registration = services.register(roundtable, user, services.RegistrationInput(
            attend_as=attend_as, interpretation_language=language,
            consent_chatham=True, consent_data=True))
        registration.status = status
        return user

    found = {
        "thai": registrant("TH", AttendAs.IN_PERSON, RegistrationStatus.CONFIRMED, "th", "th"),
        "thai_online": registrant("TH", AttendAs.ONLINE, RegistrationStatus.CONFIRMED, "th"),
        "kiwi": registrant("NZ", AttendAs.IN_PERSON, RegistrationStatus.CONFIRMED),
        "waiting": registrant("MY", AttendAs.IN_PERSON, RegistrationStatus.WAITLISTED),
        "declined": registrant("ID", AttendAs.IN_PERSON, RegistrationStatus.DECLINED),
        "gone": registrant("TH", AttendAs.IN_PERSON, RegistrationStatus.CONFIRMED, "th", "th"),
    }
    found["gone"].deactivated_dt = NOW
    # What registering sent is not what this file checks: start from an empty outbox.
    db.session.execute(delete(OutboxMessage))
    db.session.execute(delete(Notice))
    db.session.flush()
    return found


def names_of(people, users) -> set[str]:
    return {name for name, user in people.items() if user in users}


@pytest.mark.parametrize(("audience", "expected"), [
    (services.audience_of(), {"thai", "thai_online", "kiwi"}),
    (services.audience_of(waitlisted=True), {"thai", "thai_online", "kiwi", "waiting"}),
    (services.audience_of(countries=["TH"]), {"thai", "thai_online"}),
    (services.audience_of(countries=["NZ", "MY"], waitlisted=True), {"kiwi", "waiting"}),
    (services.audience_of(attend_as="online"), {"thai_online"}),
    (services.audience_of(attend_as="in_person"), {"thai", "kiwi"}),
    (services.audience_of(language="th"), {"thai", "thai_online"}),
    (services.audience_of(countries=["TH"], attend_as="in_person", language="th"), {"thai"}),
])
def test_each_filter_picks_its_registrants_and_never_a_deactivated_account(
        roundtable, people, audience, expected):
    assert names_of(people, services.message_recipients(roundtable, audience)) == expected


def _sent(roundtable, organiser, texts, audience=None):
    message = services.draft_message(roundtable, organiser, audience or services.audience_of(),
                                     texts)
    return message, services.send_message(message, organiser)


def words(notice, reader):
    with force_locale(reader.formatting_locale):
        return notices.notice_text(notice, reader, zone=reader.timezone,
                                   locale=reader.formatting_locale, people={})


def test_each_reads_it_in_their_language_where_given_else_english(roundtable, people,
                                                                  make_user):
    organiser = make_user(("organiser",))
    message, count = _sent(roundtable, organiser, {
        "en": (ENGLISH["subject"], ENGLISH["body"]),
        "th": (THAI["subject"], THAI["body"]), "ms": ("", "")})
    assert count == 3 and message.recipient_count == 3 and message.sent_dt == NOW
    assert set(message.texts) == {"en", "th"}  # an empty translation is not kept
    thai_notice = db.session.scalars(select(Notice).where(
        Notice.recipient_id == people["thai"].id, Notice.kind == "event_message")).one()
    line, detail = words(thai_notice, people["thai"])
    assert THAI["subject"] in line and "Bangkok Roundtable" in line
    assert detail == THAI["body"]
    kiwi_notice = db.session.scalars(select(Notice).where(
        Notice.recipient_id == people["kiwi"].id)).one()
    line, detail = words(kiwi_notice, people["kiwi"])
    assert line == f"Bangkok Roundtable: {ENGLISH['subject']}"
    assert detail == ENGLISH["body"]
    # The outbox: one email each, to that person only, in their language, with a link.
    emails = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert sorted(e.recipient for e in emails) == sorted(
        people[name].email for name in ("thai", "thai_online", "kiwi"))
    by_address = {e.recipient: e for e in emails}
    assert THAI["subject"] in by_address[people["thai"].email].subject
    assert THAI["body"] in by_address[people["thai"].email].body
    # A Thai speaker whose pages are in English reads the English words.
    assert ENGLISH["subject"] in by_address[people["thai_online"].email].subject
    assert f"/events/{roundtable.id}" in by_address[people["kiwi"].email].body
    for email in emails:
        others = {u.email for u in people.values()} - {email.recipient}
        assert not any(address in email.body or address in email.subject for address in others)
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "event_message_sent")).one()
    assert record.detail["recipients"] == 3 and record.actor_id == organiser.id


def test_a_translation_without_a_body_falls_back_to_the_english_body(roundtable, people,
                                                                    make_user):
    _sent(roundtable, make_user(("organiser",)),
          {"en": (ENGLISH["subject"], ENGLISH["body"]), "th": (THAI["subject"], "")},
          services.audience_of(countries=["TH"], attend_as="in_person"))
    notice = db.session.scalars(select(Notice).where(
        Notice.recipient_id == people["thai"].id)).one()
    line, detail = words(notice, people["thai"])
    assert THAI["subject"] in line and detail == ENGLISH["body"]


def test_english_is_required(roundtable, make_user):
    with pytest.raises(services.RegistrationError) as refused:
        services.draft_message(roundtable, make_user(("organiser",)), services.audience_of(),
                               {"en": ("", ENGLISH["body"]), "th": (THAI["subject"], "")})
    assert refused.value.field == "subject_en"


def test_sending_twice_sends_once(roundtable, people, make_user):
    organiser = make_user(("organiser",))
    message, _count = _sent(roundtable, organiser, {"en": (ENGLISH["subject"], ENGLISH["body"])})
    with pytest.raises(services.RegistrationConflict):
        services.send_message(message, organiser)
    assert db.session.scalar(select(db.func.count()).select_from(Notice)) == 3
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 3


# --- through the pages ---------------------------------------------------------------------

def test_an_organiser_writes_checks_and_sends_through_the_pages(app, client, roundtable, people,
                                                                make_user):
    organiser = make_user(("organiser",))
    login_as(client, organiser)
    roster = client.get(f"/events/{roundtable.id}/registrations").get_data(as_text=True)
    assert f"/events/{roundtable.id}/messages" in roster
    form = rendered_form(client, f"/events/{roundtable.id}/messages")
    response = form.fill(**{
        "message-subject_en": ENGLISH["subject"], "message-body_en": ENGLISH["body"],
        "message-subject_th": THAI["subject"], "message-body_th": THAI["body"],
        "message-countries": ["TH"], "message-attend_as": "in_person",
        "message-language": "th"}).submit()
    assert response.status_code == 303
    page_url = response.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    with force_locale("en"):
        from flask_babel import ngettext
        assert ngettext("%(num)d person will receive this.",
                        "%(num)d people will receive this.", 1) in page
    assert not db.session.scalars(select(Notice)).all()  # nothing sent yet
    send = rendered_form(client, page_url)
    first = send.submit()
    second = send.submit()  # the same button pressed again (a double click)
    assert first.status_code == second.status_code == 303
    assert [n.recipient_id for n in db.session.scalars(select(Notice))] == [people["thai"].id]
    message = db.session.scalars(select(EventMessage)).one()
    assert message.recipient_count == 1 and message.audience == services.audience_of(
        countries=["TH"], attend_as="in_person", language="th")
    listing = client.get(f"/events/{roundtable.id}/messages").get_data(as_text=True)
    assert ENGLISH["subject"] in listing
    # The message's page names no recipient: only the filter and the count.
    for user in people.values():
        assert user.display_name not in listing
        assert user.display_name not in client.get(page_url).get_data(as_text=True)


def test_the_english_subject_is_required_on_the_page(client, roundtable, make_user):
    login_as(client, make_user(("organiser",)))
    form = rendered_form(client, f"/events/{roundtable.id}/messages")
    response = form.fill(**{"message-body_en": ENGLISH["body"]}).submit()
    assert response.status_code == 400
    assert 'id="message-subject_en-error"' in response.get_data(as_text=True)
    assert not db.session.scalars(select(EventMessage)).all()


def test_participants_may_not_see_or_send_messages(client, roundtable, people, make_user):
    message = services.draft_message(roundtable, make_user(("organiser",)),
                                     services.audience_of(), {"en": ("Hi", "Hello")})
    login_as(client, people["thai"])
    assert client.get(f"/events/{roundtable.id}/messages").status_code == 403
    assert client.get(f"/events/{roundtable.id}/messages/{message.id}").status_code == 403
    assert client.post(f"/events/{roundtable.id}/messages/{message.id}/send").status_code == 403
    assert not db.session.scalars(select(Notice)).all()
