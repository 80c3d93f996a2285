"""The staffing rules as pure functions over plain values, so the service checks one change
and auto-assign searches thousands of candidate teams with the very same code.

Every refusal is a sentence that starts with the rule's name ("Rule: team strength — ...").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from itertools import combinations

from flask_babel import gettext as _

from app.core import languages
from app.core.i18n import language_name
from app.core.time import to_zone
from app.interpretation.models import Grade
from app.interpretation.models import Mode


@dataclass(frozen=True)
class Limits:
    """Every limit, read from the app config (see ``config.py`` for the defaults)."""

    team_sizes: tuple[tuple[int, int], ...] = ((40, 1), (240, 2), (360, 3), (480, 4))
    extra_for_retour_or_relay: int = 1
    turn_on_site: int = 30
    turn_remote: int = 20
    rsi_daily_minutes: int = 180
    on_site_per_day: int = 1
    travel_minutes: int = 60
    pivot: str = "en"
    min_relay_givers: int = 2
    search_budget: int = 2000

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            team_sizes=tuple(tuple(pair) for pair in config["INTERPRETATION_TEAM_SIZES"]),
            extra_for_retour_or_relay=config["INTERPRETATION_EXTRA_FOR_RETOUR_OR_RELAY"],
            turn_on_site=config["INTERPRETATION_TURN_MINUTES_ON_SITE"],
            turn_remote=config["INTERPRETATION_TURN_MINUTES_REMOTE"],
            rsi_daily_minutes=config["INTERPRETATION_RSI_DAILY_MINUTES"],
            on_site_per_day=config["INTERPRETATION_ON_SITE_ENGAGEMENTS_PER_DAY"],
            travel_minutes=config["INTERPRETATION_TRAVEL_MINUTES"],
            pivot=config["INTERPRETATION_PIVOT_LANGUAGE"],
            min_relay_givers=config["INTERPRETATION_MIN_RELAY_GIVERS"],
            search_budget=config["INTERPRETATION_SEARCH_BUDGET"],
        )


@dataclass(frozen=True)
class Slot:
    """A channel of a session as the rules see it."""

    channel_id: int
    event_id: int
    title: str
    start: datetime
    end: datetime
    floor: str
    target: str
    relay_via: str | None = None
    is_retour: bool = False
    gives_relay: bool = False
    on_site: bool = False
    place: str = ""  # where an on-site booth is (the event's venue)
    zone: str = "UTC"  # the event's zone: an on-site interpreter's day is a day there
    cancelled: bool = False
    mode: Mode = Mode.SIMULTANEOUS
    listeners: int = 0  # people who asked for the channel's language (whispering counts them)

    @property
    def source(self) -> str:
        return self.relay_via or self.floor

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Person:
    """An interpreter as the rules see them."""

    id: int
    name: str
    grades: dict[str, Grade]
    remote: bool = True
    on_site: bool = True
    zone: str = "UTC"  # home zone: their remote working day is a day there
    windows: tuple[tuple[datetime, datetime], ...] = ()
    off: tuple[tuple[datetime, datetime], ...] = ()


def lang(code: str) -> str:
    from app.core.templating import current_locale

    try:
        return languages.label(code, current_locale())
    except RuntimeError:  # outside an app context (pure tests)
        return language_name(code, "en")


# AIIC Professional Standards, Article 6 (team strength), the table for simultaneous
# interpretation: a two-language meeting interpreted into one of its languages takes one
# booth of 2 interpreters; interpreted into both (one two-way booth, whose interpreters also
# work back into their B language, "retour") it takes 3. The table is for a normal working
# day. The AIIC Assembly adopts these standards in application of the AIIC Code of
# Professional Ethics (the article number differs between published versions).
# ``team_size`` must give a two-way booth this many for any session of a normal meeting
# (over 40 minutes and up to a half-day of 4 hours); a test checks it.
AIIC_TWO_WAY_BOOTH = 3
AIIC_ONE_WAY_BOOTH = 2


@dataclass(frozen=True)
class Staffing:
    """How many interpreters a mode needs. ``solo_minutes``: the longest one interpreter (or,
    whispering, one per pair of listeners) works alone; beyond it, ``team`` take turns of
    ``turn_minutes``. None for simultaneous: the config's table (``team_size``)."""

    solo_minutes: int | None
    team: int
    turn_minutes: int | None
    listeners_per_interpreter: int | None = None
    on_site_only: bool = False


STAFFING: dict[Mode, Staffing] = {
    # AIIC Professional Standards, Article 6 (team strength): 2 per booth, 3 per two-way
    # booth, for a normal meeting; see AIIC_TWO_WAY_BOOTH and team_size. Published norm.
    Mode.SIMULTANEOUS: Staffing(solo_minutes=None, team=2, turn_minutes=None),
    # AIIC Article 6 sets two consecutive interpreters for a two-language meeting. One alone
    # for a short item up to about an hour (a site visit's stop, a courtesy call) is common
    # practice, not a published AIIC number: this app's allowance.
    Mode.CONSECUTIVE: Staffing(solo_minutes=60, team=2, turn_minutes=30),
    # Whispering (chuchotage) reaches at most two listeners per interpreter, who sits beside
    # them, so it is on site only (AIIC describes it for one or two listeners). A partner to
    # take turns beyond 40 minutes mirrors this app's simultaneous allowance (one alone up
    # to 40 minutes): common practice, not a published number.
    Mode.WHISPERED: Staffing(solo_minutes=40, team=2, turn_minutes=30,
                             listeners_per_interpreter=2, on_site_only=True),
    # Sign language: a team of two for sessions over about an hour, working in turns of
    # 15-20 minutes, is common sign-language interpreting practice (interpreting services
    # and associations publish it as their teaming policy); AIIC's standards do not cover it.
    Mode.SIGN: Staffing(solo_minutes=60, team=2, turn_minutes=20),
}


def mode_team_size(mode: Mode, minutes: int, is_retour: bool, gives_relay: bool,
                   listeners: int, limits: Limits) -> int | None:
    """Interpreters a channel of ``mode`` needs; None when no team may work that long (the
    longest session of the simultaneous table holds for every mode)."""
    if mode == Mode.SIMULTANEOUS:
        return team_size(minutes, is_retour, gives_relay, limits)
    if minutes > limits.team_sizes[-1][0]:
        return None
    rule = STAFFING[mode]
    per_group = 1 if minutes <= rule.solo_minutes else rule.team
    groups = (max(1, math.ceil(listeners / rule.listeners_per_interpreter))
              if rule.listeners_per_interpreter else 1)
    return per_group * groups


def team_size(minutes: int, is_retour: bool, gives_relay: bool, limits: Limits) -> int | None:
    """Interpreters a channel needs; None when the session is longer than any team may work.

    From ``limits.team_sizes`` (config ``INTERPRETATION_TEAM_SIZES``) plus one for a two-way
    booth or a booth giving relay: 2 (+1 = 3) from 41 minutes to 4 hours, the published AIIC
    norm above. One interpreter alone up to 40 minutes, and 3 or 4 for sessions longer than
    a half-day, are this app's own allowances (common practice for short items and long
    days), not numbers the AIIC table publishes."""
    for longest, size in limits.team_sizes:
        if minutes <= longest:
            return size + (limits.extra_for_retour_or_relay if is_retour or gives_relay else 0)
    return None


def slot_team_size(slot: Slot, limits: Limits) -> int | None:
    return mode_team_size(slot.mode, slot.minutes, slot.is_retour, slot.gives_relay,
                          slot.listeners, limits)


def share_minutes(slot: Slot, limits: Limits) -> int:
    """Minutes one team member interprets: the session shared by the team in turns."""
    return math.ceil(slot.minutes / (slot_team_size(slot, limits) or 1))


def can_interpret(grades: dict[str, Grade], source: str, target: str) -> bool:
    """Into A from A, B or C; retour into B from A. Never into C."""
    if source == target or source not in grades:
        return False
    into = grades.get(target)
    return into == Grade.A or (into == Grade.B and grades[source] == Grade.A)


@lru_cache(maxsize=65536)
def local_day(instant: datetime, zone: str) -> date:
    """Cached: the search asks the same few hundred questions thousands of times."""
    return to_zone(instant, zone).date()


# --- the rules, one function each; each returns None or the refusal ----------------------

def cancelled_problem(slot: Slot) -> str | None:
    if slot.cancelled:
        return _("Rule: cancelled session — %(title)s is cancelled; nobody can be assigned "
                 "to it.", title=slot.title)
    return None


def direction_problem(slot: Slot, person: Person) -> str | None:
    if not can_interpret(person.grades, slot.source, slot.target):
        return _("Rule: direction — %(name)s does not work from %(source)s into %(target)s "
                 "(interpreters work into their A language from B or C, and into B only "
                 "from A).", name=person.name, source=lang(slot.source),
                 target=lang(slot.target))
    if slot.is_retour and not can_interpret(person.grades, slot.target, slot.floor):
        return _("Rule: direction — this two-way booth also works from %(target)s into "
                 "%(source)s, which %(name)s does not.", name=person.name,
                 source=lang(slot.floor), target=lang(slot.target))
    return None


def mode_problem(slot: Slot, person: Person) -> str | None:
    if slot.on_site and not person.on_site:
        return _("Rule: working mode — %(title)s is interpreted on site and %(name)s works "
                 "remotely only.", title=slot.title, name=person.name)
    if not slot.on_site and not person.remote:
        return _("Rule: working mode — %(title)s is interpreted remotely (RSI) and %(name)s "
                 "works on site only.", title=slot.title, name=person.name)
    return None


def availability_problem(slot: Slot, person: Person) -> str | None:
    if any(start < slot.end and slot.start < end for start, end in person.off):
        return _("Rule: availability — %(name)s is off during %(title)s.", name=person.name,
                 title=slot.title)
    if person.windows and not any(start <= slot.start and slot.end <= end
                                  for start, end in person.windows):
        return _("Rule: availability — %(title)s is outside the times %(name)s is available.",
                 name=person.name, title=slot.title)
    return None


def static_problem(slot: Slot, person: Person) -> str | None:
    """What does not depend on the interpreter's other assignments."""
    return (cancelled_problem(slot) or direction_problem(slot, person)
            or mode_problem(slot, person) or availability_problem(slot, person))


def _place(slot: Slot) -> str:
    return f"site:{slot.place or slot.event_id}" if slot.on_site else "remote"


def overlap_problem(slot: Slot, person: Person, booked, limits: Limits) -> str | None:
    """No two assignments at once; moving to or from another event's venue takes travel
    time."""
    for other in booked:
        if other.channel_id == slot.channel_id:
            continue
        # Within one event an interpreter at the venue also serves its online sessions.
        travel = (limits.travel_minutes if (slot.on_site or other.on_site)
                  and other.event_id != slot.event_id and _place(slot) != _place(other)
                  else 0)
        gap = timedelta(minutes=travel)
        if slot.start < other.end + gap and other.start < slot.end + gap:
            if slot.start < other.end and other.start < slot.end:
                return _("Rule: no overlap — %(name)s is already interpreting %(other)s at "
                         "that time.", name=person.name, other=other.title)
            return _("Rule: travel time — %(name)s needs %(n)d minutes between %(other)s and "
                     "%(title)s to change venue.", name=person.name, n=travel,
                     other=other.title, title=slot.title)
    return None


def _same_day(slot: Slot, other: Slot) -> bool:
    """The same day where either venue is (symmetric, whichever was booked first)."""
    return any(local_day(slot.start, zone) == local_day(other.start, zone)
               for zone in {slot.zone, other.zone})


def engagement_problem(slot: Slot, person: Person, booked, limits: Limits) -> str | None:
    """On site, one engagement (one event's venue) a day, a day where the venue is."""
    if not slot.on_site:
        return None
    events = {other.event_id: other.title for other in booked
              if other.on_site and other.channel_id != slot.channel_id
              and _same_day(slot, other)}
    if slot.event_id not in events and len(events) >= limits.on_site_per_day:
        return _("Rule: one on-site engagement a day — %(name)s already works on site at "
                 "%(other)s that day.", name=person.name, other=next(iter(events.values())))
    return None


def remote_minutes_problem(slot: Slot, person: Person, booked, limits: Limits) -> str | None:
    """At most so many minutes of remote interpreting a day, a day where the person lives."""
    if slot.on_site:
        return None
    day = local_day(slot.start, person.zone)
    used = sum(share_minutes(other, limits) for other in booked
               if not other.on_site and other.channel_id != slot.channel_id
               and local_day(other.start, person.zone) == day)
    total = used + share_minutes(slot, limits)
    if total > limits.rsi_daily_minutes:
        return _("Rule: remote daily limit — %(name)s would interpret %(n)d minutes remotely "
                 "on %(day)s; the limit is %(limit)d.", name=person.name, n=total,
                 day=day.isoformat(), limit=limits.rsi_daily_minutes)
    return None


def team_problem(slot: Slot, team_count: int, limits: Limits) -> str | None:
    size = slot_team_size(slot, limits)
    if size is None:
        longest = limits.team_sizes[-1][0]
        return _("Rule: team strength — %(title)s is longer than %(n)d minutes, more than any "
                 "team may interpret; split the session.", title=slot.title, n=longest)
    if team_count >= size:
        return _("Rule: team strength — the %(target)s channel of %(title)s needs %(n)d "
                 "interpreters and has them.", target=lang(slot.target), title=slot.title,
                 n=size)
    return None


def dynamic_problem(slot: Slot, person: Person, booked, limits: Limits) -> str | None:
    """What depends on the interpreter's other (proposed or accepted) assignments."""
    return (overlap_problem(slot, person, booked, limits)
            or engagement_problem(slot, person, booked, limits)
            or remote_minutes_problem(slot, person, booked, limits))


def first_problem(slot: Slot, person: Person, booked, team_count: int,
                  limits: Limits) -> str | None:
    return (static_problem(slot, person) or team_problem(slot, team_count, limits)
            or dynamic_problem(slot, person, booked, limits))


def turn_schedule(slot: Slot, names: list[str], limits: Limits):
    """(start, end, name) turns taken in rotation: about 30 minutes on site, 20 remote."""
    if not names:
        return []
    turn = STAFFING[slot.mode].turn_minutes or (limits.turn_on_site if slot.on_site
                                                 else limits.turn_remote)
    length = timedelta(minutes=turn)
    if len(names) == 1:
        return [(slot.start, slot.end, names[0])]
    turns, start, index = [], slot.start, 0
    while start < slot.end:
        end = min(start + length, slot.end)
        turns.append((start, end, names[index % len(names)]))
        start, index = end, index + 1
    return turns


# --- auto-assign ---------------------------------------------------------------------------

@dataclass
class Plan:
    added: dict[int, tuple[int, ...]] = field(default_factory=dict)  # channel -> people
    unfilled: dict[int, str] = field(default_factory=dict)  # channel -> why
    explored: int = 0


def _rule_name(message: str) -> str:
    return message.split(" — ", 1)[0]


def _why(slot, need, problems) -> str:
    if not problems:
        return _("Nobody qualified is free for %(title)s.", title=slot.title)
    counts = Counter(_rule_name(message) for message in problems)
    rule = counts.most_common(1)[0][0]
    example = next(message for message in problems if _rule_name(message) == rule)
    return _("Needs %(need)d more interpreters; %(n)d of %(total)d were refused by "
             "\"%(rule)s\", e.g. %(example)s", need=need, n=counts[rule],
             total=len(problems), rule=rule, example=example)


def _loads(people: list[Person], booked: dict[int, list[Slot]], limits: Limits):
    """Minutes each interpreter already works, in all and per their own local day (the
    planner spreads each day's work first)."""
    zones = {person.id: person.zone for person in people}
    load = {pid: sum(share_minutes(s, limits) for s in slots_) for pid, slots_ in booked.items()}
    day_load = Counter()
    for pid, slots_ in booked.items():
        for s in slots_:
            day_load[pid, local_day(s.start, zones[pid])] += share_minutes(s, limits)
    return load, day_load


def _needs(slots: list[Slot], people: list[Person], teams: dict[int, list[int]],
           limits: Limits, plan: Plan) -> tuple[dict[int, int], dict[int, list[Person]]]:
    """Per channel still short of a team: how many more it needs, and who may take it
    before counting their other work. A channel that cannot be filled goes to
    ``plan.unfilled`` with the reason."""
    need, candidates = {}, {}
    for slot in slots:
        team = teams.get(slot.channel_id, [])
        problem = cancelled_problem(slot)
        size = slot_team_size(slot, limits)
        if problem or size is None:
            plan.unfilled[slot.channel_id] = problem or team_problem(slot, 0, limits)
            continue
        if size <= len(team):
            continue
        need[slot.channel_id] = size - len(team)
        problems, fit = [], []
        for person in people:
            if person.id in team:
                continue
            problem = static_problem(slot, person)
            (problems.append(problem) if problem else fit.append(person))
        candidates[slot.channel_id] = fit
        if len(fit) < need[slot.channel_id]:
            plan.unfilled[slot.channel_id] = _why(slot, need[slot.channel_id], problems)
    return need, candidates


def plan_assignments(slots: list[Slot], people: list[Person], booked: dict[int, list[Slot]],
                     teams: dict[int, list[int]], limits: Limits) -> Plan:
    """Fill as many channels as possible with full teams, never moving anyone already there.

    A depth-first search, scarcest channel first and least-loaded interpreter first, so its
    first try is the balanced greedy plan; it backtracks only when that leaves a channel
    unfilled, within ``limits.search_budget`` team choices, and keeps the plan that fills
    the most channels.
    """
    plan = Plan()
    booked = {person.id: list(booked.get(person.id, ())) for person in people}
    load, day_load = _loads(people, booked, limits)
    need, candidates = _needs(slots, people, teams, limits, plan)
    by_id = {slot.channel_id: slot for slot in slots}
    order = sorted((cid for cid in need if cid not in plan.unfilled),
                   key=lambda cid: (len(candidates[cid]), by_id[cid].start, cid))
    chosen: dict[int, tuple[int, ...]] = {}
    best: dict[int, tuple[int, ...]] = {}
    explored = 0

    def search(index: int) -> bool:
        """True once a plan fills every channel in ``order`` (nothing better exists)."""
        nonlocal best, explored
        if len(chosen) + len(order) - index <= len(best):
            return False
        if index == len(order):
            best = dict(chosen)
            return len(best) == len(order)
        cid = order[index]
        slot = by_id[cid]
        if explored < limits.search_budget:
            free = sorted((p for p in candidates[cid]
                           if dynamic_problem(slot, p, booked[p.id], limits) is None),
                          key=lambda p: (day_load[p.id, local_day(slot.start, p.zone)],
                                         load[p.id], p.id))
            share = share_minutes(slot, limits)
            for team in combinations(free, need[cid]):
                explored += 1
                for person in team:
                    booked[person.id].append(slot)
                    load[person.id] += share
                    day_load[person.id, local_day(slot.start, person.zone)] += share
                chosen[cid] = tuple(person.id for person in team)
                done = search(index + 1)
                del chosen[cid]
                for person in team:
                    booked[person.id].pop()
                    load[person.id] -= share
                    day_load[person.id, local_day(slot.start, person.zone)] -= share
                if done or explored >= limits.search_budget:
                    return done
        return search(index + 1)

    search(0)
    plan.explored = explored
    plan.added = best
    for cid, team in best.items():
        for pid in team:
            booked[pid].append(by_id[cid])
    for cid in order:
        if cid not in best:
            slot = by_id[cid]
            problems = [dynamic_problem(slot, p, booked[p.id], limits) for p in candidates[cid]]
            plan.unfilled[cid] = _why(slot, need[cid], [p for p in problems if p])
    return plan


def free_team(slot: Slot, people: list[Person], booked: dict[int, list[Slot]],
              limits: Limits) -> tuple[int, ...] | None:
    """The team the planner would give one new channel (least-loaded first), or None when
    no full team is free for it under every rule."""
    plan = plan_assignments([slot], people, booked, {}, limits)
    return plan.added.get(slot.channel_id)


def could_work(slot: Slot, people: list[Person]) -> list[Person]:
    """Those whose languages and ways of working (remote, on site) suit the channel at any
    time: what a search over many times for one channel checks once."""
    return [person for person in people
            if direction_problem(slot, person) is None and mode_problem(slot, person) is None]


def team_is_free(slot: Slot, people: list[Person], booked: dict[int, list[Slot]],
                 limits: Limits) -> bool:
    """Whether ``free_team`` finds a team, answered faster: for one new channel any members
    who each pass every rule make a team (no rule binds two members of one team), so it
    is enough to count them, stopping at the team's size."""
    need = slot_team_size(slot, limits)
    if need is None or slot.cancelled:
        return False
    free = 0
    for person in people:
        if static_problem(slot, person) is None and dynamic_problem(
                slot, person, booked.get(person.id, ()), limits) is None:
            free += 1
            if free >= need:
                return True
    return False
