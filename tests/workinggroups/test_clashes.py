"""Working-group meetings against their members' holidays, joint leave days and weekends,
and the one-step move to the next good day (app/workinggroups/clashes.py).

Expected days are worked out from the holidays package itself (never typed in), so a new
release that corrects an estimated Eid moves the expectation with it."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import holidays
import icalendar
import pytest
from sqlalchemy import select

from app.calendar.services import render
from app.core.models import AuditRecord
from app.core.time import localize
from app.core.time import to_zone
from app.extensions import db
from app.holidays.services import set_override
from app.notices.models import Notice
from app.workinggroups import clashes
from app.workinggroups import services as groups
from app.workinggroups.models import WorkingGroup

EID_JOINT_LEAVE = date(2027, 3, 9)  # the second Tuesday of March 2027


def _group(organiser, members, **fields):
    values = dict(name="Education", country_code="ID", timezone="Asia/Jakarta",
                  rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 1, 1),
                  start_time=time(10), duration_minutes=90,
                  member_ids=[m.id for m in members])
    values.update(fields)
    group = groups.create_working_group(groups.GroupInput(**values), organiser)
    db.session.commit()
    return group


def _meeting(group, local_day):
    """The series' meeting on a local day in the group's zone."""
    return next(o for o in groups.group_occurrences(group, limit=60)
                if to_zone(o.start_dt, group.timezone).date() == local_day)


def _free_day_after(day, country, zone_days_off=()):
    """The first day after ``day`` that is neither a holiday (joint leave included) nor a
    weekend in ``country``, as the holidays package has it, and not in ``zone_days_off``."""
    categories = ("public", "government") if country == "ID" else ("public",)
    calendar = holidays.country_holidays(country, years=[day.year, day.year + 1],
                                         categories=categories)
    day += timedelta(days=1)
    while day in calendar or day.weekday() >= 5 or day in zone_days_off:
        day += timedelta(days=1)
    return day


def test_the_eid_joint_leave_day_is_flagged_and_the_next_good_day_offered(
        make_user, organiser, frozen_now):
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    sari = make_user(country="ID", timezone="Asia/Jakarta")
    group = _group(organiser, [sari])
    occurrences = groups.group_occurrences(group, limit=3)
    found = clashes.occurrence_clashes(group, occurrences)
    meeting = _meeting(group, EID_JOINT_LEAVE)
    assert list(found) == [meeting.original_start_dt]  # the other two meetings are fine
    [clash] = found[meeting.original_start_dt]
    joint = holidays.country_holidays("ID", years=2027, categories=("public", "government"))
    assert (clash.day, clash.country_code, clash.name) == (
        EID_JOINT_LEAVE, "ID", joint[EID_JOINT_LEAVE])
    offer = clashes.next_good_start(group, meeting)
    expected_day = _free_day_after(EID_JOINT_LEAVE, "ID")
    assert offer == localize(datetime.combine(expected_day, time(10)), "Asia/Jakarta")


def test_a_member_abroad_brings_their_countrys_holidays(make_user, organiser, frozen_now):
    """A Thai member: a Thai holiday on a meeting day is flagged, named as Thailand's."""
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    thai = make_user(country="TH", timezone="Asia/Bangkok")
    group = _group(organiser, [thai], country_code=None, rrule="FREQ=WEEKLY;BYDAY=TU")
    calendar = holidays.country_holidays("TH", years=2027)
    tuesday = next(day for day in sorted(calendar)
                   if day > date(2027, 3, 1) and day.weekday() == 1)
    meeting = _meeting(group, tuesday)
    found = clashes.occurrence_clashes(group, [meeting])[meeting.original_start_dt]
    assert [(c.country_code, c.name) for c in found] == [("TH", calendar[tuesday])]


def test_an_organisers_correction_counts(make_user, organiser, frozen_now):
    """A day the organisers removed from the calendar is a working day after all."""
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    group = _group(organiser, [make_user(country="ID", timezone="Asia/Jakarta")])
    set_override("ID", "", EID_JOINT_LEAVE, "", False, "joint_leave", organiser)
    db.session.commit()
    meeting = _meeting(group, EID_JOINT_LEAVE)
    assert clashes.occurrence_clashes(group, [meeting]) == {}


def test_a_weekend_meeting_is_flagged_and_moved_to_a_working_day(
        make_user, organiser, frozen_now):
    frozen_now(datetime(2027, 6, 1, tzinfo=UTC))
    group = _group(organiser, [make_user(country="ID", timezone="Asia/Jakarta")],
                   rrule="FREQ=MONTHLY;BYDAY=1SA", first_date=date(2027, 6, 1))
    meeting = groups.group_occurrences(group, limit=1)[0]
    [clash] = clashes.occurrence_clashes(group, [meeting])[meeting.original_start_dt]
    assert clash.is_weekend and clash.country_code == "ID"
    saturday = to_zone(meeting.start_dt, "Asia/Jakarta").date()
    offer = clashes.next_good_start(group, meeting)
    assert to_zone(offer, "Asia/Jakarta").date() == _free_day_after(saturday, "ID")
    assert to_zone(offer, "Asia/Jakarta").time() == time(10)


def test_the_next_good_day_is_never_another_meeting_of_the_series(
        make_user, organiser, frozen_now):
    """Meeting Mondays and Tuesdays: a Monday holiday moves to Wednesday, not onto Tuesday."""
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    group = _group(organiser, [make_user(country="ID", timezone="Asia/Jakarta")],
                   rrule="FREQ=WEEKLY;BYDAY=MO,TU")
    calendar = holidays.country_holidays("ID", years=2027, categories=("public", "government"))
    monday = next(day for day in sorted(calendar) if day > date(2027, 3, 1)
                  and day.weekday() == 0 and day + timedelta(days=1) not in calendar)
    offer = clashes.next_good_start(group, _meeting(group, monday))
    assert to_zone(offer, "Asia/Jakarta").date() == _free_day_after(
        monday, "ID", {monday + timedelta(days=1)})


def test_a_member_in_auckland_reads_a_jakarta_evening_on_their_own_day(
        make_user, organiser, frozen_now):
    """18:00 in Jakarta (no DST) is 00:00 the next day in Auckland in New Zealand's summer
    (UTC+13), 23:00 the same day in its winter (UTC+12): a New Zealand holiday on the next
    day clashes in summer only."""
    frozen_now(datetime(2028, 1, 1, tzinfo=UTC))
    kiwi = make_user(country="NZ", timezone="Pacific/Auckland")
    group = _group(organiser, [kiwi], country_code=None, rrule="FREQ=WEEKLY;BYDAY=MO",
                   first_date=date(2028, 1, 1), start_time=time(18))
    nz = holidays.country_holidays("NZ", years=[2028, 2029])
    summer, winter = date(2029, 2, 5), date(2028, 4, 24)  # Mondays before NZ holidays
    assert {summer + timedelta(days=1), winter + timedelta(days=1)} <= set(nz)
    in_summer, in_winter = _meeting(group, summer), _meeting(group, winter)
    assert to_zone(in_summer.start_dt, "Pacific/Auckland").date() == summer + timedelta(days=1)
    assert to_zone(in_winter.start_dt, "Pacific/Auckland").date() == winter
    found = clashes.occurrence_clashes(group, [in_summer, in_winter])
    assert list(found) == [in_summer.original_start_dt]
    [clash] = found[in_summer.original_start_dt]
    assert (clash.day, clash.country_code) == (summer + timedelta(days=1), "NZ")
    assert clash.name == nz[summer + timedelta(days=1)]


def test_a_move_in_auckland_across_the_clock_change_keeps_the_local_time(
        make_user, organiser, frozen_now):
    """Good Friday 2026 falls before New Zealand's clocks go back (5 April): the meeting
    moves past Easter Monday, still at 10:00 in Auckland, one hour later in UTC."""
    frozen_now(datetime(2026, 3, 1, tzinfo=UTC))
    kiwi = make_user(country="NZ", timezone="Pacific/Auckland")
    group = _group(organiser, [kiwi], country_code="NZ", timezone="Pacific/Auckland",
                   rrule="FREQ=WEEKLY;BYDAY=FR", first_date=date(2026, 3, 1))
    good_friday = date(2026, 4, 3)
    assert good_friday in holidays.country_holidays("NZ", years=2026)
    meeting = _meeting(group, good_friday)
    offer = clashes.move_off_clash(group, meeting.original_start_dt, organiser)
    db.session.commit()
    local = to_zone(offer, "Pacific/Auckland")
    assert local.date() == _free_day_after(good_friday, "NZ")
    assert local.time() == time(10)
    assert (meeting.start_dt.hour, offer.hour) == (21, 22)  # UTC+13, then UTC+12


def test_moving_off_the_holiday_keeps_the_series_notifies_and_raises_the_sequence(
        make_user, organiser, frozen_now):
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    sari = make_user(country="ID", timezone="Asia/Jakarta")
    group = _group(organiser, [sari])
    rule, sequence = group.rrule, group.sequence
    meeting = _meeting(group, EID_JOINT_LEAVE)
    offer = clashes.next_good_start(group, meeting)
    moved_to = clashes.move_off_clash(group, meeting.original_start_dt, organiser,
                                      expected=offer)
    db.session.commit()
    assert moved_to == offer
    group = db.session.get(WorkingGroup, group.id)
    assert group.rrule == rule and group.sequence > sequence
    [exception] = group.exceptions
    assert (exception.original_start_dt, exception.new_start_dt) == (
        meeting.original_start_dt, offer)
    assert clashes.occurrence_clashes(group, groups.group_occurrences(group, limit=3)) == {}
    notice = db.session.scalar(select(Notice).where(Notice.recipient_id == sari.id,
                                                    Notice.kind == "group_meeting_moved"))
    assert notice.params["when"] == offer.isoformat()
    audit = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "working_group_meeting_moved_off_holiday"))
    assert audit.detail["clashes"][0][:2] == ["ID", EID_JOINT_LEAVE.isoformat()]
    # Calendars: the meeting is a RECURRENCE-ID override at the new time, SEQUENCE raised.
    ics = icalendar.Calendar.from_ical(render(groups.group_items(group), "PUBLISH"))
    [override] = [e for e in ics.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert override.decoded("DTSTART").astimezone(UTC) == offer
    assert override.decoded("RECURRENCE-ID").date() == EID_JOINT_LEAVE
    assert int(override["SEQUENCE"]) == group.sequence > sequence
    # Pressed again (a second organiser): nothing more moves.
    with pytest.raises(groups.WorkingGroupConflict):
        clashes.move_off_clash(group, meeting.original_start_dt, organiser, expected=offer)


def test_a_stale_offer_moves_nothing(make_user, organiser, frozen_now):
    """The calendar changed after the page was shown: the organiser is asked to look again."""
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    group = _group(organiser, [make_user(country="ID", timezone="Asia/Jakarta")])
    meeting = _meeting(group, EID_JOINT_LEAVE)
    offer = clashes.next_good_start(group, meeting)
    set_override("ID", "", to_zone(offer, "Asia/Jakarta").date(), "Announced", True, "public",
                 organiser)
    with pytest.raises(groups.WorkingGroupConflict):
        clashes.move_off_clash(group, meeting.original_start_dt, organiser, expected=offer)
    db.session.rollback()
    assert db.session.get(WorkingGroup, group.id).exceptions == []


def test_a_meeting_without_a_clash_or_off_the_series_is_not_moved(
        make_user, organiser, frozen_now):
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    group = _group(organiser, [make_user(country="ID", timezone="Asia/Jakarta")])
    fine = _meeting(group, date(2027, 4, 13))
    with pytest.raises(groups.WorkingGroupConflict):
        clashes.move_off_clash(group, fine.original_start_dt, organiser)
    with pytest.raises(groups.Unprocessable):
        clashes.move_off_clash(group, fine.original_start_dt + timedelta(hours=1), organiser)
