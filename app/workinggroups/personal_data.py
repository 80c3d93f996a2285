"""What working groups hold about a person: membership (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupMember


def _export(user) -> list[dict]:
    return [row(group, "name country_code timezone") for group in db.session.scalars(
        select(WorkingGroup).join(WorkingGroupMember).where(WorkingGroupMember.user_id == user.id)
        .order_by(WorkingGroup.name))]


HOLDINGS.add("working_groups", Holding(
    _l("Working groups"),
    {
        "working_groups": columns(
            not_personal="id name country_code timezone rrule first_start_dt duration_minutes "
                         "until_date online_url uid sequence updated_dt",
            fact="created_by_id"),
        "working_group_members": columns(fact="id group_id user_id"),
        "working_group_exceptions": columns(
            not_personal="id group_id original_start_dt new_start_dt new_end_dt"),
    },
    export=_export))
