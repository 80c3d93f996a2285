"""An organiser builds a session's programme on its page (issue 20): a participant with an
account who agreed to be named speaks, a guest who did not moderates, and a case study from
the library is the material. A registered participant then reads the programme (the guest as
"A moderator from New Zealand") and downloads the case study; the organiser sees that they
did. At 390 px, in English and Thai, the pages must not scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.test_journey_accounts import PHONE
from tests.browser.test_journey_accounts import _fits_a_phone

pytestmark = pytest.mark.browser

SESSION = "Next steps"
CASE_STUDY = "Case study: independent evaluation of alternatives to detention in Thailand"


def _open_session(page, base: str) -> None:
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name=SESSION, exact=True).first.click()
    assert page.locator("h1").inner_text().startswith(SESSION)


def _form(page, action: str):
    """The panel's form posting to ``.../programme/<action>``, its folded section opened."""
    section = page.locator(f"#programme details:has(form[action$='/programme/{action}'])")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    return section.locator("form")


def test_an_organiser_builds_the_programme_and_a_registrant_downloads(
        live_server, person, database):
    organiser = person("organiser@example.org", viewport=PHONE)
    _open_session(organiser, live_server)

    form = _form(organiser, "roles")
    form.get_by_label("Role", exact=True).select_option(label="Speaker")
    form.get_by_label("Person with an account").select_option(label="Sari Participant")
    form.get_by_label("Agreed to be named in the programme").check()
    form.get_by_role("button", name="Add to the programme").click()
    assert "Sari Participant is in the programme as Speaker" in flash(organiser)

    form = _form(organiser, "roles")
    form.get_by_label("Role", exact=True).select_option(label="Moderator")
    form.get_by_label("Guest's name").fill("Tama Guest")
    form.get_by_label("Guest's organisation").fill("Refugee Advisory Panel")
    form.get_by_label("Guest's country").select_option(label="New Zealand")
    form.get_by_role("button", name="Add to the programme").click()
    assert "Tama Guest is in the programme as Moderator" in flash(organiser)

    form = _form(organiser, "materials")
    form.get_by_label("Resource from the library").select_option(
        label=f"{CASE_STUDY} (Case study)")
    form.get_by_role("button", name="Add material").click()
    assert f"“{CASE_STUDY}” is a material of this session" in flash(organiser)
    panel = organiser.locator("#programme")
    assert "not named to participants" in panel.inner_text()
    assert "Somchai Participant" in panel.locator("ul", has_text="Sari Participant").last \
        .inner_text()  # nobody has downloaded it yet
    # The moderator goes first.
    panel.get_by_role("button", name="Move up (Tama Guest)").click()
    roles = organiser.locator("#programme ol").inner_text()
    assert roles.index("Tama Guest") < roles.index("Sari Participant")
    _fits_a_phone(organiser, "programme-organiser-390-en", database)
    organiser.get_by_role("button", name="ไทย").click()
    _fits_a_phone(organiser, "programme-organiser-390-th", database)
    organiser.get_by_role("button", name="English").click()

    somchai = person("somchai@example.org", viewport=PHONE)
    _open_session(somchai, live_server)
    panel = somchai.locator("#programme")
    text = panel.inner_text()
    assert "Sari Participant" in text and "A moderator from New Zealand" in text
    assert "Tama Guest" not in text and "Remove" not in text
    with somchai.expect_download() as download:
        panel.get_by_role("link", name=CASE_STUDY).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    _fits_a_phone(somchai, "programme-registrant-390-en", database)
    somchai.get_by_role("button", name="ไทย").click()
    _fits_a_phone(somchai, "programme-registrant-390-th", database)
    somchai.get_by_role("button", name="English").click()

    organiser.reload()
    waiting = organiser.locator("#programme ul", has_text="Sari Participant").last.inner_text()
    assert "Somchai Participant" not in waiting
