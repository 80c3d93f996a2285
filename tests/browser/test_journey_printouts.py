"""A Thai participant's printouts (issue 20), as Somchai (somchai@, Bangkok) reading Thai on a
phone: the 2027 roundtable's agenda downloaded as a PDF through the link on the event page,
then his own programme (the site visit he holds a place in, the Thai channel he asked for in
the opening plenary) as a page and as a PDF. Each PDF is read back as text and drawn to an
image (screenshots/), where the Thai must be shaped, not boxes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import expect

from app.core.time import fmt_interval
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot
from tests.browser.journeys import shown_title
from tests.fixtures.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

ME = "somchai@example.org"
PHONE = {"width": 390, "height": 844}
FIRST_DAY = date(2027, 6, 22)
SITE_VISIT = "Site visit: community placement programme"
# Thai vowels above and below and tone marks: text extraction gives them in drawing order,
# which may differ from the order they were typed in, so comparisons leave them out.
THAI_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
NOT_A_LETTER = re.compile(r"[^0-9A-Za-z\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46]")


def _download(page, href_end: str) -> bytes:
    with page.expect_download() as download:
        page.locator(f"main a[href$='{href_end}']").click()
    assert download.value.suggested_filename.endswith("-th.pdf")
    return Path(download.value.path()).read_bytes()


def _thai(page, title: str, field: str = "title") -> str:
    """A demo text as the Thai reader gets it (app.demo.TRANSLATIONS), as the PDF's text
    layer reads back: without the marks above and below the line."""
    from app.demo import TRANSLATIONS

    text = (shown_title(page, title) if field == "title"
            else TRANSLATIONS[title]["th"][field])
    return _plain(text)


def _plain(text: str) -> str:
    """Letters and digits only: a PDF's text layer gives back the base letters of shaped Thai
    (its marks, and sometimes the space after a mark, come back as other code points)."""
    return NOT_A_LETTER.sub("", THAI_MARKS.sub("", text))


def _read(data: bytes, name: str, database) -> str:
    """The PDF's text (marks left out), after keeping its first page as an image."""
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=1.5).to_pil()
    assert image.convert("L").getextrema()[0] < 100  # ink: something was drawn
    if database[0] == "sqlite":
        SCREENSHOTS.mkdir(exist_ok=True)
        image.save(SCREENSHOTS / f"{name}.png")
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return _plain(text)


def test_a_thai_participant_prints_the_agenda_and_his_programme(live_server, person, database):
    page = person(ME, language="ไทย", locale="th-TH", viewport=PHONE)
    open_event(page, live_server, JAKARTA)
    locale = page_locale(page)
    first_day = _plain(fmt_interval(FIRST_DAY, FIRST_DAY, "yMMMEd", locale))

    agenda = _read(_download(page, "/agenda.pdf"), "printout-agenda-th", database)
    assert _thai(page, JAKARTA) in agenda and first_day in agenda
    assert _thai(page, "Opening and country updates") in agenda
    assert _thai(page, SITE_VISIT) in agenda

    page.locator("main a[href$='/my-programme']").click()
    expect(page.locator("h1")).to_have_count(1)
    assert shown_title(page, SITE_VISIT) in page.locator("main").inner_text()
    assert scroll_width(page) <= PHONE["width"]
    shot(page, "printout-programme-th", database)

    programme = _read(_download(page, "/my-programme.pdf"), "printout-programme-th-pdf",
                      database)
    # his place on the site visit, its meeting point, and the Thai channel he asked for
    assert _thai(page, SITE_VISIT) in programme
    assert _thai(page, SITE_VISIT, "meeting_point") in programme
    assert _plain("ไทย") in programme
    # the small groups he holds no place in are not his programme
    assert _thai(page, "Small group A") not in programme

    page.get_by_role("button", name="English").click()
    assert scroll_width(page) <= PHONE["width"]
    shot(page, "printout-programme-en", database)
    page.get_by_role("button", name="ไทย").click()  # as the account was
