"""What every template can use: the viewer's locale and zone, and time formatting."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.core import visibility
from app.core.i18n import LANGUAGE_NAMES, country_name, language_name, select_timezone
from app.core.registry import RegistryCollision
from app.core.time import fmt_datetime, fmt_time, fmt_when


def current_locale() -> str:
    """The locale dates, numbers and names are written in: "en_AU", "th"."""
    return str(get_locale() or "en")


def current_language() -> str:
    """The language the page is written in, one of LANGUAGES: what a choice is saved as."""
    locale = get_locale()
    return locale.language if locale else "en"


def add_template_globals(app: Flask, **names) -> None:
    """Names a feature's templates call, and the hooks other features' pages call without
    importing it (``registration_panel`` on the event page). One namespace for every
    feature, so a name taken twice is refused at start-up instead of the last one winning."""
    taken = sorted(set(names) & set(app.jinja_env.globals))
    if taken:
        raise RegistryCollision(f"template globals registered twice: {', '.join(taken)}")
    app.jinja_env.globals.update(names)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["small_count"] = visibility.small_count
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    add_template_globals(
        app,
        # Who may see which person, and how counts of people show: asked on every page.
        visible_name=lambda person, context, opted_in=False: visibility.visible_name(
            current_user, person, context, opted_in=opted_in),
        shown_count=lambda n: visibility.shown_count(current_user, n),
        small_count_limit=visibility.SMALL_COUNT,
        country_label=lambda code: country_name(code, current_locale()),
        language_label=lambda code: language_name(code, current_locale()),
    )

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
