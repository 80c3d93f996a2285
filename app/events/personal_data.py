"""Events and sessions describe meetings, not people (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns

HOLDINGS.add("events", Holding(_l("Events"), {
    "events": columns(not_personal=(
        "id title description kind status timezone start_date end_date host_country_code "
        "co_hosts venue address online_url joining_instructions is_chatham_house "
        "is_invitation_only topics country_codes capacity requires_approval is_private "
        "registration_opens_dt registration_closes_dt uid sequence created_dt updated_dt "
        "language translations")),
    "event_activity": columns(not_personal="event_id changed_dt"),
    "sessions": columns(not_personal=(
        "id event_id title description kind status start_dt end_dt room online_url "
        "attendance_mode floor_language capacity meeting_point transport uid sequence "
        "updated_dt translations")),
}))
