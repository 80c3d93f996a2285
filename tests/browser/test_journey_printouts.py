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

from app.core.time import fmt_interval
from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot
from tests.fixtures.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

ME = "somchai@example.org"
PHONE = {"width": 390, "height": 844}
FIRST_DAY = date(2027, 6, 22)
SITE_VISIT = "Site visit: community placement programme"
# Thai vowels above and below and tone marks: text extraction gives them in drawing order,
# which may differ from the order they were typed in, so comparisons leave them out.
THAI_MARKS = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _download(page, href_end: str) -> bytes:
    with page.expect_download() as download:
        page.locator(f"main a[href$='{href_end}']").click()
    assert download.value.suggested_filename.endswith("-th.pdf")
    return Path(download.value.path()).read_bytes()


def _read(data: bytes, name: str, database) -> str:
    """The PDF's text (marks left out), after keeping its first page as an image."""
    document = pypdfium2.PdfDocument(data)
    image = document[0].render(scale=1.5).to_pil()
    assert image.convert("L").getextrema()[0] < 100  # ink: something was drawn
    if database[0] == "sqlite":
        SCREENSHOTS.mkdir(exist_ok=True)
        image.save(SCREENSHOTS / f"{name}.png")
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return THAI_MARKS.sub("", re.sub(r"\s+", " ", text))


def test_a_thai_participant_prints_the_agenda_and_his_programme(live_server, person, database):
    page = person(ME, language="ไทย", locale="th-TH", viewport=PHONE)
    open_event(page, live_server, JAKARTA)
    locale = page_locale(page)
    first_day = THAI_MARKS.sub("", fmt_interval(FIRST_DAY, FIRST_DAY, "yMMMEd", locale))

    agenda = _read(_download(page, "/agenda.pdf"), "printout-agenda-th", database)
    assert JAKARTA in agenda and first_day in agenda
    assert "Opening and country updates" in agenda and SITE_VISIT in agenda

    page.locator("main a[href$='/my-programme']").click()
    assert page.locator("h1").count() == 1
    assert SITE_VISIT in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "printout-programme-th", database)

    programme = _read(_download(page, "/my-programme.pdf"), "printout-programme-th-pdf",
                      database)
    # his place on the site visit, its meeting point, and the Thai channel he asked for
    assert SITE_VISIT in programme and "Hotel lobby" in programme
    assert THAI_MARKS.sub("", "ไทย") in programme
    # the small groups he holds no place in are not his programme
    assert "Small group A" not in programme

    page.get_by_role("button", name="English").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "printout-programme-en", database)
    page.get_by_role("button", name="ไทย").click()  # as the account was
