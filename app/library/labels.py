from flask_babel import lazy_gettext as _l

from app.library.models import ResourceKind

KINDS = {
    ResourceKind.TOOLKIT: _l("Toolkit"),
    ResourceKind.MANUAL: _l("Manual"),
    ResourceKind.CASE_STUDY: _l("Case study"),
    ResourceKind.SUMMARY_REPORT: _l("Summary report"),
    ResourceKind.SLIDES: _l("Slides"),
    ResourceKind.PAPER: _l("Paper"),
    ResourceKind.OTHER: _l("Other"),
}
