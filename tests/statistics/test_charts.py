"""The charts drawn on the server: the legend names the hatched "not shown" segment only
where a bar has one."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask_babel import force_locale
from flask_babel import gettext

from app.core.visibility import SMALL_COUNT
from app.statistics.charts import stacked_bars
from app.statistics.services import Cell
from app.statistics.services import Row
from app.statistics.services import Shown
from app.statistics.services import Table

SVG = "{http://www.w3.org/2000/svg}"


def _texts_and_fills(table: Table) -> tuple[list[str], list[str]]:
    root = ET.fromstring(str(stacked_bars(table, "c").svg))  # noqa: S314 (our own chart)
    return ([text.text for text in root.iter(f"{SVG}text")],
            [rect.get("fill") for rect in root.iter(f"{SVG}rect")])


def _not_shown() -> str:
    return gettext("Not shown: fewer than %(num)d, or hidden", num=SMALL_COUNT)


def test_a_chart_with_every_number_shown_has_no_not_shown_legend(app):
    table = Table("country", ["TH", "MY"], [
        Row(2021, {"TH": Cell(12), "MY": Cell(7)}, total=Cell(19)),
        Row(2022, {"TH": Cell(9), "MY": Cell(0)}, total=Cell(9)),
    ])
    with app.test_request_context(), force_locale("en"):
        texts, fills = _texts_and_fills(table)
        assert _not_shown() not in texts
    assert "url(#c-hidden)" not in fills


def test_a_hidden_cell_draws_a_hatched_segment_and_its_legend(app):
    table = Table("country", ["TH", "MY", "NZ"], [
        Row(2021, {"TH": Cell(10), "MY": Cell(1, Shown.SMALL), "NZ": Cell(6, Shown.HIDDEN)},
            total=Cell(17)),
    ])
    with app.test_request_context(), force_locale("en"):
        texts, fills = _texts_and_fills(table)
        assert _not_shown() in texts
    assert fills.count("url(#c-hidden)") == 2  # the legend's swatch and the bar's segment


def test_a_row_hidden_whole_is_written_in_words_and_needs_no_legend(app):
    table = Table("country", ["TH"], [
        Row(2020, {"TH": Cell(2, Shown.SMALL)}, total=Cell(2, Shown.SMALL)),
    ])
    with app.test_request_context(), force_locale("en"):
        texts, _fills = _texts_and_fills(table)
        assert _not_shown() not in texts
