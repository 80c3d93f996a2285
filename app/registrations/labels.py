from flask_babel import lazy_gettext as _l

from app.registrations.models import AttendAs
from app.registrations.models import RegistrationStatus

STATUSES = {
    RegistrationStatus.PENDING: _l("Waiting for approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waitlist"),
    RegistrationStatus.DECLINED: _l("Not accepted"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}
ATTEND_AS = {AttendAs.IN_PERSON: _l("In person"), AttendAs.ONLINE: _l("Online")}
ACTIONS = {
    "approve": _l("Approve"),
    "decline": _l("Decline"),
    "promote": _l("Move off the waitlist"),
    "cancel": _l("Cancel registration"),
}
