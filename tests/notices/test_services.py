"""Every notice a feature sends: the row, its words in the recipient's language (the sender's
request is in English), and its email through the outbox when the person wants this kind by
email, none when not. Expected words come from the catalogs through babel, never typed."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from babel.support import Translations
from flask_babel import force_locale
from sqlalchemy import select

from app.bilaterals import services as bilaterals
from app.bilaterals.notices import remind_unanswered
from app.core.i18n import language_name
from app.core.mail import one_line
from app.core.models import OutboxMessage
from app.core.time import fmt_when
from app.events import services as events
from app.events.models import EventStatus
from app.extensions import db
from app.interpretation import services as interpretation
from app.notices import services as notices
from app.notices.models import Notice
from app.registrations import services as registrations
from app.registrations.models import RegistrationStatus
from app.workinggroups import services as groups
from tests.fixtures.browser import ROOT
from tests.interpretation.conftest import at

NOW = datetime(2027, 3, 1, tzinfo=UTC)
CATALOGS = {}


def translated(locale: str, msgid: str, **params) -> str:
    """What the catalog says for ``msgid`` in ``locale``, filled in."""
    if locale not in CATALOGS:
        CATALOGS[locale] = Translations.load(str(ROOT / "translations"), [locale])
    return CATALOGS[locale].gettext(msgid) % params


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


def notices_of(user, kind=None) -> list[Notice]:
    query = select(Notice).where(Notice.recipient_id == user.id).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def words(notice: Notice, reader) -> tuple[str, str]:
    """The notice as its reader sees it, in their language and zone."""
    with force_locale(reader.formatting_locale):
        return notices.notice_text(notice, reader, zone=reader.timezone,
                                   locale=reader.formatting_locale,
                                   people=notices._people_named([notice]))


def emails_to(user, subject: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email, OutboxMessage.subject == subject)))


def choose(user, kind: str, emailed: bool) -> None:
    chosen = {name for name, on in notices.email_choices(user).items() if on}
    notices.set_email_choices(user, chosen | {kind} if emailed else chosen - {kind})
    db.session.commit()


def check(user, kind: str, expected: str, *, emailed: bool, count: int = 1) -> Notice:
    """One notice of ``kind`` for ``user`` reading ``expected``, emailed or not."""
    found = notices_of(user, kind)
    assert len(found) == count, [n.kind for n in notices_of(user)]
    line, _detail = words(found[-1], user)
    assert line == expected
    # An email subject is one line of plain spaces (app.core.mail.one_line).
    assert len(emails_to(user, one_line(expected))) == (count if emailed else 0)
    return found[-1]


# --- the service itself --------------------------------------------------------------------

def test_words_are_written_in_the_readers_language_not_the_senders(app, make_user):
    thai, kiwi = make_user(locale="th", country="TH"), make_user(locale="en", country="NZ")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        notices.notify([thai, kiwi, thai], "registration_confirmed", event="Roundtable 2027")
        db.session.commit()
        (for_thai,), (for_kiwi,) = notices_of(thai), notices_of(kiwi)  # each told once
        assert for_thai.params == {"event": "Roundtable 2027"}  # the words are not stored
        expected = translated("th", "Your place is confirmed: %(event)s", event="Roundtable 2027")
        assert expected != "Your place is confirmed: Roundtable 2027"  # the catalog has it
        assert words(for_thai, thai)[0] == expected
        assert words(for_kiwi, kiwi)[0] == "Your place is confirmed: Roundtable 2027"


def test_deactivated_accounts_are_not_told(app, make_user):
    gone = make_user()
    gone.deactivated_dt = NOW
    assert notices.notify([gone], "group_added", group="WG") == []
    assert notices_of(gone) == []


def test_a_person_named_shows_only_to_who_may_see_them(app, make_user, organiser):
    interpreter = make_user(("interpreter",), display_name="Real Interpreter Name")
    participant = make_user()
    params = {"name": interpreter.id, "title": "Plenary", "reason": "Ill"}
    assert notices.notify([participant], "assignment_declined", **params) == []  # organisers'
    notices.notify([organiser, participant], "assignment_declined", **params)
    db.session.commit()
    assert notices_of(participant) == []
    assert words(notices_of(organiser)[0], organiser) == (
        "Real Interpreter Name declined interpreting Plenary", "Reason for declining: Ill")
    # Were such a row ever shown to someone else, the name would not be.
    stray = Notice(recipient_id=participant.id, kind="assignment_declined", params=params)
    line, _detail = words(stray, participant)
    assert "Real Interpreter Name" not in line and line == "someone declined interpreting Plenary"


def test_marking_read_one_and_all_and_never_someone_elses(app, make_user):
    me, other = make_user(), make_user()
    mine = notices.notify([me], "group_added", group="A") + notices.notify([me], "group_added",
                                                                             group="B")
    theirs = notices.notify([other], "group_added", group="C")
    db.session.commit()
    assert notices.unread_count(me) == 2
    assert notices.mark_read(me, theirs[0].id) is False
    assert notices.mark_read(me, mine[0].id) is True
    assert notices.unread_count(me) == 1 and notices.unread_count(other) == 1
    assert notices.mark_all_read(me) == 1
    assert notices.unread_count(me) == 0 and notices.unread_count(other) == 1


def test_email_choices_default_from_the_kind_and_organiser_kinds_only_for_organisers(
        app, make_user, organiser):
    person = make_user()
    chosen = notices.email_choices(person)
    assert chosen["poll_opened"] is True and chosen["session_moved"] is False
    assert "assignment_declined" not in chosen
    assert "assignment_declined" in notices.email_choices(organiser)
    notices.set_email_choices(person, ["session_moved"])
    assert notices.email_choices(person) == {name: name == "session_moved" for name in chosen}


# --- each feature's notices ----------------------------------------------------------------

@pytest.fixture
def call_world(make_user, organiser):
    kiwi = make_user(("participant",), country="NZ")
    thai = make_user(("participant",), country="TH", locale="th")
    choose(kiwi, "poll_opened", False)
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Follow-up", duration_minutes=60,
        first_date=date(2027, 6, 14), last_date=date(2027, 6, 18), timezone="Asia/Bangkok",
        invitee_ids=[kiwi.id, thai.id]), organiser)
    db.session.commit()
    return kiwi, thai, call


def test_a_poll_opened_tells_each_invitee(app, call_world):
    kiwi, thai, call = call_world
    msgid = "When can you meet? A bilateral call's poll: %(topic)s"
    notice = check(thai, "poll_opened", translated("th", msgid, topic="Follow-up"), emailed=True)
    assert notice.link == f"/bilaterals/{call.id}"
    check(kiwi, "poll_opened", msgid % {"topic": "Follow-up"}, emailed=False)


def test_the_poll_reminder_goes_once_to_those_who_have_not_answered(app, make_user, call_world,
                                                                    frozen_now):
    kiwi, thai, call = call_world
    late = make_user(("participant",), country="NZ")
    call.invitees.append(type(call.invitees[0])(user_id=late.id))
    choose(late, "poll_reminder", False)
    bilaterals.vote(call, kiwi, {call.slots[0].id: bilaterals.Answer.YES})
    db.session.commit()
    assert remind_unanswered(NOW + timedelta(hours=47)) == 0  # not yet
    assert remind_unanswered(NOW + timedelta(hours=49)) == 2
    assert remind_unanswered(NOW + timedelta(hours=50)) == 0  # once, however often it runs
    msgid = "Reminder: please answer the poll for %(topic)s"
    check(thai, "poll_reminder", translated("th", msgid, topic="Follow-up"), emailed=True)
    check(late, "poll_reminder", msgid % {"topic": "Follow-up"}, emailed=False)
    assert notices_of(kiwi, "poll_reminder") == []


def test_working_group_members_added_and_removed(app, make_user, organiser):
    thai, kiwi = make_user(country="TH", locale="th"), make_user(country="NZ")
    choose(kiwi, "group_removed", False)
    group = groups.create_working_group(groups.GroupInput(
        name="Alternatives WG", country_code=None, timezone="Asia/Bangkok",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 9), start_time=at(9).time(),
        duration_minutes=60, member_ids=[thai.id, kiwi.id]), organiser)
    db.session.commit()
    added = "You are now a member of the working group %(group)s"
    check(thai, "group_added", translated("th", added, group="Alternatives WG"), emailed=True)
    check(kiwi, "group_added", added % {"group": "Alternatives WG"}, emailed=True)
    groups.set_members(group, [])
    db.session.commit()
    removed = "You are no longer a member of the working group %(group)s"
    check(thai, "group_removed", translated("th", removed, group="Alternatives WG"),
          emailed=True)
    check(kiwi, "group_removed", removed % {"group": "Alternatives WG"}, emailed=False)


@pytest.fixture
def approval_event(make_event):
    return make_event(title="Roundtable 2027", capacity=1, requires_approval=True,
                      is_invitation_only=False, start_date=date(2027, 6, 22))


def _consent():
    return registrations.RegistrationInput(consent_chatham=True, consent_data=True)


@pytest.mark.parametrize("emailed", [False, True])
def test_registration_approved_declined_and_promoted(app, make_user, organiser, approval_event,
                                                     emailed):
    first, second = make_user(country="TH", locale="th"), make_user(country="TH", locale="th")
    for person in (first, second):
        if emailed:
            for kind in ("registration_confirmed", "registration_waitlisted",
                         "registration_promoted", "registration_declined"):
                choose(person, kind, True)
    one = registrations.register(approval_event, first, _consent())
    two = registrations.register(approval_event, second, _consent())
    db.session.commit()
    registrations.approve_registration(one, organiser)
    registrations.approve_registration(two, organiser)  # no seat left: waitlisted
    db.session.commit()
    assert two.status == RegistrationStatus.WAITLISTED
    event = "Roundtable 2027"
    # The status email (with the calendar invitation) always goes; the notice's own email
    # only when chosen, so the same subject arrives once more.
    confirmed = translated("th", "Your place is confirmed: %(event)s", event=event)
    assert len(notices_of(first, "registration_confirmed")) == 1
    assert words(notices_of(first, "registration_confirmed")[0], first)[0] == confirmed
    assert len(emails_to(first, confirmed)) == (2 if emailed else 1)
    waitlisted = translated("th", "You are on the waitlist: %(event)s", event=event)
    assert words(notices_of(second, "registration_waitlisted")[0], second)[0] == waitlisted
    registrations.decline_registration(one, organiser)  # frees the seat: second promoted
    db.session.commit()
    declined = translated("th", "Registration not accepted: %(event)s", event=event)
    assert words(notices_of(first, "registration_declined")[0], first)[0] == declined
    assert len(emails_to(first, declined)) == (2 if emailed else 1)
    promoted = translated("th", "A place is free for you: %(event)s", event=event)
    assert words(notices_of(second, "registration_promoted")[0], second)[0] == promoted
    assert len(emails_to(second, promoted)) == (2 if emailed else 1)


def test_invited_to_an_event_as_a_person_or_a_delegation(app, make_user, make_event):
    event = make_event(title="Closed roundtable", is_invitation_only=True)
    draft = make_event(title="Draft meeting", status=EventStatus.DRAFT)
    person = make_user(country="NZ")
    thai_a, thai_b = make_user(country="TH", locale="th"), make_user(country="TH", locale="th")
    choose(thai_b, "event_invited", False)
    registrations.invite_to_event(event, user=person)
    registrations.invite_to_event(event, country_code="TH")
    registrations.invite_to_event(draft, user=person)  # a draft's invitees are not told yet
    registrations.invite_to_event(event, user=person)  # invited already: told once
    db.session.commit()
    msgid = "You are invited to %(event)s"
    notice = check(person, "event_invited", msgid % {"event": "Closed roundtable"}, emailed=True)
    assert notice.link == f"/events/{event.id}"
    check(thai_a, "event_invited", translated("th", msgid, event="Closed roundtable"),
          emailed=True)
    check(thai_b, "event_invited", translated("th", msgid, event="Closed roundtable"),
          emailed=False)


@pytest.mark.parametrize("emailed", [False, True])
def test_session_moved_or_cancelled_tells_those_confirmed(app, make_user, make_event,
                                                          make_session, emailed):
    event = make_event(title="Online meeting", is_invitation_only=False)
    session = make_session(event, at(3), at(4), title="Plenary")
    thai = make_user(country="TH", locale="th")
    if emailed:
        choose(thai, "session_moved", True)
        choose(thai, "session_cancelled", True)
    registrations.register(event, thai, _consent())
    db.session.commit()
    session.start_dt, session.end_dt = at(5), at(6)
    events.announce_session_change(session)
    db.session.commit()
    when = fmt_when(at(5), thai.timezone, thai.formatting_locale)
    moved = translated("th", "%(title)s has moved to %(when)s", title="Plenary", when=when)
    check(thai, "session_moved", moved, emailed=emailed)
    events.cancel_session(session)
    events.announce_session_change(session)
    db.session.commit()
    check(thai, "session_cancelled", translated("th", "%(title)s is cancelled", title="Plenary"),
          emailed=emailed)


@pytest.mark.parametrize("emailed", [True, False])
def test_a_language_asked_for_will_be_provided(app, make_user, make_event, make_session,
                                               emailed):
    event = make_event(title="Online meeting", is_invitation_only=False)
    session = make_session(event, at(3), at(4), title="Plenary")
    thai, other = make_user(country="TH", locale="th"), make_user(country="NZ")
    if not emailed:
        choose(thai, "interpretation_provided", False)
    registrations.register(event, thai, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True, interpretation_language="th"))
    registrations.register(event, other, _consent())
    db.session.commit()
    interpretation.open_channel(session, "th")
    db.session.commit()
    with force_locale("th"):
        expected = translated("th", "%(language)s interpretation will be provided: %(title)s",
                              language=language_name("th", "th"), title="Plenary")
    check(thai, "interpretation_provided", expected, emailed=emailed)
    assert notices_of(other) == []  # did not ask for Thai


def test_assignment_proposed_to_the_interpreter_and_declined_to_organisers(
        app, make_event, make_channel, make_interpreter, make_user, organiser):
    thai_organiser = make_user(("organiser",), country="TH", locale="th")
    choose(organiser, "assignment_declined", True)
    event = make_event()
    channel = make_channel(event, at(3), at(3, 40), "th", title="Plenary")
    profile = make_interpreter(name="Interpreter Name", locale="th")
    assignment = interpretation.assign_interpreter(channel, profile)
    db.session.commit()
    user = profile.user
    proposed = translated("th", "Interpreting assignment: %(title)s", title="Plenary")
    assert words(notices_of(user, "assignment_proposed")[0], user)[0] == proposed
    assert len(emails_to(user, proposed)) == 1  # the calendar invitation only: default off
    interpretation.decline_assignment(assignment, "Ill that week")
    db.session.commit()
    msgid = "%(name)s declined interpreting %(title)s"
    english = msgid % {"name": "Interpreter Name", "title": "Plenary"}
    notice = notices_of(organiser, "assignment_declined")[0]
    assert words(notice, organiser) == (english, "Reason for declining: Ill that week")
    # The organisers' decline email always goes; the notice's own only when chosen.
    assert len(emails_to(organiser, english)) == 2
    thai_line = translated("th", msgid, name="Interpreter Name", title="Plenary")
    assert words(notices_of(thai_organiser)[0], thai_organiser)[0] == thai_line
    assert len(emails_to(thai_organiser, thai_line)) == 1
    assert notices_of(user, "assignment_declined") == []


def test_invited_but_not_registered_hear_once_a_week_before_registration_closes(
        app, make_user, make_event):
    from app.registrations.notices import remind_invited_unregistered

    closes = NOW + timedelta(days=10)
    event = make_event(title="Closed roundtable", registration_closes_dt=closes)
    invited, registered = make_user(country="NZ"), make_user(country="NZ")
    thai, quiet = make_user(country="TH", locale="th"), make_user(country="TH")
    stranger = make_user(country="MY")
    choose(quiet, "registration_closing", False)
    for person in (invited, registered):
        registrations.invite_to_event(event, user=person)
    registrations.invite_to_event(event, country_code="TH")
    registrations.register(event, registered, _consent())
    db.session.commit()
    assert remind_invited_unregistered(closes - timedelta(days=8)) == 0  # not yet
    assert remind_invited_unregistered(closes - timedelta(days=7)) == 3
    assert remind_invited_unregistered(closes - timedelta(days=6)) == 0  # once per person
    msgid = "Registration for %(event)s closes on %(when)s"
    check(invited, "registration_closing", msgid % {
        "event": "Closed roundtable",
        "when": fmt_when(closes, invited.timezone, invited.formatting_locale)}, emailed=True)
    check(thai, "registration_closing", translated(
        "th", msgid, event="Closed roundtable", when=fmt_when(closes, thai.timezone, "th")),
        emailed=True)
    check(quiet, "registration_closing", msgid % {
        "event": "Closed roundtable",
        "when": fmt_when(closes, quiet.timezone, quiet.formatting_locale)}, emailed=False)
    assert notices_of(registered, "registration_closing") == []
    assert notices_of(stranger) == []
