"""Auto-assign on generated cases: no plan breaks a rule, and no plan fills fewer channels
than the best one an exhaustive search finds.

The rules are re-stated here independently (a second reading of the issue), so a bug shared
by the engine and its own checks would still show.
"""

from __future__ import annotations

import math
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from itertools import combinations
from itertools import product

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.core.time import to_zone
from app.interpretation.models import Grade
from app.interpretation.rules import Limits
from app.interpretation.rules import Person
from app.interpretation.rules import Slot
from app.interpretation.rules import plan_assignments

LIMITS = Limits(rsi_daily_minutes=60, travel_minutes=60)
BASE = datetime(2027, 3, 10, 0, tzinfo=UTC)
ZONES = {1: "Asia/Bangkok", 2: "Asia/Jakarta", 3: "Pacific/Auckland"}


def size_of(slot: Slot) -> int:
    base = next(n for longest, n in LIMITS.team_sizes if slot.minutes <= longest)
    return base + (1 if slot.is_retour or slot.gives_relay else 0)


def works(grades, source, target) -> bool:
    if source == target or source not in grades:
        return False
    if grades.get(target) == Grade.A:
        return True
    return grades.get(target) == Grade.B and grades[source] == Grade.A


def may_take(slot: Slot, person: Person) -> bool:
    """Everything that does not depend on other work."""
    if slot.cancelled or not works(person.grades, slot.source, slot.target):
        return False
    if slot.is_retour and not works(person.grades, slot.target, slot.floor):
        return False
    if (slot.on_site and not person.on_site) or (not slot.on_site and not person.remote):
        return False
    if any(a < slot.end and slot.start < b for a, b in person.off):
        return False
    return not person.windows or any(a <= slot.start and slot.end <= b
                                     for a, b in person.windows)


def clash(a: Slot, b: Slot) -> bool:
    where_a = f"site{a.place}" if a.on_site else "remote"
    where_b = f"site{b.place}" if b.on_site else "remote"
    travel = 60 if (a.on_site or b.on_site) and where_a != where_b \
        and a.event_id != b.event_id else 0
    gap = timedelta(minutes=travel)
    if a.start < b.end + gap and b.start < a.end + gap:
        return True
    if a.on_site and b.on_site and a.event_id != b.event_id:
        for zone in {a.zone, b.zone}:
            if to_zone(a.start, zone).date() == to_zone(b.start, zone).date():
                return True
    return False


def legal(person: Person, work: list[Slot]) -> bool:
    if any(clash(a, b) for a, b in combinations(work, 2)):
        return False
    per_day = {}
    for slot in work:
        if not slot.on_site:
            day = to_zone(slot.start, person.zone).date()
            per_day[day] = per_day.get(day, 0) + math.ceil(slot.minutes / size_of(slot))
    return all(total <= LIMITS.rsi_daily_minutes for total in per_day.values())


def plan_is_legal(slots, people, external, added) -> bool:
    by_slot = {s.channel_id: s for s in slots}
    for cid, team in added.items():
        if len(team) != size_of(by_slot[cid]) or len(set(team)) != len(team):
            return False
        if not all(may_take(by_slot[cid], people[pid]) for pid in team):
            return False
    for pid, person in people.items():
        work = [*external.get(pid, []), *(by_slot[cid] for cid, team in added.items()
                                          if pid in team)]
        if not legal(person, work):
            return False
    return True


def best_possible(slots, people, external) -> int:
    """Exhaustive: the most channels any legal plan fills."""
    options = []
    for slot in slots:
        fit = [pid for pid, person in people.items() if may_take(slot, person)]
        options.append([None, *combinations(fit, size_of(slot))])
    best = 0
    for choice in product(*options):
        added = {s.channel_id: team for s, team in zip(slots, choice, strict=True) if team}
        if len(added) > best and plan_is_legal(slots, people, external, added):
            best = len(added)
    return best


grade = st.sampled_from([None, Grade.A, Grade.B, Grade.C])


@st.composite
def slots_(draw, first_id=1, most=4, least=1):
    found = []
    for n in range(draw(st.integers(least, most))):
        start = BASE + timedelta(minutes=20 * draw(st.integers(0, 12)))
        event_id = draw(st.integers(1, 3))
        found.append(Slot(
            channel_id=first_id + n, event_id=event_id, title=f"S{first_id + n}",
            start=start, end=start + timedelta(minutes=draw(st.sampled_from([20, 40, 60]))),
            floor=draw(st.sampled_from(["en", "th"])), target=draw(st.sampled_from(["th", "id"])),
            is_retour=draw(st.booleans()) and draw(st.booleans()),
            on_site=draw(st.booleans()), place=f"venue{event_id}", zone=ZONES[event_id],
            cancelled=draw(st.integers(0, 9)) == 0,
        ))
    return [s for s in found if s.floor != s.target]


@st.composite
def cases(draw):
    slots = draw(slots_())
    people = {}
    for pid in range(1, draw(st.integers(1, 4)) + 1):
        grades = {code: g for code in ("en", "th", "id") if (g := draw(grade)) is not None}
        remote = draw(st.booleans())
        off = ()
        if draw(st.integers(0, 3)) == 0:
            start = BASE + timedelta(hours=draw(st.integers(0, 12)))
            off = ((start, start + timedelta(hours=2)),)
        people[pid] = Person(id=pid, name=f"P{pid}", grades=grades, remote=remote,
                             on_site=not remote or draw(st.booleans()),
                             zone=draw(st.sampled_from(list(ZONES.values()))), off=off)
    external = {pid: draw(slots_(first_id=100 * pid, most=1, least=0))
                for pid in people}
    return slots, people, external


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_auto_assign_never_breaks_a_rule_and_fills_all_it_can(case):
    slots, people, external = case
    external = {pid: [s for s in work if not s.cancelled] for pid, work in external.items()}
    plan = plan_assignments(slots, list(people.values()), external, {}, LIMITS)
    assert plan_is_legal(slots, people, external, plan.added)
    assert len(plan.added) == best_possible(slots, people, external)
    filled_or_explained = set(plan.added) | set(plan.unfilled)
    assert filled_or_explained == {s.channel_id for s in slots}
    assert all(why for why in plan.unfilled.values())


@settings(max_examples=100, deadline=None)
@given(cases())
def test_auto_assign_is_deterministic(case):
    slots, people, external = case
    first = plan_assignments(slots, list(people.values()), external, {}, LIMITS)
    again = plan_assignments(list(reversed(slots)), list(people.values()), external, {},
                             LIMITS)
    assert first.added == again.added
