"""Survey answers (see app.core.personal_data): never attributed, and on erasure no longer
linked to the account at all; the answers stay, counted in the results."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.surveys.models import SurveyAnswer


def _export(user) -> list[dict]:
    return [row(answer, "question_id rating chosen text", item="survey answer")
            for answer in db.session.scalars(select(SurveyAnswer).where(
                SurveyAnswer.user_id == user.id).order_by(SurveyAnswer.id))]


def _erase(erasure: Erasure) -> None:
    db.session.execute(update(SurveyAnswer).where(SurveyAnswer.user_id == erasure.user.id)
                       .values(user_id=None).execution_options(synchronize_session=False))


HOLDINGS.add("surveys", Holding(
    _l("Survey answers"),
    {
        "surveys": columns(fact="id event_id title translations status"),
        "survey_questions": columns(
            fact="id survey_id position kind text choices low_label high_label translations"),
        "survey_respondents": columns(fact="survey_id user_id"),
        "survey_answers": columns(fact="id question_id rating chosen text", personal="user_id"),
    },
    export=_export, erase=_erase))
