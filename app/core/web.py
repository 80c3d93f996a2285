"""Small request helpers shared by the feature views."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from flask import current_app
from flask import redirect
from flask import request
from flask import url_for
from werkzeug.routing import MapAdapter


def is_local_path(target: str | None) -> bool:
    """True for a path on this site ("/events/3?tab=x") and for nothing a browser could read
    as another site. Browsers read a backslash as a slash and drop tabs and line breaks, so
    "/\\evil.example", "////evil.example/x" and "/\t/evil.example" all leave the site. The
    target is read the same way: backslashes become slashes, any run of slashes counts as
    "//", and what remains must have no scheme and no host. Any blank or control character,
    or any backslash at all, is refused outright."""
    if not target or not target.startswith("/") or "\\" in target:
        return False
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in target):
        return False
    parts = urlsplit(re.sub(r"/{2,}", "//", target))
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default_endpoint: str = "events.timeline") -> str:
    """A local path to go back to; anything else (another site, a scheme, a path a browser
    could read as one) falls back to the default."""
    if is_local_path(target):
        return target
    return url_for(default_endpoint)


def redirect_back(default_endpoint: str = "events.timeline"):
    return redirect(safe_next(request.form.get("next") or request.args.get("next"),
                              default_endpoint))


def absolute_url(endpoint: str, **values) -> str:
    """A full link for emails, calendars and pages to copy, built from ``PUBLIC_URL`` alone.

    Never from the request: its Host header is whatever the sender typed, and a link built
    from it (an invitation or a password reset) would hand the token to the sender's site.
    Works the same inside a request and in a command.
    """
    return public_urls().build(endpoint, values, force_external=True)


def public_urls() -> MapAdapter:
    """The URL map bound to the public address (scheme, host and any path prefix)."""
    adapter = current_app.extensions.get("public_urls")
    if adapter is None:
        public = urlsplit(current_app.config["PUBLIC_URL"])
        adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/",
                                           url_scheme=public.scheme or "https")
        current_app.extensions["public_urls"] = adapter
    return adapter
