"""Participant-led topics: proposing, voting, the ranking and scheduling. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.events import services as events
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.extensions import db
from app.topics.models import Topic
from app.topics.models import TopicVote


class TopicError(Refusal):
    """A refused action on topics; the message is for the user."""


class TopicConflict(TopicError, Conflict):
    """Refused because the state changed under the person: see ``Conflict``."""


CLOSED = (EventStatus.CANCELLED, EventStatus.HELD)


def propose_topic(event: Event, user: User, title: str, description: str = "") -> Topic:
    if event.status in CLOSED:
        raise TopicConflict(_("Topics can no longer be proposed for this event."))
    if not title.strip():
        raise TopicError(_("Give the topic a title."))
    topic = Topic(event_id=event.id, title=title.strip(), description=description.strip(),
                  proposer_id=user.id)
    db.session.add(topic)
    db.session.flush()
    return topic


def has_voted(topic: Topic, user: User) -> bool:
    return db.session.scalar(select(exists().where(
        TopicVote.topic_id == topic.id, TopicVote.user_id == user.id))) or False


def cast_vote(topic: Topic, user: User) -> TopicVote:
    """A second vote is refused; the unique constraint settles two votes sent at once."""
    if topic.event.status in CLOSED:
        raise TopicConflict(_("Voting on this event's topics is closed."))
    if has_voted(topic, user):
        raise TopicConflict(_("You have already voted for this topic."))
    vote = TopicVote(topic_id=topic.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:
        raise TopicConflict(_("You have already voted for this topic.")) from None
    return vote


def withdraw_vote(topic: Topic, user: User) -> None:
    if topic.event.status in CLOSED:
        raise TopicConflict(_("Voting on this event's topics is closed."))
    vote = db.session.scalar(select(TopicVote).where(
        TopicVote.topic_id == topic.id, TopicVote.user_id == user.id))
    if vote is None:
        raise TopicConflict(_("You have not voted for this topic."))
    db.session.delete(vote)
    db.session.flush()


@dataclass(frozen=True)
class RankedTopic:
    topic: Topic
    votes: int
    is_mine: bool  # the viewer voted for it


def ranking(event: Event, viewer: User) -> list[RankedTopic]:
    """Topics by votes, most first, with the viewer's own votes: one query."""
    counts = (select(TopicVote.topic_id, func.count().label("votes"))
              .join(Topic, Topic.id == TopicVote.topic_id)
              .where(Topic.event_id == event.id)
              .group_by(TopicVote.topic_id).subquery())
    mine = exists().where(and_(TopicVote.topic_id == Topic.id, TopicVote.user_id == viewer.id))
    votes = func.coalesce(counts.c.votes, 0)
    query = (select(Topic, votes, mine)
             .outerjoin(counts, counts.c.topic_id == Topic.id)
             .where(Topic.event_id == event.id)
             .options(joinedload(Topic.proposer), joinedload(Topic.session))
             .order_by(votes.desc(), Topic.created_dt, Topic.id))
    return [RankedTopic(topic, count, bool(is_mine))
            for topic, count, is_mine in db.session.execute(query)]


def schedule_topic(topic: Topic, data: events.SessionInput) -> EventSession:
    """Make the topic a session of the agenda, under the topic's title (the event's own rules
    on days, times and rooms apply)."""
    if topic.session_id is not None:
        raise TopicConflict(_("This topic is already on the agenda."))
    session = events.schedule_session(
        topic.event, replace(data, title=topic.title, description=topic.description))
    topic.session = session
    db.session.flush()
    return session
