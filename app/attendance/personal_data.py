"""Who attended what (see app.core.personal_data): exported to the person; on erasure the
row stays linked to the anonymised account, a count in the statistics about nobody."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.attendance.models import Attendance
from app.core.personal_data import HOLDINGS
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db


def _export(user) -> list[dict]:
    return [row(attendance, "session_id source minutes recorded_dt")
            for attendance in db.session.scalars(select(Attendance).where(
                Attendance.user_id == user.id).order_by(Attendance.id))]


HOLDINGS.add("attendance", Holding(
    _l("Attendance"),
    {"attendance": columns(fact="id session_id user_id source minutes recorded_dt "
                                "recorded_by_id")},
    export=_export))
