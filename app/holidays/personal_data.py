"""Holiday corrections are about calendars; only who made one is a fact about a person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns

HOLDINGS.add("holidays", Holding(_l("Public holidays"), {
    "holiday_overrides": columns(
        not_personal="id country_code subdivision day name is_holiday category created_dt",
        fact="created_by_id"),
    "blocked_times": columns(
        not_personal="id country_code weekday start_minute end_minute label ramadan_only"),
    "ramadan_periods": columns(
        not_personal="id country_code year first_day last_day created_dt",
        fact="created_by_id"),
}))
