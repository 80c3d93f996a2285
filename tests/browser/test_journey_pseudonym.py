"""The pseudonymous participant's journey (issue 13): the youth advocate (advocate@, Malaysia)
takes part as "Youth advocate A". Walking every page their links lead to, in their language
(Malay), with the files and the calendar feed they can download, their real name never shows;
nor does it to another participant, nor on the badges the organisers print."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest

from tests.browser.journeys import JAKARTA
from tests.browser.journeys import open_event
from tests.browser.journeys import path_of
from tests.browser.journeys import shot

pytestmark = pytest.mark.browser

REAL_NAME, PSEUDONYM = "Amina Advocate", "Youth advocate A"
MAX_PAGES = 300  # far more than the advocate reaches: the walk ends by exhausting links


def _links(html: str, url: str, base: str):
    for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
        parts = urlsplit(urljoin(url, unescape(href)))
        if f"{parts.scheme}://{parts.netloc}" != base or "next=" in parts.query:
            continue
        if parts.path.startswith("/static/"):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_real_name_never_shows_on_the_advocates_pages(live_server, person, database):
    page = person("advocate@example.org", language="Bahasa Melayu", locale="ms-MY")
    assert page.locator("html").get_attribute("lang") == "ms"
    queue, seen, read, shown = deque(["/"]), {"/"}, [], []
    while queue and len(read) < MAX_PAGES:
        path = queue.popleft()
        # Through the browser's own session: pages, and the files their links download.
        response = page.request.get(live_server + path)
        assert response.status < 500, path
        kind = response.headers.get("content-type", "")
        body = response.text() if kind.startswith(("text/", "application/json")) else ""
        read.append(path)
        if path.startswith("/my-data/roundtable-data"):
            # Their own data, downloaded on request: all of it, their name included (the
            # right of access); no page shows it.
            assert REAL_NAME in body or not path.endswith(".json")
            continue
        if kind.startswith("text/html"):
            for link in _links(body, live_server + path, live_server):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
            if path == "/profile":  # their own form holds their name, for them to edit
                page.goto(live_server + path)
                body = page.locator("body").inner_text()
        if REAL_NAME in body or "Amina" in body:
            shown.append(path)
    assert not queue, f"the walk stopped at {MAX_PAGES} pages: raise MAX_PAGES"
    assert len(read) >= 20, read
    assert shown == [], f"the real name shows on {shown}"

    open_event(page, live_server, JAKARTA)
    shot(page, "journey-pseudonym-event-ms", database)
    page.locator("main a[href$='/topics']").click()
    assert "Peer support for families after release" in page.locator("table").inner_text()
    shot(page, "journey-pseudonym-topics-ms", database)

    # Their calendar feed, read by whatever calendar they subscribe with (and shown on the
    # screens that calendar is shown on).
    page.goto(f"{live_server}/calendar")
    page.locator("main form.inline button.primary").click()
    feed = page.request.get(live_server + path_of(page.locator("#feed-url").input_value()))
    assert feed.ok and feed.text().startswith("BEGIN:VCALENDAR")
    # Not in the events, nor in the calendar's own name (X-WR-CALNAME).
    assert REAL_NAME not in feed.text()


def test_others_read_the_pseudonym_only(live_server, person, database):
    sari = person("sari@example.org")
    open_event(sari, live_server, JAKARTA)
    assert REAL_NAME not in sari.content()
    sari.get_by_role("link", name="Propose topics and vote").click()
    assert REAL_NAME not in sari.content() and PSEUDONYM not in sari.content()

    organiser = person("organiser@example.org")
    open_event(organiser, live_server, JAKARTA)
    organiser.get_by_role("link", name="Registrations and roster").click()
    roster = organiser.locator("table").first.inner_text()
    assert REAL_NAME in roster and PSEUDONYM in roster  # organisers know who comes
    organiser.get_by_role("link", name="Name badges").click()
    badges = organiser.locator("main").inner_text()
    assert PSEUDONYM in badges and REAL_NAME not in badges  # worn in the room
    shot(organiser, "journey-pseudonym-badges", database)
