"""How a request picks its language and timezone."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_login import current_user

from app.core.time import is_valid_timezone

LANGUAGE_NAMES = {
    # Each language names itself, so a reader finds theirs whatever the page's language.
    "en": "English",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
    "th": "ไทย",
}


def select_locale() -> str:
    """The user's saved choice, then this browser's choice, then Accept-Language, then English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return browser_locale()


def browser_locale() -> str:
    """This browser's choice, then Accept-Language, then English: what a request asks for
    without the database (the 503 page uses it when the database is down)."""
    languages = current_app.config["LANGUAGES"]
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if current_user.is_authenticated and is_valid_timezone(current_user.timezone):
        return current_user.timezone
    if is_valid_timezone(session.get("timezone")):
        return session["timezone"]
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@lru_cache(maxsize=1024)
def country_name(code: str | None, locale: str) -> str:
    """A country's name in the reader's language, from CLDR via babel."""
    if not code:
        return ""
    return Locale.parse(locale).territories.get(code, code)


@lru_cache(maxsize=1024)
def language_name(code: str, locale: str) -> str:
    return Locale.parse(locale).languages.get(code, code)
