"""Password reset by email: the same answer for every address, a link that works once and
expires, a throttle per address and per client, and everything the reset ends."""

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from app.auth import services
from app.auth.models import PasswordReset
from app.auth.models import SignInFailure
from app.auth.models import User
from app.core.models import AuditRecord
from app.core.models import OutboxMessage
from app.extensions import db
from tests.fixtures.people import PASSWORD
from tests.fixtures.people import login_as

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "a brand new passphrase"
# What an active account's request adds: its link and its email (sent later by the jobs).
SENT_LATER = ("INSERT INTO PASSWORD_RESETS", "INSERT INTO OUTBOX_MESSAGES")


def _ask(client, email, address="10.0.0.1"):
    return client.post("/password/forgot", data={"email": email},
                       environ_base={"REMOTE_ADDR": address})


def _emails_to(email) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == email).order_by(OutboxMessage.id)))


def _link(email) -> str:
    """The path of the reset link in the latest email to ``email``."""
    return re.search(r"https?://[^/\s]+(/password/reset/[\w-]+)", _emails_to(email)[-1].body
                     ).group(1)


def _reset(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password,
                                   "confirm": password if confirm is None else confirm})


def _sign_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_the_sign_in_page_links_to_the_reset_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert client.get("/password/forgot").status_code == 200


def test_a_participant_resets_their_password_through_the_emailed_link(app, client, make_user):
    person = make_user(("participant",), country="TH", locale="th")
    elsewhere = login_as(app.test_client(), person)  # signed in on another device
    response = _ask(client, person.email.upper())
    assert response.status_code == 302 and response.location == "/password/forgot/sent"
    [email] = _emails_to(person.email)
    with app.test_request_context(), force_locale("th"):
        assert email.subject == _("Choose a new Roundtable password")  # their language
    path = _link(person.email)
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert token not in stored and stored == services._token_hash(token)  # only a hash

    assert client.get(path).status_code == 200
    short = _reset(client, path, "short", "short")
    assert short.status_code == 400 and b"at least 10 characters" in short.data
    mismatch = _reset(client, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 400
    done = _reset(client, path)
    assert done.status_code == 302 and done.location == "/login"
    assert elsewhere.get("/profile").status_code == 302  # every other session ended
    assert _sign_in(app.test_client(), person.email, PASSWORD).status_code == 401
    assert _sign_in(app.test_client(), person.email, NEW_PASSWORD).status_code == 302
    assert db.session.scalar(select(AuditRecord.action).where(
        AuditRecord.subject_type == "user", AuditRecord.subject_id == person.id)) == \
        "password_reset"

    again = client.get(path)  # the link works once
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "already been used" in page and 'href="/password/forgot"' in page
    assert _reset(client, path, "yet another passphrase").status_code == 410
    assert _sign_in(app.test_client(), person.email, NEW_PASSWORD).status_code == 302


def test_every_address_gets_the_same_answer_and_the_same_work(app, client, make_user,
                                                              query_counter, monkeypatch):
    active = make_user(("participant",))
    gone = make_user(("participant",))
    gone.deactivated_dt = NOW
    db.session.commit()
    hashed = []
    monkeypatch.setattr(services, "check_password_hash", lambda *a: hashed.append(a))
    monkeypatch.setattr(services, "generate_password_hash", lambda *a, **k: hashed.append(a))
    answers, work = {}, {}
    for who, email in (("active", active.email), ("deactivated", gone.email),
                       ("nobody", "nobody@example.org")):
        with query_counter() as statements:
            response = _ask(app.test_client(), email)
        landing = app.test_client().get(response.location).get_data(as_text=True)
        answers[who] = (response.status_code, response.location,
                        re.sub(r'name="csrf_token" value="[^"]*"', "", landing))
        # What runs before the answer: the same reads and counters for every address.
        work[who] = [" ".join(s.split()) for s in statements
                     if not s.lstrip().upper().startswith(SENT_LATER)]
    assert answers["active"] == answers["deactivated"] == answers["nobody"]
    assert answers["nobody"][0] == 302
    assert work["active"] == work["deactivated"] == work["nobody"]
    assert hashed == []  # no password work on any path
    assert len(_emails_to(active.email)) == 1
    assert _emails_to(gone.email) == [] and _emails_to("nobody@example.org") == []


def test_links_expire(client, participant, frozen_now, app):
    frozen_now(NOW)
    _ask(client, participant.email)
    path = _link(participant.email)
    frozen_now(NOW + timedelta(minutes=app.config["PASSWORD_RESET_TTL_MINUTES"], seconds=1))
    response = client.get(path)
    assert response.status_code == 410 and b"expired" in response.data
    assert _reset(client, path).status_code == 410
    assert _sign_in(app.test_client(), participant.email, PASSWORD).status_code == 302


def test_an_unknown_link_is_refused_with_a_way_to_ask_again(client):
    response = client.get("/password/reset/made-up")
    assert response.status_code == 410
    assert b"not valid" in response.data and b'href="/password/forgot"' in response.data


def test_using_one_link_spends_the_others(client, participant, app):
    _ask(client, participant.email)
    first = _link(participant.email)
    _ask(client, participant.email)
    second = _link(participant.email)
    assert first != second
    assert client.get(first).status_code == 200  # asking again keeps the first one working
    assert _reset(client, second).status_code == 302
    assert client.get(first).status_code == 410


def test_deactivation_and_a_password_change_spend_outstanding_links(client, organiser,
                                                                    participant, app):
    _ask(client, participant.email)
    path = _link(participant.email)
    services.set_active(participant, False, organiser)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410 and b"deactivated" in response.data
    services.set_active(participant, True, organiser)
    db.session.commit()
    assert client.get(path).status_code == 410  # reactivating does not revive it

    _ask(client, participant.email)
    path = _link(participant.email)
    services.change_password(participant, PASSWORD, "changed the usual way")
    db.session.commit()
    assert client.get(path).status_code == 410


def test_asking_is_throttled_per_address_and_per_client(app, client, participant,
                                                         monkeypatch, frozen_now):
    frozen_now(NOW)
    limit = app.config["PASSWORD_RESET_MAX_PER_EMAIL"]
    for _n in range(limit):
        assert _ask(client, participant.email).status_code == 302
    refused = _ask(client, participant.email)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert b"Too many password reset requests" in refused.data
    assert len(_emails_to(participant.email)) == limit
    # The same for an address no account uses: the throttle tells nothing either.
    for _n in range(limit):
        assert _ask(client, "nobody@example.org", "10.0.0.2").status_code == 302
    assert _ask(client, "nobody@example.org", "10.0.0.3").status_code == 429
    # Another address from another client is not held up; an hour later it all starts again.
    assert _ask(client, "someone.else@example.org", "10.0.0.4").status_code == 302
    frozen_now(NOW + timedelta(hours=1))
    assert _ask(client, participant.email).status_code == 302
    # One client asking for many addresses is held too.
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_PER_ADDRESS", 2)
    for n in range(2):
        assert _ask(client, f"many{n}@example.org", "10.9.9.9").status_code == 302
    assert _ask(client, "many9@example.org", "10.9.9.9").status_code == 429


def test_a_reset_lifts_the_sign_in_lockout_of_the_address(app, client, participant,
                                                          frozen_now):
    frozen_now(NOW)
    for _n in range(app.config["LOGIN_MAX_FAILURES"]):
        _sign_in(app.test_client(), participant.email, "wrong guess")
    assert _sign_in(app.test_client(), participant.email, PASSWORD).status_code == 429
    _ask(client, participant.email)
    assert _reset(client, _link(participant.email)).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.email == participant.email)) == 0
    assert _sign_in(app.test_client(), participant.email, NEW_PASSWORD).status_code == 302


def test_the_reset_pages_name_nobody(client, participant, make_user):
    other = make_user(("participant",), display_name="Somebody Else")
    _ask(client, participant.email)
    path = _link(participant.email)
    for url in ("/password/forgot", "/password/forgot/sent", path):
        page = client.get(url).get_data(as_text=True)
        for person in (participant, other):
            assert person.email not in page and person.display_name not in page, url
    assert db.session.get(User, participant.id).is_active
