"""Feedback and reflections (see app.core.personal_data): never attributed, and on erasure
no longer linked to the account at all; the words stay, for the summary report."""

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
from app.feedback.models import Feedback
from app.feedback.models import Reflection


def _export(user) -> list[dict]:
    given = [row(answer, "event_id session_id rating what_worked to_improve", item="feedback")
             for answer in db.session.scalars(select(Feedback).where(Feedback.user_id == user.id)
                                              .order_by(Feedback.id))]
    reflected = [row(reflection, "event_id text", item="reflection")
                 for reflection in db.session.scalars(select(Reflection).where(
                     Reflection.user_id == user.id).order_by(Reflection.id))]
    return given + reflected


def _erase(erasure: Erasure) -> None:
    for model in (Feedback, Reflection):
        db.session.execute(update(model).where(model.user_id == erasure.user.id)
                           .values(user_id=None).execution_options(synchronize_session=False))


HOLDINGS.add("feedback", Holding(
    _l("Feedback and reflections"),
    {
        "feedback_submissions": columns(fact="event_id user_id"),
        "feedback": columns(fact="id event_id session_id rating what_worked to_improve",
                            personal="user_id"),
        "reflections": columns(fact="id event_id text is_for_report", personal="user_id"),
    },
    export=_export, erase=_erase))
