"""Calls from creation to scheduled session; bad input changes nothing; working groups."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.bilaterals import services
from app.bilaterals.models import Answer
from app.bilaterals.models import CallStatus
from app.bilaterals.models import SlotVote
from app.core.models import OutboxMessage
from app.events.models import SessionKind
from app.extensions import db
from app.holidays import services as holiday_calendar
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.workinggroups import services as groups
from tests.formatting import holiday_name

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture
def people(make_user, organiser, frozen_now):
    frozen_now(NOW)
    nz = make_user(("participant",), country="NZ", languages=("en",))
    th = make_user(("participant",), country="TH", locale="th", languages=("th",))
    return organiser, nz, th


def call_input(nz, th, **changes):
    fields = dict(country_a="NZ", country_b="TH", topic="Case management follow-up",
                  duration_minutes=60, first_date=date(2027, 4, 1),
                  last_date=date(2027, 4, 9), timezone="Asia/Bangkok",
                  invitee_ids=[nz.id, th.id], interpretation="th-en")
    fields.update(changes)
    return services.CallInput(**fields)


def test_create_vote_and_pick_schedules_a_bilateral_session(app, people, make_event,
                                                              make_session):
    organiser, nz, th = people
    # Th's other Roundtable session on 1 April 01:00-06:00 UTC blocks that whole window.
    other = make_event(title="Other", start_date=date(2027, 4, 1))
    make_session(other, datetime(2027, 4, 1, 1, tzinfo=UTC), datetime(2027, 4, 1, 6, tzinfo=UTC))
    db.session.add(Registration(event=other, user=th, status=RegistrationStatus.CONFIRMED,
                                attend_as="online", consented_dt=NOW))
    db.session.flush()
    call = services.create_call(call_input(nz, th), organiser)
    assert 1 <= len(call.slots) <= services.PROPOSED_SLOTS
    assert all(s.start_dt.date() != date(2027, 4, 1) for s in call.slots)
    first, second = call.slots[0], call.slots[1]
    services.vote(call, nz, {first.id: Answer.YES, second.id: Answer.NO})
    services.vote(call, nz, {second.id: Answer.IF_NEED_BE})  # changed while open
    services.vote(call, th, {first.id: Answer.YES})
    counts = services.tally(call)
    assert (counts[first.id].yes, counts[second.id].if_need_be, counts[second.id].no) == (2, 1, 0)
    session = services.pick_slot(call, first.id, organiser)
    assert call.status == CallStatus.SCHEDULED and first.is_chosen
    assert session.kind == SessionKind.BILATERAL and session.start_dt == first.start_dt
    event = session.event
    assert event.title == "Bilateral call: New Zealand–Thailand: Case management follow-up"
    assert event.is_invitation_only and event.country_codes == ["NZ", "TH"]
    registrations = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id)).all()
    assert {r.user_id: r.status for r in registrations} == {
        nz.id: RegistrationStatus.CONFIRMED, th.id: RegistrationStatus.CONFIRMED}
    channels = {r.user_id: r.interpretation_language for r in registrations}
    assert channels == {nz.id: "en", th.id: "th"}
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.calendar_method == "REQUEST")).all()
    assert {m.recipient for m in mails} == {nz.email, th.email}
    assert all("METHOD:REQUEST" in m.calendar and session.uid in m.calendar for m in mails)
    with pytest.raises(services.BilateralConflict):
        services.vote(call, nz, {first.id: Answer.NO})
    with pytest.raises(services.BilateralConflict):
        services.pick_slot(call, second.id, organiser)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(first_date=date(2027, 2, 20)), "past"),
    (dict(last_date=date(2027, 7, 1)), "90 days"),
    (dict(country_b="NZ"), "two different countries"),
    (dict(invitee_ids="nz"), "both countries"),
])
def test_bad_calls_are_refused(people, changes, message):
    organiser, nz, th = people
    changes = dict(changes)  # the parameters are shared by both databases' runs
    if changes.get("invitee_ids") == "nz":
        changes["invitee_ids"] = [nz.id]
    with pytest.raises(services.Unprocessable, match=message):
        services.create_call(call_input(nz, th, **changes), organiser)


def test_picking_a_slot_not_offered_changes_nothing(people):
    organiser, nz, th = people
    call = services.create_call(call_input(nz, th), organiser)
    with pytest.raises(services.Unprocessable):
        services.pick_slot(call, 999999, organiser)
    with pytest.raises(services.Unprocessable):
        services.vote(call, nz, {999999: Answer.YES})
    assert call.status == CallStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(SlotVote)) == 0


def test_overrides_change_what_the_finder_avoids(people):
    organiser, nz, th = people
    one_day = dict(first_date=date(2027, 4, 6), last_date=date(2027, 4, 6))
    call = services.create_call(call_input(nz, th, **one_day), organiser)
    assert call.slots == []  # Chakri Memorial Day
    [text] = [services.reason_text(r, "en") for r in services.stored_reasons(call)]
    assert holiday_name("TH", date(2027, 4, 6)) in text and "Asia/Bangkok" in text
    holiday_calendar.set_override("TH", "", date(2027, 4, 6), "", False, "public", organiser)
    assert services.create_call(call_input(nz, th, **one_day), organiser).slots
    holiday_calendar.set_override("NZ", "", date(2027, 4, 7), "Regional day", True, "other",
                                  organiser)
    call = services.create_call(call_input(nz, th, first_date=date(2027, 4, 7),
                                           last_date=date(2027, 4, 7)), organiser)
    assert call.slots == []


def test_no_overlap_reason_reads_well(app, people, make_user):
    organiser, nz, _th = people
    jakarta = make_user(("participant",), country="ID")
    nz.country.work_end_minute = 12 * 60
    nz.country.work_start_minute = 8 * 60
    jakarta.country.work_start_minute = 9 * 60
    call = services.create_call(services.CallInput(
        country_a="NZ", country_b="ID", topic="t", duration_minutes=60,
        first_date=date(2027, 6, 11), last_date=date(2027, 6, 11), timezone="Asia/Jakarta",
        invitee_ids=[nz.id, jakarta.id]), organiser)
    with app.test_request_context():
        texts = [services.reason_text(r, "en") for r in services.stored_reasons(call)]
    assert texts == ["No overlap of working hours between Pacific/Auckland and Asia/Jakarta "
                     "on Fridays."]


def test_working_group_occurrences_exceptions_and_calendar(people):
    organiser, nz, _th = people
    group = groups.create_working_group(groups.GroupInput(
        name="Education", country_code="ID", timezone="Australia/Sydney",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 1), start_time=time(10),
        duration_minutes=60, until_date=date(2027, 12, 31), member_ids=[nz.id]), organiser)
    upcoming = groups.group_occurrences(group, limit=3)
    assert [o.start_dt for o in upcoming] == [datetime(2027, 3, 8, 23, tzinfo=UTC),
                                              datetime(2027, 4, 13, 0, tzinfo=UTC),
                                              datetime(2027, 5, 11, 0, tzinfo=UTC)]
    groups.change_occurrence(group, upcoming[0].start_dt)
    moved_to = datetime(2027, 4, 14, 0, tzinfo=UTC)
    groups.change_occurrence(group, upcoming[1].start_dt, new_start=moved_to)
    again = groups.group_occurrences(group, limit=3)
    assert again[0].is_cancelled and again[1].is_moved and again[1].start_dt == moved_to
    with pytest.raises(groups.Unprocessable):
        groups.change_occurrence(group, datetime(2027, 3, 9, 1, tzinfo=UTC))
    master, override = groups.group_items(group)
    # Meetings are named by their nominal wall-clock time in the group's zone.
    assert master.exdates == [datetime(2027, 3, 9, 10)] and override.recurrence_id == \
        datetime(2027, 4, 13, 10)
    assert "UNTIL=20271231T125959Z" in master.rrule
    from app.calendar.services import render

    text = render([master, override], "PUBLISH").decode()
    assert "RRULE:FREQ=MONTHLY;UNTIL=20271231T125959Z;BYDAY=2TU" in text
    assert "EXDATE;TZID=Australia/Sydney:20270309T100000" in text
    assert "RECURRENCE-ID;TZID=Australia/Sydney:20270413T100000" in text
    # Members are busy at the group's meetings: the slot finder avoids them.
    busy = services._busy([nz.id], datetime(2027, 5, 1, tzinfo=UTC),
                          datetime(2027, 6, 1, tzinfo=UTC))
    assert busy[nz.id] == [(datetime(2027, 5, 11, 0, tzinfo=UTC),
                            datetime(2027, 5, 11, 1, tzinfo=UTC))]


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=7"])
def test_unsupported_rules_are_refused_with_a_message(people, rule):
    organiser, _nz, _th = people
    with pytest.raises(groups.Unprocessable, match="cannot honour"):
        groups.create_working_group(groups.GroupInput(
            name="x", country_code=None, timezone="Asia/Jakarta", rrule=rule,
            first_date=date(2027, 3, 1), start_time=time(10), duration_minutes=60),
            organiser)


# --- editing a working group -------------------------------------------------------------------

def _settings(group, **changes) -> groups.GroupSettings:
    """The group's settings as its edit form starts them, with ``changes``."""
    from app.core.time import to_zone

    local = to_zone(group.first_start_dt, group.timezone)
    fields = dict(name=group.name, country_code=group.country_code, timezone=group.timezone,
                  rrule=group.rrule, first_date=local.date(), start_time=local.time(),
                  duration_minutes=group.duration_minutes, until_date=group.until_date,
                  online_url=group.online_url)
    fields.update(changes)
    return groups.GroupSettings(**fields)


@pytest.fixture
def jakarta_group(people):
    """Second Tuesdays at 10:00 in Jakarta (03:00 UTC) from March 2027: 9 March, 13 April,
    11 May, 8 June...; 13 April moved to the 14th, 11 May cancelled."""
    organiser, nz, _th = people
    group = groups.create_working_group(groups.GroupInput(
        name="Education", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 1), start_time=time(10),
        duration_minutes=60, member_ids=[nz.id]), organiser)
    groups.change_occurrence(group, datetime(2027, 4, 13, 3, tzinfo=UTC),
                               new_start=datetime(2027, 4, 14, 3, tzinfo=UTC))
    groups.change_occurrence(group, datetime(2027, 5, 11, 3, tzinfo=UTC))
    return organiser, group


def _changes(group):
    return sorted((e.original_start_dt, e.new_start_dt, e.new_end_dt) for e in group.exceptions)


def test_an_edit_keeps_the_changed_meetings_whose_day_the_series_still_has(jakarta_group):
    organiser, group = jakarta_group
    sequence, members = group.sequence, [m.user_id for m in group.members]
    # An hour later and 90 minutes long: the same days, so both changes stay, re-keyed to
    # the new time; the moved meeting takes the new length.
    dropped = groups.update_working_group(
        group, _settings(group, name="Education and care", start_time=time(11),
                         duration_minutes=90), organiser)
    assert dropped == 0
    assert (group.name, group.duration_minutes) == ("Education and care", 90)
    assert _changes(group) == [
        (datetime(2027, 4, 13, 4, tzinfo=UTC), datetime(2027, 4, 14, 3, tzinfo=UTC),
         datetime(2027, 4, 14, 4, 30, tzinfo=UTC)),
        (datetime(2027, 5, 11, 4, tzinfo=UTC), None, None)]
    upcoming = groups.group_occurrences(group, after=datetime(2027, 4, 1, tzinfo=UTC),
                                          limit=3)
    assert [(o.is_moved, o.is_cancelled) for o in upcoming] == [
        (True, False), (False, True), (False, False)]
    assert group.sequence == sequence + 1  # calendars replace the series they hold
    assert [m.user_id for m in group.members] == members  # members change apart
    [master, *_overrides] = groups.group_items(group)
    assert master.sequence == group.sequence


def test_an_edit_drops_the_changed_meetings_whose_day_the_series_no_longer_has(
        jakarta_group):
    organiser, group = jakarta_group
    # Every third Tuesday from 2 March (23 March, 13 April, 4 May): 11 May is no longer a day.
    dropped = groups.update_working_group(
        group, _settings(group, rrule="FREQ=WEEKLY;INTERVAL=3;BYDAY=TU"), organiser)
    assert dropped == 1
    assert _changes(group) == [(datetime(2027, 4, 13, 3, tzinfo=UTC),
                                datetime(2027, 4, 14, 3, tzinfo=UTC),
                                datetime(2027, 4, 14, 4, tzinfo=UTC))]
    # Third Wednesdays: neither day is left.
    assert groups.update_working_group(
        group, _settings(group, rrule="FREQ=MONTHLY;BYDAY=3WE"), organiser) == 1
    assert group.exceptions == []
    from app.core.models import AuditRecord

    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "working_group_changed")).all()
    assert [r.detail["dropped"] for r in records] == [1, 1]


def test_an_edit_that_changes_nothing_leaves_the_sequence(jakarta_group):
    organiser, group = jakarta_group
    sequence, changes = group.sequence, _changes(group)
    assert groups.update_working_group(group, _settings(group), organiser) == 0
    assert group.sequence == sequence and _changes(group) == changes


def test_a_new_zone_keeps_the_local_days(jakarta_group):
    organiser, group = jakarta_group
    groups.update_working_group(group, _settings(group, timezone="Australia/Sydney"),
                                  organiser)
    # 10:00 in Sydney (AEST from April): 13 April 00:00 UTC, still the moved meeting's day.
    assert [e.original_start_dt for e in group.exceptions] == [
        datetime(2027, 4, 13, 0, tzinfo=UTC), datetime(2027, 5, 11, 0, tzinfo=UTC)]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"until_date": date(2027, 2, 1)}, "until_date", "cannot be before the first date"),
    ({"until_date": date(2027, 3, 5)}, "until_date", "no meeting between the first date"),
    ({"duration_minutes": 5}, "duration", "between 15 minutes and 8 hours"),
    ({"timezone": "Australia/Sydney", "first_date": date(2027, 10, 3),
      "start_time": time(2, 30)}, "start_time", "does not exist in Australia/Sydney"),
    ({"rrule": "FREQ=HOURLY"}, None, "cannot honour FREQ=HOURLY"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO\nRRULE:FREQ=DAILY"}, None, "is not valid near"),
])
def test_an_edit_that_breaks_a_rule_is_refused_and_changes_nothing(jakarta_group, changes,
                                                                    field, message):
    organiser, group = jakarta_group
    before = (group.name, group.rrule, group.first_start_dt, group.sequence, _changes(group))
    with pytest.raises(groups.Unprocessable, match=message) as refused:
        groups.update_working_group(group, _settings(group, name="Renamed", **changes),
                                      organiser)
    assert refused.value.field == field
    assert (group.name, group.rrule, group.first_start_dt, group.sequence,
            _changes(group)) == before
