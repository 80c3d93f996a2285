"""A language asked for one session is the language that person works in there: the
small-group balancing (app.registrations.groups) reads these requests through its registry."""

from sqlalchemy import select

from app.extensions import db
from app.interpretation.models import InterpretationRequest
from app.registrations.groups import SESSION_LANGUAGES


@SESSION_LANGUAGES("interpretation requests")
def requested_languages(session_ids, user_ids) -> dict[tuple[int, int], str]:
    if not session_ids or not user_ids:
        return {}
    rows = db.session.execute(select(
        InterpretationRequest.user_id, InterpretationRequest.session_id,
        InterpretationRequest.language_code).where(
        InterpretationRequest.session_id.in_(session_ids),
        InterpretationRequest.user_id.in_(user_ids)))
    return {(user_id, session_id): code for user_id, session_id, code in rows}
