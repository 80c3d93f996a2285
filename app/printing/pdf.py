"""Agendas and programmes as PDF, for printing and for email.

fpdf2 writes the file; uharfbuzz shapes every run of text, so Thai vowels and tone marks
stack where a Thai reader expects them (a PDF viewer draws glyphs where it is told: without a
shaper, marks collide). Liberation Sans covers English, Bahasa and te reo Māori; Waree, the
fallback, Thai. Both are bundled (``fonts/``, with their licences) so a fresh machine prints
Thai with nothing installed, and only the glyphs a document uses are embedded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
TIME_COLUMN = 46  # mm: the reader's time range and their offset
GAP = 5  # mm between the two columns
BLACK, GREY = (0, 0, 0), (80, 80, 80)  # grey at 7.4:1 on white: legible on any printer
# A letter with the marks that follow it (Thai vowels above and below, tone marks): a line
# never breaks between them.
_CLUSTER = re.compile(r".[\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*", re.S)


@dataclass(frozen=True)
class Line:
    """One paragraph of a column: its text, size in points and weight."""

    text: str
    size: float = 10
    bold: bool = False
    muted: bool = False


class Printout(FPDF):
    """An A4 document in the reader's language, with the event's title and the page number
    at the foot of every page."""

    def __init__(self, *, title: str, language: str, footer: str):
        super().__init__(format="A4", unit="mm")
        self.footer_text = footer
        self.add_font("text", "", str(FONTS / "LiberationSans-Regular.ttf"))
        self.add_font("text", "B", str(FONTS / "LiberationSans-Bold.ttf"))
        self.add_font("thai", "", str(FONTS / "Waree.ttf"))
        self.add_font("thai", "B", str(FONTS / "Waree-Bold.ttf"))
        self.set_fallback_fonts(["thai"], exact_match=False)
        self.set_text_shaping(True)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_lang(language)
        self.set_creator("Roundtable")
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("text", "", 8)
        self.set_text_color(*GREY)
        self._row(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")

    def _use(self, line: Line) -> None:
        self.set_font("text", "B" if line.bold else "", line.size)
        self.set_text_color(*(GREY if line.muted else BLACK))

    def _advance(self, char: str) -> float:
        """A character's advance in the current size, from Liberation or else Waree: what
        the shaper gives too, since Thai marks do not advance."""
        code = ord(char)
        font = self.current_font
        if code not in font.cmap:
            font = self.fonts["thai" + self.font_style]
        return font.cw[code] * self.font_size_pt * 0.001 / self.k

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (mm), at spaces where it can
        be and between clusters (a letter and its marks) inside a word too long to fit.

        fpdf2 can break lines itself, but it measures a growing line by shaping it again at
        every character; here each line is shaped once, when it is drawn."""
        width -= 2 * self.c_margin
        lines, current, used = [], "", 0.0
        for token in re.findall(r"\S+|\s+", text):
            size = sum(self._advance(char) for char in token)
            if used + size <= width or (token.isspace() and current):
                current, used = current + token, used + size
                continue
            if current.strip():
                lines.append(current.rstrip())
            current, used = "", 0.0
            if token.isspace():
                continue
            for cluster in _CLUSTER.findall(token):
                advance = sum(self._advance(char) for char in cluster)
                if used + advance > width and current:
                    lines.append(current)
                    current, used = "", 0.0
                current, used = current + cluster, used + advance
        if current.strip():
            lines.append(current.rstrip())
        return lines

    def _paragraph(self, width: float, line: Line, *, dry: bool = False) -> float:
        """Write ``line`` at the cursor in a column ``width`` wide (0: to the right margin);
        its height either way, so a block can be measured before it is placed."""
        self._use(line)
        width = width or self.epw
        rows = self.wrap(line.text, width)
        height = line.size * 0.5
        if not dry:
            for row in rows:
                self._row(width, height, row)
        return height * len(rows)

    def _row(self, width: float, height: float, text: str, **options) -> None:
        # fpdf2 2.8 believes the page's font is still set after a line that ended in the
        # fallback (Thai) font, so the next line's Latin glyphs are drawn from the wrong
        # font: make every line say its font again (tests/printing checks the text).
        self.current_font_is_set_on_page = False
        self.cell(width, height, text, **{"new_x": "LEFT", "new_y": "NEXT", **options})

    def paragraphs(self, lines: list[Line], *, after: float = 1.5) -> None:
        for line in lines:
            self._paragraph(0, line)
            self.ln(after)

    def heading(self, text: str, size: float = 13) -> None:
        """A heading kept with at least the start of what follows it."""
        if self.get_y() + 25 > self.page_break_trigger:
            self.add_page()
        self.ln(2)
        self._paragraph(0, Line(text, size, bold=True))
        self.ln(1.5)

    def note(self, text: str) -> None:
        """A boxed notice (the Chatham House Rule)."""
        line, pad = Line(text, 9.5), 2
        width = self.epw - 2 * pad
        height = self._paragraph(width, line, dry=True)
        top = self.get_y()
        self.set_draw_color(*GREY)
        self.rect(self.l_margin, top, self.epw, height + 2 * pad)
        self.set_xy(self.l_margin + pad, top + pad)
        self._paragraph(width, line)
        self.set_xy(self.l_margin, top + height + 2 * pad + 3)

    def _column_height(self, width: float, lines: list[Line]) -> float:
        return sum(self._paragraph(width, line, dry=True) for line in lines if line.text)

    def _column(self, x: float, y: float, width: float, lines: list[Line]) -> None:
        self.set_xy(x, y)
        for line in lines:
            if line.text:
                self._paragraph(width, line)

    def item(self, left: list[Line], right: list[Line]) -> None:
        """Two columns side by side (time, session), never split across pages."""
        right_width = self.epw - TIME_COLUMN - GAP
        height = max(self._column_height(TIME_COLUMN, left),
                     self._column_height(right_width, right))
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        top = self.get_y()
        self.set_auto_page_break(False)
        self._column(self.l_margin, top, TIME_COLUMN, left)
        self._column(self.l_margin + TIME_COLUMN + GAP, top, right_width, right)
        self.set_auto_page_break(True, margin=18)
        self.set_xy(self.l_margin, top + height + 2)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.ln(2.5)

    def nothing(self) -> None:
        self.paragraphs([Line(_("No sessions yet."))])

    def bytes(self) -> bytes:
        return bytes(self.output())
