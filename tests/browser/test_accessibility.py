"""WCAG 2.2 AA as axe-core checks it: the main pages of every role, in the four languages,
on a 390 px phone (where nothing may scroll the page sideways: WCAG 1.4.10, reflow).

axe-core comes from npm through its lock (tests/browser/axe, installed by ``make test``),
injected into each page as it is served: no CDN. A critical or serious violation fails, with
the rule, the page and the elements named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.journeys import JAKARTA
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu", "th": "ไทย"}
BLOCKING = ("critical", "serious")
PHONE = {"width": 390, "height": 844}
# WCAG 2.0-2.2 A and AA, the level the pages promise.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Pages each role reaches from the navigation and the 2027 roundtable's page, by link text.
PAGES = {
    None: ["/", "/login", "/password/forgot", "/password/forgot/sent"],
    "participant@example.org": ["/", "/events", "/registrations", "/bilaterals",
                                "/working-groups", "/calendar", "/library", "/notices",
                                "/profile"],
    "organiser@example.org": ["/", "/events", "/events/new", "/bilaterals", "/bilaterals/new",
                              "/working-groups", "/working-groups/new", "/holidays",
                              "/invitations", "/accounts", "/interpretation/interpreters",
                              "/outbox", "/library", "/profile"],
    "interpreter@example.org": ["/", "/interpretation/assignments", "/interpretation/profile",
                                "/events", "/notices", "/profile"],
}
# Reached through the event's page: its agenda, and what each role does there.
EVENT_LINKS = {
    "participant@example.org": ["Register"],
    "organiser@example.org": ["Edit event", "Registrations and roster",
                              "Interpretation coverage"],
}


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})
              .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
                  nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))""", TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


def _check_every_language(page, url: str, failures: list[str]) -> None:
    for code, button in LANGUAGES.items():
        page.get_by_role("button", name=button).click()
        for violation in _violations(page):
            failures.append(f"{url} [{code}] {violation['impact']} {violation['id']}: "
                            f"{violation['nodes']}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            failures.append(f"{url} [{code}] scrolls sideways: {width} px wide at 390 px")
    page.get_by_role("button", name="English").click()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: `make test` runs "
                                             "npm ci in tests/browser/axe")
@pytest.mark.parametrize("who", list(PAGES), ids=lambda who: (who or "visitor").split("@")[0])
def test_no_critical_or_serious_violation_in_any_language(live_server, browser, who,
                                                          database):
    if database[0] != "sqlite":
        pytest.skip("the same pages on both databases: checked once, on SQLite")
    # The pages forbid scripts of their own (CSP): the test lets its axe-core in.
    context = browser.new_context(locale="en-GB", bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    try:
        if who:
            sign_in(page, live_server, who)
        failures: list[str] = []
        urls = [f"{live_server}{path}" for path in PAGES[who]]
        if who:
            page.goto(f"{live_server}/events")
            page.get_by_role("link", name=JAKARTA, exact=True).click()
            event_url = page.url
            urls.append(event_url)
            for text in EVENT_LINKS.get(who, []):
                page.goto(event_url)
                page.get_by_role("link", name=text).first.click()
                urls.append(page.url)
        for url in urls:
            page.goto(url)
            _check_every_language(page, url.removeprefix(live_server), failures)
        assert not failures, "\n".join(failures)
    finally:
        context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed")
def test_the_check_sees_a_violation(browser):
    """The harness itself: a page with an unlabelled image and field fails it."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                         '<h1>t</h1><img src="x.png"><input type="text"></main></body></html>')
        assert {"image-alt", "label"} <= {v["id"] for v in _violations(page)}
    finally:
        context.close()
