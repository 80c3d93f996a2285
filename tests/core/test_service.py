"""Running as a service: production settings, links from PUBLIC_URL, proxies, logging, health,
the page shown while the database is down, security headers and the jobs loop."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import subprocess
import time

import pytest
import sqlalchemy as sa
from babel.support import Translations
from sqlalchemy import select

from app import create_app
from app.auth.models import SignInFailure
from app.core.models import OutboxMessage
from app.core.service import CONTENT_SECURITY_POLICY
from app.core.service import production_problems
from app.extensions import db
from config import DEVELOPMENT_SECRET_KEY
from config import ProductionConfig
from tests import live
from tests.fixtures.browser import ROOT
from tests.fixtures.database import make_test_config
from tests.fixtures.people import login_as

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"


# --- production refuses weak settings ---------------------------------------------------------

@pytest.mark.parametrize("key, public_url, problem", [
    (None, "https://r.example.org", "SECRET_KEY is not set"),
    ("short", "https://r.example.org", "shorter than 32"),
    (DEVELOPMENT_SECRET_KEY, "https://r.example.org", "development default"),
    ("k" * 40, None, "PUBLIC_URL is not set"),
])
def test_production_refuses_weak_settings(key, public_url, problem, tmp_path):
    config = type("P", (ProductionConfig,), {
        "SECRET_KEY": key, "PUBLIC_URL": public_url,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    with pytest.raises(SystemExit, match=problem):
        create_app(config)


def test_production_starts_with_a_long_key_a_public_url_and_a_real_mailbox():
    config = {"SECRET_KEY": "k" * 40, "PUBLIC_URL": "https://r.example.org",
              "MAIL_DEFAULT_SENDER": "roundtable@example.org"}
    assert production_problems(config) == []
    problems = production_problems({**config, "MAIL_DEFAULT_SENDER": "roundtable@localhost"})
    assert any("ORGANISER_EMAIL" in problem for problem in problems)
    assert production_problems({**config, "MAIL_DEFAULT_SENDER": "roundtable@localhost",
                                "ORGANISER_EMAIL": "organisers@example.org"}) == []


# --- links come from PUBLIC_URL, never from the Host header -----------------------------------

def _sign_in_on_forged_host(client, user):
    """Sign in, then hand the browser's cookie to requests that claim another Host."""
    login_as(client, user)
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain="evil.example")

def test_invitation_links_ignore_a_forged_host_header(app, client, organiser):
    _sign_in_on_forged_host(client, organiser)
    page = client.get("/invitations").get_data(as_text=True)
    for field in ('name="email"', 'name="roles"', 'name="country"'):
        assert field in page  # the test posts only what the page renders
    response = client.post("/invitations", headers={"Host": "evil.example"},
                           data={"email": "new.person@example.org", "roles": ["participant"],
                                 "country": "ID"}, follow_redirects=True)
    assert response.status_code == 200
    public = app.config["PUBLIC_URL"]
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == "new.person@example.org"))
    links = re.findall(r"https?://[^\s\"'<>]+", message.body)
    assert links and all(link.startswith(public) for link in links), links
    assert "evil.example" not in message.body
    assert "evil.example" not in response.get_data(as_text=True)


def test_calendar_feed_link_ignores_a_forged_host_header(app, client, participant):
    _sign_in_on_forged_host(client, participant)
    assert 'action="/calendar/feed"' in client.get("/calendar").get_data(as_text=True)
    page = client.post("/calendar/feed", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert re.search(re.escape(app.config["PUBLIC_URL"]) + r"/calendar/[\w-]+\.ics", page)
    assert "evil.example" not in page


def test_public_url_with_a_path_prefix(tmp_path):
    config = make_test_config(f"sqlite:///{tmp_path}/x.db",
                              PUBLIC_URL="https://meet.example.org/roundtable")
    application = create_app(config)
    from app.core.web import absolute_url

    with application.test_request_context("/", base_url="http://evil.example"):
        assert absolute_url("auth.join", token="abc") == (
            "https://meet.example.org/roundtable/join/abc")


# --- client addresses behind a proxy ----------------------------------------------------------

def _failed_sign_in_address(application, participant) -> str:
    client = application.test_client()
    client.post("/login", data={"email": participant.email, "password": "wrong password!"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    return db.session.scalars(select(SignInFailure.address).where(
        SignInFailure.email == participant.email)).all()[-1]


def test_forwarded_for_is_believed_only_from_trusted_proxies(app, db_session, participant,
                                                             database):
    assert _failed_sign_in_address(app, participant) == "127.0.0.1"
    behind_proxy = create_app(make_test_config(database[1], TRUSTED_PROXIES=1))
    assert _failed_sign_in_address(behind_proxy, participant) == "203.0.113.9"
    with behind_proxy.app_context():
        db.engine.dispose()


# --- logging ----------------------------------------------------------------------------------

@pytest.fixture
def log_lines(app):
    """What the app's logger writes during the test (each create_app reconfigures it)."""
    logger = logging.getLogger(app.logger.name)
    saved_handlers, saved_level = list(logger.handlers), logger.level
    stream = io.StringIO()
    yield stream
    logger.handlers[:] = saved_handlers
    logger.setLevel(saved_level)


def _capture(application, stream):
    handler = application.logger.handlers[0]
    handler.setStream(stream)
    application.logger.setLevel("INFO")


def test_json_log_line_per_request_with_its_request_id(database, db_session, log_lines,
                                                       participant):
    json_app = create_app(make_test_config(database[1], LOG_FORMAT="json"))
    _capture(json_app, log_lines)
    client = json_app.test_client()
    login_as(client, participant)
    response = client.get("/events/999999")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)  # shown so it can be reported
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    [line] = [entry for entry in lines
              if entry.get("path") == "/events/<int:event_id>" and "status" in entry]
    assert line["method"] == "GET" and line["status"] == 404
    assert line["user_id"] == participant.id and line["request_id"] == request_id
    assert isinstance(line["duration_ms"], float)
    with json_app.app_context():
        db.engine.dispose()


def test_text_log_names_the_request_of_a_handled_error(app, client, log_lines):
    _capture(app, log_lines)
    response = client.post("/language", data={"locale": "xx"})
    assert response.status_code == 400
    request_id = response.headers["X-Request-ID"]
    logged = [line for line in log_lines.getvalue().splitlines() if f"[{request_id}]" in line]
    assert any("answered 400" in line for line in logged)
    assert any("POST /language 400" in line for line in logged)


# --- health and the database going away -------------------------------------------------------

def test_healthz_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("locale", ["en", "th"])
def test_every_page_answers_a_translated_503_when_the_database_is_unreachable(locale):
    down = create_app(make_test_config(UNREACHABLE))
    client = down.test_client()
    title = Translations.load(str(ROOT / "translations"), [locale]).gettext(
        "Roundtable is briefly unavailable")
    sign_in = {"email": "someone@example.org", "password": "a password"}
    for path, method, data in [("/healthz", "GET", None), ("/", "GET", None),
                               ("/events", "GET", None), ("/login", "POST", sign_in)]:
        response = client.open(path, method=method, data=data,
                               headers={"Accept-Language": locale})
        assert response.status_code == 503, path
        page = response.get_data(as_text=True)
        assert title in page and f'lang="{locale}"' in page
        assert response.headers["X-Request-ID"] in page
        assert response.headers["Retry-After"]


def test_no_request_fails_after_the_database_restarts(database):
    """Every pooled connection dies (as in a restart); the next requests all succeed."""
    name, url = database
    if name != "postgresql":
        pytest.skip("a server restart is a PostgreSQL matter")
    restartable = create_app(make_test_config(url + "?application_name=restart-test"))
    client = restartable.test_client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    with restartable.app_context():
        assert db.engine.pool.checkedin() >= 1
    killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        killed = connection.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'restart-test'").scalar()
    killer.dispose()
    assert killed >= 1
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    with restartable.app_context():
        db.engine.dispose()


# --- security headers -------------------------------------------------------------------------

def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # development and tests: plain HTTP


def test_production_adds_hsts(tmp_path):
    config = type("P", (ProductionConfig,), {
        "SECRET_KEY": "k" * 40, "PUBLIC_URL": "https://r.example.org",
        "MAIL_DEFAULT_SENDER": "roundtable@example.org",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    headers = create_app(config).test_client().get("/login", base_url="https://r.example.org")
    assert headers.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- the jobs loop ----------------------------------------------------------------------------

def test_jobs_loop_sends_the_outbox_and_stops_cleanly_on_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path}/jobs.db"
    env = live.server_env(url, MAIL_BACKEND="console", JOBS_TICK_SECONDS="1",
                          OUTBOX_EVERY_SECONDS="1")
    live.flask_command(env, "db", "upgrade")
    queue = ("from app.core.mail import queue_email; from app.extensions import db; "
             "queue_email('someone@example.org', 'Hello', 'Body'); db.session.commit()")
    live.app_python(env, queue)
    process = subprocess.Popen([str(live.BIN / "flask"), "jobs"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        sent = False
        while not sent and time.monotonic() < deadline:
            time.sleep(0.5)
            sent = "sent=1" in live.app_python(env, (
                "from app.core.models import OutboxMessage; from app.extensions import db; "
                "print('sent=%d' % db.session.query(OutboxMessage)"
                ".filter(OutboxMessage.sent_dt.isnot(None)).count())"))
        assert sent, "the loop did not send the queued message"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "jobs: SIGTERM received" in output and "jobs: stopped" in output
    assert os.path.exists(tmp_path / "jobs.db")


def test_the_documented_gunicorn_config_loads_the_production_app():
    env = live.server_env("sqlite://", ROUNDTABLE_ENV="production", SECRET_KEY="k" * 40,
                          PUBLIC_URL="https://roundtable.example.org",
                          MAIL_DEFAULT_SENDER="roundtable@example.org")
    result = subprocess.run([str(live.BIN / "gunicorn"), "--check-config", "-c",
                             "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_a_feed_poll_while_the_database_is_down_gets_the_503_page():
    down = create_app(make_test_config(UNREACHABLE))
    response = down.test_client().get("/calendar/" + "a" * 32 + ".ics",
                                      headers={"If-None-Match": '"x"'})
    assert response.status_code == 503


def test_every_page_names_its_icon_and_the_usual_address_finds_it(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    found = client.get("/favicon.ico")
    assert found.status_code == 301
    icon = client.get(found.location)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    """The stylesheet's URL carries its content's hash; the file is then kept a year."""
    import re

    page = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/core/style\.css\?v=[0-9a-f]{12})"', page)
    assert stylesheet, "the stylesheet link has no fingerprint"
    response = client.get(stylesheet.group(1))
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
