"""Pages for keyboards, thumbs and narrow screens (issue #18), in the browser at 390 px:

- data tables become cards, each cell under its column's header, with the table's rows,
  columns and headers still there for screen readers (WCAG 1.3.1, 1.4.10);
- the focus ring keeps at least 3:1 against what lies around it and is at least 2 px thick
  (WCAG 2.4.7, 2.4.11, 1.4.11);
- every target is at least 24 x 24 px, but for links inside a sentence (WCAG 2.5.8);
- a participant registers from the timeline with the keyboard alone, in under 50 key presses.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import scroll_width
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = {"en": "English", "th": "ไทย"}
PARTICIPANT = "participant@example.org"
ORGANISER = "organiser@example.org"
MAX_KEYS = 50


# --- colours (WCAG 2.x relative luminance and contrast ratio) ---------------------------

def _rgba(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    assert len(numbers) >= 3, css
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def _luminance(css: str) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _alpha = _rgba(css)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_follows_the_wcag_formula():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert contrast("rgb(119, 119, 119)", "rgb(255, 255, 255)") == pytest.approx(4.48, abs=0.01)
    assert contrast("rgb(10, 20, 30)", "rgb(10, 20, 30)") == 1.0


# --- cards ------------------------------------------------------------------------------

# For each table: its layout at 390 px, the label each cell shows (its ::before) against the
# header of its column, and where the card's parts sit.
READ_TABLES = """() => [...document.querySelectorAll("main table")].map(table => {
  const headers = [...table.tHead.rows[0].cells].map(th => ({
    text: th.textContent.trim(), unseen: th.querySelector(".visually-hidden") !== null}));
  const head = table.tHead.getBoundingClientRect();
  return {
    display: getComputedStyle(table).display,
    headHeight: head.height,
    headers,
    rows: [...table.tBodies[0].rows].map(row => ({
      display: getComputedStyle(row).display,
      cells: [...row.cells].map((cell, i) => ({
        tag: cell.tagName, header: headers[i]?.text ?? null,
        unseenHeader: headers[i]?.unseen ?? false,
        label: cell.dataset.label ?? null,
        before: getComputedStyle(cell, "::before").content,
        colspan: cell.colSpan,
      })),
    })),
  };
})"""


def _check_cards(page, where: str) -> list[str]:
    problems = []
    tables = page.evaluate(READ_TABLES)
    assert tables, f"{where}: no table"
    for table in tables:
        if table["display"] != "block" or table["headHeight"] > 1:
            problems.append(f"{where}: the table is not laid out as cards ({table})")
        for row in table["rows"]:
            if row["display"] != "block":
                problems.append(f"{where}: a row is not a card")
            for cell in row["cells"]:
                if cell["colspan"] > 1 or cell["tag"] == "TH":
                    continue  # a row's own title, or a sentence standing for an empty table
                # Its ::before: the header's text, then a colon (and "" for screen readers).
                shown = next(iter(re.findall(r'"((?:[^"\\]|\\.)*)"', cell["before"])), "")
                shown = shown.replace('\\"', '"').removesuffix(":")
                if cell["label"] is None and not cell["unseenHeader"]:
                    problems.append(f"{where}: a {cell['header']!r} cell has no label")
                elif cell["label"] is not None and shown != cell["header"]:
                    problems.append(f"{where}: a cell shows {shown!r} under the column "
                                    f"{cell['header']!r}")
    return problems


def _table_roles(page) -> set[str]:
    """The roles chromium's own accessibility tree gives the main table: what a screen
    reader is told, whatever the CSS made of the boxes."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    return {node.get("role", {}).get("value") for node in nodes}


def _table_pages(page, base: str) -> dict[str, str]:
    """The organiser's pages with tables, found through their links."""
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name="Registrations and roster").click()
    roster = page.url
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name="Interpretation coverage").click()
    coverage = page.url
    return {"events": f"{base}/events", "roster": roster, "coverage": coverage,
            "invitations": f"{base}/invitations", "library": f"{base}/library",
            "outbox": f"{base}/outbox", "working-groups": f"{base}/working-groups",
            "bilaterals": f"{base}/bilaterals",
            "interpreters": f"{base}/interpretation/interpreters"}


def test_tables_are_cards_on_a_phone_with_every_cell_under_its_header(live_server, person,
                                                                      database):
    page = person(ORGANISER, viewport=PHONE)
    # An invitation waits for a reply, so the invitations page has its table.
    page.goto(f"{live_server}/invitations")
    page.locator("main form").first.get_by_label("Email").fill(
        f"cards-{database[0]}@example.org")
    page.locator("main form").first.get_by_role("button").click()
    problems, widths = [], {}
    for name, url in _table_pages(page, live_server).items():
        page.goto(url)
        for code, button in LANGUAGES.items():
            page.get_by_role("button", name=button).click()
            page.wait_for_load_state()
            widths[f"{name} [{code}]"] = scroll_width(page)
            if page.locator("main table").count():
                problems += _check_cards(page, f"{name} [{code}]")
            elif name != "outbox":  # every email may well have gone out
                problems.append(f"{name} [{code}]: no table")
            shot(page, f"cards-{name}-390-{code}", database)
        page.get_by_role("button", name="English").click()
        if page.locator("main table").count():
            roles = _table_roles(page)
            assert {"table", "row", "columnheader", "cell"} <= roles, (name, sorted(roles))
    assert not problems, "\n".join(problems)
    wide = {where: width for where, width in widths.items() if width > PHONE["width"]}
    assert not wide, f"scrolls sideways at 390 px: {wide}"


def test_tables_stay_tables_on_a_wide_screen(live_server, person):
    page = person(ORGANISER, viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server}/events")
    table = page.locator("main table")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    expect(table.locator("thead")).to_be_visible()
    labels = table.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels and set(labels) == {"none"}  # the header row says it once


# --- focus ------------------------------------------------------------------------------

READ_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let behind = "rgb(255, 255, 255)";
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = getComputedStyle(node).backgroundColor;
    if (bg !== "transparent" && !/rgba\\(.*, 0\\)$/.test(bg)) { behind = bg; break; }
  }
  const name = (el.innerText || el.value || el.name || "").trim().slice(0, 40);
  return {what: `${el.tagName.toLowerCase()} ${name}`,
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          outlineColor: style.outlineColor, outlineOffset: parseFloat(style.outlineOffset),
          own: style.backgroundColor, behind, matches: el.matches(":focus-visible")};
}"""


def _tab_through(page, where: str, presses: int) -> tuple[list[str], int]:
    problems, seen = [], 0
    page.locator("body").evaluate("b => b.focus()")
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(READ_FOCUS)
        if focus is None:
            continue
        seen += 1
        ring = f"{where}: {focus['what']!r}"
        if focus["outlineStyle"] in ("none", "hidden") or focus["outlineWidth"] < 2:
            problems.append(f"{ring} has no focus ring of 2 px ({focus})")
            continue
        # The ring lies on what is behind the control (2 px away from it); with no gap it
        # touches the control's own background too.
        against = [focus["behind"]]
        if focus["outlineOffset"] <= 0 and _rgba(focus["own"])[3] > 0:
            against.append(focus["own"])
        for colour in against:
            ratio = contrast(focus["outlineColor"], colour)
            if ratio < 3:
                problems.append(f"{ring}: ring {focus['outlineColor']} on {colour} is "
                                f"{ratio:.2f}:1")
    return problems, seen


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}],
                         ids=["390", "1280"])
def test_the_focus_ring_stands_out_on_every_control(live_server, person, viewport, database):
    page = person(PARTICIPANT, viewport=viewport)
    problems, seen = [], 0
    open_event(page, live_server, JAKARTA)
    pages = {"event": page.url}
    page.get_by_role("link", name="Register").click()
    pages.update({"register": page.url, "timeline": f"{live_server}/",
                  "library": f"{live_server}/library", "profile": f"{live_server}/profile"})
    for name, url in pages.items():
        page.goto(url)
        found, count = _tab_through(page, name, 45)
        problems += found
        seen += count
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Bahasa Melayu").focus()
    page.keyboard.press("Shift+Tab")  # from the keyboard, as :focus-visible wants
    shot(page, f"focus-header-{viewport['width']}", database)
    assert seen > 100, f"only {seen} controls took the focus"
    assert not problems, "\n".join(problems)


# --- targets ----------------------------------------------------------------------------

# Every visible link, button and field with its box; links inside a sentence are left out
# (WCAG 2.5.8's inline exception): an inline link whose line carries other words.
READ_TARGETS = """() => {
  const inSentence = el => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    let text = "";
    const walk = node => {
      for (const child of node.childNodes) {
        if (child === el) continue;
        if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
        else if (child.nodeType === Node.ELEMENT_NODE
                 && getComputedStyle(child).display.startsWith("inline")
                 && !child.matches("a, button, input, select, textarea")) walk(child);
      }
    };
    walk(block);
    return /[\\p{L}\\p{N}]{2,}/u.test(text);
  };
  return [...document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary")]
    .filter(el => el.checkVisibility() && el.getBoundingClientRect().right > 0)
    .map(el => {
      const box = el.getBoundingClientRect();
      const name = (el.innerText || el.name || el.type || "").trim().slice(0, 40);
      return {what: `${el.tagName.toLowerCase()} ${name}`,
              width: box.width, height: box.height, inSentence: inSentence(el)};
    });
}"""


def _small_targets(page, where: str) -> tuple[list[str], int]:
    targets = page.evaluate(READ_TARGETS)
    small = [f"{where}: {t['what']!r} is {t['width']:.1f} x {t['height']:.1f} px"
             for t in targets
             if not t["inSentence"] and (t["width"] < 24 or t["height"] < 24)]
    return small, len(targets)


@pytest.mark.parametrize("who", [PARTICIPANT, ORGANISER], ids=["participant", "organiser"])
def test_every_target_is_at_least_24_px_on_a_phone(live_server, person, who):
    page = person(who, viewport=PHONE)
    open_event(page, live_server, JAKARTA)
    pages = {"event": page.url}
    if who == PARTICIPANT:
        page.get_by_role("link", name="Register").click()
        pages["register"] = page.url
    else:
        page.get_by_role("link", name="Registrations and roster").click()
        pages["roster"] = page.url
        pages.update({"invitations": f"{live_server}/invitations",
                      "events/new": f"{live_server}/events/new"})
    for path in ("/", "/events", "/registrations", "/bilaterals", "/working-groups",
                 "/calendar", "/library", "/profile"):
        pages[path] = f"{live_server}{path}"
    problems, measured = [], 0
    for name, url in pages.items():
        page.goto(url)
        for code, button in LANGUAGES.items():
            page.get_by_role("button", name=button).click()
            small, count = _small_targets(page, f"{name} [{code}]")
            problems += small
            measured += count
    page.get_by_role("button", name="English").click()
    assert measured > 200, f"only {measured} targets measured"
    assert not problems, "\n".join(problems)


# --- the keyboard journey ---------------------------------------------------------------

class Keyboard:
    """The keys a person presses, counted."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1

    def focused(self) -> dict:
        return self.page.evaluate("""() => { const el = document.activeElement;
            return {tag: el.tagName, text: (el.innerText || el.value || "").trim(),
                    type: el.type || "",
                    label: el.labels?.length ? el.labels[0].innerText.trim() : ""}; }""")

    def tab_to(self, wanted, limit: int = MAX_KEYS) -> None:
        """Tab until ``wanted(focused element)`` holds; fails past ``limit`` presses."""
        for _ in range(limit):
            self.press("Tab")
            if wanted(self.focused()):
                return
        raise AssertionError(f"not reached in {limit} Tab presses; at {self.focused()}")


@pytest.fixture
def registers_again(live_server, person):
    """Pita's registration is cancelled at the end, as the other tests register them afresh
    (tests/browser/test_registration.py)."""
    yield
    page = person(PARTICIPANT)
    page.goto(f"{live_server}/registrations")
    card = page.locator(".card", has_text=JAKARTA)
    if card.get_by_role("button", name="Cancel my registration").count():
        card.get_by_role("button", name="Cancel my registration").click()


def test_a_participant_registers_from_the_timeline_by_keyboard_in_under_50_presses(
        live_server, person, registers_again, database):
    page = person(PARTICIPANT)
    page.goto(f"{live_server}/registrations")
    assert page.locator(".card", has_text=JAKARTA).get_by_role(
        "button", name="Cancel my registration").count() == 0, "already registered"
    page.goto(f"{live_server}/")
    keys = Keyboard(page)

    # The timeline: past the header with the skip link, then to the roundtable.
    keys.tab_to(lambda el: el["text"] == "Skip to content")
    keys.press("Enter")
    keys.tab_to(lambda el: el["tag"] == "A" and el["text"] == JAKARTA)
    keys.press("Enter")
    # A key press does not wait for the page it opens (a click would): wait for its heading.
    expect(page.locator("h1")).to_have_text(JAKARTA)

    # The event's page: to its Register link.
    keys.tab_to(lambda el: el["text"] == "Skip to content")
    keys.press("Enter")
    keys.tab_to(lambda el: el["tag"] == "A" and el["text"] == "Register")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Register")

    # The form: nothing to type (every detail is optional), the two agreements to tick.
    keys.tab_to(lambda el: el["type"] == "checkbox" and "Chatham House Rule" in el["label"])
    keys.press("Space")
    keys.tab_to(lambda el: el["type"] == "checkbox" and "organisers may use" in el["label"])
    keys.press("Space")
    keys.tab_to(lambda el: el["type"] == "submit" and el["text"] == "Register")
    shot(page, "keyboard-register-ready", database)
    print(f"at the Register button after {keys.presses} key presses")
    keys.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Your place is confirmed")
    assert keys.presses < MAX_KEYS, f"{keys.presses} key presses"
    page.goto(f"{live_server}/registrations")
    card = page.locator(".card", has_text=JAKARTA)
    assert "Confirmed" in card.inner_text()
    print(f"registered with {keys.presses} key presses")
