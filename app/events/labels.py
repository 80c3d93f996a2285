"""Translated names for the events vocabulary, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from app.events.models import AttendanceMode
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionKind

EVENT_KINDS = {
    EventKind.IN_PERSON: _l("In person"),
    EventKind.VIRTUAL: _l("Virtual"),
    EventKind.HYBRID: _l("Hybrid"),
}
EVENT_STATUSES = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.OPEN: _l("Registration open"),
    EventStatus.CLOSED: _l("Registration closed"),
    EventStatus.HELD: _l("Held"),
    EventStatus.CANCELLED: _l("Cancelled"),
}
SESSION_KINDS = {
    SessionKind.PLENARY: _l("Plenary"),
    SessionKind.SMALL_GROUP: _l("Small group"),
    SessionKind.SITE_VISIT: _l("Site visit"),
    SessionKind.BILATERAL: _l("Bilateral"),
    SessionKind.WORKING_GROUP: _l("Working group"),
    SessionKind.SOCIAL: _l("Social"),
    SessionKind.BREAK: _l("Break"),
}
ATTENDANCE_MODES = {
    AttendanceMode.IN_PERSON: _l("In person"),
    AttendanceMode.ONLINE: _l("Online"),
    AttendanceMode.BOTH: _l("In person and online"),
}
