from flask_babel import lazy_gettext as _l

from app.interpretation.models import AssignmentStatus
from app.interpretation.models import Grade
from app.interpretation.models import Mode

STATUSES = {
    AssignmentStatus.PROPOSED: _l("Proposed"),
    AssignmentStatus.ACCEPTED: _l("Accepted"),
    AssignmentStatus.DECLINED: _l("Declined"),
    AssignmentStatus.RELEASED: _l("Released"),
}
# The coverage report's status column (the services' CoverageState values).
COVERAGE = {
    "gap": _l("Not staffed"),
    "short": _l("Team incomplete"),
    "awaiting": _l("Proposed, awaiting replies"),
    "covered": _l("Covered"),
}
GRADES = {
    Grade.A: _l("A (native)"),
    Grade.B: _l("B (active)"),
    Grade.C: _l("C (passive)"),
}
MODES = {
    Mode.SIMULTANEOUS: _l("Simultaneous (booth)"),
    Mode.CONSECUTIVE: _l("Consecutive"),
    Mode.WHISPERED: _l("Whispered (chuchotage)"),
    Mode.SIGN: _l("Sign language"),
}
