"""Feedback after an event: who may answer, once; summaries and quotes without names.

Callers commit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.time import now_utc
from app.core.time import to_zone
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.models import FeedbackSubmission
from app.feedback.models import Reflection

MAX_TEXT = 2000


class FeedbackError(Refusal):
    """A refused answer; the message is for the user."""


class FeedbackConflict(FeedbackError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


class NotAParticipant(FeedbackError):
    status = 403


@dataclass
class Comments:
    rating: int | None = None
    what_worked: str = ""
    to_improve: str = ""

    @property
    def is_empty(self) -> bool:
        return self.rating is None and not self.what_worked.strip() \
            and not self.to_improve.strip()


@dataclass
class FeedbackInput:
    event: Comments
    sessions: dict[int, Comments] = field(default_factory=dict)
    reflection: str = ""
    is_anonymous: bool = False


def is_over(event: Event) -> bool:
    """Held, or its last day has passed in the event's own zone."""
    if event.status == EventStatus.HELD:
        return True
    return event.status != EventStatus.CANCELLED and \
        to_zone(now_utc(), event.timezone).date() > event.end_date


def has_submitted(event: Event, user: User) -> bool:
    return db.session.get(FeedbackSubmission, (event.id, user.id)) is not None


def check_may_answer(event: Event, user: User) -> None:
    from app.registrations.services import is_confirmed  # registrations builds on events

    if not is_over(event):
        raise FeedbackConflict(_("Feedback opens when the event is over."))
    if not is_confirmed(event, user):
        raise NotAParticipant(_("Only confirmed participants of this event can give "
                                "feedback."))
    if has_submitted(event, user):
        raise FeedbackConflict(_("You have already given feedback for this event. Thank "
                                 "you!"))


def feedback_sessions(event: Event) -> list[EventSession]:
    return list(db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id,
                                   EventSession.status == SessionStatus.SCHEDULED)
        .order_by(EventSession.start_dt, EventSession.id)))


def _checked(comments: Comments) -> Comments:
    if comments.rating is not None and not 1 <= comments.rating <= 5:
        raise FeedbackError(_("Ratings go from 1 to 5."))
    if len(comments.what_worked) > MAX_TEXT or len(comments.to_improve) > MAX_TEXT:
        raise FeedbackError(_("Keep each comment under %(n)d characters.", n=MAX_TEXT))
    return comments


def submit_feedback(event: Event, user: User, data: FeedbackInput) -> None:
    """Store the answers, and the marker that this person has answered."""
    check_may_answer(event, user)
    session_ids = {s.id for s in feedback_sessions(event)}
    if set(data.sessions) - session_ids:
        raise FeedbackError(_("Give feedback on this event's sessions only."))
    if data.event.is_empty and all(c.is_empty for c in data.sessions.values()) \
            and not data.reflection.strip():
        raise FeedbackError(_("Rate the event or write a comment before sending."))
    if len(data.reflection) > MAX_TEXT:
        raise FeedbackError(_("Keep your reflection under %(n)d characters.", n=MAX_TEXT))
    answers = [(None, _checked(data.event)),
               *((sid, _checked(comments)) for sid, comments in data.sessions.items())]
    try:
        with db.session.begin_nested():  # two tabs sending at once: the second is refused
            db.session.add(FeedbackSubmission(event_id=event.id, user_id=user.id))
    except IntegrityError:
        raise FeedbackConflict(_("You have already given feedback for this event. Thank "
                                 "you!")) from None
    author = None if data.is_anonymous else user.id
    for session_id, comments in answers:
        if not comments.is_empty:
            db.session.add(Feedback(
                event_id=event.id, session_id=session_id, rating=comments.rating,
                what_worked=comments.what_worked.strip(), to_improve=comments.to_improve.strip(),
                user_id=author))
    if data.reflection.strip():
        db.session.add(Reflection(event_id=event.id, text=data.reflection.strip(),
                                  user_id=author))
    db.session.flush()


@dataclass
class SessionSummary:
    session: EventSession | None  # None: the event as a whole
    count: int = 0
    average: float | None = None
    what_worked: list[str] = field(default_factory=list)
    to_improve: list[str] = field(default_factory=list)


def summary(event: Event) -> list[SessionSummary]:
    """Per session (the whole event first): answers, average rating and comments, with no
    names and in alphabetical order, so nothing hints at who wrote what. Three queries."""
    rows = {None: SessionSummary(None)}
    for session in feedback_sessions(event):
        rows[session.id] = SessionSummary(session)
    stats = db.session.execute(
        select(Feedback.session_id, func.count(), func.avg(Feedback.rating))
        .where(Feedback.event_id == event.id).group_by(Feedback.session_id))
    for session_id, count, average in stats:
        if session_id in rows:
            rows[session_id].count = count
            rows[session_id].average = round(float(average), 1) if average is not None \
                else None
    comments = db.session.execute(
        select(Feedback.session_id, Feedback.what_worked, Feedback.to_improve)
        .where(Feedback.event_id == event.id))
    for session_id, worked, improve in comments:
        if session_id in rows:
            if worked:
                rows[session_id].what_worked.append(worked)
            if improve:
                rows[session_id].to_improve.append(improve)
    for row in rows.values():
        row.what_worked.sort(key=str.casefold)
        row.to_improve.sort(key=str.casefold)
    return list(rows.values())


def respondents(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackSubmission).where(
        FeedbackSubmission.event_id == event.id)) or 0


def reflections(event: Event, *, for_report_only: bool = False) -> list[Reflection]:
    query = select(Reflection).where(Reflection.event_id == event.id)
    if for_report_only:
        query = query.where(Reflection.is_for_report.is_(True))
    return list(db.session.scalars(query.order_by(func.lower(Reflection.text))))


def mark_for_report(reflection: Reflection, include: bool) -> Reflection:
    reflection.is_for_report = include
    db.session.flush()
    return reflection


def summary_csv(rows: list[SessionSummary], whole_event_label: str) -> str:
    """One line per comment, by session: never a name, an id or a time."""
    out = io.StringIO()
    out.write("\ufeff")  # UTF-8 with a byte-order mark: spreadsheets then read every script
    writer = csv.writer(out)
    writer.writerow([_("Session"), _("Answers"), _("Average rating"), _("What worked"),
                     _("What to improve")])
    for row in rows:
        title = row.session.title if row.session else whole_event_label
        lines = [[title, row.count, row.average, "", ""]]
        lines += [[title, "", "", worked, ""] for worked in row.what_worked]
        lines += [[title, "", "", "", improve] for improve in row.to_improve]
        writer.writerows([[csv_cell(value) for value in line] for line in lines])
    return out.getvalue()


def csv_cell(value) -> str:
    """Spreadsheets run cells that start like a formula; a quote mark keeps them text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
