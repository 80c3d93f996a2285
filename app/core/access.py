"""Access rules declared next to each route; an endpoint without one stops the app starting.

Put the decorator directly under ``@bp.route`` so the registered function carries the rule.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager

RULE_ATTR = "access_rule"


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    ORGANISER = "organiser"
    INTERPRETER = "interpreter"


def _declare(view, rule: tuple):
    setattr(view, RULE_ATTR, rule)
    return view


def public(view):
    """Anyone, signed in or not."""
    return _declare(view, ("public",))


def secret_link(view):
    """Anyone holding an unguessable token in the URL; the view checks the token itself."""
    return _declare(view, ("token",))


def signed_in(view):
    """Any signed-in account, whatever its roles."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _declare(wrapper, ("login",))


def roles_required(*roles: Role):
    """Signed in and holding at least one of ``roles``; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, ("roles", frozenset(roles)))

    return decorator


organiser_required = roles_required(Role.ORGANISER)


def delegation_required(view):
    """Signed in as an organiser or as a delegation focal point (``User.focal_country``: a
    participant organisers appointed for their own country's delegation); others get 403.
    Which delegation's rows a focal point reaches is the view's and its services' to check."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not (current_user.has_role(Role.ORGANISER)
                or getattr(current_user, "focal_country", None)):
            abort(403)
        return view(*args, **kwargs)

    return _declare(wrapper, ("delegation",))


def rule_of(view) -> tuple | None:
    return getattr(view, RULE_ATTR, None)


def require_declared_rules(app) -> None:
    """Default deny: refuse to build an app in which some endpoint forgot its rule."""
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not endpoint.endswith(".static") and rule_of(view) is None
    )
    if missing:
        raise RuntimeError("endpoints without an access rule: " + ", ".join(missing))
