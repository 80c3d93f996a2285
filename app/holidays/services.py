"""The public-holiday calendar every feature plans by: the holidays package's days with the
organisers' corrections on top (an announced Eid, a joint leave day, a day removed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core.errors import Refusal
from app.core.models import Country
from app.extensions import db
from app.holidays.models import HolidayOverride
from app.holidays.workdays import country_holidays


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
