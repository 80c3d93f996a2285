"""The statistics as readers see them: labels in their language, numbers formatted by babel,
suppressed cells in words, and each table as a chart drawn on the server (inline SVG, no
JavaScript).

A chart is a horizontal stacked bar per year: the years' labels on the left fit a phone
(390 px) where vertical bars would not. It scales by its viewBox. Each series has its own
colour (3:1 against white or better, white text on it 4.5:1) and its own pattern, so the
legend reads without colour; the numbers are written in the segments that have room, and
the table beside the chart has every number. Suppressed cells are drawn as one hatched
"not shown" segment: its length is the total less the shown cells, which the table's
total and cells already tell, so the chart reveals nothing the table does not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from markupsafe import escape

from app.auth.forms import ORGANISATION_KINDS
from app.core.i18n import country_name
from app.core.templating import current_locale
from app.core.templating import viewer_year
from app.core.visibility import SMALL_COUNT
from app.statistics.services import NO_VALUE
from app.statistics.services import Cell
from app.statistics.services import Row
from app.statistics.services import Shown
from app.statistics.services import Table

TITLES = {
    "country": _l("People taking part each year, by country"),
    "kind": _l("People taking part each year, by kind of organisation"),
    "returning": _l("First-time and returning participants each year"),
    "sessions": _l("Sessions attended per person each year"),
    "mode": _l("Registered and attended, in person and online"),
}
CHARTED = ("country", "kind", "returning")  # the mode table has no total to stack to
MODES = {
    "in_person_registered": _l("Registered in person"),
    "in_person_attended": _l("Attended in person"),
    "online_registered": _l("Registered online"),
    "online_attended": _l("Attended online"),
}
# (fill, pattern drawn over it in white): told apart without colour.
STYLES = (("#0b5394", None), ("#a33c00", "stripes"), ("#2d6a2d", "dots"),
          ("#6a3d9a", "lines"), ("#4a5360", "cross"), ("#8a5a00", "stripes-back"))
WIDTH, LEFT, RIGHT, BAR, GAP, LINE = 360, 84, 40, 28, 12, 24


def column_label(table: str, key: str) -> str:
    if table == "country":
        return country_name(key, current_locale()) if key != NO_VALUE else _(
            "No country recorded")
    if table == "kind":
        kinds = {choice.value: str(choice.label) for choice in ORGANISATION_KINDS}
        return kinds.get(key, key) if key != NO_VALUE else _("No organisation recorded")
    if table == "returning":
        return _("First time") if key == "first" else _("Returning")
    if table == "sessions":
        if key == "3-4":
            return _("3 to 4 sessions")
        if key == "5+":
            return _("5 sessions or more")
        return ngettext("%(num)d session", "%(num)d sessions", int(key))
    return str(MODES[key])


def year_label(year: int) -> str:
    """A year as the reader counts it (2019, or พ.ศ. 2562 in the Buddhist Era)."""
    return viewer_year(date(year, 1, 1))


def number(n: int) -> str:
    return format_decimal(n, locale=current_locale())


def cell_text(cell: Cell) -> str:
    """A count in words on the page: the number, "fewer than 3", or "hidden"."""
    if cell.shown == Shown.SMALL:
        return _("fewer than %(num)d", num=SMALL_COUNT)
    if cell.shown == Shown.HIDDEN:
        return _("hidden")
    return number(cell.value)


def csv_cell(cell: Cell) -> str:
    """A count in a spreadsheet: the number, "<3", or "hidden" (in the reader's language)."""
    if cell.shown == Shown.SMALL:
        return f"<{SMALL_COUNT}"
    return _("hidden") if cell.shown == Shown.HIDDEN else str(cell.value)


@dataclass
class Chart:
    svg: Markup
    title: str


def _patterns(uid: str) -> str:
    defs = []
    shapes = {
        "stripes": '<path d="M0 8 L8 0" stroke="#fff" stroke-width="2" stroke-opacity=".55"/>',
        "stripes-back": '<path d="M0 0 L8 8" stroke="#fff" stroke-width="2" '
                        'stroke-opacity=".55"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff" fill-opacity=".6"/>',
        "lines": '<path d="M0 4 H8" stroke="#fff" stroke-width="2" stroke-opacity=".55"/>',
        "cross": '<path d="M0 8 L8 0 M0 0 L8 8" stroke="#fff" stroke-width="1.4" '
                 'stroke-opacity=".55"/>',
    }
    for n, (fill, pattern) in enumerate(STYLES):
        inner = shapes.get(pattern, "")
        defs.append(f'<pattern id="{uid}-p{n}" width="8" height="8" '
                    f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{fill}"/>'
                    f'{inner}</pattern>')
    defs.append(f'<pattern id="{uid}-hidden" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="#fff"/><path d="M0 6 L6 0" stroke="#4a5360" '
                f'stroke-width="1.5"/></pattern>')
    return "<defs>" + "".join(defs) + "</defs>"


def _hidden_in(row: Row) -> int:
    """How many people the row's hatched "not shown" segment stands for (none where the
    whole row is a suppressed total, written in words instead)."""
    if row.total is not None and row.total.suppressed:
        return 0
    return sum(cell.value for cell in row.cells.values() if cell.suppressed)


def stacked_bars(table: Table, uid: str) -> Chart:
    """The table as one stacked bar per year (see the module's docstring)."""
    title = str(TITLES[table.name])
    series = [(key, column_label(table.name, key)) for key in table.columns]
    parts, y = [], 8
    for n, (_key, label) in enumerate(series):
        parts.append(f'<rect x="0" y="{y}" width="16" height="16" fill="url(#{uid}-p{n % 6})"/>'
                     f'<text x="24" y="{y + 14}">{escape(label)}</text>')
        y += LINE
    if any(_hidden_in(row) for row in table.rows):  # a legend names only what is drawn
        not_shown = _("Not shown: fewer than %(num)d, or hidden", num=SMALL_COUNT)
        parts.append(f'<rect x="0" y="{y}" width="16" height="16" fill="url(#{uid}-hidden)" '
                     f'stroke="#4a5360"/><text x="24" y="{y + 14}">{escape(not_shown)}</text>')
        y += LINE
    y += 10
    widest = max((row.total.value for row in table.rows if row.total), default=0) or 1
    scale = (WIDTH - LEFT - RIGHT) / widest
    lines = []
    for row in table.rows:
        year = year_label(row.year)
        parts.append(f'<text x="0" y="{y + 20}" font-weight="600">{escape(year)}</text>')
        total = row.total or Cell(0)
        if total.suppressed:
            parts.append(f'<text x="{LEFT}" y="{y + 20}">{escape(cell_text(total))}</text>')
            lines.append(f"{year}: {cell_text(total)}")
            y += BAR + GAP
            continue
        x, hidden, said = LEFT, _hidden_in(row), []
        for n, (key, label) in enumerate(series):
            cell = row.cells[key]
            said.append(f"{label} {cell_text(cell)}")
            if cell.suppressed:
                continue
            if cell.value == 0:
                continue
            width = cell.value * scale
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(width - 1.5, 1):.1f}" '
                         f'height="{BAR}" fill="url(#{uid}-p{n % 6})"/>')
            written = number(cell.value)
            if width >= 8 + 9 * len(written):  # room for the number and its halo
                parts.append(f'<text x="{x + width / 2:.1f}" y="{y + 20}" text-anchor="middle" '
                             f'fill="#fff" stroke="#1b1f24" stroke-width="3" '
                             f'paint-order="stroke" font-weight="600">'
                             f'{escape(written)}</text>')
            x += width
        if hidden:
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(hidden * scale - 1.5, 1):.1f}" '
                         f'height="{BAR}" fill="url(#{uid}-hidden)" stroke="#4a5360"/>')
            x += hidden * scale
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 20}" font-weight="600">'
                     f'{escape(number(total.value))}</text>')
        lines.append(ngettext("%(year)s: %(total)s person (%(parts)s)",
                              "%(year)s: %(total)s people (%(parts)s)", total.value,
                              year=year, total=number(total.value), parts=", ".join(said)))
        y += BAR + GAP
    height = y + 4
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
           f'role="img" aria-labelledby="{uid}-title {uid}-desc" class="chart" '
           f'font-size="16" font-family="system-ui, sans-serif" fill="#1b1f24">'
           f'<title id="{uid}-title">{escape(title)}</title>'
           f'<desc id="{uid}-desc">{escape("; ".join(lines))}</desc>'
           f'{_patterns(uid)}{"".join(parts)}</svg>')
    return Chart(Markup(svg), title)  # noqa: S704 (every text above is escaped)
