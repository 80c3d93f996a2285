"""Selects other features compose into their own queries (the calendar feed), kept apart
from ``services`` so importing them pulls in no other feature's services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.events.models import EventSession
from app.interpretation.models import BOOKED
from app.interpretation.models import Assignment
from app.interpretation.models import SessionChannel


def booked_session_ids(user_id: int):
    """Sessions a person interprets (proposed or accepted), as a ``session_id`` column."""
    return (select(SessionChannel.session_id.label("session_id"))
            .join(Assignment, Assignment.channel_id == SessionChannel.id)
            .where(Assignment.interpreter_id == user_id, Assignment.status.in_(BOOKED)))


def booked_assignments(user_id: int):
    """A person's booked assignments with their channels and sessions (their feed's items)."""
    return (select(Assignment)
            .where(Assignment.interpreter_id == user_id, Assignment.status.in_(BOOKED))
            .options(joinedload(Assignment.channel).joinedload(SessionChannel.session)
                     .joinedload(EventSession.event))
            .order_by(Assignment.id))


def interpreters_of_events(event_ids):
    """Interpreters with booked work in any of the events: their feeds follow its changes."""
    return (select(Assignment.interpreter_id)
            .join(SessionChannel, SessionChannel.id == Assignment.channel_id)
            .join(EventSession, EventSession.id == SessionChannel.session_id)
            .where(EventSession.event_id.in_(event_ids), Assignment.status.in_(BOOKED)))
