"""The erasure requests themselves (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db
from app.privacy.models import ErasureRequest


def _export(user) -> list[dict]:
    return [row(request, "requested_dt erased_dt") for request in db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.user_id == user.id)
        .order_by(ErasureRequest.id))]


HOLDINGS.add("erasure_requests", Holding(
    _l("Erasure requests"),
    {"erasure_requests": columns(fact="id user_id requested_dt erased_dt erased_by_id")},
    export=_export))
