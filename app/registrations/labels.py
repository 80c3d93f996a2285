from flask_babel import gettext as _
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


def standing(status: RegistrationStatus, position: int | None) -> str:
    """A registration's state as its reader needs it: on the waitlist, their number in the
    queue says it all ("On the waitlist · number 2 on the waitlist" said it twice)."""
    if position:
        return _("On the waitlist: number %(n)d", n=position)
    return str(STATUSES.get(status, ""))


ATTEND_AS = {AttendAs.IN_PERSON: _l("In person"), AttendAs.ONLINE: _l("Online")}
ACTIONS = {
    "approve": _l("Approve"),
    "decline": _l("Decline"),
    "promote": _l("Move off the waitlist"),
    "cancel": _l("Cancel registration"),
}
