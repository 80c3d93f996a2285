"""Running as a service: refusing bad production settings, proxies, request ids and logging,
security headers, and a page that still renders when the database is down.

One configured logger (the app's) writes a line per request and every handled error, each
with the request id that the error page shows the person who hit it, so an organiser can
report "reference 3f2a..." and the line is found in the logs of whichever host served it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
import time
import uuid

from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask_babel import force_locale
from sqlalchemy import inspect
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.i18n import browser_locale
from app.extensions import db
from config import DEVELOPMENT_SECRET_KEY
from config import MIN_SECRET_KEY_LENGTH

LOG_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "request_id")


def production_problems(config) -> list[str]:
    """What stops this configuration from running in production, in words an operator acts on."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if not key:
        problems.append("SECRET_KEY is not set.")
    elif key == DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY is the development default.")
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters.")
    organiser_mailbox = config.get("ORGANISER_EMAIL") or config.get("MAIL_DEFAULT_SENDER") or ""
    if organiser_mailbox.rstrip(">").endswith("@localhost"):
        problems.append("ORGANISER_EMAIL (or MAIL_DEFAULT_SENDER) is not a real mailbox: "
                        "calendar invitations name it as their organiser.")
    if not config.get("PUBLIC_URL"):
        problems.append("PUBLIC_URL is not set (e.g. https://roundtable.example.org): every "
                        "link in emails and calendars is built from it.")
    return problems


def refuse_bad_production_config(app: Flask) -> None:
    if not app.config["PRODUCTION_CHECKS"]:
        return
    problems = production_problems(app.config)
    if problems:
        raise SystemExit(
            "Roundtable refuses to start: " + " ".join(problems) + " Generate a key with "
            "python -c 'import secrets; print(secrets.token_hex(32))'."
        )


STATIC_MAX_AGE = 365 * 24 * 3600


@functools.lru_cache(maxsize=256)
def _content_hash(path: str, _modified: float) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def version_static_urls(endpoint: str, values: dict) -> None:
    """``url_for('core.static', filename=...)`` gains ``v=<hash of the file>``: the
    fingerprint that lets static files be cached for a year (a new file, a new URL)."""
    if not endpoint.endswith("static") or "filename" not in values or "v" in values:
        return
    blueprint = endpoint.rpartition(".")[0]
    folder = (current_app.blueprints[blueprint].static_folder if blueprint
              else current_app.static_folder)
    path = os.path.join(folder or "", values["filename"])
    if os.path.isfile(path):
        values["v"] = _content_hash(path, os.path.getmtime(path))


def init_service(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"] > 0:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    configure_logging(app)
    app.before_request(start_request_log)
    app.after_request(security_headers)
    app.after_request(log_request)
    app.url_defaults(version_static_urls)
    # Every link to a static file carries its content's hash (``version_static_urls``): a
    # browser or proxy keeps it a year, and a changed file has a new address.
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = STATIC_MAX_AGE
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, database_unavailable)


# --- request ids and logging -----------------------------------------------------------------

class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was written in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, message, request id and any request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in LOG_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """The app's logger writes to stderr (gunicorn and systemd collect it), text or JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [%(request_id)s] %(message)s"))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    return g.get("request_id")


def start_request_log() -> None:
    g.request_id = uuid.uuid4().hex[:16]
    g.request_started = time.perf_counter()


def signed_in_user_id() -> int | None:
    """The user this request already loaded, without loading one (the database may be down)
    or reloading it: the request's commit has expired the row, and reading ``is_active`` or
    ``id`` from it would cost a query per signed-in POST. Its identity key says who it is."""
    user = g.get("_login_user")  # where Flask-Login keeps the user it loaded for this request
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is None or state.identity is None:  # anonymous, or not a saved row
        return None
    return state.identity[0]


def log_request(response):
    started = g.get("request_started")
    if started is None:  # a request that failed before its first before_request function
        return response
    fields = {
        "method": request.method,
        "path": request.url_rule.rule if request.url_rule else "-",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": signed_in_user_id(),
        "request_id": g.request_id,
    }
    current_app.logger.info("%s %s %s %sms user=%s", fields["method"], fields["path"],
                            fields["status"], fields["duration_ms"], fields["user_id"],
                            extra=fields)
    response.headers["X-Request-ID"] = g.request_id
    return response


# --- security headers ------------------------------------------------------------------------

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def security_headers(response):
    """Same-origin only, no inline script, never framed, no MIME sniffing, no leaked URLs
    (calendar feed links carry a secret token in their path)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# --- the database is down --------------------------------------------------------------------

def database_unavailable(error):
    """A translated 503 page that needs nothing from the database: no signed-in user, no
    saved language (the browser's choice decides), no context processors."""
    current_app.logger.error("database unavailable: %s", error.__class__.__name__,
                             exc_info=error)
    with contextlib.suppress(OperationalError, InterfaceError):
        db.session.rollback()  # the connection may be gone; the pool's ping replaces it
    locale = browser_locale()
    with force_locale(locale):
        page = current_app.jinja_env.get_template("core/unavailable.html").render(
            current_locale=locale, request_id=current_request_id())
    return page, 503, {"Retry-After": "30", "Cache-Control": "no-store"}
