"""What working groups hold about a person: membership, and the actions given to them at
meetings (see app.core.personal_data). Minutes and actions are the work of the meetings:
they stay after an erasure, with the person's name and email scrubbed from their text and
the action no longer theirs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import mentioning
from app.core.personal_data import row
from app.core.personal_data import scrub_text
from app.extensions import db
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupAction
from app.workinggroups.models import WorkingGroupMember
from app.workinggroups.models import WorkingGroupMinutes


def _export(user) -> list[dict]:
    groups = [row(group, "name country_code timezone") for group in db.session.scalars(
        select(WorkingGroup).join(WorkingGroupMember).where(WorkingGroupMember.user_id == user.id)
        .order_by(WorkingGroup.name))]
    actions = [row(action, "text due_date done_dt original_start_dt", group=name,
                   item="action") for action, name in db.session.execute(
        select(WorkingGroupAction, WorkingGroup.name).join(WorkingGroup).where(
            WorkingGroupAction.owner_id == user.id).order_by(WorkingGroupAction.id))]
    return groups + actions


def _erase(erasure: Erasure) -> None:
    db.session.execute(update(WorkingGroupAction).where(
        WorkingGroupAction.owner_id == erasure.user.id).values(owner_id=None)
        .execution_options(synchronize_session=False))
    for minutes in db.session.scalars(select(WorkingGroupMinutes).where(
            mentioning(WorkingGroupMinutes.text, erasure))):
        minutes.text = scrub_text(minutes.text, erasure)
    for action in db.session.scalars(select(WorkingGroupAction).where(
            mentioning(WorkingGroupAction.text, erasure))):
        action.text = scrub_text(action.text, erasure)


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
        "working_group_minutes": columns(
            fact="id group_id original_start_dt text updated_by_id updated_dt"),
        "working_group_actions": columns(
            fact="id group_id original_start_dt text due_date done_dt created_by_id created_dt",
            personal="owner_id"),
    },
    export=_export, erase=_erase))
