"""How long the slot finder takes for a realistic bilateral call.

Two countries (Australia and Indonesia), 10 invitees in 4 zones (Sydney, Perth, Jakarta,
Makassar), a 28-day range over Easter and Eid (holidays of both countries and states, Indonesian
joint leave, and Ramadan with its hours kept), 60-minute calls, a few busy sessions each, each
country's default blocked times (lunch 12:00-13:00 everywhere, Friday prayers 11:30-13:30 in
Indonesia, its Ramadan hours), and an Indonesian-English interpreter team to book: 8
interpreters (3 who work both ways), each with a few hours of other work, checked under the
interpretation rules for every candidate start. Measures the pure ``find_slots`` call only
(holiday lists are built once per country and year and cached, as in the app), the median of
21 runs after a warm-up. Prints one line::

    invitees=10 days=28 candidates=<feasible> proposed=<spread> interpreters=8 ms=<median>

Run from the repository root: ``.venv/bin/python bench/slots.py`` (``make bench`` runs it).
Target: < 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bilaterals.slots import Block
from app.bilaterals.slots import Invitee
from app.bilaterals.slots import find_slots
from app.holidays.services import DEFAULT_BLOCKS
from app.holidays.services import RAMADAN_BLOCKS
from app.holidays.workdays import country_holidays
from app.holidays.workdays import estimated_ramadan
from app.holidays.workdays import subdivision_for
from app.holidays.workdays import working_days_of
from app.interpretation.models import Grade
from app.interpretation.models import Mode
from app.interpretation.rules import Limits
from app.interpretation.rules import Person
from app.interpretation.rules import Slot
from app.interpretation.rules import could_work
from app.interpretation.rules import team_is_free

FIRST = date(2027, 3, 1)
LAST = FIRST + timedelta(days=27)
START = datetime(2027, 3, 1, tzinfo=UTC)
PEOPLE = [("AU", "Australia/Sydney")] * 3 + [("AU", "Australia/Perth")] * 2 + \
    [("ID", "Asia/Jakarta")] * 3 + [("ID", "Asia/Makassar")] * 2


def invitees() -> list[Invitee]:
    result = []
    for key, (country, zone) in enumerate(PEOPLE):
        subdivision = subdivision_for(country, zone)
        busy = tuple(
            (datetime(2027, 3, day, 2 + key % 5, tzinfo=UTC),
             datetime(2027, 3, day, 3 + key % 5, tzinfo=UTC))
            for day in range(2, 28, 5))
        result.append(Invitee(
            key=key, zone=zone, country_code=country, work_start=8 * 60, work_end=18 * 60,
            working_days=working_days_of(country, subdivision),
            holidays=country_holidays(country, subdivision, FIRST, LAST, joint_leave=True),
            busy=busy, blocked=tuple(
                Block(weekday, start, end, ramadan) for blocks, ramadan
                in ((DEFAULT_BLOCKS, False), (RAMADAN_BLOCKS, True))
                for only, weekday, start, end, _label in blocks
                if only is None or country in only),
            fasting=tuple(r for r in (estimated_ramadan(country, 2027),) if r)))
    return result


def interpreters() -> tuple[list[Person], dict[int, list[Slot]]]:
    """8 interpreters: 3 Indonesian-English both ways, 5 who do not work into Indonesian;
    each with three hours of other work on most days of the range, so at some of the
    invitees' common hours no team is free."""
    both = ({"id": Grade.A, "en": Grade.B}, {"en": Grade.A, "id": Grade.A})
    people, booked = [], {}
    for pid in range(1, 9):
        grades = both[pid % 2] if pid <= 3 else {"en": Grade.A, "th": Grade.B}
        people.append(Person(id=pid, name=f"Interpreter {pid}", grades=grades,
                             zone="Asia/Jakarta"))
        booked[pid] = [Slot(channel_id=1000 * pid + day, event_id=pid, title="other",
                            start=datetime(2027, 3, day, pid % 3 + 1, tzinfo=UTC),
                            end=datetime(2027, 3, day, pid % 3 + 4, tzinfo=UTC), floor="en",
                            target="id") for day in range(1, 29) if (day + pid) % 4]
    return people, booked


def team_check(people, booked):
    """The check the app makes for a call interpreted consecutively, both ways."""
    limits = Limits()

    def channel(start: datetime, end: datetime) -> Slot:
        return Slot(channel_id=0, event_id=0, title="call", start=start, end=end, floor="en",
                    target="id", is_retour=True, mode=Mode.CONSECUTIVE)

    able = could_work(channel(START, START), people)

    def free(start: datetime, end: datetime) -> bool:
        return team_is_free(channel(start, end), able, booked, limits)

    return free


def main() -> None:
    people = invitees()
    team, booked = interpreters()
    check = team_check(team, booked)
    find_slots(people, FIRST, LAST, 60, team=check)  # warm-up: zone tables, caches
    times, search = [], None
    for _run in range(21):
        started = time.perf_counter()
        search = find_slots(people, FIRST, LAST, 60, day_zone="Australia/Sydney", team=check)
        times.append((time.perf_counter() - started) * 1000)
    print(f"invitees={len(people)} days={(LAST - FIRST).days + 1} "
          f"candidates={len(search.feasible)} proposed={len(search.slots)} "
          f"interpreters={len(team)} ms={statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
