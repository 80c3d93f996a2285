"""CSV for the interpreting team: the coverage report (organisers only) and the glossary of
a language pair (organisers and its interpreters)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.time import to_zone
from app.interpretation import labels
from app.registrations.exports import csv_text  # the shared formula-safe writer
from app.registrations.exports import language  # a language named in the reader's language


def coverage_csv(rows, zone: str) -> str:
    """One line per session and language; times in the event's zone. Cells that look like
    spreadsheet formulas are neutralised by the shared writer."""
    header = [_("Session"), _("Starts (event time)"), _("Ends (event time)"),
              _("Language"), _("Requests"), _("Channel"), _("Team needed"),
              _("Proposed"), _("Accepted"), _("Interpreters"), _("Issues"), _("Status")]
    lines = []
    for row in rows:
        team = row.team
        lines.append([
            row.session.title,
            to_zone(row.session.start_dt, zone).strftime("%Y-%m-%d %H:%M"),
            to_zone(row.session.end_dt, zone).strftime("%Y-%m-%d %H:%M"),
            language(row.language), row.requests,
            (f"{language(row.channel.source_code)} → {language(row.language)}"
             if row.channel else ""),
            row.needed if row.needed is not None else "",
            sum(a.status.value == "proposed" for a in team),
            sum(a.status.value == "accepted" for a in team),
            "; ".join(a.interpreter.user.display_name for a in team),
            " | ".join(row.issues),
            str(labels.COVERAGE[row.state]),
        ])
    return csv_text(header, lines)


def glossary_csv(pair: tuple[str, str], terms) -> str:
    """One line per term: the term, its equivalent (columns named by their languages, in the
    reader's language) and the note; formula-like cells neutralised by the shared writer."""
    header = [language(pair[0]), language(pair[1]), _("Note")]
    return csv_text(header, [[term.term_a, term.term_b, term.note] for term in terms])
