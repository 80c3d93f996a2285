"""The notices interpretation sends: a language asked for will be provided (a channel opened),
an interpreter asked to work a session, and the organisers told of a decline and its reason;
the interpreters of a session told that its materials changed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy import select

from app.auth.models import User
from app.core.access import Role
from app.core.visibility import Seen
from app.events.translations import in_every_language
from app.extensions import db
from app.interpretation.models import InterpretationRequest
from app.notices.services import NoticeKind
from app.notices.services import add_kind
from app.notices.services import app_path
from app.notices.services import notify
from app.registrations.models import ACTIVE
from app.registrations.models import Registration

add_kind(NoticeKind("interpretation_provided",
                    _l("%(language)s interpretation will be provided: %(title)s"),
                    _l("Interpretation I asked for will be provided"), email_default=True,
                    languages=("language",), translated=("title",)))
add_kind(NoticeKind("interpretation_not_provided",
                    _l("%(language)s interpretation will not be provided: %(title)s"),
                    _l("Interpretation I asked for will not be provided"), email_default=True,
                    detail="%(reason)s", languages=("language",), translated=("title",)))
# The interpreter's email carries the calendar invitation and goes whatever the choice.
add_kind(NoticeKind("assignment_proposed", _l("Interpreting assignment: %(title)s"),
                    _l("I am asked to interpret a session"), email_default=False,
                    roles=(Role.INTERPRETER,)))
# Organisers are emailed each decline with its reason whatever the choice.
add_kind(NoticeKind("assignment_declined", _l("%(name)s declined interpreting %(title)s"),
                    _l("An interpreter declines an assignment"), email_default=False,
                    detail=_l("Reason for declining: %(reason)s"),
                    people={"name": Seen.ATTENDEE}, roles=(Role.ORGANISER,)))

# Sent while the session has not started: time to prepare with what changed.
add_kind(NoticeKind("session_materials_changed",
                    _l("Materials changed for a session you interpret: %(title)s"),
                    _l("The materials of a session I interpret change"), email_default=True,
                    roles=(Role.INTERPRETER,)))


def people_asking(event_id: int, language_code: str, session_ids) -> list[User]:
    """Everyone actively registered for the event who asked for the language at
    registration or for one of these sessions."""
    asked = select(InterpretationRequest.user_id).where(
        InterpretationRequest.session_id.in_(list(session_ids)),
        InterpretationRequest.language_code == language_code)
    return list(db.session.scalars(
        select(User).join(Registration, Registration.user_id == User.id).where(
            Registration.event_id == event_id, Registration.status.in_(ACTIVE),
            or_(Registration.interpretation_language == language_code,
                User.id.in_(asked))).order_by(User.id)))


def tell_language_provided(channel) -> None:
    """Everyone registered for the event who asked for the channel's language, for this
    session or for the whole event, hears that it will be provided."""
    session = channel.session
    people = people_asking(session.event_id, channel.language_code, [session.id])
    notify(people, "interpretation_provided", language=channel.language_code,
           title=in_every_language(session, "title"),
           link=app_path("events.show_session", event_id=session.event_id,
                         session_id=session.id))


def tell_language_not_provided(mark, event) -> None:
    """Everyone who asked for the language (for the session, or any session when the mark
    is for the whole event) hears it will not be provided, and why when a reason is given."""
    sessions = [mark.session] if mark.session is not None else event.sessions
    title = in_every_language(mark.session if mark.session is not None else event, "title")
    link = (app_path("events.show_session", event_id=event.id, session_id=mark.session.id)
            if mark.session is not None else app_path("registrations.mine"))
    notify(people_asking(event.id, mark.language_code, [s.id for s in sessions]),
           "interpretation_not_provided", language=mark.language_code, title=title,
           reason=mark.reason, link=link)


def tell_interpreter_proposed(assignment) -> None:
    notify([assignment.interpreter.user], "assignment_proposed",
           title=assignment.channel.session.title,
           link=app_path("interpretation.my_assignments"))


def tell_organisers_declined(assignment) -> None:
    session = assignment.channel.session
    organisers = db.session.scalars(select(User).where(User.is_organiser))
    notify(organisers, "assignment_declined", name=assignment.interpreter_id,
           title=session.title, reason=assignment.decline_reason,
           link=app_path("interpretation.assignments", event_id=session.event_id))


def tell_materials_changed(session, interpreters) -> None:
    """Each interpreter booked for the session hears its materials changed, with a link to
    the preparation page."""
    notify(interpreters, "session_materials_changed", title=session.title,
           link=app_path("interpretation.preparation_page", session_id=session.id))
