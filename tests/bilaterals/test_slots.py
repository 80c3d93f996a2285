"""The slot finder at DST edges, over holidays, with half-hour and 45-minute offsets, plus a
property test: no proposed slot is ever outside anyone's working hours or on their holiday."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.bilaterals.slots import Invitee
from app.bilaterals.slots import find_slots
from app.core.time import to_zone
from app.holidays.workdays import country_holidays
from app.holidays.workdays import subdivision_for
from app.holidays.workdays import working_days_of
from tests.formatting import holiday_name


def person(key, country, zone, start=8 * 60, end=18 * 60, *, first=date(2026, 1, 1),
           last=date(2028, 12, 31), joint_leave=True, busy=()):
    subdivision = subdivision_for(country, zone)
    return Invitee(key=key, zone=zone, country_code=country, work_start=start, work_end=end,
                   working_days=working_days_of(country, subdivision),
                   holidays=country_holidays(country, subdivision, first, last,
                                             joint_leave=joint_leave), busy=tuple(busy))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local(instant, zone):
    return to_zone(instant, zone)


def assert_inside_hours(slots, invitees):
    for slot in slots:
        for invitee in invitees:
            start, end = local(slot.start_dt, invitee.zone), local(slot.end_dt, invitee.zone)
            assert start.date() == end.date() or (end.hour, end.minute) == (0, 0)
            assert start.hour * 60 + start.minute >= invitee.work_start
            assert end.hour * 60 + end.minute <= invitee.work_end or end.date() > start.date()
            assert start.weekday() in invitee.working_days
            assert start.date() not in invitee.holidays


def test_auckland_bangkok_across_the_end_of_nz_daylight_time():
    """NZ leaves daylight time on Sunday 4 April 2027: the shared window moves an hour
    later in UTC, and Chakri Memorial Day (Tue 6 April) is off in Thailand."""
    nz, th = person(1, "NZ", "Pacific/Auckland"), person(2, "TH", "Asia/Bangkok")
    search = find_slots([nz, th], date(2027, 4, 1), date(2027, 4, 9), 60)
    starts = {slot.start_dt for slot in search.feasible}
    assert_inside_hours(search.feasible, [nz, th])
    # Before: NZDT +13, the overlap ends at 18:00 Auckland = 05:00 UTC.
    assert utc(2027, 4, 2, 4) in starts and utc(2027, 4, 2, 5) not in starts
    # After: NZST +12, 18:00 Auckland = 06:00 UTC, 13:00 in Bangkok.
    assert utc(2027, 4, 5, 5) in starts
    days = {local(s.start_dt, "Asia/Bangkok").date() for s in search.slots}
    assert date(2027, 4, 6) not in days  # Chakri Memorial Day
    assert date(2027, 4, 3) not in days and date(2027, 4, 4) not in days  # weekend


def test_auckland_bangkok_across_the_start_of_nz_daylight_time():
    """NZ enters daylight time on Sunday 26 September 2027: the window shrinks by an hour."""
    nz, th = person(1, "NZ", "Pacific/Auckland"), person(2, "TH", "Asia/Bangkok")
    search = find_slots([nz, th], date(2027, 9, 22), date(2027, 9, 30), 60)
    starts = {slot.start_dt for slot in search.feasible}
    assert_inside_hours(search.feasible, [nz, th])
    assert utc(2027, 9, 24, 5) in starts  # 17:00 NZST, 12:00 Bangkok
    assert utc(2027, 9, 27, 5) not in starts  # 18:00 NZDT: after hours
    assert utc(2027, 9, 27, 4) in starts


def test_songkran_and_anzac_day_are_avoided():
    au, th = person(1, "AU", "Australia/Sydney"), person(2, "TH", "Asia/Bangkok")
    search = find_slots([au, th], date(2027, 4, 12), date(2027, 4, 16), 60)
    days = {local(s.start_dt, "Asia/Bangkok").date() for s in search.slots}
    assert days == {date(2027, 4, 12), date(2027, 4, 16)}  # 13-15: Songkran
    nz = person(3, "NZ", "Pacific/Auckland")
    search = find_slots([nz, th], date(2027, 4, 26), date(2027, 4, 27), 60)
    days = {local(s.start_dt, "Pacific/Auckland").date() for s in search.slots}
    assert days == {date(2027, 4, 27)}  # Anzac Day (Sunday) observed on Monday 26


def test_hari_raya_and_joint_leave_leave_no_day_and_say_so():
    """Indonesia 8-12 March 2027: Nyepi, Eid al-Fitr and joint leave on every other day."""
    first, last = date(2027, 3, 8), date(2027, 3, 12)
    indonesia = person(1, "ID", "Asia/Jakarta")
    malaysia = person(2, "MY", "Asia/Kuala_Lumpur")
    search = find_slots([indonesia, malaysia], first, last, 60)
    assert search.slots == []
    reason = search.reasons[0]
    assert reason.code == "no_working_day" and reason.zones == ("Asia/Jakarta",)
    assert holiday_name("ID", date(2027, 3, 10)) in reason.holiday_names
    assert any("(estimated)" in name for name in reason.holiday_names)
    without_leave = person(1, "ID", "Asia/Jakarta", joint_leave=False)
    search = find_slots([without_leave, malaysia], first, last, 60)
    days = {local(s.start_dt, "Asia/Jakarta").date() for s in search.slots}
    assert days == {date(2027, 3, 9), date(2027, 3, 12)}


def test_adelaide_and_chatham_half_and_three_quarter_hour_offsets():
    """January: Adelaide +10:30, Chatham +13:45. Adelaide 08:00 is 11:15 in Chatham; the last
    hour ends at 18:00 in Chatham, 14:45 in Adelaide."""
    adelaide = person(1, "AU", "Australia/Adelaide")
    chatham = person(2, "NZ", "Pacific/Chatham")
    search = find_slots([adelaide, chatham], date(2027, 1, 11), date(2027, 1, 15), 60)
    assert_inside_hours(search.feasible, [adelaide, chatham])
    for slot in search.feasible:
        for zone in ("Australia/Adelaide", "Pacific/Chatham"):
            assert local(slot.start_dt, zone).minute % 15 == 0
    monday = [s for s in search.feasible
              if local(s.start_dt, "Australia/Adelaide").date() == date(2027, 1, 11)]
    first, last = monday[0], monday[-1]
    assert local(first.start_dt, "Australia/Adelaide").strftime("%H:%M") == "08:00"
    assert local(first.start_dt, "Pacific/Chatham").strftime("%H:%M") == "11:15"
    assert local(last.end_dt, "Pacific/Chatham").strftime("%H:%M") == "18:00"
    assert local(last.end_dt, "Australia/Adelaide").strftime("%H:%M") == "14:45"
    assert subdivision_for("NZ", "Pacific/Chatham") == "CIT"
    assert subdivision_for("AU", "Australia/Adelaide") == "SA"


def test_the_feasible_window_edges_with_a_45_minute_offset():
    adelaide = person(1, "AU", "Australia/Adelaide")
    chatham = person(2, "NZ", "Pacific/Chatham")
    search = find_slots([adelaide, chatham], date(2027, 1, 11), date(2027, 1, 11), 60)
    # Every feasible start on the grid counts; the proposal keeps non-overlapping ones.
    assert len(search.feasible) == 24  # 08:00..13:45 Adelaide, every quarter hour
    proposed = sorted(local(s.start_dt, "Australia/Adelaide").strftime("%H:%M")
                      for s in search.slots)
    assert all("08:00" <= hhmm <= "13:45" for hhmm in proposed)


def test_fairest_first_and_spread_across_days():
    nz, th = person(1, "NZ", "Pacific/Auckland"), person(2, "TH", "Asia/Bangkok")
    search = find_slots([nz, th], date(2027, 6, 14), date(2027, 6, 18), 60,
                        day_zone="Asia/Bangkok")
    first_round = search.slots[:5]
    assert len({local(s.start_dt, "Asia/Bangkok").date() for s in first_round}) == 5
    assert all(s.worst <= later.worst for s in first_round for later in search.slots[5:])
    best = search.slots[0]
    # June: Auckland +12, Bangkok +7; the fairest hour sits between their days' middles.
    assert local(best.start_dt, "Asia/Bangkok").hour in (9, 10)


def test_busy_sessions_and_the_past_are_excluded():
    busy = [(utc(2027, 6, 7, 1), utc(2027, 6, 7, 6))]
    nz = person(1, "NZ", "Pacific/Auckland", busy=busy)
    th = person(2, "TH", "Asia/Bangkok")
    search = find_slots([nz, th], date(2027, 6, 7), date(2027, 6, 8), 60,
                        not_before=utc(2027, 6, 8, 2))
    assert search.slots
    assert all(s.start_dt >= utc(2027, 6, 8, 2) for s in search.slots)


def test_no_overlap_on_fridays_is_explained():
    short_day = person(1, "NZ", "Pacific/Auckland", 8 * 60, 12 * 60)
    jakarta = person(2, "ID", "Asia/Jakarta", 9 * 60, 17 * 60)
    search = find_slots([short_day, jakarta], date(2027, 6, 11), date(2027, 6, 11), 60)
    assert search.slots == []
    assert search.reasons[0].code == "no_overlap"
    assert search.reasons[0].zones == ("Pacific/Auckland", "Asia/Jakarta")
    assert search.reasons[0].weekdays == (4,)


ZONES = [("AU", "Australia/Sydney"), ("AU", "Australia/Adelaide"), ("AU", "Australia/Perth"),
         ("AU", "Australia/Lord_Howe"), ("NZ", "Pacific/Auckland"), ("NZ", "Pacific/Chatham"),
         ("TH", "Asia/Bangkok"), ("ID", "Asia/Jakarta"), ("ID", "Asia/Jayapura"),
         ("MY", "Asia/Kuala_Lumpur")]


@st.composite
def invitee_lists(draw):
    count = draw(st.integers(2, 5))
    people = []
    for key in range(count):
        country, zone = draw(st.sampled_from(ZONES))
        start = draw(st.integers(24, 44)) * 15  # 06:00..11:00
        end = start + draw(st.integers(16, 44)) * 15  # 4..11 hours
        busy = []
        for _n in range(draw(st.integers(0, 3))):
            begin = utc(2027, 1, 1) + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 400)))
            busy.append((begin, begin + timedelta(minutes=15 * draw(st.integers(1, 16)))))
        people.append(person(key, country, zone, start, min(end, 23 * 60), busy=busy))
    return people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=invitee_lists(),
       first=st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 3, 1)),
       length=st.integers(1, 21), duration=st.sampled_from([30, 45, 60, 90]))
def test_no_slot_outside_hours_or_on_a_holiday(people, first, length, duration):
    last = first + timedelta(days=length - 1)
    search = find_slots(people, first, last, duration)
    assert_inside_hours(search.slots, people)
    for slot in search.slots:
        assert slot.end_dt - slot.start_dt == timedelta(minutes=duration)
        assert slot.start_dt.minute % 15 == 0
        for invitee in people:
            assert first <= local(slot.start_dt, invitee.zone).date() <= last
            assert all(slot.end_dt <= b or slot.start_dt >= e for b, e in invitee.busy)
    if not search.slots:
        assert search.reasons
