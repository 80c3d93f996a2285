"""How long the slot finder takes for a realistic bilateral call.

Two countries (Australia and Indonesia), 10 invitees in 4 zones (Sydney, Perth, Jakarta,
Makassar), a 28-day range over Easter and Eid (holidays of both countries and states, Indonesian
joint leave), 60-minute calls, a few busy sessions each, and each country's default blocked
times (lunch 12:00-13:00 everywhere, Friday prayers 11:30-13:30 in Indonesia). Measures the
pure ``find_slots`` call only (holiday lists are built once per country and year and cached,
as in the app), the median of 21 runs after a warm-up. Prints one line::

    invitees=10 days=28 candidates=<feasible starts> proposed=<spread list> ms=<median>

Run from the repository root: ``.venv/bin/python bench/slots.py``. Target: < 50 ms.
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
from app.holidays.workdays import country_holidays
from app.holidays.workdays import subdivision_for
from app.holidays.workdays import working_days_of

FIRST = date(2027, 3, 1)
LAST = FIRST + timedelta(days=27)
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
                Block(weekday, start, end) for only, weekday, start, end, _label
                in DEFAULT_BLOCKS if only is None or country in only)))
    return result


def main() -> None:
    people = invitees()
    find_slots(people, FIRST, LAST, 60)  # warm-up: zone tables, caches
    times, search = [], None
    for _run in range(21):
        started = time.perf_counter()
        search = find_slots(people, FIRST, LAST, 60, day_zone="Australia/Sydney")
        times.append((time.perf_counter() - started) * 1000)
    print(f"invitees={len(people)} days={(LAST - FIRST).days + 1} "
          f"candidates={len(search.feasible)} proposed={len(search.slots)} "
          f"ms={statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
