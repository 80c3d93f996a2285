"""Answer calendar clients' "has my feed changed?" polls before Flask is involved.

Subscribed calendars poll every few minutes, and almost every poll is a conditional request
whose answer is 304. Routing, contexts and sessions cost more than the one indexed read the
answer needs, so this WSGI middleware answers a matching If-None-Match itself; anything else
(a first download, a changed feed, an unknown token) goes on to the Flask view, which keeps
the access rule, the rate limits and the 404s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import create_engine
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from werkzeug.http import http_date
from werkzeug.http import parse_etags
from werkzeug.http import quote_etag

from app.calendar.services import FEED_STAMP
from app.calendar.services import _hash
from app.calendar.services import feed_etag

FEED_PATH = re.compile(r"^/calendar/([A-Za-z0-9_-]{16,128})\.ics$")
Lookup = Callable[[str], tuple[int, datetime] | None]


def engine_lookup(engine) -> Lookup:
    """The feed's (user id, last change) read on a pooled connection.

    On PostgreSQL a small autocommit pool of its own makes the read one round trip, with no
    BEGIN before it and no ROLLBACK after (a single SELECT needs no transaction).
    """
    if engine.dialect.name == "postgresql":
        engine = create_engine(engine.url, isolation_level="AUTOCOMMIT",
                               pool_reset_on_return=None, pool_size=2, max_overflow=2,
                               pool_recycle=1800, pool_pre_ping=True)

    def lookup(token: str):
        with engine.connect() as connection:
            return connection.execute(FEED_STAMP, {"token_hash": _hash(token)}).first()

    return lookup


class ConditionalFeed:
    def __init__(self, wsgi_app, lookup: Lookup):
        self.wsgi_app = wsgi_app
        self.lookup = lookup

    def __call__(self, environ, start_response):
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            match = FEED_PATH.match(environ.get("PATH_INFO", ""))
            try:
                stamp = self.lookup(match.group(1)) if match else None
            except (OperationalError, InterfaceError):
                stamp = None  # the app itself answers: a 503 page while the database is down
            if stamp is not None:
                etag = feed_etag(match.group(1), stamp[1])
                if parse_etags(if_none_match).contains(etag):
                    start_response("304 NOT MODIFIED", [
                        ("ETag", quote_etag(etag)),
                        ("Last-Modified", http_date(stamp[1])),
                        ("Cache-Control", "private, no-cache"),
                    ])
                    return [b""]
        return self.wsgi_app(environ, start_response)
