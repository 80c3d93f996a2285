"""The slot finder on generated calls: invitees of the five countries living in any IANA zone,
random dates (Ramadan included), random blocked times (Ramadan-only ones too) and random
interpreters with other work. No proposed slot falls in a blocked time, on a public holiday
of the invitee's country, on their weekend or outside their working hours; with
interpreters, none without a free team for the call's language pair.

The checks are written here from the rules' wording, not by calling the finder's helpers.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytz
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.bilaterals.slots import Block
from app.bilaterals.slots import Invitee
from app.bilaterals.slots import find_slots
from app.core.time import to_zone
from app.holidays.services import DEFAULT_BLOCKS
from app.holidays.services import RAMADAN_BLOCKS
from app.holidays.workdays import country_holidays
from app.holidays.workdays import estimated_ramadan
from app.holidays.workdays import working_days_of
from app.interpretation.models import Grade
from app.interpretation.models import Mode
from app.interpretation.rules import Limits
from app.interpretation.rules import Person
from app.interpretation.rules import Slot
from app.interpretation.rules import could_work
from app.interpretation.rules import free_team
from app.interpretation.rules import team_is_free

COUNTRIES = ("AU", "ID", "MY", "NZ", "TH")
ZONES = [zone for zone in pytz.common_timezones if "/" in zone]
LIMITS = Limits()
START = datetime(2027, 1, 1, tzinfo=UTC)


def blocks_of(country: str, extra: tuple[Block, ...]) -> tuple[Block, ...]:
    found = [Block(weekday, start, end, ramadan) for blocks, ramadan
             in ((DEFAULT_BLOCKS, False), (RAMADAN_BLOCKS, True))
             for only, weekday, start, end, _label in blocks if only is None or country in only]
    return (*found, *extra)


def fasting_of(country: str, first: date, last: date) -> tuple[tuple[date, date], ...]:
    return tuple(ramadan for year in range(first.year, last.year + 2)
                 if (ramadan := estimated_ramadan(country, year)))


@st.composite
def extra_blocks(draw):
    found = []
    for _n in range(draw(st.integers(0, 3))):
        start = draw(st.integers(6 * 4, 20 * 4)) * 15
        end = min(start + draw(st.integers(1, 12)) * 15, 1440)
        found.append(Block(draw(st.sampled_from([None, *range(7)])), start, end,
                           draw(st.booleans())))
    return tuple(found)


@st.composite
def calls(draw):
    """Two countries, one to three invitees each in any zone, a date range, Ramadan hours
    kept or not."""
    first = draw(st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 6, 1)))
    last = first + timedelta(days=draw(st.integers(0, 20)))
    ramadan = draw(st.booleans())
    people = []
    for country in draw(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=2,
                                 unique=True)):
        extra = draw(extra_blocks())
        for _n in range(draw(st.integers(1, 3))):
            start = draw(st.integers(24, 40)) * 15
            end = min(start + draw(st.integers(24, 44)) * 15, 22 * 60)
            busy = []
            for _b in range(draw(st.integers(0, 2))):
                begin = START + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 560)))
                busy.append((begin, begin + timedelta(minutes=15 * draw(st.integers(1, 12)))))
            people.append(Invitee(
                key=len(people), zone=draw(st.sampled_from(ZONES)), country_code=country,
                work_start=start, work_end=end, working_days=working_days_of(country),
                holidays=country_holidays(country, "", first - timedelta(days=1),
                                          last + timedelta(days=1), joint_leave=True),
                busy=tuple(sorted(busy)), blocked=blocks_of(country, extra),
                fasting=fasting_of(country, first, last) if ramadan else ()))
    return people, first, last


def call_channel(start: datetime, end: datetime) -> Slot:
    """A Thai-Indonesian call, interpreted consecutively both ways, online."""
    return Slot(channel_id=0, event_id=0, title="call", start=start, end=end, floor="th",
                target="id", is_retour=True, on_site=False, mode=Mode.CONSECUTIVE)


@st.composite
def interpreters(draw, first: date, last: date, hot: list[datetime]):
    """Up to four interpreters, most of them for Thai and Indonesian, with other work of
    half an hour to two hours inside the call's range, often at a time that suits the
    invitees (``hot``)."""
    people, booked = [], {}
    days = (last - first).days + 2
    for pid in range(1, draw(st.integers(0, 4)) + 1):
        languages = draw(st.sampled_from([["th", "id"], ["th", "id"], ["th", "id", "en"],
                                          ["th", "en"], ["id"]]))
        grades = {code: Grade(draw(st.sampled_from("AB"))) for code in languages}
        people.append(Person(id=pid, name=f"I{pid}", grades=grades,
                             remote=draw(st.sampled_from([True, True, False])),
                             zone=draw(st.sampled_from(ZONES))))
        work = []
        for n in range(draw(st.integers(0, 6))):
            begin = datetime.combine(first, datetime.min.time(), UTC) - timedelta(days=1) + \
                timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * days)))
            if hot and draw(st.booleans()):
                begin = draw(st.sampled_from(hot)) + timedelta(minutes=15 * draw(
                    st.integers(-3, 3)))
            work.append(Slot(channel_id=100 * pid + n, event_id=pid, title="other",
                             start=begin, end=begin + timedelta(minutes=15 * draw(
                                 st.integers(2, 8))), floor="en", target="th"))
        booked[pid] = work
    return people, booked


def into(grades, source, target) -> bool:
    return source in grades and (grades.get(target) == Grade.A or (
        grades.get(target) == Grade.B and grades[source] == Grade.A))


def free_interpreters(start, end, people, booked) -> int:
    """Those who work both ways between Thai and Indonesian, remotely, with nothing else
    at the time."""
    return sum(1 for p in people
               if p.remote and into(p.grades, "th", "id") and into(p.grades, "id", "th")
               and not any(w.start < end and start < w.end for w in booked[p.id]))


def assert_keeps_every_rule(slot_start, slot_end, people):
    for invitee in people:
        start, end = to_zone(slot_start, invitee.zone), to_zone(slot_end, invitee.zone)
        day = start.date()
        lo = start.hour * 60 + start.minute
        hi = lo + int((slot_end - slot_start).total_seconds() // 60)
        assert day.weekday() in invitee.working_days, "weekend"
        assert day not in invitee.holidays, "public holiday"
        assert invitee.work_start <= lo and hi <= invitee.work_end, "outside working hours"
        assert end.date() == day or (end.hour, end.minute) == (0, 0)
        fasting = any(a <= day <= b for a, b in invitee.fasting)
        for block in invitee.blocked:
            if block.weekday not in (None, day.weekday()) or (block.ramadan and not fasting):
                continue
            assert hi <= block.start or lo >= block.end, ("blocked", block)
        assert all(slot_end <= b or slot_start >= e for b, e in invitee.busy), "busy"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=calls(), duration=st.sampled_from([30, 45, 60, 90]))
def test_no_slot_in_a_blocked_time_holiday_weekend_or_outside_hours(call, duration):
    people, first, last = call
    search = find_slots(people, first, last, duration)
    for slot in search.feasible:
        assert slot.end_dt - slot.start_dt == timedelta(minutes=duration)
        assert_keeps_every_rule(slot.start_dt, slot.end_dt, people)
    assert {s.start_dt for s in search.slots} <= {s.start_dt for s in search.feasible}
    assert search.slots or search.reasons


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=calls(), data=st.data(), duration=st.sampled_from([30, 60, 90]))
def test_no_slot_without_a_free_interpreter_team(call, data, duration):
    people, first, last = call
    without = find_slots(people, first, last, duration)
    interpreters_, booked = data.draw(interpreters(
        first, last, [slot.start_dt for slot in without.feasible]))
    need = 1 if duration <= 60 else 2  # consecutive: alone up to an hour, a pair beyond

    def check(start, end):
        return free_team(call_channel(start, end), interpreters_, booked, LIMITS) is not None

    search = find_slots(people, first, last, duration, team=check)
    for slot in search.feasible:
        assert_keeps_every_rule(slot.start_dt, slot.end_dt, people)
        assert free_interpreters(slot.start_dt, slot.end_dt, interpreters_, booked) >= need
    assert {s.start_dt for s in search.feasible} <= {s.start_dt for s in without.feasible}
    if without.feasible and not search.feasible:
        assert [r.code for r in search.reasons] == ["no_team"]
    if not any(p.remote and into(p.grades, "th", "id") and into(p.grades, "id", "th")
               for p in interpreters_):
        assert search.slots == []
    # The app's faster check (those who could work, counted) answers as the planner does.
    able = could_work(call_channel(START, START), interpreters_)
    for slot in without.feasible:
        channel = call_channel(slot.start_dt, slot.end_dt)
        assert team_is_free(channel, able, booked, LIMITS) == check(slot.start_dt, slot.end_dt)
