from flask_babel import lazy_gettext as _l

from app.interpretation.models import AssignmentStatus, Grade

STATUSES = {
    AssignmentStatus.PROPOSED: _l("Proposed"),
    AssignmentStatus.ACCEPTED: _l("Accepted"),
    AssignmentStatus.DECLINED: _l("Declined"),
    AssignmentStatus.RELEASED: _l("Released"),
}
GRADES = {
    Grade.A: _l("A (native)"),
    Grade.B: _l("B (active)"),
    Grade.C: _l("C (passive)"),
}
