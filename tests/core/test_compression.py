"""Pages travel compressed, and compression gives away no secret (BREACH): the CSRF token
is masked afresh for every response, and a page showing a feed's private address is sent
as it is."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from app.core.compression import unmask
from tests.fixtures.database import make_test_config
from tests.fixtures.people import login_as

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture()
def csrf_client(database, app):
    from app import create_app

    _name, url = database
    return create_app(make_test_config(url, WTF_CSRF_ENABLED=True)).test_client()


def _token(html: str) -> str:
    return TOKEN.search(html).group(1)


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.data).decode()
    assert "<main" in html and html.count("<form") == plain.get_data(as_text=True).count("<form")
    assert len(packed.data) * 2 < len(html.encode())  # even the smallest page halves


def test_static_files_are_compressed_for_what_browsers_accept(client):
    # Files are streamed from disk: brotli or zstd, which compress a stream (not gzip).
    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'href="([^"]+\.css[^"]*)"', page).group(1).replace("&amp;", "&")
    # buffered: read while the request is open, as a server reads the stream
    response = client.get(href, headers={"Accept-Encoding": "gzip, deflate, br"}, buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert b"{" in brotli.decompress(response.data)


def test_every_response_carries_a_differently_masked_token_for_one_secret(csrf_client):
    first = _token(csrf_client.get("/login").get_data(as_text=True))
    second = _token(csrf_client.get("/login").get_data(as_text=True))
    assert first != second
    # The one session secret, signed with the time: a second may pass between the two.
    assert unmask(first).split(".")[0] == unmask(second).split(".")[0]


def test_a_masked_token_passes_the_csrf_check(csrf_client):
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    response = csrf_client.post("/language", data={"locale": "th", "csrf_token": token,
                                                   "next": "/"})
    assert response.status_code == 302


@pytest.mark.parametrize("forged", ["", "not base64!", "AAAA", "QUJD"])
def test_a_malformed_or_unmasked_token_is_refused_with_a_400(csrf_client, forged):
    page = csrf_client.get("/login").get_data(as_text=True)
    unmasked = unmask(_token(page))
    for value in (forged, unmasked):
        response = csrf_client.post("/language", data={"locale": "th", "csrf_token": value})
        assert response.status_code == 400


def test_the_page_showing_a_new_feed_address_is_not_compressed(client, participant):
    login_as(client, participant)
    page = client.get("/calendar", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    created = client.post("/calendar/feed", headers={"Accept-Encoding": "gzip"})
    assert created.status_code == 200
    assert created.headers.get("Content-Encoding") is None
    address = re.search(r"https?://[^\s\"<]+\.ics", created.get_data(as_text=True)).group(0)
    feed = client.get(address.split("localhost", 1)[-1], headers={"Accept-Encoding": "gzip"})
    assert feed.status_code == 200
    assert feed.headers.get("Content-Encoding") is None  # ETags stay the 304 path's validators
    assert feed.get_etag()[0] and ":" not in feed.get_etag()[0]
