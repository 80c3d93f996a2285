"""Balancing people across small groups that run at the same time: the rule alone, on plain
values, so property tests can run it thousands of times without a database.

What a good set of groups is, in order of importance:

1. everyone placed once, and no group over its places (a person attending online is never put
   in an in-person-only room, nor the other way round);
2. each country spread as evenly as the places allow (in every group its count differs by
   at most one from every other group's), and groups of even size;
3. as few interpretation needs as possible: Zoom cannot interpret inside breakout rooms, so
   a group whose members share no working language needs an interpreter in it. People who
   need one language are gathered in as few groups as the country spread allows;
4. organisation kinds (government, civil society...) mixed as evenly as possible.

A greedy pass places people country by country (largest first), each into the group with the
fewest of their country, then the fewest people, then the fewest of their organisation kind.
Then two people of the same country swap groups while that lowers the interpretation needs,
then the kind imbalance: a swap keeps every country's spread and every group's size, so step
2 holds whatever the swaps do. Everything is ordered by ids, so the same input always gives
the same groups.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field

ANY = "both"


@dataclass(frozen=True)
class Member:
    """A person to place: ``languages`` are those they work in (a person who asked for
    interpretation works in that language only); ``attends`` is "in_person", "online" or
    "" when it does not matter."""

    id: int
    country: str = ""
    kind: str = ""
    languages: frozenset[str] = frozenset()
    attends: str = ""


@dataclass(frozen=True)
class Group:
    """A small group: ``places`` None for no limit; ``mode`` "in_person", "online" or "both"."""

    id: int
    places: int | None = None
    mode: str = ANY


@dataclass(frozen=True)
class LanguagePlan:
    """How a group talks: ``language`` the one most of its members work in (the floor
    language first on a tie); ``pairs`` the interpretation it needs, (that language, another)
    for each language some members need because they do not work in it. No pairs: the group
    shares a language."""

    language: str | None
    pairs: tuple[tuple[str, str], ...] = ()

    @property
    def needs_interpretation(self) -> bool:
        return bool(self.pairs)


@dataclass
class Outcome:
    placement: dict[int, int]  # member id -> group id, kept members included
    unplaced: list[int] = field(default_factory=list)  # no group with a free place fits them


def may_join(member: Member, group: Group) -> bool:
    return group.mode == ANY or not member.attends or member.attends == group.mode


def language_plan(members, preferred: tuple[str, ...] = ()) -> LanguagePlan:
    """The group's working language and the interpretation it needs (see ``LanguagePlan``);
    ``preferred`` breaks ties, first the session's floor language."""
    sets = [m.languages for m in members if m.languages]
    if not sets:
        return LanguagePlan(None)

    def best(candidates: list[frozenset[str]]) -> str:
        counts = Counter(code for languages in candidates for code in languages)
        rank = {code: n for n, code in enumerate(preferred)}
        return min(counts, key=lambda code: (-counts[code], rank.get(code, len(rank)), code))

    working = best(sets)
    pairs = []
    uncovered = [languages for languages in sets if working not in languages]
    while uncovered:
        other = best(uncovered)
        pairs.append((working, other))
        uncovered = [languages for languages in uncovered if other not in languages]
    return LanguagePlan(working, tuple(pairs))


def balance(groups: list[Group], members: list[Member], kept: dict[int, int] | None = None,
            preferred: tuple[str, ...] = ()) -> Outcome:
    """Place ``members`` in ``groups`` (see the module's rules). ``kept`` maps the id of a
    member already placed who stays to their group's id: they count in the mix and take a
    place, and are never moved."""
    kept = dict(kept or {})
    by_id = {m.id: m for m in members}
    order = {g.id: n for n, g in enumerate(groups)}
    groups = sorted(groups, key=lambda g: order[g.id])
    size: Counter = Counter()
    country: dict[int, Counter] = {g.id: Counter() for g in groups}
    kind: dict[int, Counter] = {g.id: Counter() for g in groups}
    placement: dict[int, int] = {}

    def put(member: Member, group_id: int) -> None:
        placement[member.id] = group_id
        size[group_id] += 1
        country[group_id][member.country] += 1
        kind[group_id][member.kind] += 1

    for member_id, group_id in sorted(kept.items()):
        put(by_id[member_id], group_id)
    movable = [m for m in members if m.id not in kept]
    per_country = Counter(m.country for m in movable)
    movable.sort(key=lambda m: (-per_country[m.country], m.country, m.kind,
                                sorted(m.languages), m.id))
    unplaced = []
    for member in movable:
        open_groups = [g for g in groups if may_join(member, g)
                       and (g.places is None or size[g.id] < g.places)]
        if not open_groups:
            unplaced.append(member.id)
            continue
        chosen = min(open_groups, key=lambda g: (country[g.id][member.country], size[g.id],
                                                 kind[g.id][member.kind], order[g.id]))
        put(member, chosen.id)
    _improve_by_swaps(groups, [m for m in movable if m.id in placement], placement, by_id,
                      preferred)
    return Outcome(placement, sorted(unplaced))


def _improve_by_swaps(groups, movable, placement, by_id, preferred) -> None:
    """Swap two people of one country between groups while that lowers (interpretation
    needs, kind imbalance): strictly lower each time, so it ends."""
    group_of = {g.id: g for g in groups}
    members_of: dict[int, list[Member]] = {g.id: [] for g in groups}
    for member_id, group_id in placement.items():
        members_of[group_id].append(by_id[member_id])

    def cost(group_id: int) -> tuple[int, int]:
        people = members_of[group_id]
        kinds = Counter(m.kind for m in people)
        return (len(language_plan(people, preferred).pairs),
                sum(n * n for n in kinds.values()))

    def add(a, b):
        return (a[0] + b[0], a[1] + b[1])

    costs = {g.id: cost(g.id) for g in groups}
    movable = sorted(movable, key=lambda m: m.id)
    improved = True
    while improved:
        improved = False
        for i, a in enumerate(movable):
            for b in movable[i + 1:]:
                ga, gb = placement[a.id], placement[b.id]
                if (ga == gb or a.country != b.country
                        or (a.kind == b.kind and a.languages == b.languages)
                        or not may_join(a, group_of[gb]) or not may_join(b, group_of[ga])):
                    continue
                before = add(costs[ga], costs[gb])
                members_of[ga].remove(a)
                members_of[gb].remove(b)
                members_of[ga].append(b)
                members_of[gb].append(a)
                after_a, after_b = cost(ga), cost(gb)
                if add(after_a, after_b) < before:
                    placement[a.id], placement[b.id] = gb, ga
                    costs[ga], costs[gb] = after_a, after_b
                    improved = True
                else:
                    members_of[ga].remove(b)
                    members_of[gb].remove(a)
                    members_of[ga].append(a)
                    members_of[gb].append(b)
