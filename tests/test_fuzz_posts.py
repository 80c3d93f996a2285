"""Every POST route, as every role, with random and boundary values (issue 14).

The URL map is walked: each POST route is called with the ``world`` of tests/core/test_access
(one object of each kind a URL can name), as anonymous, participant, interpreter and organiser.
The fields sent are those the app's pages render for that route (found by reading every page
once, as each role), started from the page's own values and then mangled by Hypothesis:
boundary values (ids past the database's integer, year 1 and 9999, NUL, line breaks, very
long text, other sites' links...), random text, duplicated and unknown fields.

Properties checked:

1. no response is a server error (>= 500), and no exception escapes;
2. a refused request (4xx) saves nothing: every table is the same afterwards, except the two
   that exist to count refusals (failed sign-ins and rate counters). The tables are read
   again after each request that ran an INSERT, UPDATE or DELETE (most refusals run none,
   and then nothing can have changed);
3. whatever the accepted requests saved, every page, .ics, .csv and personal calendar feed
   still answers each role without a server error afterwards.

Runtime is kept modest for CI (it runs on both databases): routes a role may not use are
tried once (their refusal does not depend on the fields), the others
``EXAMPLES_ALLOWED`` times. ``FUZZ_EXAMPLES`` in the environment raises that for a deeper run.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections import defaultdict
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from app.core.access import rule_of
from app.extensions import db
from tests.core.test_access import DELEGATION_ROLES
from tests.core.test_access import _expand
from tests.core.test_access import world  # noqa: F401 (fixture)
from tests.fixtures.people import login_as
from tests.forms import parse_forms

ROLES = ("anonymous", "participant", "interpreter", "organiser", "focal_point")
EXAMPLES_ALLOWED = int(os.environ.get("FUZZ_EXAMPLES", 6))
EXAMPLES_REFUSED = 1
# Tables whose rows record refusals themselves: a refused request may add to them.
COUNTS_REFUSALS = {"sign_in_failures", "rate_counters"}

BOUNDARY = [
    "", " ", "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9" * 30, "1e309",
    "NaN", "-0", "0x10", "1.5", "0001-01-01", "9999-12-31", "2027-02-30", "2027-13-01",
    "10000-01-01", "1999-12-31", "2100-12-31", "2101-01-01", "00:00", "24:00", "23:59:60",
    "-1:00", "2027-03-10T10:00:00+07:00", "9999-12-31T23:59:59+14:00", "\x00", "a\x00b",
    "line\r\nbreak", "\r\n", "\n", "tab\there", "x" * 5000, "<script>alert(1)</script>",
    "' OR '1'='1", "ทดสอบ", "😀", "\u202eevil", "https://evil.example/", "//evil.example",
    "////evil.example/x", "javascript:alert(1)", "https://meet.example/a\n",
    "FREQ=DAILY\nRRULE:FREQ=WEEKLY", "FREQ=SECONDLY", "FREQ=MONTHLY;BYDAY=2TU",
    "Mars/Base", "UTC", "Asia/Jakarta", "y", "on", "true", "yes", "no", "include", "accept",
    "xx", "th", "participant", "organiser", "nobody@example.org", "a@b", "@", "%s%s%n",
]


def _allowed(declared, role: str) -> bool:
    kind = declared[0]
    if kind in ("public", "token"):
        return True
    if role == "anonymous":
        return False
    if kind == "delegation":
        return role in DELEGATION_ROLES
    role = "participant" if role == "focal_point" else role  # a participant, designated
    return kind == "login" or role in {str(r) for r in declared[1]}


def _client(app, users, role):
    client = app.test_client()
    return login_as(client, users[role]) if role != "anonymous" else client


def _urls(rule, values, variants) -> list[str]:
    """The rule's URL with the world's values, then with each variant's (when different)."""
    urls = [_expand(rule, values)]
    for variant in variants:
        url = _expand(rule, {**values, **variant})
        if url not in urls:
            urls.append(url)
    return urls


def _pages(app, users, values, variants):
    """Every GET page each role may open, with its response: the world's pages, every
    .ics and .csv, and the role's personal calendar feed."""
    from app.calendar.services import issue_feed_token

    for role in ROLES:
        client = _client(app, users, role)
        urls = []
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.endswith("static"):
                continue
            if _allowed(rule_of(app.view_functions[rule.endpoint]), role):
                urls += _urls(rule, values, variants)
        if role != "anonymous":
            urls.append(f"/calendar/{issue_feed_token(users[role])}.ics")
            db.session.commit()
        for url in urls:
            yield role, url, client.get(url)


def _rendered_fields(app, users, values, variants) -> tuple[dict, dict]:
    """What the app's pages render: for each path a form posts to, its fields (name ->
    (values, options)); and every field seen anywhere, for routes no page shows."""
    by_action: dict[str, dict[str, tuple[list, list]]] = defaultdict(dict)
    anywhere: dict[str, tuple[list, list]] = {}
    for _role, url, response in _pages(app, users, values, variants):
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in parse_forms(response.get_data(as_text=True)):
            if form.method != "post":
                continue
            action = urlsplit(urljoin(url, form.action or url)).path
            for name, control in form.controls.items():
                seen = (list(control.values), list(control.options or []))
                by_action[action].setdefault(name, seen)
                anywhere.setdefault(name, seen)
    return by_action, anywhere


def _snapshot() -> dict[str, list]:
    """Every row of every table (the world is small), refusal counters aside."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in COUNTS_REFUSALS]
    return {t.name: sorted(map(repr, db.session.execute(sa.select(t)).all())) for t in tables}


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _form_data(fields: dict[str, tuple[list, list]], all_names: list[str]):
    """A strategy for the posted fields: the page's values, some replaced by boundary,
    offered or random values, some dropped, some repeated, some invented."""
    value = st.one_of(st.sampled_from(BOUNDARY), st.text(max_size=40))

    @st.composite
    def build(draw):
        pairs = []
        for name, (defaults, options) in fields.items():
            choice = draw(st.integers(0, 9))
            if choice <= 3:  # keep what the page would send
                pairs += [(name, v) for v in defaults]
            elif choice == 4:  # leave it out
                continue
            elif choice <= 6 and options:  # another offered option, or several
                pairs += [(name, v) for v in draw(st.lists(st.sampled_from(options),
                                                           min_size=1, max_size=3))]
            elif choice == 7:
                pairs += [(name, draw(value)), (name, draw(value))]
            else:
                pairs.append((name, draw(value)))
        for name in draw(st.lists(st.sampled_from(all_names), max_size=2)):
            pairs.append((name, draw(value)))
        query = draw(st.one_of(st.none(), st.fixed_dictionaries({"next": value})))
        return pairs, query

    return build()


class Writes:
    """Counts the statements that can change a row (watching the engine), so the tables
    are read again only after a request that ran one: most refusals write nothing."""

    DML = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)

    def __init__(self):
        self.count = 0
        self.snapshot = _snapshot()

    def __call__(self, _conn, _cursor, statement, *_args):
        if self.DML.match(statement):
            self.count += 1


def _fuzz(app, users, url, role, strategy, examples, stats, problems, writes):
    """Post ``examples`` drawings of ``strategy`` to ``url`` as ``role``; check both
    properties each time."""

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(sent=strategy)
    def post(sent):
        pairs, query = sent
        client = _client(app, users, role)  # afresh: a sign-out ends the session
        where = f"POST {url} as {role} with {pairs!r} query={query!r}"
        written = writes.count
        try:
            response = client.post(url, data=MultiDict(pairs), query_string=query)
        except Exception as error:  # a server error the test client raises
            problems.append(f"{where}: {type(error).__name__}: {error}")
            raise
        stats["requests"] += 1
        stats[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        assert response.status_code < 500, where
        if writes.count == written:
            return  # nothing was written, so nothing can have changed
        before, writes.snapshot = writes.snapshot, _snapshot()
        if 400 <= response.status_code < 500:
            changed = _changed(before, writes.snapshot)
            if changed:
                problems.append(f"{where}: refused ({response.status_code}) but changed "
                                f"{changed}")
            assert not changed, problems[-1]

    post()


@pytest.fixture
def fuzz_world(world, make_user, make_event, make_session):  # noqa: F811
    """``world``, plus what makes the remaining forms render: a usable invitation, an
    invitation-only event (its roster invites), a held event its participant may give
    feedback on and a usable password-reset link (used where the world's values offer no
    form: ``variants``)."""
    from datetime import UTC
    from datetime import date
    from datetime import datetime

    from app.auth.services import invite
    from app.auth.services import issue_password_reset
    from app.events.models import Event
    from app.events.models import EventStatus
    from app.registrations.services import RegistrationInput
    from app.registrations.services import invite_to_event
    from app.registrations.services import register

    users, values = world
    event = db.session.get(Event, values["event_id"])
    event.is_invitation_only = True
    invite_to_event(event, country_code="NZ")
    _invitation, token = invite("joiner@example.org", ["participant"], users["organiser"])
    held = make_event(title="Held", start_date=date(2025, 3, 10), end_date=date(2025, 3, 10),
                      is_invitation_only=False)
    make_session(held, datetime(2025, 3, 10, 3, tzinfo=UTC), datetime(2025, 3, 10, 4, tzinfo=UTC))
    register(held, users["participant"], RegistrationInput(consent_chatham=True,
                                                           consent_data=True))
    held.status = EventStatus.HELD
    reset_token = issue_password_reset(users["participant"])
    db.session.commit()
    return users, {**values, "token": token}, [{"event_id": held.id}, {"token": reset_token}]


def test_every_post_route_survives_random_and_boundary_input(app, fuzz_world, request):
    users, values, variants = fuzz_world
    by_action, anywhere = _rendered_fields(app, users, values, variants)
    all_names = sorted(anywhere) or ["x"]
    stats: Counter = Counter()
    problems: list[str] = []
    routes = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    writes = Writes()
    bare: list[str] = []  # routes no page renders a field for (one-button forms)
    event.listen(db.engine, "before_cursor_execute", writes)
    request.addfinalizer(lambda: event.remove(db.engine, "before_cursor_execute", writes))
    for rule in routes:
        declared = rule_of(app.view_functions[rule.endpoint])
        # The world's URL; a variant's where only that one renders the route's form.
        urls = _urls(rule, values, variants)
        url = next((u for u in urls if by_action.get(urlsplit(u).path)), urls[0])
        fields = by_action.get(urlsplit(url).path) or {}
        stats["routes"] += 1
        stats["routes with rendered fields"] += bool(fields)
        if not fields:
            bare.append(rule.rule)
        for role in ROLES:
            examples = EXAMPLES_ALLOWED if _allowed(declared, role) else EXAMPLES_REFUSED
            _fuzz(app, users, url, role, _form_data(fields, all_names), examples, stats,
                  problems, writes)
    # What was saved must not break any page or calendar afterwards.
    for role, url, response in _pages(app, users, values, variants):
        stats["pages read after"] += 1
        if response.status_code >= 500:
            problems.append(f"GET {url} as {role} after the fuzzing: {response.status_code}")
    print(f"\nfuzzed {stats['routes']} POST routes ({stats['routes with rendered fields']} "
          f"with fields read from their pages) as {len(ROLES)} roles: "
          f"{stats['requests']} requests; responses 2xx {stats['2xx']}, 3xx {stats['3xx']}, "
          f"4xx {stats['4xx']}, >= 500: {stats['5xx']}; then {stats['pages read after']} "
          f"pages and calendars read back; problems: {len(problems)}")
    print("routes with no rendered field (sent invented fields only):", ", ".join(bare))
    assert stats["routes"] == len(routes) >= 50
    assert problems == []
