"""One test per staffing rule, at its boundary: the last allowed case and the first refused."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core.models import OutboxMessage
from app.core.time import zone_label
from app.events.models import EventKind
from app.events.services import cancel_session
from app.extensions import db
from app.interpretation import services
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import SessionChannel
from tests.interpretation.conftest import at

RuleBroken = services.RuleBroken


def assign(channel, profile):
    """One organiser request: a transaction of its own, as in the app, so its locks (in the
    order of app.core.locking) end before the next request takes its own."""
    try:
        return services.assign_interpreter(channel, profile)
    finally:
        db.session.commit()


def respond(assignment, accept, reason="Booked at another conference that week."):
    """One interpreter request, in its own transaction."""
    try:
        if accept:
            return services.accept_assignment(assignment)
        return services.decline_assignment(assignment, reason)
    finally:
        db.session.commit()


def on_site_event(make_event, venue="Bangkok", **fields):
    return make_event(kind=EventKind.IN_PERSON, venue=venue, **fields)


def test_direction_into_a_from_b_or_c_and_retour_into_b_from_a(app, make_event, make_channel,
                                                              make_interpreter):
    event = make_event()
    into_thai = make_channel(event, at(3), at(3, 40), "th")  # floor English
    into_english = make_channel(event, at(5), at(5, 40), "en", floor_language="th")
    into_indonesian = make_channel(event, at(7), at(7, 40), "id")
    thai_a = make_interpreter({"th": "A", "en": "B"})
    thai_c = make_interpreter({"en": "A", "th": "C"})
    assign(into_thai, thai_a)  # into A from B
    assign(into_english, thai_a)  # retour: into B from A
    with pytest.raises(RuleBroken, match="Rule: direction"):
        assign(into_indonesian, thai_a)  # no Indonesian at all
    with pytest.raises(RuleBroken, match="Rule: direction"):
        assign(make_channel(event, at(9), at(9, 40), "th"), thai_c)


def test_two_way_booth_needs_the_retour_direction_too(app, make_event, make_channel,
                                                     make_interpreter):
    event = make_event()
    booth = make_channel(event, at(3), at(3, 40), "th", is_retour=True)
    assign(booth, make_interpreter({"th": "A", "en": "B"}))
    with pytest.raises(RuleBroken, match="two-way booth"):
        assign(booth, make_interpreter({"th": "A", "en": "C"}))


def test_no_overlap_back_to_back_is_fine_one_minute_over_is_not(app, make_event, make_channel,
                                                               make_interpreter):
    event = make_event()
    person = make_interpreter()
    assign(make_channel(event, at(3), at(3, 40)), person)
    assign(make_channel(event, at(3, 40), at(4, 20)), person)
    with pytest.raises(RuleBroken, match="Rule: no overlap"):
        assign(make_channel(event, at(4, 19), at(4, 50)), person)


def test_travel_time_between_venue_and_remote_work(app, make_event, make_channel,
                                                   make_interpreter):
    venue = on_site_event(make_event)
    online = make_event()
    person = make_interpreter()
    assign(make_channel(venue, at(3), at(3, 40)), person)
    assign(make_channel(online, at(4, 40), at(5, 20)), person)  # 60 min
    with pytest.raises(RuleBroken, match="Rule: travel time"):
        assign(make_channel(online, at(2), at(2, 1)), person)  # 59 min


def test_team_strength_by_session_length(app, make_event, make_channel, make_interpreter):
    event = make_event()
    short = make_channel(event, at(3), at(3, 40))  # 40 minutes: one interpreter
    longer = make_channel(event, at(5), at(5, 41))  # 41 minutes: two
    people = [make_interpreter() for _ in range(3)]
    assign(short, people[0])
    with pytest.raises(RuleBroken, match="Rule: team strength"):
        assign(short, people[1])
    assign(longer, people[0])
    assign(longer, people[1])
    with pytest.raises(RuleBroken, match="Rule: team strength"):
        assign(longer, people[2])


@pytest.mark.parametrize(("minutes", "size"), [(40, 1), (41, 2), (240, 2), (241, 3),
                                               (360, 3), (361, 4), (480, 4)])
def test_team_sizes_follow_the_settings(app, minutes, size):
    from app.interpretation.rules import Limits
    from app.interpretation.rules import team_size

    limits = Limits.from_config(app.config)
    assert team_size(minutes, False, False, limits) == size
    assert team_size(minutes, True, False, limits) == size + 1
    assert team_size(minutes, False, True, limits) == size + 1


def test_a_session_longer_than_eight_hours_gets_no_channel(app, make_event, make_session):
    session = make_session(make_event(), at(0), at(8, 1))
    with pytest.raises(RuleBroken, match="Rule: team strength"):
        services.open_channel(session, "th")


def test_remote_daily_limit_counts_each_interpreters_share(app, make_event, make_channel,
                                                          make_interpreter):
    event = make_event()
    person = make_interpreter(timezone="Asia/Bangkok")
    partner = make_interpreter()
    four_hours = make_channel(event, at(1), at(5))  # team of 2: 120 minutes each
    two_hours = make_channel(event, at(6), at(8))  # team of 2: 60 minutes each
    for channel in (four_hours, two_hours):
        assign(channel, person)
        assign(channel, partner)  # exactly 180: allowed
    with pytest.raises(RuleBroken, match="Rule: remote daily limit"):
        assign(make_channel(event, at(9), at(9, 1)), person)
    # 17:00 UTC is already the next day in Bangkok: a fresh allowance.
    assign(make_channel(event, at(17), at(17, 30)), person)


def test_one_on_site_engagement_a_day(app, make_event, make_channel, make_interpreter):
    jakarta = on_site_event(make_event, venue="Jakarta", timezone="Asia/Jakarta")
    bangkok = on_site_event(make_event, venue="Bangkok")
    person = make_interpreter()
    assign(make_channel(jakarta, at(1), at(1, 40)), person)
    assign(make_channel(jakarta, at(3), at(3, 40)), person)  # same one
    with pytest.raises(RuleBroken, match="Rule: one on-site engagement a day"):
        assign(make_channel(bangkok, at(9), at(9, 40)), person)
    assign(make_channel(bangkok, at(3, day=11), at(3, 40, day=11)), person)


def test_working_mode(app, make_event, make_channel, make_interpreter):
    booth = make_channel(on_site_event(make_event), at(3), at(3, 40))
    online = make_channel(make_event(), at(6), at(6, 40))
    with pytest.raises(RuleBroken, match="Rule: working mode"):
        assign(booth, make_interpreter(on_site=False))
    with pytest.raises(RuleBroken, match="Rule: working mode"):
        assign(online, make_interpreter(remote=False))


def test_availability_windows_and_time_off(app, make_event, make_channel, make_interpreter):
    event = make_event()
    person = make_interpreter(timezone="Asia/Bangkok")
    # 10:00-10:40 Bangkok is 03:00-03:40 UTC: a window that just covers it.
    services.add_availability(person, datetime(2027, 3, 10, 10), datetime(2027, 3, 10, 10, 40),
                              is_available=True)
    assign(make_channel(event, at(3), at(3, 40)), person)
    with pytest.raises(RuleBroken, match="Rule: availability"):
        assign(make_channel(event, at(3, 40), at(3, 41)), person)
    other = make_interpreter()
    services.add_availability(other, datetime(2027, 3, 11, 0), datetime(2027, 3, 12, 0),
                              is_available=False)
    with pytest.raises(RuleBroken, match="is off"):
        assign(make_channel(event, at(17), at(17, 30)), other)


def test_cancelled_session_refused_and_nothing_changes(app, make_event, make_channel,
                                                       make_interpreter):
    channel = make_channel(make_event(), at(3), at(3, 40))
    cancel_session(channel.session)
    with pytest.raises(RuleBroken, match="Rule: cancelled session"):
        assign(channel, make_interpreter())
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_declined_work_frees_the_time(app, make_event, make_channel, make_interpreter):
    event = make_event()
    person = make_interpreter()
    first = assign(make_channel(event, at(3), at(3, 40)), person)
    overlapping = make_channel(event, at(3, 10), at(3, 50))
    with pytest.raises(RuleBroken):
        assign(overlapping, person)
    respond(first, accept=False)
    assign(overlapping, person)


def test_relay_needs_two_interpreters_able_to_give_it(app, make_event, make_channel,
                                                      make_interpreter):
    event = make_event()
    channel = make_channel(event, at(3), at(3, 40), "id", floor_language="th")
    make_interpreter({"id": "A", "en": "B"})
    make_interpreter({"en": "A", "th": "B"})
    profiles = services.all_profiles()
    assert services.relay_proposal(channel, profiles) is None
    with pytest.raises(RuleBroken, match="Rule: relay"):
        services.use_relay(channel)
    make_interpreter({"en": "A", "th": "C"})
    assert services.relay_proposal(channel, services.all_profiles()) == "en"
    services.use_relay(channel)
    pivot = db.session.scalar(select(SessionChannel).where(
        SessionChannel.session_id == channel.session_id, SessionChannel.language_code == "en"))
    assert pivot.gives_relay and channel.source_code == "en"


def test_assignment_release_and_change_are_emailed_as_itip(app, make_event, make_channel,
                                                          make_interpreter):
    channel = make_channel(make_event(), at(3), at(3, 40))
    person = make_interpreter()
    assignment = assign(channel, person)
    services.release_assignment(assignment)
    assign(channel, person)
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == person.user.email).order_by(OutboxMessage.id)).all()
    assert [m.calendar_method for m in messages] == ["REQUEST", "CANCEL", "REQUEST"]
    sequences = [int(m.calendar.split("SEQUENCE:")[1].split()[0]) for m in messages]
    assert sequences == sorted(sequences) and sequences[0] < sequences[-1]
    assert channel.session.uid in messages[0].calendar
    assert "STATUS:CANCELLED" in messages[1].calendar


def test_accepting_rechecks_the_rules(app, make_event, make_channel, make_interpreter):
    event = make_event()
    person = make_interpreter()
    assignment = assign(make_channel(event, at(3), at(3, 40)), person)
    assert respond(assignment, accept=True).status == AssignmentStatus.ACCEPTED
    with pytest.raises(services.InterpretationError):
        respond(assignment, accept=True)


def _declined_mail():
    """The organisers' notices: subjects are translated, the interpreter's name is not."""
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.contains("Ingrid Interpreter")).order_by(OutboxMessage.id)
    ).all()


def test_declining_keeps_the_reason_and_tells_each_organiser_once_in_their_language(
        app, make_event, make_channel, make_interpreter, make_user):
    channel = make_channel(make_event(title="Jakarta roundtable"), at(3), at(3, 40),
                           title="Next steps")
    person = make_interpreter(name="Ingrid Interpreter")
    english = make_user(("organiser",), timezone="Asia/Jakarta")
    thai = make_user(("organiser",), locale="th", timezone="Asia/Bangkok")
    gone = make_user(("organiser",))
    gone.deactivated_dt = datetime(2027, 1, 1, tzinfo=UTC)
    make_user(("participant",))
    assignment = assign(channel, person)
    reason = "I am booked at another conference that week.\nSorry for the short notice."
    respond(assignment, accept=False, reason=f"  {reason}  ")
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.decline_reason == reason
    mail = _declined_mail()
    assert sorted(m.recipient for m in mail) == sorted([english.email, thai.email])
    for message in mail:
        assert "Ingrid Interpreter" in message.subject and "Next steps" in message.subject
        assert reason in message.body and "Jakarta roundtable" in message.body
        assert f"/events/{channel.session.event_id}/interpretation/assignments" in message.body
        assert message.calendar is None
    to_thai = next(m for m in mail if m.recipient == thai.email)
    to_english = next(m for m in mail if m.recipient == english.email)
    # Each organiser's zone as they know it, with its offset at the session.
    start = channel.session.start_dt
    assert "การประชุม: Jakarta roundtable" in to_thai.body
    assert zone_label("Asia/Bangkok", thai.formatting_locale, start) in to_thai.body
    assert "Event: Jakarta roundtable" in to_english.body
    assert zone_label("Asia/Jakarta", english.formatting_locale, start) in to_english.body
    # Declining again (a second press, a stale page) is refused under the lock: nothing more
    # is saved, nobody is emailed twice.
    with pytest.raises(services.InterpretationError, match="no longer open"):
        respond(assignment, accept=False, reason="Another reason")
    db.session.refresh(assignment)
    assert assignment.decline_reason == reason
    assert len(_declined_mail()) == 2


def test_declining_is_refused_once_released_or_cancelled(app, make_event, make_channel,
                                                         make_interpreter, organiser):
    event = make_event()
    person = make_interpreter()
    released = assign(make_channel(event, at(3), at(3, 40)), person)
    services.release_assignment(released)
    db.session.commit()
    with pytest.raises(services.InterpretationError, match="no longer open"):
        respond(released, accept=False)
    in_cancelled = assign(make_channel(event, at(5), at(5, 40)), person)
    cancel_session(in_cancelled.channel.session)
    db.session.commit()
    with pytest.raises(services.InterpretationError, match="cancelled"):
        respond(in_cancelled, accept=False)
    for assignment in (released, in_cancelled):
        db.session.refresh(assignment)
        assert assignment.status != AssignmentStatus.DECLINED
        assert assignment.decline_reason == ""
    assert _declined_mail() == []


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Say why"), ("   \n ", "Say why"), ("x" * 501, "500 characters or fewer")])
def test_declining_needs_a_reason_of_sensible_length(app, make_event, make_channel,
                                                    make_interpreter, reason, message):
    assignment = assign(make_channel(make_event(), at(3), at(3, 40)), make_interpreter())
    with pytest.raises(services.InterpretationError, match=message):
        respond(assignment, accept=False, reason=reason)
    db.session.refresh(assignment)
    assert assignment.status == AssignmentStatus.PROPOSED


def test_proposing_again_clears_the_old_reason(app, make_event, make_channel,
                                              make_interpreter):
    channel = make_channel(make_event(), at(3), at(3, 40))
    person = make_interpreter()
    first = assign(channel, person)
    respond(first, accept=False, reason="Ill that week.")
    again = assign(channel, person)
    assert again.id == first.id
    assert again.status == AssignmentStatus.PROPOSED and again.decline_reason == ""


def test_demand_counts_registrations_and_session_requests(app, make_event, make_session,
                                                          make_user):
    from app.registrations.services import RegistrationInput
    from app.registrations.services import register

    event = make_event(is_invitation_only=False)
    first = make_session(event, at(3), at(4))
    second = make_session(event, at(5), at(6))
    people = [make_user(("participant",)) for _ in range(3)]
    for person, language in zip(people, ("th", "th", "id"), strict=True):
        register(event, person, RegistrationInput(interpretation_language=language,
                                                  consent_chatham=True, consent_data=True))
    services.request_interpretation(people[0], second, "ms")
    found = services.demand(event)
    assert found.counts[(first.id, "th")] == 2 and found.counts[(first.id, "id")] == 1
    assert found.counts[(second.id, "th")] == 1 and found.counts[(second.id, "ms")] == 1
    outsider = make_user(("participant",))
    with pytest.raises(services.InterpretationError, match="Register"):
        services.request_interpretation(outsider, first, "th")


def test_auto_assign_fills_balances_keeps_accepted_and_is_idempotent(
        app, make_event, make_channel, make_interpreter):
    event = make_event()
    channels = [make_channel(event, at(1 + 2 * n), at(1 + 2 * n, 40)) for n in range(4)]
    people = [make_interpreter() for _ in range(2)]
    kept = assign(channels[0], people[0])
    respond(kept, accept=True)
    unfillable = make_channel(event, at(12), at(12, 40), "mi")
    report = services.auto_assign(event)
    assert {c.id for c in report.filled} == {c.id for c in channels[1:]}
    assert [(c.id, "direction" in why) for c, why in report.unfilled] == [(unfillable.id, True)]
    loads = [sum(a.interpreter_id == p.user_id for a in report.added) for p in people]
    assert sorted(loads) == [1, 2]  # the one with the accepted session gets one less
    assert kept.status == AssignmentStatus.ACCEPTED
    for assignment in report.added:
        services.check_assignment(assignment.channel, assignment.interpreter,
                                  exclude=assignment)
    assert services.auto_assign(event).added == []


def test_feed_lists_the_sessions_an_interpreter_works(app, make_event, make_channel,
                                                      make_interpreter):
    from app.calendar.services import feed_calendar

    channel = make_channel(make_event(online_url="https://meet.example.org/x"), at(3),
                           at(3, 40))
    person = make_interpreter()
    assert channel.session.uid not in feed_calendar(person.user).decode()
    assign(channel, person)
    feed = feed_calendar(person.user).decode()
    assert channel.session.uid in feed and "meet.example.org/x" in feed


def test_day_off_entered_in_home_zone(app, make_interpreter):
    person = make_interpreter(timezone="Pacific/Auckland")
    window = services.add_availability(person, datetime(2027, 3, 10), datetime(2027, 3, 11),
                                       is_available=False)
    assert window.start_dt.date() == date(2027, 3, 9)  # midnight NZDT is 11:00 UTC the day before
