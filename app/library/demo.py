"""Demo resources: small, valid PDFs made on the spot (no binary files in the repository)."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.auth.models import User
from app.events.models import Event
from app.extensions import db
from app.library import services
from app.library.models import Resource
from app.library.models import ResourceKind


def one_page_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with a title and a few lines of Helvetica text."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 18 Tf 72 760 Td ({escape(title)}) Tj ET"]
    text += [f"BT /F1 11 Tf 72 {730 - 16 * n} Td ({escape(line)}) Tj ET"
             for n, line in enumerate(lines)]
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


SAMPLES = [
    ("Summary report: Kuala Lumpur roundtable", ResourceKind.SUMMARY_REPORT,
     "summary-report-kuala-lumpur.pdf", ["MY", "TH"], ["screening", "lived experience"],
     ["Key points shared under the Chatham House Rule.",
      "No statement is attributed to any participant."]),
    ("Toolkit: community placement for children", ResourceKind.TOOLKIT,
     "community-placement-toolkit.pdf", ["ID"], ["community placement"],
     ["Steps, checklists and case examples for community-based placement."]),
    ("Case study: independent evaluation of alternatives to detention in Thailand",
     ResourceKind.CASE_STUDY, "atd-evaluation-thailand.pdf", ["TH"],
     ["alternatives to detention", "evaluation"],
     ["Costs compared with detention, and families' engagement with immigration processes."]),
    ("Slides: country updates template", ResourceKind.SLIDES, "country-updates-slides.pdf",
     [], ["country updates"],
     ["One slide per change since the last roundtable: law, policy, practice."]),
]


def seed_library(created: dict, event: Event | None) -> None:
    """The sample resources, the toolkit a key download of ``event`` (idempotent)."""
    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    for title, kind, filename, countries, tags, lines in SAMPLES:
        if db.session.scalar(select(Resource.id).where(Resource.title == title)):
            continue
        services.add_resource(services.ResourceInput(
            title=title, kind=kind, filename=filename,
            stream=io.BytesIO(one_page_pdf(title, lines)), country_codes=countries,
            topic_tags=tags, event_ids=[event.id] if event and kind == ResourceKind.TOOLKIT
            else []), organiser)
        created["resources"] = created.get("resources", 0) + 1
