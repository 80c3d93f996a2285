"""Interpreters' preparation through the real pages: an organiser writes the briefing of a
session Ingrid (interpreter@) interprets and adds a term to the English-Thai glossary; Ingrid,
on a 390 px phone, opens the session's preparation page from her assignments, reads both,
downloads the session's material, adds a term of her own and downloads the glossary as CSV.
The pages are kept as screenshots in English and Thai (SQLite run)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BRIEFING = "The Thai delegation presents the 2019 MOU; expect questions on IDC screening."
ORGANISERS_TERM = ("Lived experience", "ประสบการณ์ตรง")
INGRIDS_TERM = ("Guardianship", "การปกครองดูแล", "Legal guardian appointed by a court")
PREPARE = "Briefing, glossary and materials"


def _fits(page) -> None:
    assert scroll_width(page) <= PHONE["width"]


def _in_thai_too(page, name: str, database) -> None:
    shot(page, f"prep-{name}-390-en", database)
    _fits(page)
    page.get_by_role("button", name="ไทย").click()
    assert page.locator("html").get_attribute("lang").startswith("th")
    shot(page, f"prep-{name}-390-th", database)
    _fits(page)
    page.get_by_role("button", name="English").click()


def _add_term(page, term: str, equivalent: str, note: str = "") -> None:
    form = page.locator("main form", has=page.get_by_role("button", name="Save term"))
    form.get_by_label("Term in English").fill(term)
    form.get_by_label("Equivalent in Thai").fill(equivalent)
    if note:
        form.get_by_label("Note (optional)").fill(note)
    form.get_by_role("button", name="Save term").click()


def test_organiser_briefs_and_the_interpreter_prepares(person, live_server, database):
    ingrid = person("interpreter@example.org", viewport=PHONE)
    ingrid.get_by_role("link", name="My assignments").click()
    card = ingrid.locator(".assignment").filter(has_text=JAKARTA).filter(
        has=ingrid.get_by_role("link", name=PREPARE)).first
    title = card.locator("h2").inner_text()

    organiser = person("organiser@example.org")
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Interpreter assignments").click()
    organiser.get_by_role("link", name=f"Preparation: briefing and glossary ({title})"
                          ).first.click()
    assert title in organiser.locator("h1").inner_text()
    briefing = organiser.get_by_label("Briefing for the interpreters")
    briefing.fill(BRIEFING)
    organiser.get_by_role("button", name="Save briefing").click()
    assert "Briefing saved." in flash(organiser)
    assert BRIEFING in organiser.locator(".briefing").inner_text()
    organiser.get_by_role("link", name="Add or change terms (English ↔ Thai)").click()
    _add_term(organiser, *ORGANISERS_TERM)
    assert "is in the glossary" in flash(organiser)
    # The same term again, in other case: refused beside the field, said plainly.
    _add_term(organiser, ORGANISERS_TERM[0].upper(), "ประสบการณ์จริง")
    error = organiser.locator("#term-error").inner_text()
    assert f"“{ORGANISERS_TERM[0].upper()}” is already in this glossary" in error
    assert organiser.get_by_label("Term in English").get_attribute("aria-invalid") == "true"

    ingrid.reload()
    card.get_by_role("link", name=PREPARE).click()
    assert title in ingrid.locator("h1").inner_text()
    main = ingrid.locator("main").inner_text()
    assert BRIEFING in main and ORGANISERS_TERM[1] in main
    expect(ingrid.get_by_label("Briefing for the interpreters")).to_have_count(0)  # she reads it
    # The session's programme (app.programme): its materials are hers to download.
    programme = ingrid.locator("main section", has=ingrid.get_by_role(
        "heading", name="Programme", exact=True))
    with ingrid.expect_download() as material:
        programme.locator("a[href*='/materials/']").first.click()
    assert Path(material.value.path()).read_bytes().startswith(b"%PDF")
    _in_thai_too(ingrid, "page", database)
    ingrid.get_by_role("link", name="Add or change terms (English ↔ Thai)").click()
    _add_term(ingrid, *INGRIDS_TERM)
    assert "is in the glossary" in flash(ingrid)
    _in_thai_too(ingrid, "glossary", database)
    with ingrid.expect_download() as download:
        ingrid.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == "glossary-en-th.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Thai
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["English", "Thai", "Note"]
    assert [*ORGANISERS_TERM, ""] in rows and list(INGRIDS_TERM) in rows
