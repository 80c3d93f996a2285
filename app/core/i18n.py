"""How a request picks its language and timezone."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel import localedata
from flask import current_app
from flask import has_request_context
from flask import request
from flask import session
from flask_login import current_user

from app.core.time import is_valid_timezone

LANGUAGE_NAMES = {
    # Each language names itself, so a reader finds theirs whatever the page's language.
    "en": "English",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
    "th": "ไทย",
}


# English written for readers outside the United States: day before month ("3 Dec 2026"), as
# CLDR's "world English" writes it. Used where neither the reader's country nor browser names a
# region of its own, so nobody in this region reads the US "12/3/26".
INTERNATIONAL_ENGLISH = "en_001"


def select_language() -> str:
    """The user's saved choice, then this browser's choice, then Accept-Language, then English:
    which catalog the page is written in (one of LANGUAGES)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return browser_locale()


def select_locale() -> str:
    """The page's language with the region its dates and numbers follow (Flask-Babel's locale).

    Only English varies by region here: an Australian reads "3 Dec 2026, 2:05 pm", an
    Indonesian reading English "3 Dec 2026, 14.05". The region is the signed-in person's
    country, else the browser's ("en-NZ"), else international English. Catalogs are looked up
    by language, so "en_AU" still finds the English text."""
    language = select_language()
    if language != "en" or not has_request_context():
        return language
    country = current_user.country_code if current_user.is_authenticated else None
    return formatting_locale(language, country, _browser_english_region())


def _browser_english_region() -> str | None:
    for value, _quality in request.accept_languages:
        language, _, region = value.replace("-", "_").partition("_")
        if language.lower() == "en" and region:
            return region.upper()
    return None


@lru_cache(maxsize=256)
def formatting_locale(language: str, country: str | None, browser_region: str | None = None
                      ) -> str:
    """The CLDR locale that writes dates and numbers for a reader of ``language`` from
    ``country``: for English, en_<country> where CLDR knows it (en_AU, en_NZ, en_MY, en_ID),
    else the browser's region, else international English; other languages as they are."""
    if language != "en":
        return language
    for region in (country, browser_region):
        if region and localedata.exists(f"en_{region}"):
            return f"en_{region}"
    return INTERNATIONAL_ENGLISH


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


def select_buddhist_era() -> bool:
    """Whether this reader chose Buddhist Era years for Thai dates: the account's choice, else
    this browser's (the preferences page). Formatters apply it only to Thai dates
    (``app.core.time.uses_buddhist_era``)."""
    if not has_request_context():
        return False
    if current_user.is_authenticated:
        return bool(current_user.buddhist_era)
    return session.get("buddhist_era") is True


@lru_cache(maxsize=1024)
def country_name(code: str | None, locale: str) -> str:
    """A country's name in the reader's language, from CLDR via babel."""
    if not code:
        return ""
    return Locale.parse(locale).territories.get(code, code)


@lru_cache(maxsize=1024)
def language_name(code: str, locale: str) -> str:
    return Locale.parse(locale).languages.get(code, code)
