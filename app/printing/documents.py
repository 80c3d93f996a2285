"""The two printouts: an event's agenda (anyone who may see the event page) and one
registrant's programme. Both are written in the reader's language, with each time in the
reader's zone and the meeting's own time beside it, in the Buddhist Era when chosen."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.i18n import country_name
from app.core.templating import current_locale
from app.core.templating import viewer_buddhist_era
from app.core.templating import viewer_dates
from app.core.templating import viewer_zone_label
from app.core.time import fmt_when
from app.core.time import now_utc
from app.events.labels import EVENT_KINDS
from app.events.models import Event
from app.events.models import SessionStatus
from app.printing import texts
from app.printing.pdf import Line
from app.printing.pdf import Printout
from app.printing.services import Entry
from app.printing.services import Programme
from app.registrations.labels import ATTEND_AS
from app.registrations.labels import STATUSES


def _start(event: Event, zone: str, heading: str) -> Printout:
    """The first page's top: the title, the event's facts, the Chatham House Rule, and how
    times read."""
    locale = current_locale()
    title = texts.text_of(event, "title")
    pdf = Printout(title=f"{heading} · {title}" if heading else title,
                   language=locale.split("_")[0], footer=title)
    if heading:
        pdf.paragraphs([Line(heading, 12, muted=True)], after=0.5)
    pdf.paragraphs([Line(title, 18, bold=True)], after=3)
    facts = [(_("Dates"), viewer_dates(event.start_date, event.end_date)),
             (_("Kind of meeting"), str(EVENT_KINDS[event.kind])),
             (_("Meeting time"), viewer_zone_label(event.timezone, event.start_date))]
    if event.host_country_code:
        facts.append((_("Host country"), country_name(event.host_country_code, locale)))
    if event.co_hosts:
        facts.append((_("Co-hosts"), event.co_hosts))
    if event.venue:
        facts.append((_("Venue"), ", ".join(p for p in (texts.text_of(event, "venue"),
                                                         event.address) if p)))
    pdf.paragraphs([Line(f"{name}: {value}") for name, value in facts], after=1)
    pdf.ln(2)
    if event.is_chatham_house:
        pdf.note(_("Chatham House Rule: you may use what is said here, but never reveal who "
                   "said it or who was present."))
    pdf.paragraphs([Line(_("Times are shown in your timezone, %(zone)s, with the meeting's "
                           "own time beside them when it differs.",
                           zone=viewer_zone_label(zone, event.start_date)), 9.5),
                    Line(_("Printed %(when)s: the agenda online is always the latest.",
                           when=fmt_when(now_utc(), zone, locale, viewer_buddhist_era())),
                         9.5, muted=True)])
    return pdf


def _item(pdf: Printout, event: Event, entry: Entry, *, with_places: bool) -> None:
    session, times = entry.session, entry.times
    title = texts.text_of(session, "title")
    if session.status == SessionStatus.CANCELLED:
        title = f"{title} · {_('Cancelled')}"
    right = [Line(title, 11, bold=True), Line(texts.details(event, session), 9.5, muted=True),
             Line(texts.meeting_time(times), 9.5, muted=True)]
    if with_places:
        right += [Line(text, 9.5) for text in texts.gathering(session)]
        right.append(Line(texts.listening(entry.listening), 9.5))
    pdf.item([Line(times.viewer_range, 11, bold=True), Line(texts.your_time(times), 8.5,
                                                           muted=True)], right)


def _days(pdf: Printout, event: Event, days, *, with_places: bool) -> None:
    for number, (day, entries) in enumerate(days, start=1):
        pdf.heading(f"{_('Day %(n)d', n=number)} · {viewer_dates(day, day, 'yMMMEd')}")
        for entry in entries:
            _item(pdf, event, entry, with_places=with_places)
    if not days:
        pdf.nothing()


def agenda_pdf(event: Event, days, zone: str) -> bytes:
    """The agenda as the event page shows it: sessions, kinds, rooms and times. No online
    link (the paper travels further than the page) and nobody's name."""
    pdf = _start(event, zone, _("Agenda"))
    _days(pdf, event, days, with_places=False)
    return pdf.bytes()


def programme_pdf(event: Event, programme: Programme, zone: str, user) -> bytes:
    """One registrant's programme, with their status, way of attending, where to gather and
    the interpretation they will listen to."""
    pdf = _start(event, zone, _("Programme of %(name)s", name=user.public_name))
    registration = programme.registration
    pdf.paragraphs([Line(f"{_('Registration')}: {STATUSES[registration.status]} · "
                         f"{ATTEND_AS[registration.attend_as]}", 10, bold=True)])
    _days(pdf, event, programme.days, with_places=True)
    return pdf.bytes()
