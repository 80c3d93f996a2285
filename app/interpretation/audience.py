"""Interpreters booked for a session of a private meeting belong to its audience."""

from sqlalchemy import select

from app.events.models import EventSession
from app.events.visibility import AUDIENCES
from app.interpretation.models import BOOKED
from app.interpretation.models import Assignment
from app.interpretation.models import SessionChannel


@AUDIENCES("interpreting")
def interpreting_event_ids(viewer):
    return (select(EventSession.event_id)
            .join(SessionChannel, SessionChannel.session_id == EventSession.id)
            .join(Assignment, Assignment.channel_id == SessionChannel.id)
            .where(Assignment.interpreter_id == viewer.id, Assignment.status.in_(BOOKED)))
