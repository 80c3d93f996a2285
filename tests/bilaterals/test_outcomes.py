"""Who a call invites, answers by person, the scheduled notice, and what happens after the
call: notes, follow-up actions with an owner, "from last time"."""

from datetime import date
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.bilaterals import outcomes
from app.bilaterals import services
from app.bilaterals.models import Answer
from app.bilaterals.models import CallAction
from app.core.models import OutboxMessage
from app.core.time import fmt_day
from app.core.time import fmt_when
from app.extensions import db
from app.notices import services as notices
from app.notices.models import Notice
from tests.bilaterals.conftest import NOW


def make_call(people, *ids, country_a="NZ", country_b="TH", topic="Case management"):
    return services.create_call(services.CallInput(
        country_a=country_a, country_b=country_b, topic=topic, duration_minutes=60,
        first_date=date(2027, 4, 1), last_date=date(2027, 4, 9), timezone="Asia/Bangkok",
        invitee_ids=list(ids) or [people["nz"].id, people["th"].id]), people["organiser"])


def test_the_form_offers_the_two_delegations_then_organisers_and_interpreters(delegations):
    people = delegations
    groups = services.invitable("NZ", "TH")
    assert [(g.country, g.role) for g in groups] == [
        ("NZ", "delegation"), ("TH", "delegation"), (None, "organiser"),
        (None, "interpreter")]
    assert [u.id for u in groups[0].people] == [people["nz"].id, people["nz2"].id]
    assert [u.id for u in groups[1].people] == [people["th"].id]
    assert [u.id for u in groups[2].people] == [people["organiser"].id]
    assert [u.id for u in groups[3].people] == [people["interpreter"].id]
    offered = {u.id for g in groups for u in g.people}
    assert people["au"].id not in offered and people["gone"].id not in offered
    # Before the countries are chosen, only organisers and interpreters are listed.
    assert [g.role for g in services.invitable(None, None)] == ["organiser", "interpreter"]


def test_organisers_and_interpreters_may_join_a_call_but_not_another_delegation(delegations):
    people = delegations
    call = make_call(people, people["nz"].id, people["th"].id, people["organiser"].id,
                     people["interpreter"].id)
    assert {i.user_id for i in call.invitees} == {
        people[k].id for k in ("nz", "th", "organiser", "interpreter")}
    assert call.slots  # the organiser's and interpreter's working days still leave slots
    with pytest.raises(services.Unprocessable, match="organiser or an interpreter"):
        make_call(people, people["nz"].id, people["th"].id, people["au"].id)
    with pytest.raises(services.Unprocessable, match="from the list"):
        make_call(people, people["nz"].id, people["th"].id, people["gone"].id)
    with pytest.raises(services.Unprocessable, match="Thailand"):
        make_call(people, people["nz"].id, people["organiser"].id)


def test_answers_by_person_show_each_slot_and_who_has_not_answered(delegations):
    people = delegations
    call = make_call(people, people["th"].id, people["nz2"].id, people["nz"].id,
                     people["organiser"].id)
    first, second = call.slots[:2]
    services.vote(call, people["th"], {slot.id: Answer.IF_NEED_BE for slot in call.slots})
    services.vote(call, people["nz"], {first.id: Answer.YES, second.id: Answer.NO})
    rows = services.answers_by_person(call)
    # New Zealand's delegation first, then Thailand's, then the organiser; by name.
    assert [row.user.id for row in rows] == [people[k].id for k in ("nz", "nz2", "th",
                                                                    "organiser")]
    assert rows[0].answers == {first.id: Answer.YES, second.id: Answer.NO}
    assert rows[1].answers == {} and rows[3].answers == {}
    assert set(rows[2].answers.values()) == {Answer.IF_NEED_BE}


def test_scheduling_tells_every_invitee_at_the_time_in_their_zone(delegations):
    people = delegations
    call = make_call(people)
    slot = call.slots[0]
    services.pick_slot(call, slot.id, people["organiser"])
    for key in ("nz", "th"):
        user = people[key]
        notice = db.session.scalar(select(Notice).where(
            Notice.recipient_id == user.id, Notice.kind == "call_scheduled"))
        with force_locale(user.formatting_locale):
            line, _detail = notices.notice_text(notice, user, zone=user.timezone,
                                                locale=user.formatting_locale, people={})
        assert fmt_when(slot.start_dt, user.timezone, user.formatting_locale) in line
        # The calendar invitation is emailed; the notice is not (off by default).
        mails = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == user.email)).all()
        assert [m.calendar_method for m in mails if m.calendar] == ["REQUEST"]
        assert not any(line in m.subject for m in mails)


@pytest.fixture
def held(delegations):
    """A scheduled call between New Zealand and Thailand."""
    call = make_call(delegations)
    services.pick_slot(call, call.slots[0].id, delegations["organiser"])
    db.session.commit()
    return call


def test_notes_and_actions_only_once_scheduled(delegations):
    people = delegations
    call = make_call(people)
    with pytest.raises(services.BilateralConflict):
        outcomes.save_notes(call, "Too early")
    with pytest.raises(services.BilateralConflict):
        outcomes.add_action(call, outcomes.ActionInput("x", people["nz"].id, date(2027, 5, 1)),
                            people["organiser"])


def test_an_action_has_an_owner_who_is_told_and_marks_it_done(delegations, held):
    people = delegations
    saved = outcomes.save_notes(held, "  Agreed to share case-management toolkits.  ")
    assert saved.outcome_notes == "Agreed to share case-management toolkits."
    assert saved.outcome_dt == NOW
    due = date(2027, 5, 3)
    action = outcomes.add_action(held, outcomes.ActionInput(
        "Send the\nscreening checklist", people["th"].id, due), people["organiser"])
    assert action.text == "Send the screening checklist"  # one line: a notice's subject
    thai = people["th"]
    notice = db.session.scalar(select(Notice).where(
        Notice.recipient_id == thai.id, Notice.kind == "call_action_assigned"))
    with force_locale(thai.formatting_locale):
        line, detail = notices.notice_text(notice, thai, zone=thai.timezone,
                                           locale=thai.formatting_locale, people={})
    assert fmt_day(due, thai.formatting_locale) in line and held.topic in detail
    assert db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.recipient == thai.email, OutboxMessage.subject == line))
    assert outcomes.open_actions_of(thai) == [action]
    with pytest.raises(outcomes.NotAllowed):
        outcomes.set_done(held, action.id, people["nz"], True)  # not theirs
    outcomes.set_done(held, action.id, thai, True)
    first_done = action.done_dt
    outcomes.set_done(held, action.id, thai, True)  # a second click changes nothing
    assert action.done_dt == first_done and outcomes.open_actions_of(thai) == []
    outcomes.set_done(held, action.id, people["organiser"], False)
    assert action.done_dt is None


@pytest.mark.parametrize(("field", "change"), [
    ("text", {"text": "   "}),
    ("text", {"text": "x" * 501}),
    ("owner", {"owner": "au"}),  # neither an invitee nor an organiser
])
def test_bad_actions_are_refused_beside_their_field(delegations, held, field, change):
    people = delegations
    data = outcomes.ActionInput(change.get("text", "Share the toolkit"),
                                people[change.get("owner", "nz")].id, date(2027, 5, 3))
    with pytest.raises(services.Unprocessable) as refused:
        outcomes.add_action(held, data, people["organiser"])
    assert refused.value.field == field
    assert db.session.scalar(select(CallAction.id)) is None


def test_a_new_owner_is_told_and_an_organiser_may_own_an_action(delegations, held):
    people = delegations
    action = outcomes.add_action(held, outcomes.ActionInput(
        "Draft the joint note", people["nz"].id, date(2027, 5, 3)), people["organiser"])
    outcomes.edit_action(held, action.id, outcomes.ActionInput(
        "Draft the joint note", people["organiser"].id, date(2027, 5, 10)))
    assert action.owner_id == people["organiser"].id and action.due_date == date(2027, 5, 10)
    told = db.session.scalars(select(Notice.recipient_id).where(
        Notice.kind == "call_action_assigned")).all()
    assert sorted(told) == sorted([people["nz"].id, people["organiser"].id])
    outcomes.edit_action(held, action.id, outcomes.ActionInput(
        "Draft the joint note, both languages", people["organiser"].id, date(2027, 5, 10)))
    assert len(db.session.scalars(select(Notice.id).where(
        Notice.kind == "call_action_assigned")).all()) == 2  # same owner: not told again


def test_open_actions_show_on_the_next_call_between_the_same_countries(delegations, held,
                                                                      frozen_now):
    people = delegations
    kept = outcomes.add_action(held, outcomes.ActionInput(
        "Share the referral protocol", people["nz"].id, date(2027, 5, 3)), people["organiser"])
    done = outcomes.add_action(held, outcomes.ActionInput(
        "Book interpreters", people["organiser"].id, date(2027, 5, 3)), people["organiser"])
    outcomes.set_done(held, done.id, people["organiser"], True)
    frozen_now(NOW + timedelta(days=1))
    # The next call has the countries the other way round, and a newcomer on it.
    newcomer = people["nz2"]
    following = make_call(people, people["th"].id, people["nz"].id, newcomer.id,
                          country_a="TH", country_b="NZ", topic="Second call")
    other_pair = make_call(people, people["nz"].id, people["au"].id, country_a="NZ",
                           country_b="AU", topic="Another pair")
    assert outcomes.from_last_time(following, people["organiser"]) == [kept]
    assert outcomes.from_last_time(following, people["th"]) == [kept]
    # The newcomer was not on the earlier call: its actions are not theirs to read.
    assert outcomes.from_last_time(following, newcomer) == []
    assert outcomes.from_last_time(other_pair, people["nz"]) == []
    assert outcomes.from_last_time(held, people["nz"]) == []  # not its own actions
