"""WCAG 2.2 AA as axe-core checks it: every page each role reaches, in the four languages,
on a 390 px phone (where nothing may scroll the page sideways: WCAG 1.4.10, reflow).

The pages come from the app's URL map, not from a list kept by hand: each role (signed in
through the form) follows every same-origin link from the timeline over HTTP, and each GET
route it lands on is one page to check, in the version with the most on it (a route with a
fixed set of choices, ``<any(a, b):kind>``, is one page per choice). Routes no link reaches
are asked for directly when they take no argument (which also finds the no-access page);
the addresses given once are reached as people reach them: the join page through the link an
organiser's invitation shows, the personal calendar feed through the calendar page's button;
the not-found page is asked for as each role. A GET route that answers no role with HTML is
skipped with what it answered instead (a calendar file, a CSV, a redirect); a GET route
nothing resolves fails the test, so a new page cannot escape the check.

Each role's browser then reads every one of its pages in each language, chosen once through
the header's language buttons (the choice is kept with the account, or the visitor's
session): axe-core runs on each, and each must have exactly one main heading (h1), one
<main> landmark, and be no wider than the phone.

axe-core comes from npm through its lock (tests/browser/axe, installed by ``make test``),
served to the browser by the test itself: no CDN. A critical or serious violation fails, with
the rule, the page and the elements named; the moderate and minor ones are counted.
"""

from __future__ import annotations

import functools
import http.server
import re
import secrets
import threading
from collections import Counter
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import sqlalchemy
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter
from werkzeug.routing import RequestRedirect

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import signed_in
from tests.test_privacy_crawl import canonical
from tests.test_privacy_crawl import links_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia", "ms": "Bahasa Melayu", "th": "ไทย"}
BLOCKING = ("critical", "serious")
PHONE = {"width": 390, "height": 844}
# WCAG 2.0-2.2 A and AA, the level the pages promise.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = {
    "visitor": None,
    # A participant with the most to show: registered for the coming roundtable (with travel
    # details), invited to the scheduled bilateral call, in a working group.
    "participant": "sari@example.org",
    "interpreter": "interpreter@example.org",
    "organiser": "organiser@example.org",
}
SAME_ROUTE = 40  # pages of one route (and fixed choices) fetched per role
MAX_PAGES = 800  # fetched per role while crawling: the crawl must end by running out of links
NOT_FOUND = "/no-such-page"
# Answers that are the error page, not the route's own: no access, not found, gone.
ERROR_PAGES = (403, 404, 405, 410)


@dataclass
class Answer:
    path: str
    status: int
    kind: str  # the content type without parameters, "redirect" for a 3xx
    size: int

    @property
    def is_page(self) -> bool:
        return self.kind == "text/html"


@dataclass
class RoleMap:
    """What one role's requests found: per page key, the best answer (a 2xx, then the one
    with the most HTML), and every other answer kind seen."""
    pages: dict[tuple, Answer] = field(default_factory=dict)
    others: dict[tuple, set[str]] = field(default_factory=dict)

    def add(self, key: tuple | None, answer: Answer) -> None:
        if answer.status in ERROR_PAGES:
            key = (f"error {answer.status}",)  # the same page whatever the route
        if key is None:
            return
        if not answer.is_page:
            self.others.setdefault(key, set()).add(
                f"{answer.status} {answer.kind}")
            return
        best = self.pages.get(key)
        rank = (200 <= answer.status < 300, answer.size)
        if best is None or rank > (200 <= best.status < 300, best.size):
            self.pages[key] = answer


def _page_key(adapter, path: str) -> tuple | None:
    """(endpoint, the values of its fixed choices) of a path, or None when no route has it."""
    parts = urlsplit(path)
    try:
        endpoint, args = adapter.match(parts.path, method="GET")
    except RequestRedirect:
        return None
    except HTTPException:
        return None
    rule = next(adapter.map.iter_rules(endpoint))
    choices = tuple(sorted((name, args[name]) for name, converter in rule._converters.items()
                           if isinstance(converter, AnyConverter)))
    return (endpoint, *choices)


def _crawled_path(found: RoleMap, pattern: str) -> str:
    """The first page the crawl found whose path is all of ``pattern``."""
    return next(answer.path for answer in found.pages.values()
                if re.fullmatch(pattern, answer.path))


def _fetch(request, base: str, path: str) -> tuple[Answer, str]:
    response = request.get(base + path, max_redirects=0)
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if 300 <= response.status < 400:
        kind = "redirect"
    body = response.text() if kind == "text/html" else ""
    return Answer(path, response.status, kind, len(body)), body


def _crawl(request, base: str, adapter, found: RoleMap) -> None:
    """Follow every local link from the timeline over HTTP (no rendering), as the privacy
    crawl does (tests/test_privacy_crawl.py)."""
    queue, seen, fetched, per_route = deque(["/"]), {"/"}, 0, Counter()
    while queue and fetched < MAX_PAGES:
        path = queue.popleft()
        answer, body = _fetch(request, base, path)
        fetched += 1
        assert answer.status < 500, f"{path} answered {answer.status}"
        found.add(_page_key(adapter, path), answer)
        for href in links_in(body):
            target = canonical(path, href)  # the privacy crawl's: local, no ?next=
            if target and target not in seen:
                seen.add(target)
                # One page of a route is what axe checks: a hundred alike accounts' pages
                # of one route add nothing after the first few.
                key = _page_key(adapter, target)
                per_route[key] += 1
                if key is None or per_route[key] <= SAME_ROUTE:
                    queue.append(target)
    assert not queue, f"the crawl stopped at {MAX_PAGES} pages: raise MAX_PAGES"


def _get_rules(app):
    """Every GET route but the static files', with each fixed choice as its own page."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" \
                or rule.endpoint.endswith(".static"):
            continue
        choices = [(name, sorted(converter.items)) for name, converter
                   in rule._converters.items() if isinstance(converter, AnyConverter)]
        keys = [(rule.endpoint,)]
        for name, items in choices:
            keys = [(*key, (name, item)) for key in keys for item in items]
        for key in keys:
            yield rule, (key[0], *sorted(key[1:]))


def _join_link(page, base: str) -> str:
    """The join page's address, as an organiser's invitation gives it ("You can also pass
    on this link")."""
    page.goto(f"{base}/invitations")
    page.get_by_label("Email address to invite").fill(
        f"axe.{secrets.token_hex(4)}@example.org")
    page.get_by_role("button", name="Send invitation").click()
    link = re.search(r"https?://\S+/join/[\w-]+", page.locator(".flashes").inner_text())
    assert link, page.locator(".flashes").inner_text()
    return urlsplit(link.group(0)).path


def _reset_link(page, base: str, live_engine) -> str:
    """A password-reset page's address, as the email asked for on the sign-in page gives it."""
    page.goto(f"{base}/password/forgot")
    page.get_by_label("Email").fill(ROLES["participant"])
    page.get_by_role("button", name="Email me a link").click()
    with live_engine.connect() as connection:
        body = connection.execute(sqlalchemy.text(
            "SELECT body FROM outbox_messages WHERE recipient = :to AND body LIKE :path "
            "ORDER BY id DESC"), {"to": ROLES["participant"], "path": "%/password/reset/%"}
        ).scalars().first()
    return urlsplit(re.search(r"https?://\S+/password/reset/[\w-]+", body).group(0)).path


def _erase_page(page, base: str) -> str:
    """The erasure's confirmation page, as an organiser reaches it for someone who asked by
    email (nothing is erased until its button is pressed)."""
    page.goto(f"{base}/personal-data")
    page.get_by_label("Email address of the account").fill(ROLES["participant"])
    page.get_by_role("button", name="Continue").click()
    return urlsplit(page.url).path


def _message_page(page, base: str) -> str:
    """A message to an event's registrants, written and not yet sent: the page that says how
    many will receive it (nothing is sent until its button is pressed)."""
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name="Message registrants").click()
    page.get_by_label("Subject in English").fill("Pre-reading")
    page.get_by_label("Message in English").fill("Please read the case studies.")
    page.get_by_role("button", name="Check recipients").click()
    return urlsplit(page.url).path


def _groups_preview(page, base: str) -> str:
    """The proposed small groups, as an organiser previews them (nothing is saved until
    "Apply"): a GET form's answer, which no link reaches."""
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name="Small groups", exact=True).click()
    page.get_by_role("button", name="Preview balanced groups").first.click()
    return urlsplit(page.url).path


def _feed_link(page, base: str) -> str:
    """A personal calendar feed's address, as the calendar page gives it once created."""
    page.goto(f"{base}/calendar")
    page.get_by_role("button",
                     name=re.compile("Create my calendar link|Get a new calendar link")).click()
    return urlsplit(page.locator("#feed-url").input_value()).path


def _video_link(page, base: str) -> str:
    """An uploaded pre-recorded video's address, as the session page links it once an
    organiser uploaded one (the demo's video is a link to another site)."""
    open_event(page, base, JAKARTA)
    page.get_by_role("link", name="Lived experience leaders in policy-making").first.click()
    section = page.locator("#programme details:has(form[action$='/programme/recordings'])")
    section.locator("summary").click()
    section.get_by_label("Title", exact=True).fill("Welcome from the hosts")
    section.get_by_label("Video file").set_input_files(files=[{
        "name": "welcome.mp4", "mimeType": "video/mp4",
        "buffer": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40}])
    section.get_by_role("button", name="Add pre-recorded item").click()
    return urlsplit(page.get_by_role("link", name="Welcome from the hosts").get_attribute(
        "href")).path


@dataclass
class SiteMap:
    roles: dict[str, RoleMap]
    skipped: dict[tuple, str]  # GET routes that answer no one with HTML: what they answer
    unresolved: list[str]  # GET routes nothing reached
    contexts: dict[str, object]  # the signed-in browser of each role


@pytest.fixture(scope="module")
def site_map(app, live_server, live_engine, browser, database):
    """Each role's pages, found as described above; the role's browser stays signed in."""
    if database[0] != "sqlite":
        pytest.skip("the same pages on both databases: checked once, on SQLite")
    if not AXE.exists():
        pytest.skip("axe-core is not installed: `make test` runs npm ci in tests/browser/axe")
    adapter = app.url_map.bind(urlsplit(live_server).netloc)
    rules = list(_get_rules(app))
    contexts, roles = {}, {}
    try:
        for role, email in ROLES.items():
            # The pages forbid scripts of their own (CSP): the test lets its axe-core in.
            context = browser.new_context(locale="en-GB", bypass_csp=True, viewport=PHONE)
            context.set_default_timeout(15_000)
            contexts[role] = context
            page = context.new_page()
            if email:  # and reading English (the demo keeps each person's own language)
                signed_in(page, live_server, email)
            found = roles[role] = RoleMap()
            _crawl(context.request, live_server, adapter, found)
            # Routes that take nothing but no page links (a health check, say).
            for rule, key in rules:
                if not rule.arguments and key not in found.pages and key not in found.others:
                    found.add(key, _fetch(context.request, live_server, rule.rule)[0])
            found.add(None, _fetch(context.request, live_server, NOT_FOUND)[0])
        join = _join_link(contexts["organiser"].pages[0], live_server)
        roles["visitor"].add(_page_key(adapter, join),
                             _fetch(contexts["visitor"].request, live_server, join)[0])
        reset = _reset_link(contexts["visitor"].pages[0], live_server, live_engine)
        roles["visitor"].add(_page_key(adapter, reset),
                             _fetch(contexts["visitor"].request, live_server, reset)[0])
        erase = _erase_page(contexts["organiser"].pages[0], live_server)
        roles["organiser"].add(_page_key(adapter, erase),
                               _fetch(contexts["organiser"].request, live_server, erase)[0])
        message = _message_page(contexts["organiser"].pages[0], live_server)
        roles["organiser"].add(_page_key(adapter, message),
                               _fetch(contexts["organiser"].request, live_server, message)[0])
        video = _video_link(contexts["organiser"].pages[0], live_server)
        roles["organiser"].add(_page_key(adapter, video),
                               _fetch(contexts["organiser"].request, live_server, video)[0])
        preview = _groups_preview(contexts["organiser"].pages[0], live_server)
        roles["organiser"].add(_page_key(adapter, preview),
                               _fetch(contexts["organiser"].request, live_server, preview)[0])
        # Pages no link leads to in the demo: the old report address (it redirects), and a
        # new question for a survey (the demo's survey is answered, so its builder offers
        # none): reached from a page the crawl found.
        for pattern, suffix in ((r"/events/\d+", "/report"),
                                (r"/events/\d+/surveys/\d+", "/questions/new")):
            path = _crawled_path(roles["organiser"], pattern) + suffix
            roles["organiser"].add(_page_key(adapter, path),
                                   _fetch(contexts["organiser"].request, live_server, path)[0])
        feed = _feed_link(contexts["participant"].pages[0], live_server)
        roles["participant"].add(_page_key(adapter, feed),
                                 _fetch(contexts["participant"].request, live_server, feed)[0])
        skipped, unresolved = {}, []
        for rule, key in rules:
            if any(key in found.pages for found in roles.values()):
                continue
            answers = set().union(*(found.others.get(key, set()) for found in roles.values()))
            if answers:
                skipped[key] = "answers " + ", ".join(sorted(answers))
            else:
                unresolved.append(rule.rule)
        yield SiteMap(roles, skipped, unresolved, contexts)
    finally:
        for context in contexts.values():
            context.close()


@pytest.fixture(scope="module")
def axe_url():
    """axe-core served over HTTP with a long cache life, so chromium compiles it once and
    not on every page (injecting its text costs a compile each time)."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Cache-Control", "max-age=3600")
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(AXE.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{AXE.name}"
    server.shutdown()
    server.server_close()


# Started on one page while the browser loads the next (another renderer): the two lanes
# of a role share the machine's two cores.
START_AXE = """tags => { window.axeFound = axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
    .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))); }"""
SHAPE = """() => ({lang: document.documentElement.lang,
               h1: document.querySelectorAll("h1").length,
               main: document.querySelectorAll("main, [role=main]").length,
               width: document.documentElement.scrollWidth,
               // Tables scroll inside their own box on phones (style.css): counted, not failed.
               tables: [...document.querySelectorAll("main table")]
                   .filter(t => t.scrollWidth > t.clientWidth).length})"""


def _start_axe(page, script: str) -> None:
    page.add_script_tag(url=script)
    page.evaluate(START_AXE, TAGS)


def _violations(page, script: str) -> list[dict]:
    _start_axe(page, script)
    return page.evaluate("() => window.axeFound")


@dataclass
class Tally:
    pages: int = 0
    by_rule: Counter = field(default_factory=Counter)  # (impact, rule) -> page checks
    nodes: Counter = field(default_factory=Counter)  # (impact, rule) -> elements
    widths: dict[str, int] = field(default_factory=dict)  # path -> widest over languages
    scrolling_tables: set[str] = field(default_factory=set)  # paths
    failures: list[str] = field(default_factory=list)

    def shape(self, where: str, path: str, code: str, shape: dict) -> None:
        # A published report's language version (``/reports/<id>?lang=th``) is a page in
        # that language whatever the reader's own: it must say so.
        if path.startswith("/reports/"):
            code = dict(parse_qsl(urlsplit(path).query)).get("lang", code)
        if shape["lang"].split("-")[0] != code:
            self.failures.append(f"{where} is written in {shape['lang']}")
        if shape["h1"] != 1:
            self.failures.append(f"{where} has {shape['h1']} main headings (h1), not one")
        if shape["main"] != 1:
            self.failures.append(f"{where} has {shape['main']} <main> landmarks, not one")
        self.widths[path] = max(self.widths.get(path, 0), shape["width"])
        if shape["tables"]:
            self.scrolling_tables.add(path)
        if shape["width"] > PHONE["width"]:
            self.failures.append(f"{where} scrolls sideways: {shape['width']} px wide")

    def violations(self, where: str, found: list[dict]) -> None:
        for violation in found:
            self.by_rule[violation["impact"], violation["id"]] += 1
            self.nodes[violation["impact"], violation["id"]] += violation["nodes"]
            if violation["impact"] in BLOCKING:
                self.failures.append(f"{where} {violation['impact']} {violation['id']}: "
                                     f"{violation['targets']}")
        self.pages += 1


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe_in_every_language(site_map, live_server, browser, axe_url,
                                                 role):
    found = site_map.roles[role]
    first = site_map.contexts[role]
    second = browser.new_context(locale="en-GB", bypass_csp=True, viewport=PHONE,
                                 storage_state=first.storage_state())
    lanes = [first.pages[0], second.new_page()]
    paths = sorted(answer.path for answer in found.pages.values())
    tally = Tally()
    try:
        for code, button in LANGUAGES.items():
            for lane in lanes:
                lane.goto(f"{live_server}/")
                lane.get_by_role("button", name=button).click()
            pending = None
            for n, path in enumerate(paths):
                lane, where = lanes[n % 2], f"{path} [{code}]"
                lane.goto(live_server + path)
                tally.shape(where, path, code, lane.evaluate(SHAPE))
                _start_axe(lane, axe_url)
                if pending:
                    tally.violations(pending[1], pending[0].evaluate("() => window.axeFound"))
                pending = (lane, where)
            if pending:
                tally.violations(pending[1], pending[0].evaluate("() => window.axeFound"))
    finally:
        second.close()
        lanes[0].goto(f"{live_server}/")
        lanes[0].get_by_role("button", name="English").click()
    _report(role, found, tally)
    assert tally.pages == len(paths) * len(LANGUAGES) >= len(LANGUAGES) * 3
    assert not tally.failures, "\n".join(tally.failures)


def _report(role: str, found: RoleMap, tally: Tally) -> None:
    """What was checked, for the test's output (``pytest -s``)."""
    print(f"\naxe, {role}: {len(found.pages)} pages x {len(LANGUAGES)} languages = "
          f"{tally.pages} checks")
    for (impact, rule), pages in sorted(tally.by_rule.items()):
        print(f"  {impact:9} {rule:28} on {pages} page checks, "
              f"{tally.nodes[impact, rule]} elements")
    widest = max(tally.widths.items(), key=lambda item: item[1], default=("-", 0))
    print(f"  widest page at {PHONE['width']} px: {widest[0]} ({widest[1]} px)")
    if tally.scrolling_tables:
        print(f"  a table scrolls inside its own box on: {sorted(tally.scrolling_tables)}")


def test_every_get_route_is_checked_or_answers_no_page(site_map, app):
    """The crawl's own check: what it left out is said, with what those routes answer."""
    assert not site_map.unresolved, (
        "GET routes no role reaches, so their pages go unchecked: link them from a page the "
        f"demo data shows, or resolve them in this test: {site_map.unresolved}")
    checked = {key for found in site_map.roles.values() for key in found.pages}
    print("\nGET routes answering no page:")
    for key, reason in sorted(site_map.skipped.items()):
        print(f"  {key}: {reason}")
        assert "text/html" not in reason
    rules = list(_get_rules(app))
    assert {key for _rule, key in rules} <= checked | set(site_map.skipped)
    for role, found in site_map.roles.items():
        print(f"{role}: {sorted(f'{a.status} {a.path}' for a in found.pages.values())}")
    assert {("error 404",), ("error 403",), ("auth.join",)} <= checked


def test_the_check_sees_a_violation(browser, axe_url):
    """The harness itself: a page with an unlabelled image and field, two main headings, no
    <main> and a box wider than the phone fails each check."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed")
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><div>'
                         '<h1>t</h1><h1>u</h1><img src="x.png"><input type="text">'
                         '<div style="width: 600px">wide</div></div></body></html>')
        tally = Tally()
        tally.shape("/t [en]", "/t", "en", page.evaluate(SHAPE))
        tally.violations("/t [en]", _violations(page, axe_url))
        found = {v["id"] for v in _violations(page, axe_url) if v["impact"] in BLOCKING}
        assert {"image-alt", "label"} <= found
        assert tally.widths["/t"] > PHONE["width"]
        said = [failure.split(" ", 2)[2] for failure in tally.failures[:3]]
        assert said[:2] == ["has 2 main headings (h1), not one",
                            "has 0 <main> landmarks, not one"]
        assert said[2] == f"scrolls sideways: {tally.widths['/t']} px wide"
        assert any("critical image-alt" in failure for failure in tally.failures)
    finally:
        context.close()
