"""The small-group balancing rule on plain values (app/registrations/balancing.py): property
tests over random rosters, and the examples the rule exists for."""

from collections import Counter

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.registrations.balancing import Group
from app.registrations.balancing import Member
from app.registrations.balancing import balance
from app.registrations.balancing import language_plan

COUNTRIES = ("AU", "ID", "MY", "NZ", "TH")
KINDS = ("government", "civil_society", "international", "other")
LANGUAGES = ("en", "id", "ms", "th", "mi", "asf")


@st.composite
def rosters(draw, *, limited=False, with_modes=False):
    n = draw(st.integers(0, 40))
    members = [Member(
        id=i + 1,
        country=draw(st.sampled_from(COUNTRIES)),
        kind=draw(st.sampled_from(KINDS)),
        languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=3))),
        attends=draw(st.sampled_from(("", "in_person", "online"))) if with_modes else "",
    ) for i in range(n)]
    k = draw(st.integers(1, 5))
    modes = ("both", "in_person", "online") if with_modes else ("both",)
    groups = [Group(id=100 + j,
                    places=draw(st.none() | st.integers(0, 15)) if limited else None,
                    mode=draw(st.sampled_from(modes))) for j in range(k)]
    return groups, members


def _spread(outcome, groups, key):
    counts = {g.id: Counter() for g in groups}
    for member_id, group_id in outcome.placement.items():
        counts[group_id][key(member_id)] += 1
    values = {value for group in counts.values() for value in group}
    return {value: max(c[value] for c in counts.values()) - min(c[value] for c in counts.values())
            for value in values}


@settings(max_examples=150, deadline=None)
@given(rosters())
def test_everyone_placed_once_countries_within_one_sizes_within_one(roster):
    groups, members = roster
    outcome = balance(groups, members)
    assert sorted(outcome.placement) == [m.id for m in members]
    assert outcome.unplaced == []
    country = {m.id: m.country for m in members}
    assert all(spread <= 1 for spread in _spread(outcome, groups, country.get).values())
    sizes = Counter(outcome.placement.values())
    assert max(sizes[g.id] for g in groups) - min(sizes[g.id] for g in groups) <= 1


@settings(max_examples=150, deadline=None)
@given(rosters(limited=True, with_modes=True))
def test_never_over_places_never_the_wrong_room_each_person_once(roster):
    groups, members = roster
    outcome = balance(groups, members)
    by_id = {m.id: m for m in members}
    group_of = {g.id: g for g in groups}
    assert set(outcome.placement).isdisjoint(outcome.unplaced)
    assert set(outcome.placement) | set(outcome.unplaced) == set(by_id)
    sizes = Counter(outcome.placement.values())
    assert all(g.places is None or sizes[g.id] <= g.places for g in groups)
    for member_id, group_id in outcome.placement.items():
        mode = group_of[group_id].mode
        assert mode == "both" or by_id[member_id].attends in ("", mode)
    if all(g.mode == "both" for g in groups) and \
            sum(g.places if g.places is not None else len(members) for g in groups) \
            >= len(members):
        assert outcome.unplaced == []


@settings(max_examples=200, deadline=None)
@given(rosters(limited=True), st.data())
def test_countries_within_one_wherever_the_places_allow_it(roster, data):
    """Arithmetically possible: every group has room for its even share of every country
    (the ceiling of the country's count over the groups, summed)."""
    groups, members = roster
    per_country = Counter(m.country for m in members)
    share = sum(-(-n // len(groups)) for n in per_country.values())
    groups = [Group(g.id, None if g.places is None else max(g.places, share)) for g in groups]
    outcome = balance(groups, members)
    assert outcome.unplaced == []
    country = {m.id: m.country for m in members}
    assert all(spread <= 1 for spread in _spread(outcome, groups, country.get).values())


@settings(max_examples=200, deadline=None)
@given(rosters(), st.data())
def test_kept_people_stay_and_the_same_input_gives_the_same_groups(roster, data):
    groups, members = roster
    kept = {m.id: data.draw(st.sampled_from([g.id for g in groups]))
            for m in members if data.draw(st.booleans())}
    outcome = balance(groups, members, kept, ("en",))
    assert all(outcome.placement[m] == g for m, g in kept.items())
    assert sorted(outcome.placement) == [m.id for m in members]
    again = balance(list(reversed(groups)), list(reversed(members)), kept, ("en",))
    assert balance(groups, members, kept, ("en",)).placement == outcome.placement
    assert sorted(again.placement) == sorted(outcome.placement)


def test_people_who_need_one_language_are_gathered_where_their_country_allows():
    """Four Thai participants in two groups: two each. The two who asked for Thai
    interpretation share a group, so one group needs an interpreter, not both."""
    english, thai = frozenset({"en"}), frozenset({"th"})
    members = [Member(1, "TH", "government", thai), Member(2, "TH", "government", english),
               Member(3, "TH", "civil_society", thai), Member(4, "TH", "civil_society", english),
               Member(5, "AU", "government", english), Member(6, "AU", "civil_society", english)]
    outcome = balance([Group(1), Group(2)], members, preferred=("en",))
    assert outcome.placement[1] == outcome.placement[3]
    groups = {g: [m for m in members if outcome.placement[m.id] == g] for g in (1, 2)}
    plans = {g: language_plan(people, ("en",)) for g, people in groups.items()}
    # Two of its three work in Thai: Thai is its language, with English interpreted.
    assert sorted(plan.pairs for plan in plans.values()) == [(), (("th", "en"),)]
    assert all(Counter(m.country for m in people) == Counter({"TH": 2, "AU": 1})
               for people in groups.values())


def test_kinds_are_mixed_within_each_country():
    members = [Member(i, "ID", "government" if i <= 2 else "civil_society", frozenset({"id"}))
               for i in range(1, 5)]
    outcome = balance([Group(1), Group(2)], members)
    kinds = {g: sorted(m.kind for m in members if outcome.placement[m.id] == g) for g in (1, 2)}
    assert kinds == {1: ["civil_society", "government"], 2: ["civil_society", "government"]}


def test_language_plan_names_each_pair_a_group_needs():
    people = [Member(1, languages=frozenset({"en", "ms"})), Member(2, languages=frozenset({"en"})),
              Member(3, languages=frozenset({"th"})), Member(4, languages=frozenset({"asf"}))]
    plan = language_plan(people, ("en",))
    assert plan.language == "en" and plan.needs_interpretation
    assert plan.pairs == (("en", "asf"), ("en", "th"))
    shared = language_plan(people[:2], ("ms",))
    assert shared == language_plan(people[:2], ("ms",)) and not shared.needs_interpretation
    assert shared.language == "en"  # both work in it; Malay only one
