"""What interpretation holds about a person (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.interpretation.models import Assignment
from app.interpretation.models import Availability
from app.interpretation.models import InterpretationRequest
from app.interpretation.models import InterpreterProfile


def _export_requests(user) -> list[dict]:
    return [row(request, "session_id language_code created_dt", session=request.session.title)
            for request in db.session.scalars(select(InterpretationRequest).where(
                InterpretationRequest.user_id == user.id)
                .order_by(InterpretationRequest.created_dt))]


def _export_profile(user) -> list[dict]:
    profile = db.session.get(InterpreterProfile, user.id)
    if profile is None:
        return []
    rows = [row(profile, "timezone works_remote works_on_site", item="profile",
                languages={code: grade.value for code, grade in profile.grades().items()})]
    rows += [row(window, "start_dt end_dt is_available", item="availability")
             for window in profile.availability]
    rows += [row(assignment, "status decline_reason created_dt updated_dt", item="assignment",
                 session=assignment.channel.session.title,
                 language=assignment.channel.language_code)
             for assignment in db.session.scalars(select(Assignment).where(
                 Assignment.interpreter_id == user.id).order_by(Assignment.created_dt))]
    return rows


def _erase(erasure: Erasure) -> None:
    user_id = erasure.user.id
    db.session.execute(delete(Availability).where(Availability.interpreter_id == user_id)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Assignment).where(Assignment.interpreter_id == user_id)
                       .values(decline_reason="").execution_options(synchronize_session=False))
    db.session.execute(update(InterpreterProfile).where(InterpreterProfile.user_id == user_id)
                       .values(timezone="UTC").execution_options(synchronize_session=False))


HOLDINGS.add("interpretation_requests", Holding(
    _l("Interpretation requests"),
    {
        "interpretation_requests": columns(fact="id user_id session_id language_code created_dt"),
        # The managed list of languages (app.core.models.Language): reference data.
        "languages": columns(not_personal="code name names is_sign retired_dt"),
        # Organisers' decision about a language, not about a person.
        "interpretation_not_provided": columns(
            fact="id event_id session_id language_code reason decided_by created_dt"),
        "session_channels": columns(
            not_personal="id session_id language_code is_retour gives_relay relay_via mode "
                         "created_dt"),
        # Interpreters' preparation: words of two languages and the organisers' note on a
        # session, neither about a person nor naming who wrote them.
        "glossary_terms": columns(
            not_personal="id language_a language_b term_a term_b term_key note created_dt "
                         "updated_dt"),
        "interpretation_briefings": columns(not_personal="session_id text updated_dt"),
    },
    export=_export_requests))
HOLDINGS.add("interpreting", Holding(
    _l("Interpreting"),
    {
        "interpreter_profiles": columns(fact="user_id works_remote works_on_site",
                                        personal="timezone"),
        "interpreter_languages": columns(fact="id interpreter_id language_code grade"),
        "interpreter_availability": columns(personal="start_dt end_dt is_available",
                                            fact="interpreter_id", not_personal="id"),
        "interpretation_assignments": columns(
            fact="id channel_id interpreter_id status sequence created_dt updated_dt",
            personal="decline_reason"),
    },
    export=_export_profile, erase=_erase))
