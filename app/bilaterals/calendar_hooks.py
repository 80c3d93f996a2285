"""What bilateral calls put into calendars: a scheduled call's invitation to its invitees,
again when the call moves or is cancelled."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.calendar.services import ANNOUNCERS
from app.calendar.services import SESSION
from app.calendar.services import Announcer
from app.calendar.services import Notice
from app.calendar.services import send_session_invitation
from app.calendar.services import standing
from app.events.models import EventSession
from app.events.models import SessionKind
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus


def _invitees(session: EventSession, cancelled: bool, told: set[int],
              last: dict) -> list[Notice]:
    """A bilateral call's invitees (its confirmed registrants) hold the session's own
    invitation. On cancellation, also those who hold it and are no longer registered;
    invitations sent before deliveries were recorded count for the confirmed invitees."""
    confirmed = []
    if session.kind == SessionKind.BILATERAL:
        confirmed = db.session.scalars(
            select(User).join(Registration, Registration.user_id == User.id)
            .where(Registration.event_id == session.event_id,
                   Registration.status == RegistrationStatus.CONFIRMED)).all()
    invitees = [user for user in confirmed if user.id not in told]
    if cancelled:
        holding = standing(session.event_id, SESSION, session.id) - told
        invitees = [user for user in invitees if user.id in holding or user.id not in last]
        known = {user.id for user in invitees}
        invitees += db.session.scalars(select(User).where(
            User.id.in_(holding - known)).order_by(User.id)).all()
    return [Notice(user.id, lambda user=user: send_session_invitation(
        user, session, cancel=cancelled)) for user in invitees]


ANNOUNCERS.add("invitees", Announcer(session_audience=_invitees))
