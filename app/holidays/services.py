"""The public-holiday calendar every feature plans by: the holidays package's days with the
organisers' corrections on top (an announced Eid, a joint leave day, a day removed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.core.errors import Refusal
from app.core.models import AuditRecord
from app.core.models import Country
from app.extensions import db
from app.holidays.models import BlockedTime
from app.holidays.models import HolidayOverride
from app.holidays.models import RamadanPeriod
from app.holidays.workdays import country_holidays
from app.holidays.workdays import estimated_ramadan


class HolidayError(Refusal):
    """A correction to the calendar refused; see ``app.core.errors.Refusal``."""


def overrides_for(country_codes, first: date, last: date) -> list[HolidayOverride]:
    return list(db.session.scalars(select(HolidayOverride).where(
        HolidayOverride.country_code.in_(list(country_codes)),
        HolidayOverride.day.between(first, last)).order_by(HolidayOverride.day)))


def holidays_for(country: str, subdivision: str, first: date, last: date,
                 overrides: list[HolidayOverride], *, joint_leave: bool) -> dict[date, str]:
    """The package's holidays with the organisers' overrides applied on top."""
    found = country_holidays(country, subdivision, first, last, joint_leave=joint_leave)
    for override in overrides:
        if override.country_code != country or override.subdivision not in ("", subdivision):
            continue
        if override.is_holiday:
            found[override.day] = override.name or _("Holiday")
        else:
            found.pop(override.day, None)
    return found


@dataclass
class HolidayRow:
    day: date
    name: str
    is_estimated: bool
    override: HolidayOverride | None = None
    is_removed: bool = False


def holiday_calendar(country: str, subdivision: str, first: date, last: date) -> list[HolidayRow]:
    """What the slot finder will avoid, with where each day comes from (for organisers)."""
    overrides = [o for o in overrides_for([country], first, last)
                 if o.subdivision in ("", subdivision)]
    rows = {day: HolidayRow(day, name, "estimated" in name.lower())
            for day, name in country_holidays(country, subdivision, first, last,
                                              joint_leave=True).items()}
    for override in overrides:
        row = rows.get(override.day) or HolidayRow(override.day, override.name, False)
        row.override, row.is_removed = override, not override.is_holiday
        if override.is_holiday:
            row.name = override.name or row.name
        rows[override.day] = row
    return [rows[day] for day in sorted(rows)]


def set_override(country: str, subdivision: str, day: date, name: str, is_holiday: bool,
                 category: str, actor: User) -> HolidayOverride:
    if db.session.get(Country, country) is None:
        raise HolidayError(_("Choose a country from the list."))
    override = db.session.scalar(select(HolidayOverride).where(
        HolidayOverride.country_code == country, HolidayOverride.subdivision == subdivision,
        HolidayOverride.day == day))
    if override is None:
        override = HolidayOverride(country_code=country, subdivision=subdivision, day=day)
        db.session.add(override)
    override.name, override.is_holiday = name.strip(), is_holiday
    override.category, override.created_by_id = category, actor.id
    db.session.flush()
    return override


# --- blocked times ----------------------------------------------------------------------

FRIDAY = 4
# The defaults every country starts with: (countries or None for all, weekday, start, end,
# label). Labels are stored as written; the defaults' labels are shown translated.
DEFAULT_BLOCKS = ((None, None, 12 * 60, 13 * 60, "Lunch"),
                  (("ID", "MY"), FRIDAY, 11 * 60 + 30, 13 * 60 + 30, "Friday prayers"))
# Ramadan hours, kept by the calls that choose them (``ramadan_only``): the civil service's
# shorter day (Indonesia's ends at 15:00, Malaysia's at 16:30 by default) and iftar, the
# meal at sunset (about 18:00 in Jakarta, 19:20 in Kuala Lumpur). Organisers edit them.
RAMADAN_BLOCKS = ((("ID",), None, 15 * 60, 24 * 60, "Ramadan hours"),
                  (("ID",), None, 17 * 60 + 45, 19 * 60, "Iftar"),
                  (("MY",), None, 16 * 60 + 30, 24 * 60, "Ramadan hours"),
                  (("MY",), None, 19 * 60, 20 * 60 + 30, "Iftar"))
DEFAULT_LABELS = {"Lunch": _l("Lunch"), "Friday prayers": _l("Friday prayers"),
                  "Ramadan hours": _l("Ramadan hours"), "Iftar": _l("Iftar")}


def blocked_label(block: BlockedTime) -> str:
    """The block's label in the reader's language when it is one of the defaults."""
    known = DEFAULT_LABELS.get(block.label)
    return str(known) if known is not None else block.label


def blocked_times_for(country_codes) -> dict[str, list[BlockedTime]]:
    """Each country's blocked times, every-day ones first, then by weekday and start."""
    found: dict[str, list[BlockedTime]] = {code: [] for code in country_codes}
    for block in db.session.scalars(select(BlockedTime).where(
            BlockedTime.country_code.in_(list(country_codes))).order_by(
            BlockedTime.country_code, BlockedTime.weekday.is_not(None), BlockedTime.weekday,
            BlockedTime.start_minute, BlockedTime.id)):
        found[block.country_code].append(block)
    return found


def seed_default_blocked_times() -> int:
    """The default blocked times for every country that has none yet (``flask seed-demo``;
    the migration does the same for the countries already there)."""
    codes = set(db.session.scalars(select(Country.code)))
    have = set(db.session.scalars(select(BlockedTime.country_code).distinct()))
    added = 0
    for code in sorted(codes - have):
        for blocks, ramadan_only in ((DEFAULT_BLOCKS, False), (RAMADAN_BLOCKS, True)):
            for only, weekday, start, end, label in blocks:
                if only is None or code in only:
                    db.session.add(BlockedTime(country_code=code, weekday=weekday,
                                               start_minute=start, end_minute=end,
                                               label=label, ramadan_only=ramadan_only))
                    added += 1
    db.session.flush()
    return added


def add_blocked_time(country: str, weekday: int | None, start_minute: int, end_minute: int,
                     label: str, actor: User, *, ramadan_only: bool = False) -> BlockedTime:
    if db.session.get(Country, country) is None:
        raise HolidayError(_("Choose a country from the list."), field="country")
    if weekday is not None and not 0 <= weekday <= 6:
        raise HolidayError(_("Choose a day from the list."), field="weekday")
    if not 0 <= start_minute < end_minute <= 24 * 60:
        raise HolidayError(_("The end must be after the start."), field="end")
    block = BlockedTime(country_code=country, weekday=weekday, start_minute=start_minute,
                        end_minute=end_minute, label=label.strip(), ramadan_only=ramadan_only)
    db.session.add(block)
    db.session.flush()
    db.session.add(AuditRecord(actor_id=actor.id, action="blocked_time.add",
                               subject_type="blocked_time", subject_id=block.id,
                               detail={"country": country, "weekday": weekday,
                                       "start": start_minute, "end": end_minute,
                                       "ramadan_only": ramadan_only}))
    return block


def delete_blocked_time(block: BlockedTime, actor: User) -> str:
    """Remove a blocked time; the country's code, for the page to return to."""
    country = block.country_code
    db.session.add(AuditRecord(actor_id=actor.id, action="blocked_time.delete",
                               subject_type="blocked_time", subject_id=block.id,
                               detail={"country": country, "weekday": block.weekday,
                                       "start": block.start_minute, "end": block.end_minute}))
    db.session.delete(block)
    db.session.flush()
    return country


# --- Ramadan ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ramadan:
    country_code: str
    year: int
    first_day: date
    last_day: date
    is_estimated: bool  # from the holidays package's Eid; False once organisers set it


def ramadan_of(country: str, year: int, periods: dict | None = None) -> Ramadan | None:
    """The days of Ramadan ending in ``year`` in ``country``: the organisers' dates, else the
    estimate from Eid al-Fitr; None where the country has no Eid al-Fitr holiday."""
    if periods is None:
        periods = {(p.country_code, p.year): p for p in db.session.scalars(
            select(RamadanPeriod).where(RamadanPeriod.country_code == country,
                                        RamadanPeriod.year == year))}
    chosen = periods.get((country, year))
    if chosen is not None:
        return Ramadan(country, year, chosen.first_day, chosen.last_day, False)
    estimate = estimated_ramadan(country, year)
    return Ramadan(country, year, *estimate, True) if estimate else None


def ramadans_for(country_codes, first: date, last: date) -> dict[str, list[Ramadan]]:
    """Each country's Ramadans touching ``first``..``last`` (one query for the organisers'
    dates). Ramadan may start in the year before the one its Eid falls in."""
    codes = list(country_codes)
    years = range(first.year, last.year + 2)
    periods = {(p.country_code, p.year): p for p in db.session.scalars(
        select(RamadanPeriod).where(RamadanPeriod.country_code.in_(codes),
                                    RamadanPeriod.year.in_(list(years))))}
    found: dict[str, list[Ramadan]] = {code: [] for code in codes}
    for code in codes:
        for year in years:
            ramadan = ramadan_of(code, year, periods)
            if ramadan and ramadan.first_day <= last and ramadan.last_day >= first:
                found[code].append(ramadan)
    return found


def set_ramadan(country: str, year: int, first_day: date, last_day: date,
                actor: User) -> RamadanPeriod:
    """The organisers' dates of Ramadan for one country and year (the announced ones)."""
    if db.session.get(Country, country) is None:
        raise HolidayError(_("Choose a country from the list."), field="country")
    if last_day < first_day:
        raise HolidayError(_("The last day cannot be before the first day."), field="last_day")
    if not 28 <= (last_day - first_day).days + 1 <= 31:
        raise HolidayError(_("Ramadan lasts 29 or 30 days: check the dates."),
                           field="last_day")
    if last_day.year != year and first_day.year != year:
        raise HolidayError(_("The dates must fall in the year chosen."), field="first_day")
    period = db.session.scalar(select(RamadanPeriod).where(
        RamadanPeriod.country_code == country, RamadanPeriod.year == year))
    if period is None:
        period = RamadanPeriod(country_code=country, year=year, first_day=first_day,
                               last_day=last_day, created_by_id=actor.id)
        db.session.add(period)
    period.first_day, period.last_day, period.created_by_id = first_day, last_day, actor.id
    db.session.flush()
    db.session.add(AuditRecord(actor_id=actor.id, action="ramadan.set",
                               subject_type="ramadan_period", subject_id=period.id,
                               detail={"country": country, "year": year,
                                       "first": first_day.isoformat(),
                                       "last": last_day.isoformat()}))
    return period
