"""What notices hold about a person (see app.core.personal_data): the notices sent to them and
their email choices. A notice names others only by account id, written out when shown, so an
erased person reads as "Former participant" in everyone else's notices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.notices.models import Notice
from app.notices.models import NoticeEmailChoice


def _export(user) -> list[dict]:
    notices = [row(notice, "kind created_dt read_dt link params") for notice in db.session.scalars(
        select(Notice).where(Notice.recipient_id == user.id).order_by(Notice.id))]
    choices = [row(choice, "kind is_emailed") for choice in db.session.scalars(
        select(NoticeEmailChoice).where(NoticeEmailChoice.user_id == user.id)
        .order_by(NoticeEmailChoice.kind))]
    return notices + choices


def _erase(erasure: Erasure) -> None:
    for model, owner in ((Notice, Notice.recipient_id), (NoticeEmailChoice,
                                                         NoticeEmailChoice.user_id)):
        db.session.execute(delete(model).where(owner == erasure.user.id)
                           .execution_options(synchronize_session=False))


HOLDINGS.add("notices", Holding(
    _l("Your notices"),
    {
        "notices": columns(personal="recipient_id kind key params link created_dt read_dt",
                           not_personal="id"),
        "notice_email_choices": columns(personal="user_id kind is_emailed"),
    },
    export=_export, erase=_erase))
