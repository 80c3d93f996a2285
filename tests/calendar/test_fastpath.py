"""The middleware that answers unchanged-feed polls before Flask."""

from datetime import UTC
from datetime import datetime

from werkzeug.test import Client
from werkzeug.wrappers import Response

from app.calendar.fastpath import ConditionalFeed
from app.calendar.services import feed_etag

TOKEN = "a" * 43
CHANGED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def _client(stamps):
    calls = []

    def downstream(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return Response("from flask", 200)(environ, start_response)

    lookups = []

    def lookup(token):
        lookups.append(token)
        return stamps.get(token)

    return Client(ConditionalFeed(downstream, lookup)), calls, lookups


def test_an_unchanged_feed_is_answered_304_without_flask(app):
    client, calls, _lookups = _client({TOKEN: (7, CHANGED)})
    with app.app_context():
        etag = feed_etag(TOKEN, CHANGED)
    response = client.get(f"/calendar/{TOKEN}.ics", headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code == 304 and calls == []
    assert response.headers["ETag"] == f'"{etag}"'
    assert response.headers["Last-Modified"] == "Mon, 01 Mar 2027 09:30:00 GMT"


def test_everything_else_goes_on_to_flask(app):
    client, calls, lookups = _client({TOKEN: (7, CHANGED)})
    assert client.get(f"/calendar/{TOKEN}.ics").status_code == 200  # unconditional
    assert client.get(f"/calendar/{TOKEN}.ics",
                      headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get(f"/calendar/{'b' * 43}.ics",
                      headers={"If-None-Match": '"x"'}).status_code == 200  # unknown token
    assert client.get("/calendar/../etc/passwd.ics",
                      headers={"If-None-Match": '"x"'}).status_code == 200
    assert client.post(f"/calendar/{TOKEN}.ics",
                       headers={"If-None-Match": '"x"'}).status_code == 200
    assert len(calls) == 5
    assert lookups == [TOKEN, "b" * 43]  # no look-up without If-None-Match or a valid path
