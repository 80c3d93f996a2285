"""What the calendar holds about a person (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select

from app.calendar.models import CalendarDelivery
from app.calendar.models import CalendarFeed
from app.calendar.models import ReminderSent
from app.core.models import RateCounter
from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db


def _export(user) -> list[dict]:
    feeds = [row(feed, "created_dt revoked_dt", item="feed link") for feed in
             db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id))]
    sent = [row(delivery, "uid kind event_id session_id sequence method sent_dt",
                item="calendar email") for delivery in db.session.scalars(
        select(CalendarDelivery).where(CalendarDelivery.user_id == user.id)
        .order_by(CalendarDelivery.sent_dt))]
    reminded = [row(reminder, "session_id sent_dt", item="reminder") for reminder in
                db.session.scalars(select(ReminderSent).where(ReminderSent.user_id == user.id))]
    return feeds + sent + reminded


def _erase(erasure: Erasure) -> None:
    user_id = erasure.user.id
    for model in (CalendarFeed, CalendarDelivery):
        db.session.execute(delete(model).where(model.user_id == user_id)
                           .execution_options(synchronize_session=False))
    db.session.execute(delete(RateCounter).where(RateCounter.key == f"feed:{user_id}")
                       .execution_options(synchronize_session=False))


HOLDINGS.add("calendar", Holding(
    _l("Calendar"),
    {
        "calendar_feeds": columns(personal="user_id token_hash created_dt revoked_dt changed_dt "
                                  "items_key items_index",
                                  not_personal="id"),
        "calendar_deliveries": columns(
            personal="user_id uid kind event_id session_id sequence method sent_dt",
            not_personal="id"),
        "reminders_sent": columns(fact="id user_id session_id sent_dt"),
        # What every reader of an item is shown; an item naming a person is never kept.
        "calendar_item_cache": columns(not_personal="digest uid sequence body created_dt"),
    },
    export=_export, erase=_erase))
