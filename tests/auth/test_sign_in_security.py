"""Issue 14's findings about signing in: the throttle, the timing of refusals, the redirect
after sign-in, and sessions that end when they should."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth import services
from app.auth.models import SignInFailure
from app.auth.models import User
from app.core.models import AuditRecord
from app.extensions import db
from tests.fixtures.database import FAST_HASH
from tests.fixtures.people import PASSWORD
from tests.fixtures.people import login_as

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _sign_in(client, email, password, address="10.0.0.1", remember=False, next_=None):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, query_string={"next": next_} if next_ else None,
                       environ_base={"REMOTE_ADDR": address})


def _failures():
    return db.session.scalar(select(func.count()).select_from(SignInFailure))


# --- the throttle --------------------------------------------------------------------------

def test_twelve_addresses_cannot_make_120_guesses_at_one_account(client, participant,
                                                                 frozen_now, app):
    frozen_now(NOW)
    statuses = [_sign_in(client, participant.email, f"guess {n}", address=f"10.1.0.{a}")
                .status_code for a in range(12) for n in range(10)]
    account_limit = app.config.get("LOGIN_ACCOUNT_MAX_FAILURES",
                                   2 * app.config["LOGIN_MAX_FAILURES"])
    assert statuses.count(401) == account_limit
    assert statuses.count(429) == 120 - account_limit
    assert _failures() == account_limit  # attempts refused unheard are not counted
    # A thirteenth address is refused too, even with the right password.
    assert _sign_in(client, participant.email, PASSWORD, "10.1.1.1").status_code == 429
    # The slower, account-wide window passes and the account opens again.
    frozen_now(NOW + timedelta(minutes=61))
    assert _sign_in(client, participant.email, PASSWORD, "10.1.1.1").status_code == 302


def test_the_owner_is_not_locked_out_by_strangers_guesses(app, participant, frozen_now):
    """From an address the account signed in from before, and from a browser holding the
    account's device cookie, the owner gets in while strangers are locked out."""
    frozen_now(NOW - timedelta(days=10))
    home, laptop = app.test_client(), app.test_client()
    assert _sign_in(home, participant.email, PASSWORD, "192.0.2.7").status_code == 302
    assert _sign_in(laptop, participant.email, PASSWORD, "198.51.100.9").status_code == 302
    assert laptop.get_cookie(services.DEVICE_COOKIE) is not None
    frozen_now(NOW)
    stranger = app.test_client()
    for n in range(40):
        _sign_in(stranger, participant.email, f"guess {n}", address=f"203.0.113.{n % 4}")
    assert _sign_in(stranger, participant.email, PASSWORD, "203.0.113.99").status_code == 429
    # The owner at home (a known address) and on the laptop from a café (its device cookie).
    assert _sign_in(app.test_client(), participant.email, PASSWORD,
                    "192.0.2.7").status_code == 302
    assert _sign_in(laptop, participant.email, PASSWORD, "100.64.0.1").status_code == 302


def test_guesses_at_made_up_emails_do_not_lock_out_the_organiser(app, organiser, frozen_now):
    """Behind one proxy every person has the same address: 60 guesses at made-up emails
    from it lock out strangers, not the people who sign in there."""
    proxy = "10.9.9.9"
    frozen_now(NOW - timedelta(days=1))
    assert _sign_in(app.test_client(), organiser.email, PASSWORD, proxy).status_code == 302
    frozen_now(NOW)
    guesser = app.test_client()
    statuses = [_sign_in(guesser, f"made.up.{n}@example.org", "guess", proxy).status_code
                for n in range(60)]
    assert statuses.count(429) == 10  # the address limit (50) then binds the guesser
    assert _sign_in(app.test_client(), organiser.email, PASSWORD, proxy).status_code == 302


def test_a_browsers_own_failures_still_lock_that_browser(client, participant, frozen_now):
    frozen_now(NOW)
    for _ in range(10):
        assert _sign_in(client, participant.email, "wrong password").status_code == 401
    response = _sign_in(client, participant.email, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert b"wait 15 minutes" in response.data
    frozen_now(NOW + timedelta(minutes=10))
    assert b"wait 5 minutes" in _sign_in(client, participant.email, PASSWORD).data
    frozen_now(NOW + timedelta(minutes=16))
    assert _sign_in(client, participant.email, PASSWORD).status_code == 302


def test_success_clears_its_own_failures_only(client, participant, frozen_now):
    frozen_now(NOW)
    for _ in range(3):
        _sign_in(client, participant.email, "wrong", address="10.0.0.1")
        _sign_in(client, participant.email, "wrong", address="10.0.0.2")
    assert _sign_in(client, participant.email, PASSWORD, address="10.0.0.1").status_code == 302
    assert db.session.scalars(select(SignInFailure.address)).all() == ["10.0.0.2"] * 3


def test_a_forged_or_foreign_device_cookie_earns_no_trust(app, participant, organiser,
                                                          frozen_now):
    frozen_now(NOW - timedelta(days=1))
    mine = app.test_client()
    _sign_in(mine, organiser.email, PASSWORD, "10.2.0.1")
    organisers_cookie = mine.get_cookie(services.DEVICE_COOKIE).value
    frozen_now(NOW)
    for n in range(20):
        _sign_in(app.test_client(), participant.email, "guess", f"10.3.0.{n}")
    for cookie in (organisers_cookie, "forged", organisers_cookie[:-2] + "xx"):
        stranger = app.test_client()
        stranger.set_cookie(services.DEVICE_COOKIE, cookie)
        assert _sign_in(stranger, participant.email, PASSWORD, "10.4.0.1").status_code == 429


# --- the timing of refusals ----------------------------------------------------------------

def test_known_and_unknown_emails_do_the_same_password_work(client, participant, monkeypatch):
    """Unknown emails once answered in 10 ms and known ones in 115 ms: both now check one
    password hash of the configured method (a decoy for unknown emails)."""
    checked = []
    real_check = services.check_password_hash

    def spy(stored, password):
        checked.append(stored.split("$")[0])
        return real_check(stored, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    for email in (participant.email, "nobody@example.org", "NOBODY.else@example.org"):
        checked.clear()
        assert _sign_in(client, email, "wrong password").status_code == 401
        assert checked == [FAST_HASH], email
    assert services._decoy_hash() == services._decoy_hash()  # computed once per method


# --- where a sign-in leads -----------------------------------------------------------------

OFF_SITE = ["////evil.example/x", "//evil.example/x", "/\\evil.example/x", "\\\\evil.example",
            "https://evil.example/", "/\t/evil.example", "javascript:alert(1)",
            "/\n/evil.example", " //evil.example", "http:/evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leaves_the_site(client, participant, target):
    response = _sign_in(client, participant.email, PASSWORD, next_=target)
    assert response.headers["Location"] == "/", target
    # Already signed in, /login?next= redirects straight away: the same rule.
    response = client.get("/login", query_string={"next": target})
    assert response.headers["Location"] == "/", target


def test_next_keeps_a_local_path(client, participant):
    response = _sign_in(client, participant.email, PASSWORD, next_="/events?page=2")
    assert response.headers["Location"] == "/events?page=2"


# --- sessions that end ---------------------------------------------------------------------

def _copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value)


def test_a_copied_session_cookie_dies_at_sign_out(app, participant):
    browser, thief = app.test_client(), app.test_client()
    assert _sign_in(browser, participant.email, PASSWORD).status_code == 302
    _copy_cookie(browser, thief, "session")
    assert thief.get("/profile").status_code == 200
    assert browser.post("/logout").status_code == 302
    assert thief.get("/profile").status_code == 302
    assert browser.get("/profile").status_code == 302


def test_remember_me_does_not_survive_a_password_change(app, participant):
    laptop, phone = app.test_client(), app.test_client()
    assert _sign_in(laptop, participant.email, PASSWORD, remember=True).status_code == 302
    _copy_cookie(laptop, phone, "remember_token")  # the phone only remembers
    assert phone.get("/profile").status_code == 200
    new = "another long passphrase"
    response = laptop.post("/profile/password", data={"pw-current": PASSWORD, "pw-new": new,
                                                      "pw-confirm": new})
    assert response.status_code == 302
    assert laptop.get("/profile").status_code == 200  # the session that changed it stays
    stale = app.test_client()
    _copy_cookie(phone, stale, "remember_token")
    assert stale.get("/profile").status_code == 302
    # The laptop's "remember me" was renewed with the new token.
    renewed = app.test_client()
    _copy_cookie(laptop, renewed, "remember_token")
    assert renewed.get("/profile").status_code == 200


def test_deactivation_ends_every_session_and_sign_in(app, client, organiser, participant):
    from app.calendar.services import issue_feed_token

    feed = f"/calendar/{issue_feed_token(participant)}.ics"
    db.session.commit()
    theirs = login_as(app.test_client(), participant)
    assert theirs.get("/profile").status_code == 200
    assert theirs.get(feed).status_code == 200
    login_as(client, organiser)
    response = client.post(f"/accounts/{participant.id}/deactivate")
    assert response.status_code == 302
    assert theirs.get("/profile").status_code == 302
    assert app.test_client().get(feed).status_code == 404  # the calendar link is revoked too
    refused = _sign_in(app.test_client(), participant.email, PASSWORD)
    assert refused.status_code == 401 and b"deactivated" in refused.data
    page = client.get("/accounts?status=deactivated").get_data(as_text=True)
    assert participant.email in page
    assert db.session.scalar(select(AuditRecord.action).where(
        AuditRecord.subject_id == participant.id)) == "account_deactivated"
    response = client.post(f"/accounts/{participant.id}/reactivate")
    assert response.status_code == 302
    assert _sign_in(app.test_client(), participant.email, PASSWORD).status_code == 302
    assert theirs.get("/profile").status_code == 302  # the old session stays ended


def test_organisers_cannot_deactivate_themselves_or_nobody(client, organiser):
    login_as(client, organiser)
    response = client.post(f"/accounts/{organiser.id}/deactivate")
    assert response.status_code == 400
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert client.post("/accounts/999999/deactivate").status_code == 404
    assert db.session.get(User, organiser.id).is_active


def test_only_organisers_deactivate(client, participant, interpreter):
    login_as(client, participant)
    response = client.post(f"/accounts/{interpreter.id}/deactivate")
    assert response.status_code == 403
    assert db.session.get(User, interpreter.id).is_active


def test_sessions_name_a_token_not_the_account_id(client, participant):
    assert _sign_in(client, participant.email, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == participant.session_token != str(participant.id)
    old = app_client_with_user_id(client.application, participant.id)
    assert old.get("/profile").status_code == 302  # a cookie naming the bare id is worthless


def app_client_with_user_id(app, user_id):
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user_id)
    return forged


def test_the_csrf_secret_changes_at_sign_in(app, client, participant, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as session:
        before = session["csrf_token"]
    response = client.post("/login", data={"email": participant.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    client.get("/profile")  # renders forms: a new secret is made
    with client.session_transaction() as session:
        assert session.get("csrf_token") not in (None, before)
    # A token minted before sign-in (say, planted by someone else) no longer works.
    assert client.post("/logout", data={"csrf_token": token}).status_code == 400
