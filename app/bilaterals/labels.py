"""Translated names for the bilaterals vocabulary, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from app.bilaterals.models import Answer
from app.bilaterals.models import CallStatus

ANSWERS = {
    Answer.YES: _l("Yes"),
    Answer.IF_NEED_BE: _l("If need be"),
    Answer.NO: _l("No"),
}
CALL_STATUSES = {
    CallStatus.OPEN: _l("Poll open"),
    CallStatus.SCHEDULED: _l("Scheduled"),
    CallStatus.CANCELLED: _l("Cancelled"),
}
# Where a slot falls in someone's working day (services.slot_fairness).
DAY_PLACES = {
    "early": _l("early in their day"),
    "late": _l("late in their day"),
    "midday": _l("mid-day"),
}
