"""The managed list of interpretation languages (``core.models.Language``), read by every
feature that offers a language to interpret into: registrations, session requests, channels,
interpreter profiles. Organisers edit it on the interpretation feature's Languages page.

A language's name in the reader's language: the organisers' name for that locale when they
gave one, else CLDR's (babel), else their English name, else the language's own name.
"""

from __future__ import annotations

from flask import g
from flask import has_app_context
from sqlalchemy import select

from app.core.i18n import language_name
from app.core.models import Language
from app.extensions import db

_CACHE = "_interpretation_language_names"


def _names() -> dict[str, tuple[str, dict, bool]]:
    """code -> (own name, names by locale, retired) of every language, by code: read once
    per request (or app context), for the labels and the choices both."""
    if not has_app_context():
        return {}
    found = g.get(_CACHE)
    if found is None:
        found = {code: (name, names or {}, retired is not None)
                 for code, name, names, retired in db.session.execute(
                     select(Language.code, Language.name, Language.names, Language.retired_dt)
                     .order_by(Language.code))}
        setattr(g, _CACHE, found)
    return found


def forget_names() -> None:
    """After the list changed in this request: the next label reads it again."""
    if has_app_context():
        g.pop(_CACHE, None)


def label(code: str, locale: str) -> str:
    own, names, _retired = _names().get(code, ("", {}, False))
    cldr = language_name(code, locale)
    return (names.get(locale) or (cldr if cldr != code else "") or names.get("en") or own
            or code)


def offered(keep=()) -> list[Language]:
    """The languages people may choose now (not retired), and any in ``keep`` (a choice
    already made, so a form showing it stays valid after its language was retired)."""
    keep = [code for code in keep if code]
    query = select(Language).where(Language.retired_dt.is_(None))
    if keep:
        query = select(Language).where(Language.retired_dt.is_(None)
                                       | Language.code.in_(keep))
    return list(db.session.scalars(query.order_by(Language.code)))


def choices(locale: str, keep=()) -> list[tuple[str, str]]:
    """(code, name in the reader's language) of ``offered``, sorted by that name; from the
    request's one read of the list (a registration form asks on every POST)."""
    keep = {code for code in keep if code}
    return sorted(((code, label(code, locale)) for code, (_own, _by_locale, retired)
                   in _names().items() if not retired or code in keep),
                  key=lambda pair: pair[1].casefold())
