"""What every template can use: the viewer's locale and zone, and time formatting."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale

from app.core.i18n import LANGUAGE_NAMES, select_timezone
from app.core.time import fmt_datetime, fmt_time, fmt_when
from app.core.visibility import init_visibility


def current_locale() -> str:
    """The locale dates, numbers and names are written in: "en_AU", "th"."""
    return str(get_locale() or "en")


def current_language() -> str:
    """The language the page is written in, one of LANGUAGES: what a choice is saved as."""
    locale = get_locale()
    return locale.language if locale else "en"


def init_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    init_visibility(app)  # who may see which meeting and person: asked by every template

    @app.context_processor
    def viewer_context():
        return {
            "current_locale": current_locale(),
            "current_language": current_language(),
            "viewer_timezone": select_timezone(),
            "language_names": LANGUAGE_NAMES,
            "current_path": request.full_path.rstrip("?") if has_request_context() else "",
        }

    @app.template_filter("viewer_datetime")
    def viewer_datetime(instant, fmt="medium"):
        return fmt_datetime(instant, select_timezone(), current_locale(), fmt)

    @app.template_filter("viewer_when")
    def viewer_when(instant):
        return fmt_when(instant, select_timezone(), current_locale())

    @app.template_filter("viewer_time")
    def viewer_time(instant):
        return fmt_time(instant, select_timezone(), current_locale())
