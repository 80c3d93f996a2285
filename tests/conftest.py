"""Fixtures: one app per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set).

The schema comes from the migrations, once per database; every test then runs inside an outer
transaction that is rolled back, so tests see real commits (as savepoints) and leave nothing.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import re
from collections import Counter
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.auth.models import User
from app.core import time as app_time
from app.core.models import Country
from app.demo import COUNTRIES
from app.events.models import Event, EventKind, EventSession, EventStatus, SessionKind
from app.extensions import db
from config import TestingConfig, database_url

FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"
_password_hash_cache: dict[str, str] = {}
DATABASE_RESULTS: Counter = Counter()


def seed_countries() -> None:
    for code, name, zones, subdivision in COUNTRIES:
        if db.session.get(Country, code) is None:
            db.session.add(Country(code=code, name=name, timezone=zones[0], zones=zones,
                                   holiday_subdivision=subdivision))
    db.session.commit()


def make_test_config(url: str, **overrides):
    return type("TestConfig", (TestingConfig,), {
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        **overrides,
    })


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, ``g`` and database session, as in production,
    even while the test itself holds an app context."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """The database name and URL; PostgreSQL is skipped, with the reason, when unset.

    On PostgreSQL each run works in its own database beside TEST_DATABASE_URL's, created
    here and dropped at the end, so two runs on one server never trample each other.
    """
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/roundtable.db"
        return
    url = database_url(os.environ.get("TEST_DATABASE_URL"))
    if not url:
        pytest.skip("PostgreSQL run needs TEST_DATABASE_URL (CI sets it; see README)")
    from tests import live

    own = live.fresh_database("postgresql", url, tmp_path_factory.getbasetemp(),
                              f"run{os.getpid()}")
    yield "postgresql", own
    live.drop_database(url, own)


@pytest.fixture(scope="session")
def app(database):
    _name, url = database
    application = create_app(make_test_config(url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        seed_countries()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """A session whose commits become savepoints of one outer transaction, rolled back after."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Rolled-back tests reuse ids and frozen clocks: no rendered page may outlive its test."""
    from app.events import pagecache

    pagecache.clear()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze ``now_utc``; call the returned function to move the clock."""

    def freeze(instant):
        monkeypatch.setattr(app_time, "_clock", lambda: instant)
        return instant

    return freeze


_serial = itertools.count(1)


@pytest.fixture
def make_user(db_session):
    def make(roles=("participant",), *, country="AU", timezone=None, locale="en", email=None,
             display_name=None, pseudonym="", languages=("en",)):
        n = next(_serial)
        if FAST_HASH not in _password_hash_cache:
            from werkzeug.security import generate_password_hash

            _password_hash_cache[FAST_HASH] = generate_password_hash(PASSWORD, method=FAST_HASH)
        user = User(
            email=email or f"user{n}@example.org",
            display_name=display_name or f"Person {n}",
            pseudonym=pseudonym,
            password_hash=_password_hash_cache[FAST_HASH],
            country_code=country,
            timezone=timezone or (db.session.get(Country, country).timezone if country else "UTC"),
            locale=locale,
            languages=list(languages),
        )
        user.set_roles(roles)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def participant(make_user):
    return make_user(("participant",), country="NZ")


@pytest.fixture
def organiser(make_user):
    return make_user(("organiser",), country="AU")


@pytest.fixture
def interpreter(make_user):
    return make_user(("interpreter",), country="TH")


@pytest.fixture
def make_event(db_session):
    def make(**fields):
        fields.setdefault("title", f"Event {next(_serial)}")
        fields.setdefault("kind", EventKind.VIRTUAL)
        fields.setdefault("status", EventStatus.OPEN)
        fields.setdefault("timezone", "Asia/Bangkok")
        fields.setdefault("start_date", date(2027, 3, 10))
        fields.setdefault("end_date", fields["start_date"])
        event_ = Event(**fields)
        db.session.add(event_)
        db.session.commit()
        return event_

    return make


@pytest.fixture
def make_session(db_session):
    def make(event_, start_dt, end_dt, **fields):
        fields.setdefault("title", f"Session {next(_serial)}")
        fields.setdefault("kind", SessionKind.PLENARY)
        session = EventSession(event=event_, start_dt=start_dt, end_dt=end_dt, **fields)
        db.session.add(session)
        db.session.commit()
        return session

    return make


def login_as(client, user):
    """Sign a test client in without the password round trip (covered by the auth tests).

    The session holds the account's current session token (User.get_id), read afresh: a
    request may have replaced it (signing out, a password change) since ``user`` was loaded.
    """
    from sqlalchemy import select

    token = db.session.scalar(select(User.session_token).where(User.id == user.id))
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


@pytest.fixture
def login():
    return login_as


@contextmanager
def count_queries():
    """Collect the SQL statements run inside the block, test-only savepoints left out."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO|BEGIN)", statement, re.I):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def query_counter():
    return count_queries


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        match = re.search(r"[\[-](sqlite|postgresql)[\]-]", report.nodeid)
        if match:
            DATABASE_RESULTS[(match.group(1), report.outcome)] += 1


def pytest_terminal_summary(terminalreporter):
    if not DATABASE_RESULTS:
        return
    terminalreporter.section("database tests per backend")
    for name in ("sqlite", "postgresql"):
        counts = {outcome: DATABASE_RESULTS[(name, outcome)]
                  for outcome in ("passed", "failed", "skipped")}
        terminalreporter.write_line(
            f"{name}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped")


class SMTPSink:
    """An aiosmtpd handler that keeps what arrives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback; the app is pointed at it for the test."""
    from aiosmtpd.controller import Controller

    sink = SMTPSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    try:
        yield sink
    finally:
        controller.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def live_server(database, tmp_path_factory):
    """gunicorn serving the demo data over its own database of the current kind."""
    from tests import live

    kind, url = database
    (live.ROOT / "instance").mkdir(exist_ok=True)
    live_url = live.fresh_database(kind, url, tmp_path_factory.mktemp("live"), "live")
    env = live.server_env(live_url)
    live.flask_command(env, "db", "upgrade")
    live.flask_command(env, "seed-demo")
    try:
        with live.gunicorn(env, free_port(), workers=2) as base:
            yield base
    finally:
        if kind == "postgresql":
            live.drop_database(url, live_url)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright; skipped, saying why, where it is not installed."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install -y chromium fonts-thai-tlwg)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"


def screenshot(page, name: str) -> None:
    """Keep a full-page picture of what a person saw (screenshots/ is git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str, password: str = "roundtable-demo") -> None:
    """Sign in through the form, whatever language the browser asks for."""
    page.goto(f"{base}/login")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
