"""Summary reports: drafting from the agenda, the Chatham House check, publishing, and the
platform's public timeline. Rules are plain functions; callers commit.

A report says what was discussed, never who said it or who was there: before it is
published every section, in every language, is searched for the names, emails and
organisations of the event's registrants (``chatham_flags``), and publishing is refused
while a flag stands that no organiser acknowledged.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_row
from app.core.personal_data import MIN_IDENTIFIER_LENGTH
from app.core.templating import current_language
from app.core.time import now_utc
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.translations import Shown
from app.events.translations import platform_languages
from app.events.translations import translated
from app.extensions import db
from app.feedback import services as feedback
from app.library.models import Resource
from app.registrations.models import Registration
from app.reports.models import SECTIONS
from app.reports.models import ReportAcknowledgement
from app.reports.models import ReportStatus
from app.reports.models import SummaryReport
from app.reports.models import report_downloads

MAX_SECTION = 20000
# Sessions a summary does not recount: coffee and dinner are not what a meeting discussed.
UNREPORTED_KINDS = (SessionKind.BREAK, SessionKind.SOCIAL)
FIRST_YEAR = 2019  # the platform was launched in Bangkok in November 2019
_THAI = re.compile(r"[\u0e00-\u0e7f]")


class ReportError(Refusal):
    """A refused change to a report; the message is for the organiser."""


class ReportConflict(ReportError, Conflict):
    """Refused because the report changed under the organiser: see ``Conflict``."""


class PublishRefused(ReportConflict):
    """Flags of the Chatham House check still stand in the report as it is now: nothing is
    published, nothing lost (409: the text must change first)."""


# --- reading ------------------------------------------------------------------------------

def report_of(event: Event) -> SummaryReport | None:
    return db.session.scalar(select(SummaryReport).where(SummaryReport.event_id == event.id))


def report_or_blank(event: Event) -> SummaryReport:
    """The event's report, or an empty draft that is not stored (a page that only reads
    writes nothing)."""
    report = report_of(event)
    if report is None:
        report = SummaryReport(status=ReportStatus.DRAFT, texts={})
        report.event = event  # no backref: the blank is not added to the session
    return report


def report_for_editing(event: Event) -> SummaryReport:
    """The event's report, created empty (a draft) the first time an organiser saves."""
    report = report_of(event)
    if report is None:
        report = SummaryReport(event_id=event.id, status=ReportStatus.DRAFT, texts={})
        db.session.add(report)
        db.session.flush()
    return report


def published_report(event_id: int) -> SummaryReport | None:
    """The report anyone may read: published, of an event everyone may see, not cancelled."""
    report = db.session.scalar(select(SummaryReport).where(
        SummaryReport.event_id == event_id, SummaryReport.status == ReportStatus.PUBLISHED))
    if report is None or not report.event.is_visible_to_all \
            or report.event.status == EventStatus.CANCELLED:
        return None
    return report


def given_languages(report: SummaryReport) -> list[str]:
    """The languages the report is written in: the original first, then each translation
    with at least one section."""
    original = report.event.language
    texts = report.texts or {}
    return [original] + [language for language in platform_languages()
                         if language != original and any((texts.get(language) or {}).values())]


def section_text(report: SummaryReport, section: str, language: str | None = None) -> Shown:
    """``section`` in ``language`` (the reader's by default), else the original, marked as
    the event's own texts are (``app.events.translations``)."""
    original = report.event.language
    language = language or current_language()
    texts = report.texts or {}
    text = (texts.get(original) or {}).get(section, "")
    given = (texts.get(language) or {}).get(section, "")
    if language == original or given:
        return Shown(given, language, False)
    return Shown(text, original, bool(text))


@dataclass(frozen=True)
class Block:
    """A piece of a section as written: a paragraph, a list (``items``) or a quote."""

    kind: str  # "paragraph", "list" or "quote"
    items: tuple[str, ...]


def blocks(text: str, *, quotes: bool = False) -> list[Block]:
    """A section's plain text as paragraphs (blank lines between them) and lists (lines
    starting with "- "); the reflections section makes each paragraph a quote. One source
    for the page and the PDF."""
    found = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "• ")) for line in lines):
            found.append(Block("list", tuple(line[2:].strip() for line in lines)))
        else:
            found.append(Block("quote" if quotes else "paragraph", (" ".join(lines),)))
    return found


def fingerprint(report: SummaryReport, language: str) -> str:
    """What the form showed of one language: saved with it, so a save over another
    organiser's newer text is noticed instead of blanking it."""
    texts = (report.texts or {}).get(language) or {}
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()


# --- editing ------------------------------------------------------------------------------

def _clean(text: str) -> str:
    """Text as stored: composed Unicode (one spelling of a Thai or accented name, so the
    check finds it), Windows line ends made plain, no trailing blanks."""
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()


def _locked_report(event: Event) -> SummaryReport:
    """Event row first (app.core.locking), then the report, re-read under that lock."""
    lock_row(Event, event.id)
    report = report_for_editing(event)
    db.session.refresh(report)
    return report


def save_sections(event: Event, language: str, given: dict[str, str], seen: str
                  ) -> SummaryReport:
    """Keep the sections of one language as typed. Refused, with nothing saved, when another
    organiser saved this language since the form was opened (``seen``)."""
    if language not in platform_languages():
        raise ReportError(_("Choose one of the platform's languages."))
    report = _locked_report(event)
    if fingerprint(report, language) != seen:
        raise ReportConflict(_("Someone else saved this report since you opened it. Your "
                               "texts are below, not saved yet: check them against theirs "
                               "and save again."))
    kept = {section: _clean(given.get(section, "")) for section in SECTIONS}
    if any(len(text) > MAX_SECTION for text in kept.values()):
        raise ReportError(_("Keep each section under %(n)d characters.", n=MAX_SECTION))
    texts = dict(report.texts or {})
    texts[language] = {section: text for section, text in kept.items() if text}
    if not texts[language]:
        del texts[language]
    report.texts = texts  # a new dict: the JSON column is seen as changed
    if report.is_published and check_report(report).standing:
        raise PublishRefused(_("This report is published: the Chatham House check flags "
                               "what you typed. Remove the flagged words, or withdraw the "
                               "report to draft first. Your texts are below, not saved."))
    db.session.flush()
    return report


def reported_sessions(event: Event) -> list[EventSession]:
    return list(db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id,
                                   EventSession.status == SessionStatus.SCHEDULED,
                                   EventSession.kind.not_in(UNREPORTED_KINDS))
        .order_by(EventSession.start_dt, EventSession.id)))


def drafted_sections(event: Event, language: str) -> dict[str, str]:
    """What the agenda already says, in ``language``: the event's description as the
    overview, each session's title and description (never a speaker: a summary names
    nobody), and, in the original language, the reflections organisers chose for the report
    (unattributed as they are kept). A language the agenda is not translated into gets
    nothing, rather than a mix of languages."""
    original = language == event.language
    drafted: dict[str, str] = {}
    overview = translated(event, "description", language)
    if overview and not overview.is_fallback:
        drafted["overview"] = overview.text
    lines = []
    for session in reported_sessions(event):
        title = translated(session, "title", language)
        if title.is_fallback:
            lines = []
            break
        description = translated(session, "description", language)
        text = title.text
        if description and not description.is_fallback:
            text += ": " + " ".join(description.text.split())
        lines.append("- " + text)
    if lines:
        drafted["sessions"] = "\n".join(lines)
    if original:
        quotes = [" ".join(r.text.split())
                  for r in feedback.reflections(event, for_report_only=True)]
        if quotes:
            drafted["reflections"] = "\n\n".join(quotes)
    return {section: _clean(text) for section, text in drafted.items() if _clean(text)}


def draft_from_agenda(event: Event) -> list[tuple[str, str]]:
    """Fill every empty section, in every language, from the agenda (``drafted_sections``).
    A section that already holds text is never touched: what an organiser wrote stays.
    Returns the (language, section) pairs filled."""
    report = _locked_report(event)
    texts = {language: dict(sections) for language, sections in (report.texts or {}).items()}
    filled = []
    for language in platform_languages():
        for section, text in drafted_sections(event, language).items():
            if not (texts.get(language) or {}).get(section):
                texts.setdefault(language, {})[section] = text
                filled.append((language, section))
    report.texts = texts
    db.session.flush()
    return filled


def set_downloads(event: Event, resource_ids: list[int]) -> SummaryReport:
    """The library resources the report offers. Once it is published, anyone can download
    them through it (and only them)."""
    report = _locked_report(event)
    resources = list(db.session.scalars(select(Resource).where(
        Resource.id.in_(resource_ids)))) if resource_ids else []
    if len(resources) != len(set(resource_ids)):
        raise ReportError(_("Choose resources from the library's list."))
    report.downloads = resources
    db.session.flush()
    return report


def library_choices() -> list[Resource]:
    return list(db.session.scalars(select(Resource).order_by(Resource.title)))


def public_download(event_id: int, resource_id: int) -> Resource | None:
    """A resource anyone may download: a key download of a published report."""
    report = published_report(event_id)
    if report is None:
        return None
    return db.session.scalar(select(Resource).join(
        report_downloads, report_downloads.c.resource_id == Resource.id).where(
        report_downloads.c.report_id == report.id, Resource.id == resource_id))


# --- the Chatham House check ----------------------------------------------------------------

@dataclass(frozen=True)
class Identifier:
    """A string that would name an attendee: ``kind`` is what it is (for the organiser's
    message), never whose."""

    text: str
    kind: str  # "name", "real_name", "email", "organisation"


@dataclass
class Flag:
    """Words of a section that name an attendee, and where they stand in the text."""

    language: str
    section: str
    words: str
    kind: str
    start: int
    end: int
    acknowledged: bool = False

    @property
    def key(self) -> str:
        return normalised(self.words)


@dataclass
class Check:
    flags: list[Flag] = field(default_factory=list)

    @property
    def standing(self) -> list[Flag]:
        return [flag for flag in self.flags if not flag.acknowledged]

    def of(self, language: str, section: str) -> list[Flag]:
        return [f for f in self.flags if f.language == language and f.section == section]


def normalised(words: str) -> str:
    """Words as compared: composed Unicode, any case, any run of blanks one space."""
    return " ".join(unicodedata.normalize("NFC", words).casefold().split())


def attendee_identifiers(event: Event) -> list[Identifier]:
    """Every string that names someone registered for the event (in any state: a person
    who cancelled was still part of the meeting's circle): their public name, a pseudonym
    holder's real name, their email, their organisation's name. One query."""
    people = db.session.scalars(select(User).join(Registration, Registration.user_id == User.id)
                                .where(Registration.event_id == event.id))
    found: dict[str, Identifier] = {}
    for person in people:
        candidates = [Identifier(person.display_name,
                                 "real_name" if person.pseudonym else "name"),
                      Identifier(person.pseudonym, "name"), Identifier(person.email, "email")]
        if person.organisation is not None:
            candidates.append(Identifier(person.organisation.name, "organisation"))
        for candidate in candidates:
            key = normalised(candidate.text or "")
            if len(key) >= MIN_IDENTIFIER_LENGTH and key not in found:
                found[key] = candidate
    return list(found.values())


def _pattern(identifier: str) -> re.Pattern:
    """Whole words, any case, any blanks between the words; Thai is written without spaces
    between words, so a Thai name matches anywhere."""
    words = unicodedata.normalize("NFC", identifier).split()
    body = r"\s+".join(re.escape(word) for word in words)
    if _THAI.search(identifier):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def chatham_flags(texts: dict[str, dict[str, str]], identifiers: list[Identifier],
                  acknowledged: set[str] = frozenset()) -> Check:
    """Every place in ``texts`` ({language: {section: text}}) where one of ``identifiers``
    stands; a flag whose words were acknowledged (``normalised``) is marked so."""
    patterns = [(identifier, _pattern(identifier.text)) for identifier in identifiers]
    check = Check()
    for language in sorted(texts):
        for section in SECTIONS:
            text = unicodedata.normalize("NFC", (texts[language] or {}).get(section) or "")
            if not text:
                continue
            found = []
            for identifier, pattern in patterns:
                for match in pattern.finditer(text):
                    found.append(Flag(language, section, match.group(0), identifier.kind,
                                      match.start(), match.end(),
                                      normalised(match.group(0)) in acknowledged))
            check.flags += _outermost(found)
    return check


def _outermost(flags: list[Flag]) -> list[Flag]:
    """One flag per stretch of text: a name inside a longer matched name or email (a
    person named "Sari" within "sari@example.org") is the longer one's."""
    flags.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Flag] = []
    for flag in flags:
        if kept and flag.start < kept[-1].end:
            continue
        kept.append(flag)
    return kept


def check_report(report: SummaryReport) -> Check:
    acknowledged = {ack.words for ack in report.acknowledgements}
    return chatham_flags(report.texts or {}, attendee_identifiers(report.event), acknowledged)


def highlighted(text: str, flags: list[Flag]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_flagged) for the organiser's view of a section."""
    text = unicodedata.normalize("NFC", text)
    pieces, at = [], 0
    for flag in sorted(flags, key=lambda f: f.start):
        pieces.append((text[at:flag.start], False))
        pieces.append((text[flag.start:flag.end], True))
        at = flag.end
    pieces.append((text[at:], False))
    return [(piece, marked) for piece, marked in pieces if piece]


def acknowledge(event: Event, words: str, user: User) -> ReportAcknowledgement:
    """Record that the flagged ``words`` may stand (they name an organisation that agreed
    to be named, say). Only words the check flags now, and never an email address."""
    report = _locked_report(event)
    key = normalised(words)
    flags = [flag for flag in check_report(report).flags if flag.key == key]
    if not flags:
        raise ReportError(_("Those words are not flagged in this report."))
    if any(flag.kind == "email" for flag in flags):
        raise ReportError(_("An email address is never published: remove it from the "
                            "report."))
    existing = next((ack for ack in report.acknowledgements if ack.words == key), None)
    if existing is not None:
        return existing
    ack = ReportAcknowledgement(words=key, acknowledged_by_id=user.id)
    report.acknowledgements.append(ack)
    db.session.flush()
    return ack


def publish(event: Event) -> SummaryReport:
    """Publish the report, deciding under the event's lock on the report as it is now: a
    section saved a moment ago with a name in it is seen, and refuses."""
    report = _locked_report(event)
    if event.status == EventStatus.CANCELLED or not event.is_visible_to_all:
        raise ReportError(_("Only a report of a meeting everyone can see may be published."))
    if not feedback.is_over(event):
        raise ReportError(_("A report is published once the meeting has been held."))
    if not section_text(report, "overview", event.language).text:
        raise ReportError(_("Write the overview before publishing."), field="overview")
    standing = check_report(report).standing
    if standing:
        raise PublishRefused(_(
            "Not published: the Chatham House check flags %(words)s. Remove the words, or "
            "acknowledge those that may stand, then publish again. Nothing was lost.",
            words=", ".join(sorted({f"“{flag.words}”" for flag in standing}))))
    if not report.is_published:
        report.status = ReportStatus.PUBLISHED
        report.published_dt = now_utc()
    db.session.flush()
    return report


def unpublish(event: Event) -> SummaryReport:
    """Back to a draft: the public page and its key downloads are gone until published
    again."""
    report = _locked_report(event)
    report.status = ReportStatus.DRAFT
    db.session.flush()
    return report


# --- the public timeline --------------------------------------------------------------------

@dataclass
class TimelineEntry:
    event: Event
    is_upcoming: bool
    topics: list[str]
    has_report: bool


def platform_timeline(today: date | None = None) -> list[tuple[int, list[TimelineEntry]]]:
    """Every meeting everyone may see since the platform began, newest year first, each
    year's meetings in date order: held ones, and those to come marked so. What was
    discussed (its topics, else its sessions' titles) and whether its report is out;
    nothing about who came. Three queries whatever the number of meetings."""
    today = today or now_utc().date()
    events = list(db.session.scalars(
        select(Event).where(Event.status.not_in((EventStatus.DRAFT, EventStatus.CANCELLED)),
                            Event.is_private.is_(False),
                            Event.start_date >= date(FIRST_YEAR, 1, 1))
        .order_by(Event.start_date, Event.id)))
    reported = set(db.session.scalars(select(SummaryReport.event_id).where(
        SummaryReport.status == ReportStatus.PUBLISHED)))
    untopical = [event.id for event in events if not event.topics]
    titles: dict[int, list[str]] = {}
    if untopical:
        for session in db.session.scalars(
                select(EventSession).where(EventSession.event_id.in_(untopical),
                                           EventSession.status == SessionStatus.SCHEDULED,
                                           EventSession.kind.not_in(UNREPORTED_KINDS))
                .order_by(EventSession.start_dt, EventSession.id)):
            titles.setdefault(session.event_id, []).append(
                translated(session, "title").text)
    years: dict[int, list[TimelineEntry]] = {}
    for event in events:
        upcoming = event.status != EventStatus.HELD and event.end_date >= today
        topics = list(event.topics or []) or list(dict.fromkeys(titles.get(event.id, [])))
        years.setdefault(event.start_date.year, []).append(
            TimelineEntry(event, upcoming, topics, event.id in reported))
    return sorted(years.items(), reverse=True)
