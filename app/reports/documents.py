"""A published report as a PDF, in one language: the printing feature's A4 printout
(fpdf2, HarfBuzz shaping for Thai) with the report's sections. Like the page, it names
nobody and carries no online link."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.i18n import country_name
from app.core.i18n import language_name
from app.core.templating import current_locale
from app.core.templating import viewer_dates
from app.events.labels import EVENT_KINDS
from app.printing.pdf import Line
from app.printing.pdf import Printout
from app.printing.texts import text_of
from app.reports import services
from app.reports.models import SECTIONS
from app.reports.models import SummaryReport


def report_pdf(report: SummaryReport, language: str, section_label) -> bytes:
    event = report.event
    title = text_of(event, "title")
    pdf = Printout(title=f"{_('Summary report')} · {title}", language=language, footer=title)
    pdf.paragraphs([Line(_("Summary report"), 12, muted=True)], after=0.5)
    pdf.paragraphs([Line(title, 18, bold=True)], after=3)
    facts = [(_("Dates"), viewer_dates(event.start_date, event.end_date)),
             (_("Kind of meeting"), str(EVENT_KINDS[event.kind]))]
    if event.host_country_code:
        facts.append((_("Host country"), country_name(event.host_country_code,
                                                      current_locale())))
    if event.venue:
        facts.append((_("Venue"), text_of(event, "venue")))
    pdf.paragraphs([Line(f"{name}: {value}") for name, value in facts], after=1)
    pdf.ln(2)
    pdf.note(_("Held under the Chatham House Rule: what was said may be used, but never who "
               "said it. What follows is a high-level summary; reflections are quoted without "
               "attribution."))
    for section in SECTIONS:
        shown = services.section_text(report, section, language)
        if not shown.text:
            continue
        heading = section_label(section)
        if shown.is_fallback:
            heading += " " + _("(in %(language)s)",
                               language=language_name(shown.lang, current_locale()))
        pdf.heading(heading)
        for block in services.blocks(shown.text, quotes=section == "reflections"):
            if block.kind == "list":
                pdf.paragraphs([Line(f"•  {item}") for item in block.items], after=1)
            elif block.kind == "quote":
                pdf.paragraphs([Line(f"“{block.items[0]}”", 10.5, muted=True)], after=2)
            else:
                pdf.paragraphs([Line(block.items[0])], after=2)
    if report.downloads:
        pdf.heading(_("Key downloads"))
        pdf.paragraphs([Line(f"•  {resource.title}") for resource in report.downloads],
                       after=1)
    return pdf.bytes()
