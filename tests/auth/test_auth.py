import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import Invitation
from app.auth.models import SignInFailure
from app.auth.models import User
from app.core.models import OutboxMessage
from app.extensions import db
from tests.fixtures.people import PASSWORD
from tests.fixtures.people import login_as

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _sign_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_sign_in_and_out(client, participant):
    response = _sign_in(client, participant.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/profile").status_code == 302


def test_sign_in_is_case_insensitive_on_email(client, participant):
    assert _sign_in(client, participant.email.upper(), PASSWORD).status_code == 302


def test_wrong_password_is_a_clear_401(client, participant):
    response = _sign_in(client, participant.email, "wrong password")
    assert response.status_code == 401
    assert b"do not match an account" in response.data


def test_unknown_email_gets_the_same_answer(client):
    response = _sign_in(client, "nobody@example.org", "whatever-it-is")
    assert response.status_code == 401
    assert b"do not match an account" in response.data


def test_invalid_email_is_a_400_with_a_message(client):
    response = _sign_in(client, "not-an-email", "x")
    assert response.status_code == 400
    assert b"Invalid email address" in response.data


def test_sign_in_is_throttled_after_ten_failures(client, participant, frozen_now):
    frozen_now(NOW)
    for _ in range(10):
        assert _sign_in(client, participant.email, "wrong password").status_code == 401
    response = _sign_in(client, participant.email, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.data
    # The window slides: fifteen minutes later the right password works again.
    frozen_now(NOW + timedelta(minutes=16))
    assert _sign_in(client, participant.email, PASSWORD).status_code == 302


def test_throttle_lives_in_the_database(db_session, participant, frozen_now, app):
    frozen_now(NOW)
    for _ in range(10):
        db.session.add(SignInFailure(email=participant.email, address="10.0.0.1"))
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.SignInThrottled):
        services.authenticate(participant.email, PASSWORD, "10.0.0.1")
    # Another address is not blocked by someone else's failures.
    with app.test_request_context():
        assert services.authenticate(participant.email, PASSWORD, "10.0.0.2") == participant


def test_login_refuses_offsite_next(client, participant):
    response = client.post("/login?next=https://evil.example.com/",
                           data={"email": participant.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def _invite(client, organiser, email="new.person@example.org", roles=("participant",)):
    login_as(client, organiser)
    response = client.post("/invitations", data={"email": email, "roles": list(roles),
                                                 "country": "ID"})
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))
    token = re.search(r"/join/([\w-]+)", message.body).group(1)
    client.post("/logout")
    return token


def _join(client, token, **overrides):
    data = {"display_name": "Dewi", "pseudonym": "", "country": "ID",
            "organisation_name": "Kementerian", "organisation_kind": "government",
            "timezone": "", "locale": "id", "languages": ["id", "en"],
            "password": "a long enough password", "confirm": "a long enough password",
            "agree_privacy": "y"}
    data.update(overrides)
    return client.post(f"/join/{token}", data=data)


def test_invitation_creates_an_account_once(client, organiser):
    token = _invite(client, organiser)
    assert client.get(f"/join/{token}").status_code == 200
    response = _join(client, token)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.timezone == "Asia/Jakarta"  # defaulted from the country
    assert (user.locale == "id" and user.languages == ["en", "id"]) or user.languages == [
        "id", "en"]
    assert user.organisation.kind.value == "government"
    assert user.has_role("participant") and not user.has_role("organiser")
    # Joining is agreeing to the privacy notice: its version and the time are recorded.
    from app.core.personal_data import PRIVACY_NOTICE_VERSION
    from app.core.personal_data import latest_consent

    consent = latest_consent(user)
    assert consent.notice_version == PRIVACY_NOTICE_VERSION and consent.agreed_dt is not None
    # The link is single use.
    other = _join(client.application.test_client(), token)
    assert other.status_code == 410
    assert b"already been used" in other.data


def test_expired_invitation_is_refused(client, organiser, frozen_now):
    frozen_now(NOW)
    token = _invite(client, organiser)
    frozen_now(NOW + timedelta(hours=73))
    response = client.get(f"/join/{token}")
    assert response.status_code == 410
    assert b"expired" in response.data
    assert _join(client, token).status_code == 410


def test_unknown_invitation_token_is_refused(client):
    assert client.get("/join/made-up").status_code == 410


def test_join_with_bad_timezone_or_short_password_is_400_and_keeps_invitation(
        client, organiser):
    token = _invite(client, organiser)
    assert _join(client, token, timezone="Mars/Base").status_code == 400
    assert _join(client, token, password="short", confirm="short").status_code == 400
    assert _join(client, token, locale="xx").status_code == 400
    unagreed = _join(client, token, agree_privacy="")
    assert unagreed.status_code == 400 and b"agree to the privacy notice" in unagreed.data
    invitation = db.session.scalar(select(Invitation))
    db.session.refresh(invitation)
    assert invitation.used_dt is None
    assert _join(client, token).status_code == 302


def test_inviting_an_existing_account_is_a_409(client, organiser, participant):
    login_as(client, organiser)
    response = client.post("/invitations", data={"email": participant.email,
                                                 "roles": ["participant"]})
    assert response.status_code == 409
    assert b"already has an account" in response.data


def test_only_organisers_invite(client, participant):
    login_as(client, participant)
    assert client.post("/invitations", data={"email": "x@example.org"}).status_code == 403


def test_users_may_hold_several_roles(make_user):
    user = make_user(("participant", "interpreter"))
    assert user.has_role("participant") and user.has_role("interpreter")
    assert not user.has_role("organiser")


def test_profile_update_and_validation(client, participant):
    login_as(client, participant)
    data = {"display_name": "Pita", "pseudonym": "P.", "country": "NZ",
            "organisation_name": "", "organisation_kind": "other",
            "timezone": "Pacific/Chatham", "locale": "th", "languages": ["en", "mi"]}
    assert client.post("/profile", data=data).status_code == 302
    db.session.refresh(participant)
    assert (participant.timezone, participant.locale, participant.public_name) == (
        "Pacific/Chatham", "th", "P.")
    bad = client.post("/profile", data={**data, "timezone": "Nowhere/Land"})
    assert bad.status_code == 400
    db.session.refresh(participant)
    assert participant.timezone == "Pacific/Chatham"


def test_password_change(client, participant):
    login_as(client, participant)
    response = client.post("/profile/password", data={
        "pw-current": "wrong", "pw-new": "another long password",
        "pw-confirm": "another long password"})
    assert response.status_code == 400
    response = client.post("/profile/password", data={
        "pw-current": PASSWORD, "pw-new": "another long password",
        "pw-confirm": "another long password"})
    assert response.status_code == 302


def test_create_organiser_command(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-organiser", "boss@example.org", "--name", "Boss"],
                           env={"ROUNDTABLE_ORGANISER_PASSWORD": "a very long password"})
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.is_organiser
    short = runner.invoke(args=["create-organiser", "x@example.org"],
                          env={"ROUNDTABLE_ORGANISER_PASSWORD": "short"})
    assert short.exit_code != 0 and "at least" in short.output


def test_language_switch_and_accept_language(client, participant):
    response = client.get("/", headers={"Accept-Language": "th,en;q=0.5"})
    assert b'<html lang="th">' in response.data
    client.post("/language", data={"locale": "ms", "next": "/"})
    assert b'<html lang="ms">' in client.get("/").data
    assert client.post("/language", data={"locale": "xx"}).status_code == 400
    login_as(client, participant)
    client.post("/language", data={"locale": "id", "next": "/"})
    db.session.refresh(participant)
    assert participant.locale == "id"


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "id"})
    assert response.status_code == 404
    assert b'<html lang="id">' in response.data
    assert b"Page not found" not in response.data


def test_a_profile_post_without_the_country_field_keeps_the_country(client, make_user):
    person = make_user(("participant",), country="MY")
    login_as(client, person)
    response = client.post("/profile", data={
        "display_name": "Siti", "timezone": "Asia/Kuala_Lumpur", "locale": "en",
        "organisation_kind": "government"})
    assert response.status_code == 302
    assert db.session.get(User, person.id).country_code == "MY"
