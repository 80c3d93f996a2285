"""The words a printed agenda or programme says about a session, in the reader's language:
one source for the PDF and the programme page, so paper and screen never disagree."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.languages import label as language_name
from app.core.templating import current_locale
from app.events.display import SessionTimes
from app.events.labels import ATTENDANCE_MODES
from app.events.labels import SESSION_KINDS
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.translations import translated
from app.interpretation.labels import MODES
from app.printing.services import Hearing
from app.printing.services import Listening


def text_of(row: Event | EventSession, field: str) -> str:
    """A title or place in the reader's language, else the original followed by which
    language it is in (paper has no lang attribute to say it)."""
    shown = translated(row, field)
    if not shown.is_fallback:
        return shown.text
    return f"{shown.text} " + _("(in %(language)s)",
                                language=language_name(shown.lang, current_locale()))


def day_shift(days: int) -> str:
    if days > 0:
        return ngettext("+%(num)d day", "+%(num)d days", days)
    if days < 0:
        return ngettext("−%(num)d day", "−%(num)d days", -days)
    return ""


def your_time(times: SessionTimes) -> str:
    """"your time (UTC+7) +1 day": what the reader's clock says about the range above it."""
    return " ".join(part for part in (
        _("your time"), f"({times.viewer_offset})", day_shift(times.viewer_day_shift)) if part)


def meeting_time(times: SessionTimes) -> str:
    """The meeting's own time, when the reader's clock reads differently."""
    if not times.event_range:
        return ""
    return _("%(time)s in %(city)s", time=times.event_range, city=times.event_zone)


def details(event: Event, session: EventSession) -> str:
    """Kind, way of attending (hybrid events), room and places, as the agenda card says."""
    parts = [str(SESSION_KINDS[session.kind])]
    if event.kind == EventKind.HYBRID:
        parts.append(str(ATTENDANCE_MODES[session.attendance_mode]))
    if session.room:
        parts.append(session.room)
    if session.capacity:
        parts.append(ngettext("%(num)d place", "%(num)d places", session.capacity))
    return " · ".join(parts)


def gathering(session: EventSession) -> list[str]:
    """Where a site visit gathers and how it travels."""
    lines = []
    if session.meeting_point:
        lines.append(f"{_('Meeting point')}: {text_of(session, 'meeting_point')}")
    if session.transport:
        lines.append(f"{_('Transport')}: {text_of(session, 'transport')}")
    return lines


def listening(heard: Listening | None) -> str:
    """How the registrant follows the session in the language they asked for."""
    if heard is None:
        return ""
    language = language_name(heard.language, current_locale())
    if heard.hearing == Hearing.FLOOR:
        return _("Held in %(language)s: no interpretation needed.", language=language)
    if heard.hearing == Hearing.CHANNEL:
        return _("Interpretation: the %(language)s channel · %(mode)s", language=language,
                 mode=MODES[heard.mode])
    if heard.hearing == Hearing.NOT_PROVIDED:
        return _("%(language)s interpretation will not be provided in this session.",
                 language=language)
    return _("You asked for %(language)s interpretation; it is not arranged yet.",
             language=language)
