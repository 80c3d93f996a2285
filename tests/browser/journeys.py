"""Steps the browser journeys share: each goes through the real pages, as a person would."""

from __future__ import annotations

import re
from datetime import date
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.fixtures.browser import screenshot
from tests.fixtures.browser import sign_in

JAKARTA = "Annual in-person roundtable 2027, Jakarta"


def signed_in(page, base: str, email: str, language: str = "English"):
    """Sign in and read the pages in ``language`` (another test may have left the account in
    another one: the choice is saved with the account)."""
    sign_in(page, base, email)
    page.get_by_role("button", name=language).click()
    return page


def _laid_out(page, expression: str):
    """``expression`` evaluated once the page in view has loaded. A click that navigates (a
    language switch, a form sent) returns once the next document is committed, before it is
    parsed: an evaluation then may find no root element ("reading 'scrollWidth' of null").
    Not ``wait_for_function``: its polling evaluates a string, which the app's Content
    Security Policy (no 'unsafe-eval') rightly refuses."""
    page.wait_for_load_state()
    return page.evaluate(expression)


def scroll_width(page) -> int:
    """The page's laid-out width: wider than the viewport means it scrolls sideways."""
    return _laid_out(page, "document.documentElement.scrollWidth")


def fits_the_width(page) -> bool:
    """True when the page does not scroll sideways."""
    return _laid_out(page, "document.documentElement.scrollWidth <= window.innerWidth")


def page_locale(page) -> str:
    """The locale the page says it is written in ("en-NZ" -> "en_NZ"): English dates follow
    the reader's country (tests/core/test_i18n.py checks which), so expected text is
    formatted for the locale the page declares."""
    return page.locator("html").get_attribute("lang").replace("-", "_")


def zone_shown(page, zone: str, at=None) -> str:
    """How the page names ``zone`` at the instant ``at`` (default now): the city and zone
    name in the page's language with the offset then (babel's names, through the app's one
    label)."""
    from app.core.time import zone_label

    return zone_label(zone, page_locale(page), at)


def shot(page, name: str, database) -> None:
    """A screenshot of a key step, on the SQLite run only: both databases render the same
    pages, and a full-page picture costs half a second (the journeys run twice in CI)."""
    if database[0] == "sqlite":
        screenshot(page, name)


def flash(page) -> str:
    return page.locator(".flashes").inner_text()


def shown_title(page, title: str) -> str:
    """A demo event's or session's title as the page's reader reads it: the translation the
    demo gives for the page's language (``app.demo.TRANSLATIONS``), else the original."""
    from app.demo import TRANSLATIONS

    language = page_locale(page).split("_")[0]
    return TRANSLATIONS.get(title, {}).get(language, {}).get("title", title)


def open_event(page, base: str, title: str) -> None:
    """The event's link on the list, in the reader's language: its title, or the original
    followed by its "(in English)" note where it has no translation."""
    page.goto(f"{base}/events")
    name = re.compile(rf"^{re.escape(shown_title(page, title))}( \(.*\))?$")
    page.get_by_role("link", name=name).click()


def create_event(page, base: str, title: str, kind: str, zone: str, first: date, last: date,
                 **fields) -> None:
    """The organiser's "Create an event" form; ``fields``: more labels to fill or choose."""
    page.goto(f"{base}/events")
    page.get_by_role("link", name="Create an event").click()
    form = page.locator("main form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Kind of meeting").select_option(kind)
    form.get_by_label("Timezone of the meeting").select_option(zone)
    form.get_by_label("First day").fill(first.isoformat())
    form.get_by_label("Last day").fill(last.isoformat())
    for label, value in fields.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button", name="Save event").click()
    assert "Event created" in flash(page), flash(page)
    assert title in page.locator("h1").inner_text()


def add_session(page, title: str, day: date, start: str, end: str, *, kind: str | None = None,
                mode: str | None = None, places: int | None = None,
                expect_saved: bool = True) -> None:
    """From an event page: "Add a session", filled only through the fields the page shows.
    ``mode`` ("Who attends how") must be given exactly when the page asks it (hybrid)."""
    page.get_by_role("link", name="Add a session").click()
    form = page.locator("main form")
    asks_mode = form.get_by_label("Who attends how").count() == 1
    assert asks_mode == (mode is not None), "the page asks who attends how in hybrid events only"
    form.get_by_label("Title", exact=True).fill(title)
    if kind:
        form.get_by_label("Kind of session").select_option(kind)
    form.get_by_label("Day").select_option(day.isoformat())
    form.get_by_label("Starts (meeting time)").fill(start)
    form.get_by_label("Ends (meeting time)").fill(end)
    if mode:
        form.get_by_label("Who attends how").select_option(mode)
    if places:
        form.get_by_label("Places (leave empty for no own limit)").fill(str(places))
    form.get_by_role("button", name="Save session").click()
    if expect_saved:
        assert "Session saved." in flash(page), page.locator("main").inner_text()[:500]
        expect(page.get_by_role("link", name=title, exact=True)).to_have_count(1)


def path_of(url: str) -> str:
    """The path and query of a link the app built from PUBLIC_URL (emails, calendar links),
    to follow it on the live server whatever host that names."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def unfold_ics(text: str) -> str:
    """iCalendar text as a reader sees it: folded lines joined, escapes undone."""
    text = re.sub(r"\r?\n[ \t]", "", text)
    return (text.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
            .replace("\\\\", "\\"))


def weekday_after(start: date, days: int) -> date:
    """A Monday to Friday day at least ``days`` after ``start``."""
    day = start + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def invite_only(page, *names: str) -> None:
    """On the call form, once both countries are chosen: list their delegations ("Show their
    delegates" ticks them all), then keep ticked only the people named."""
    page.locator("main [name=show_delegates]").click()  # in any language
    boxes = page.locator("main input[name=invitees]")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        box.set_checked(label.startswith(names))
