"""Surveys (issue 22), on a 390 px phone: the organiser builds a survey for the Putrajaya
roundtable with a rating, a choice and a written question in English and Thai, previews it
and opens it; a Thai participant answers it in Thai; the organiser reads the results (one
answer: nothing shown but the count) and the demo survey's (three answers: counted). The
pages are seen in English and in Thai."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.core.i18n import language_name
from tests.browser.journeys import fits_the_width
from tests.browser.journeys import flash
from tests.browser.journeys import open_event
from tests.browser.journeys import page_locale
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
PUTRAJAYA = "Second in-person roundtable, Putrajaya"
TITLE, TITLE_TH = "Site visit follow-up", "ติดตามผลการศึกษาดูงาน"


def no_sideways_scroll(page) -> bool:
    return fits_the_width(page)


def in_thai(page) -> None:
    page.get_by_role("button", name="ไทย").click()
    page.locator("html[lang='th']").wait_for()


def add_question(page, kind: str, texts: dict) -> None:
    """The "Add a question" page: ``texts`` {(field label, language): text}."""
    page.get_by_role("link", name="Add a question").click()
    form = page.locator("main form")
    form.get_by_label(kind, exact=True).check()
    for (label, language), text in texts.items():
        name = f"{label} in {language_name(language, page_locale(page))}"
        form.get_by_label(name, exact=True).fill(text)
    form.get_by_role("button", name="Save question").click()
    assert "Question saved." in flash(page)


def test_a_survey_built_in_english_and_thai_answered_in_thai(person, live_server, database):
    organiser = person("organiser@example.org", **PHONE)
    open_event(organiser, live_server, PUTRAJAYA)
    organiser.get_by_role("link", name="Build and read surveys").click()
    form = organiser.locator("main form")
    form.get_by_label(f"Title in {language_name('en', page_locale(organiser))}",
                      exact=True).fill(TITLE)
    form.get_by_label(f"Title in {language_name('th', page_locale(organiser))}",
                      exact=True).fill(TITLE_TH)
    form.get_by_role("button", name="Create survey").click()
    assert "Survey created" in flash(organiser)
    add_question(organiser, "Rating from 1 to 5", {
        ("Question", "en"): "How useful was the site visit?",
        ("What 1 means", "en"): "Not useful", ("What 5 means", "en"): "Very useful",
        ("Question", "th"): "การศึกษาดูงานมีประโยชน์เพียงใด",
        ("What 1 means", "th"): "ไม่มีประโยชน์", ("What 5 means", "th"): "มีประโยชน์มาก"})
    add_question(organiser, "One choice", {
        ("Question", "en"): "Should we visit a community care centre again?",
        ("Choices, one per line", "en"): "Yes\nNo\nNot sure",
        ("Question", "th"): "ควรไปเยี่ยมศูนย์ดูแลในชุมชนอีกหรือไม่",
        ("Choices, one per line", "th"): "ควร\nไม่ควร\nไม่แน่ใจ"})
    organiser.get_by_role("link", name="Add a question").click()
    organiser.wait_for_url("**/questions/new")
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-question-390-en", database)
    organiser.go_back()
    add_question(organiser, "Written answer", {
        ("Question", "en"): "What will you take back to your agency?",
        ("Question", "th"): "ท่านจะนำอะไรกลับไปใช้ในหน่วยงาน"})
    expect(organiser.locator("main ol.cards > li")).to_have_count(3)
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-builder-390-en", database)
    organiser.get_by_role("link", name="Preview as a participant").click()
    organiser.wait_for_url("**/preview")
    expect(organiser.locator("main form")).to_have_count(0)  # nothing to send from a preview
    expect(organiser.get_by_label("5 – Very useful")).to_have_count(1)
    organiser.go_back()
    organiser.get_by_role("button", name="Open the survey").click()
    assert "The survey is open" in flash(organiser)
    in_thai(organiser)
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-builder-390-th", database)
    organiser.get_by_role("button", name="English").click()

    thai = person("somchai@example.org", "ไทย", locale="th-TH", **PHONE)
    open_event(thai, live_server, PUTRAJAYA)
    thai.get_by_role("link", name=TITLE_TH).click()
    assert thai.locator("h1").inner_text() == TITLE_TH
    form = thai.locator("main form")
    form.get_by_label("5 – มีประโยชน์มาก").check()
    form.get_by_label("ควร", exact=True).check()
    form.get_by_label("ท่านจะนำอะไรกลับไปใช้ในหน่วยงาน").fill("แนวทางการทำงานร่วมกับชุมชน")
    assert no_sideways_scroll(thai)
    shot(thai, "surveys-answer-390-th", database)
    form.locator("[type=submit]").click()
    expect(thai.locator(".flashes .success")).to_have_count(1)
    thai.go_back()
    thai.reload()
    expect(thai.locator("main form")).to_have_count(0)  # answered: no second time

    organiser.reload()
    organiser.get_by_role("link", name="Results", exact=True).click()
    main = organiser.locator("main")
    assert "1 person answered." in main.inner_text()
    assert "Fewer than 3 answers" in main.inner_text()
    assert "แนวทางการทำงานร่วมกับชุมชน" not in main.inner_text()
    assert "Somchai" not in main.inner_text()
    shot(organiser, "surveys-results-one-answer-390-en", database)
    organiser.goto(f"{live_server}/events")
    open_event(organiser, live_server, PUTRAJAYA)
    organiser.get_by_role("link", name="Build and read surveys").click()
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-list-390-en", database)  # the standard feedback survey first
    organiser.get_by_role("link", name="Results (After Putrajaya: what next?)").click()
    main = organiser.locator("main")
    assert "Mean" in main.inner_text() and "Site visits" in main.inner_text()
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-results-390-en", database)
    in_thai(organiser)
    assert no_sideways_scroll(organiser)
    shot(organiser, "surveys-results-390-th", database)
    organiser.get_by_role("button", name="English").click()
