"""Topics a person proposed and voted for (see app.core.personal_data). A proposed topic
is a contribution to the programme: it stays after erasure, by "Former participant"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.topics.models import Topic
from app.topics.models import TopicVote


def _export(user) -> list[dict]:
    proposed = [row(topic, "title description created_dt", item="proposed")
                for topic in db.session.scalars(select(Topic).where(Topic.proposer_id == user.id)
                                                .order_by(Topic.created_dt))]
    voted = [row(vote, "created_dt", item="voted for", title=topic.title)
             for vote, topic in db.session.execute(select(TopicVote, Topic).join(Topic).where(
                 TopicVote.user_id == user.id).order_by(TopicVote.created_dt))]
    return proposed + voted


HOLDINGS.add("topics", Holding(
    _l("Topics"),
    {
        "topics": columns(fact="id event_id title description proposer_id created_dt session_id"),
        "topic_votes": columns(fact="id topic_id user_id created_dt"),
    },
    export=_export))
