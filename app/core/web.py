"""Small request helpers shared by the feature views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request, url_for


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
