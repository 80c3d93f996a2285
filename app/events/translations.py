"""What organisers write about a meeting (titles, descriptions, the venue, a site visit's
meeting point and transport), in each of the platform's languages.

The columns keep the text in the event's own language (``Event.language``); each row's
``translations`` JSON holds the others, ``{"th": {"title": ...}}``. A reader gets their
language where it was given, else the original, marked: ``Shown`` renders itself with
``lang`` on the element (so a screen reader switches voice, WCAG 3.1.2) and a short "(in
English)" note. Kept on the rows themselves, so a page that shows a session shows its
translations without another query, and a change moves what the page cache and the calendar
feeds already watch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from markupsafe import escape
from sqlalchemy import select

from app.core.i18n import language_name
from app.core.locking import lock_row
from app.core.locking import lock_rows
from app.core.templating import current_language
from app.core.templating import current_locale
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import SessionStatus
from app.events.services import ConflictError
from app.extensions import db

# The fields each kind of row offers for translation, in the order the forms ask them.
EVENT_TEXTS = ("title", "description", "venue")
SESSION_TEXTS = ("title", "description", "meeting_point", "transport")


def platform_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def fields_of(row: Event | EventSession) -> tuple[str, ...]:
    return EVENT_TEXTS if isinstance(row, Event) else SESSION_TEXTS


def original_language(row: Event | EventSession) -> str:
    """A session is written in its event's language (one choice per meeting)."""
    return row.language if isinstance(row, Event) else row.event.language


@dataclass(frozen=True)
class Shown:
    """A text as one reader gets it: ``lang`` is the language it is in, ``is_fallback``
    that it is the original because the reader's language was not given. Hashable, so the
    agenda's rendered-card cache can key on it; ``str()`` is the bare text (for a page's
    <title> or an attribute), ``{{ shown }}`` the marked-up element."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        if not self.is_fallback:
            return str(escape(self.text))
        note = _("(in %(language)s)", language=language_name(self.lang, current_locale()))
        return str(Markup('<span lang="{lang}">{text}</span> '
                          '<small class="untranslated">{note}</small>').format(
            lang=self.lang, text=self.text, note=note))


def translated(row: Event | EventSession, field: str, language: str | None = None) -> Shown:
    """``field`` of ``row`` in ``language`` (the reader's, by default), else the original."""
    return shown_in(row, field, original_language(row), language)


def shown_in(row, field: str, original: str, language: str | None = None) -> Shown:
    """``field`` of any row written in ``original`` that keeps its other languages in a
    ``translations`` JSON ({language: {field: text}}): in ``language``, else the original,
    marked (events, sessions, surveys and their questions)."""
    text = getattr(row, field) or ""
    language = language or current_language()
    if language == original or not text:
        return Shown(text, original, False)
    given = (row.translations or {}).get(language, {}).get(field, "")
    return Shown(given, language, False) if given else Shown(text, original, True)


def in_every_language(row: Event | EventSession, field: str) -> dict[str, str]:
    """{language: text} for every platform language, the original where one is missing: what
    a notice keeps, so it reads in its reader's language whenever it is read (its
    ``translated`` parameters)."""
    return {language: translated(row, field, language).text
            for language in platform_languages()}


def set_translations(row: Event | EventSession, texts: dict[str, dict[str, str]]) -> None:
    """Keep ``texts`` ({language: {field: text}}) as the row's translations: only the other
    platform languages and the row's own fields; an empty text removes a translation. A new
    dict, so the JSON column is seen as changed."""
    original = original_language(row)
    kept: dict[str, dict[str, str]] = {}
    for language in platform_languages():
        if language == original:
            continue
        given = {field: (texts.get(language, {}).get(field) or "").strip()
                 for field in fields_of(row)}
        given = {field: text for field, text in given.items() if text}
        if given:
            kept[language] = given
    row.translations = kept


def missing(row: Event | EventSession, original: str) -> list[tuple[str, str]]:
    """(field, language) pairs that have an original text and no translation."""
    others = [language for language in platform_languages() if language != original]
    given = row.translations or {}
    return [(field, language) for field in fields_of(row) if getattr(row, field)
            for language in others if not given.get(language, {}).get(field)]


def missing_count(event: Event, sessions) -> int:
    """Translations still to write for the event and its scheduled sessions."""
    return len(missing(event, event.language)) + sum(
        len(missing(session, event.language)) for session in sessions
        if session.status == SessionStatus.SCHEDULED)


def missing_counts(events) -> dict[int, int]:
    """``missing_count`` for each of ``events``, their sessions read in one query (the
    organisers' list of events)."""
    by_id = {event.id: event for event in events}
    counts = {event.id: len(missing(event, event.language)) for event in events}
    if not by_id:
        return counts
    sessions = db.session.scalars(select(EventSession).where(
        EventSession.event_id.in_(by_id), EventSession.status == SessionStatus.SCHEDULED))
    for session in sessions:
        counts[session.event_id] += len(missing(session, by_id[session.event_id].language))
    return counts


def fingerprint(rows) -> str:
    """What the translations page showed: saved with the form, so a save over someone
    else's newer translations is noticed instead of blanking them."""
    kept = [(type(row).__name__, row.id, row.translations or {}) for row in rows]
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def save_translations(event: Event, given: dict, seen: str) -> None:
    """Keep the translations the page gave (``given``: {row: {language: {field: text}}}).
    Decided under the locks of the event and its sessions, re-read: when someone saved
    since the page was opened (``seen`` no longer matches), nothing is saved."""
    lock_row(Event, event.id)
    sessions = lock_rows(EventSession, [row.id for row in given if isinstance(row, EventSession)])
    rows = [event, *(sessions[row.id] for row in given if isinstance(row, EventSession))]
    if fingerprint(rows) != seen:
        raise ConflictError(_("Someone else saved translations of this event since you opened "
                              "this page. Your texts are below, not saved yet: check them "
                              "against theirs and save again."))
    for row, texts in given.items():
        set_translations(event if isinstance(row, Event) else sessions[row.id], texts)
