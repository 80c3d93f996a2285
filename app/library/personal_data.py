"""Who shared a library resource (see app.core.personal_data): the resource stays on
erasure, no longer linked to anyone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.library.models import Resource


def _export(user) -> list[dict]:
    return [row(resource, "title kind original_name show_uploader created_dt")
            for resource in db.session.scalars(select(Resource).where(
                Resource.uploader_id == user.id).order_by(Resource.created_dt))]


def _erase(erasure: Erasure) -> None:
    db.session.execute(update(Resource).where(Resource.uploader_id == erasure.user.id)
                       .values(uploader_id=None, show_uploader=False)
                       .execution_options(synchronize_session=False))


HOLDINGS.add("library", Holding(
    _l("Library uploads"),
    {
        "resources": columns(
            not_personal="id title description kind stored_name original_name media_type "
                         "size_bytes created_dt",
            personal="uploader_id show_uploader"),
        "resource_events": columns(not_personal="resource_id event_id"),
        "resource_tags": columns(not_personal="id resource_id kind value"),
    },
    export=_export, erase=_erase))
