"""Blocked times (lunch, Friday prayers) in the slot finder: never a slot inside one, in either
country's own wall clock, for random pairs of platform countries, zones (DST and not), dates
and blocks; plus the Indonesia-Thailand call that once proposed only lunchtimes."""

from datetime import date
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.bilaterals.slots import Block
from app.bilaterals.slots import Invitee
from app.bilaterals.slots import find_slots
from app.bilaterals.slots import open_minutes
from app.demo import COUNTRIES
from app.holidays.services import DEFAULT_BLOCKS
from tests.bilaterals.test_slots import assert_inside_hours
from tests.bilaterals.test_slots import local
from tests.bilaterals.test_slots import person

# The platform's zones per country, plus zones a delegate may live in: Chatham (+12:45/+13:45)
# and Adelaide (+9:30/+10:30) change their clocks, Brisbane and Darwin never do.
ZONES_OF = {code: list(zones) for code, _name, zones, _sub in COUNTRIES}
ZONES_OF["NZ"].append("Pacific/Chatham")
ZONES_OF["AU"] += ["Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin"]
# Ranges starting around the clock changes of 2027: Australia and NZ leave daylight time on
# 4 April and enter it on 26 September (NZ) and 3 October (Australia).
DST_EDGES = [date(2027, 4, 1), date(2027, 4, 3), date(2027, 9, 23), date(2027, 9, 25),
             date(2027, 10, 1), date(2027, 10, 2), date(2028, 4, 1)]


def defaults(country: str) -> tuple[Block, ...]:
    """The blocks a country starts with, as the finder gets them."""
    return tuple(Block(weekday, start, end) for only, weekday, start, end, _label
                 in DEFAULT_BLOCKS if only is None or country in only)


def with_blocks(invitee: Invitee, blocks) -> Invitee:
    return Invitee(**{**invitee.__dict__, "blocked": tuple(blocks)})


def minutes_of(instant, zone) -> int:
    wall = local(instant, zone)
    return wall.hour * 60 + wall.minute


def assert_clear_of_blocks(slots, invitees):
    """Each slot, read in each invitee's own zone, touches none of their blocked times."""
    for slot in slots:
        for invitee in invitees:
            start = local(slot.start_dt, invitee.zone)
            begin = minutes_of(slot.start_dt, invitee.zone)
            end = begin + (local(slot.end_dt, invitee.zone) - start).seconds // 60
            for block in invitee.blocked:
                if block.weekday in (None, start.weekday()):
                    assert end <= block.start or begin >= block.end, (
                        f"{slot.start_dt:%Y-%m-%d %H:%M} UTC is {start:%a %H:%M} in "
                        f"{invitee.zone}, inside {block}")


def test_indonesia_thailand_never_at_lunch_or_friday_prayers():
    """The call of the issue: 8 slots, all 12:30-13:30 local, one at Friday prayers."""
    jakarta = with_blocks(person(1, "ID", "Asia/Jakarta"), defaults("ID"))
    makassar = with_blocks(person(2, "ID", "Asia/Makassar"), defaults("ID"))
    bangkok = with_blocks(person(3, "TH", "Asia/Bangkok"), defaults("TH"))
    people = [jakarta, makassar, bangkok]
    search = find_slots(people, date(2027, 2, 1), date(2027, 2, 28), 60)
    assert len(search.slots) >= 8
    assert_clear_of_blocks(search.feasible, people)
    assert_inside_hours(search.feasible, people)
    # Fridays still offer calls, outside prayers: 09:00 Jakarta (10:00 Makassar) is free.
    fridays = [s for s in search.feasible if local(s.start_dt, "Asia/Jakarta").weekday() == 4]
    assert fridays
    starts = {(local(s.start_dt, "Asia/Jakarta").hour, local(s.start_dt, "Asia/Jakarta").minute)
              for s in fridays}
    assert (9, 0) in starts and (11, 0) not in starts and (13, 30) in starts
    # Without the blocks, 12:00 Bangkok (lunch for both) was among the candidates.
    unblocked = find_slots([person(1, "ID", "Asia/Jakarta"), person(3, "TH", "Asia/Bangkok")],
                           date(2027, 2, 1), date(2027, 2, 28), 60)
    assert any(minutes_of(s.start_dt, "Asia/Bangkok") == 12 * 60 for s in unblocked.feasible)


def test_blocks_follow_each_invitee_zone_not_the_countrys_first():
    """Lunch in Perth is 12:00 Perth time, two or three hours after Sydney's."""
    sydney = with_blocks(person(1, "AU", "Australia/Sydney"), defaults("AU"))
    perth = with_blocks(person(2, "AU", "Australia/Perth"), defaults("AU"))
    bangkok = with_blocks(person(3, "TH", "Asia/Bangkok"), defaults("TH"))
    search = find_slots([sydney, perth, bangkok], date(2027, 3, 1), date(2027, 3, 12), 60)
    assert search.feasible
    assert_clear_of_blocks(search.feasible, [sydney, perth, bangkok])
    assert not any(12 * 60 <= minutes_of(s.start_dt, "Australia/Perth") < 13 * 60
                   for s in search.feasible)


def test_open_minutes_cut_the_working_day_around_blocks():
    office = Invitee(key=1, zone="Asia/Jakarta", country_code="ID", work_start=8 * 60,
                     work_end=18 * 60, blocked=(*defaults("ID"), Block(0, 7 * 60, 9 * 60)))
    assert open_minutes(office, 4) == [(480, 690), (810, 1080)]  # Friday: prayers
    assert open_minutes(office, 0) == [(540, 720), (780, 1080)]  # Monday: lunch, 7-9
    assert open_minutes(office, 2) == [(480, 720), (780, 1080)]


@st.composite
def blocks(draw):
    found = []
    for _n in range(draw(st.integers(0, 3))):
        start = draw(st.integers(6 * 12, 20 * 12)) * 5  # 06:00..20:00, 5-minute steps
        end = start + draw(st.integers(1, 36)) * 5  # up to 3 hours
        found.append(Block(draw(st.sampled_from([None, *range(7)])), start, min(end, 1440)))
    return found


@st.composite
def two_countries(draw):
    """One to three invitees on each side of a call between two platform countries, each in
    a zone of their country, each country with its defaults and random blocks of its own."""
    a, b = draw(st.lists(st.sampled_from(sorted(ZONES_OF)), min_size=2, max_size=2,
                         unique=True))
    people = []
    for country in (a, b):
        extra = draw(blocks())
        for _n in range(draw(st.integers(1, 3))):
            zone = draw(st.sampled_from(ZONES_OF[country]))
            start = draw(st.integers(24, 40)) * 15  # 06:00..10:00
            end = start + draw(st.integers(24, 44)) * 15  # 6..11 hours
            people.append(with_blocks(
                person(len(people), country, zone, start, min(end, 22 * 60)),
                defaults(country) + tuple(extra)))
    return people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=two_countries(),
       first=st.one_of(st.sampled_from(DST_EDGES),
                       st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 6, 1))),
       length=st.integers(1, 21), duration=st.sampled_from([30, 45, 60, 90]))
def test_no_slot_in_a_blocked_time_holiday_weekend_or_outside_hours(people, first, length,
                                                                    duration):
    last = first + timedelta(days=length - 1)
    search = find_slots(people, first, last, duration)
    # Every feasible start, not only the few proposed, is checked on both sides.
    assert_clear_of_blocks(search.feasible, people)
    assert_inside_hours(search.feasible, people)
    for slot in search.feasible:
        assert slot.end_dt - slot.start_dt == timedelta(minutes=duration)
        for invitee in people:
            assert first <= local(slot.start_dt, invitee.zone).date() <= last
    assert {s.start_dt for s in search.slots} <= {s.start_dt for s in search.feasible}
    if not search.slots:
        assert search.reasons
