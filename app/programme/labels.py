from flask_babel import lazy_gettext as _l

from app.programme.models import RoleKind

ROLES = {
    RoleKind.SPEAKER: _l("Speaker"),
    RoleKind.FACILITATOR: _l("Facilitator"),
    RoleKind.MODERATOR: _l("Moderator"),
}
