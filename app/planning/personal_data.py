"""Planning (see app.core.personal_data): checklist owners, and the names and contacts a
visa letter carries, which an erasure clears where they are the person's."""

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
from app.extensions import db
from app.planning.models import LetterSettings
from app.planning.models import PlanningTask

LETTER_PEOPLE = ("signatory_name", "signatory_title", "contact_name", "contact_email",
                 "contact_phone")


def _export(user) -> list[dict]:
    return [row(task, "event_id title due_date done_dt") for task in db.session.scalars(
        select(PlanningTask).where(PlanningTask.owner_id == user.id).order_by(PlanningTask.id))]


def _erase(erasure: Erasure) -> None:
    db.session.execute(update(PlanningTask).where(PlanningTask.owner_id == erasure.user.id)
                       .values(owner_id=None).execution_options(synchronize_session=False))
    for settings in db.session.scalars(select(LetterSettings).where(
            mentioning(LetterSettings.signatory_name, erasure)
            | mentioning(LetterSettings.contact_name, erasure)
            | mentioning(LetterSettings.contact_email, erasure))):
        for name in LETTER_PEOPLE:  # the signatory or contact was them: ask anew
            setattr(settings, name, "")


HOLDINGS.add("planning", Holding(
    _l("Planning tasks"),
    {
        "host_candidates": columns(
            not_personal="id event_id country_code venue start_date end_date notes created_dt"),
        "planning_tasks": columns(not_personal="id event_id title due_date done_dt created_dt",
                                  personal="owner_id"),
        "letter_settings": columns(personal=" ".join(LETTER_PEOPLE),
                                   not_personal="id event_id signatory_organisation "
                                                "costs_covered updated_dt"),
    },
    export=_export, erase=_erase))
