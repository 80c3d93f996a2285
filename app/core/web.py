"""Small request helpers shared by the feature views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, has_request_context, redirect, request, url_for


def safe_next(target: str | None, default_endpoint: str = "events.timeline") -> str:
    """A local path to go back to; anything pointing off-site falls back to the default."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for(default_endpoint)


def redirect_back(default_endpoint: str = "events.timeline"):
    return redirect(safe_next(request.form.get("next") or request.args.get("next"),
                              default_endpoint))


def absolute_url(endpoint: str, **values) -> str:
    """A full link for emails, also from commands that run outside any web request."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)


def flash_form_errors(form) -> None:
    """Every validation message of a form posted from another page, to show after redirect."""
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
