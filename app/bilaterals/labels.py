"""Translated names for the bilaterals vocabulary, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from app.bilaterals.models import Answer, CallStatus

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
