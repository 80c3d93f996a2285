"""Which days people work where: public holidays (the holidays package, per country and
state), Indonesia's joint leave, and each country's weekend. Pure functions, cached."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

# Indonesia's cuti bersama (joint leave for civil servants) is the "government" category.
JOINT_LEAVE_CATEGORY = {"ID": "government"}
# Holidays differ by state: a zone says which state's list an invitee lives by.
ZONE_SUBDIVISIONS = {
    "Australia/Sydney": "NSW", "Australia/Melbourne": "VIC", "Australia/Brisbane": "QLD",
    "Australia/Adelaide": "SA", "Australia/Perth": "WA", "Australia/Hobart": "TAS",
    "Australia/Darwin": "NT", "Australia/Canberra": "ACT", "Pacific/Chatham": "CIT",
}


@lru_cache(maxsize=512)
def _holidays_of(country: str, subdivision: str, year: int,
                 categories: tuple[str, ...]) -> Mapping[date, str]:
    """Holidays of one country (and state) in one year; cached, as the package builds them."""
    try:
        found = holidays.country_holidays(country, subdiv=subdivision or None, years=year,
                                          categories=categories)
    except (NotImplementedError, KeyError):
        return MappingProxyType({})
    return MappingProxyType(dict(found))


def subdivision_for(country: str, zone: str, default: str = "") -> str:
    guess = ZONE_SUBDIVISIONS.get(zone, "")
    if guess and guess in holidays.list_supported_countries().get(country, ()):
        return guess
    return default


def country_holidays(country: str, subdivision: str, first: date, last: date, *,
                     joint_leave: bool = False) -> dict[date, str]:
    """Every holiday between ``first`` and ``last``; names say "(estimated)" where the
    package has not seen the announcement yet (Islamic dates)."""
    categories = ["public"]
    if joint_leave and country in JOINT_LEAVE_CATEGORY:
        categories.append(JOINT_LEAVE_CATEGORY[country])
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _holidays_of(country, subdivision, year, tuple(categories)).items():
            if first <= day <= last:
                found[day] = name
    return found


@lru_cache(maxsize=64)
def weekend_of(country: str, subdivision: str = "") -> frozenset[int]:
    """The weekend as the holidays package knows it (Friday-Saturday in some Malaysian
    states); Saturday-Sunday when it does not know the country."""
    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision or None).weekend)
    except (NotImplementedError, KeyError):
        return frozenset({5, 6})


def working_days_of(country: str, subdivision: str = "") -> frozenset[int]:
    return frozenset(range(7)) - weekend_of(country, subdivision)


# Ramadan lasts 29 or 30 days, ending the day before Eid al-Fitr; the holidays package knows
# Eid (marked "estimated" until announced). Taking 30 days may count one day before Ramadan
# as a Ramadan day: its hours are shorter for one extra day, never longer on a fasting day.
RAMADAN_DAYS = 30


@lru_cache(maxsize=64)
def estimated_ramadan(country: str, year: int) -> tuple[date, date] | None:
    """The estimated first and last day of the Ramadan that ends in ``year``, from the
    first day of Eid al-Fitr in the country's holidays (None where it is no holiday)."""
    try:
        found = holidays.country_holidays(country, years=year, language="en_US")
    except (NotImplementedError, KeyError):
        return None
    eid = min((day for day, name in found.items() if "Eid al-Fitr" in name), default=None)
    if eid is None:
        return None
    return eid - timedelta(days=RAMADAN_DAYS), eid - timedelta(days=1)
