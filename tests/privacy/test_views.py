"""The "Your data" page, its downloads, asking for erasure, the organisers' erasure and
audit log, and the privacy notice, through the pages as people use them."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from babel.dates import format_datetime
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.core.models import AuditRecord
from app.core.models import ConsentRecord
from app.core.personal_data import FORMER_PARTICIPANT
from app.core.personal_data import PRIVACY_NOTICE_VERSION
from app.core.personal_data import record_consent
from app.core.time import now_utc
from app.core.time import to_zone
from app.extensions import db
from app.privacy import services
from app.privacy.models import ErasureRequest
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as
from tests.forms import parse_forms


@pytest.fixture
def two(make_user, make_event):
    """Two participants registered for one event, with dietary needs of their own."""
    me = make_user(("participant",), country="NZ", display_name="Aroha Ngata",
                   email="aroha@example.org")
    other = make_user(("participant",), country="TH", display_name="Somsak Wong",
                      email="somsak@example.org")
    event = make_event(is_invitation_only=False)
    for person, needs in ((me, "Kosher"), (other, "Halal, no peanuts")):
        register(event, person, RegistrationInput(consent_chatham=True, consent_data=True,
                                                  dietary_needs=needs))
    db.session.commit()
    return me, other


def _signed_in(app, user):
    return login_as(app.test_client(), user)


def _post(client, page, action, data=None):
    """Post the form of ``page`` that goes to ``action``, as rendered (its CSRF token
    included), with ``data`` typed in."""
    html = client.get(page).get_data(as_text=True)
    form = next(f for f in parse_forms(html)
                if f.method == "post" and f.in_main and (f.action or page) == action)
    fields = {name: control.values for name, control in form.controls.items()}
    fields.update({name: [value] for name, value in (data or {}).items()})
    return client.post(action, data=MultiDict(
        [(name, value) for name, values in fields.items() for value in values]))


def test_the_page_asks_a_person_without_consent_to_agree_and_then_says_when(app, two):
    me, _other = two
    client = _signed_in(app, me)
    page = client.get("/my-data").get_data(as_text=True)
    assert f"You have not yet agreed to the privacy notice (version {PRIVACY_NOTICE_VERSION})" \
        in page
    response = _post(client, "/my-data", "/my-data/consent")
    assert response.status_code == 302
    consent = db.session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == me.id))
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    page = client.get("/my-data").get_data(as_text=True)
    when = format_datetime(to_zone(consent.agreed_dt, me.timezone), "medium",
                           locale=me.formatting_locale)
    assert f"You agreed to version {PRIVACY_NOTICE_VERSION} on {when}." in page
    assert 'action="/my-data/consent"' not in page


def test_the_json_download_holds_only_the_requesters_data(app, two):
    me, other = two
    record_consent(me)
    db.session.commit()
    response = _signed_in(app, me).get("/my-data/roundtable-data.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    document = json.loads(response.get_data(as_text=True))
    account = document["sections"]["account"][0]
    assert (account["display_name"], account["email"]) == ("Aroha Ngata", "aroha@example.org")
    assert document["sections"]["registrations"][0]["dietary_needs"] == "Kosher"
    assert document["sections"]["consents"][0]["notice_version"] == PRIVACY_NOTICE_VERSION
    text = response.get_data(as_text=True)
    for secret in (other.display_name, other.email, "Halal, no peanuts"):
        assert secret not in text


def test_the_csv_zip_has_one_readable_file_per_section_and_nobody_else(app, two):
    me, other = two
    response = _signed_in(app, me).get("/my-data/roundtable-data.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    assert {"account.csv", "registrations.csv", "README.txt"} <= set(names)
    account = list(csv.DictReader(io.StringIO(archive.read("account.csv").decode("utf-8-sig"))))
    assert account[0]["email"] == "aroha@example.org"
    everything = "".join(archive.read(name).decode("utf-8-sig") for name in names)
    assert "Kosher" in everything
    for secret in (other.display_name, other.email, "Halal"):
        assert secret not in everything


def test_asking_for_erasure_is_recorded_once_and_organisers_see_it(app, two, organiser):
    me, _other = two
    client = _signed_in(app, me)
    html = client.get("/my-data").get_data(as_text=True)
    form = next(f for f in parse_forms(html) if f.action == "/my-data/erasure")
    data = {name: control.values[0] for name, control in form.controls.items()}
    assert client.post("/my-data/erasure", data=data).status_code == 302
    page = client.get("/my-data").get_data(as_text=True)
    assert "You asked for your data to be erased on" in page
    assert 'action="/my-data/erasure"' not in page  # nothing to press twice
    assert client.post("/my-data/erasure", data=data).status_code == 302  # a stale page
    requests = db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.user_id == me.id)).all()
    assert len(requests) == 1 and requests[0].requested_dt is not None
    page = _signed_in(app, organiser).get("/personal-data").get_data(as_text=True)
    assert "Aroha Ngata" in page and f"/people/{me.id}/erase" in page


def test_an_organiser_erases_after_confirming_and_the_person_is_signed_out(app, two, organiser):
    me, _other = two
    services.request_erasure(me)
    db.session.commit()
    person_client = _signed_in(app, me)
    assert person_client.get("/my-data").status_code == 200
    client = _signed_in(app, organiser)
    confirm = client.get(f"/people/{me.id}/erase")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Erase the personal data of Aroha Ngata?" in page
    assert "can no longer sign in" in page
    assert db.session.get(type(me), me.id).display_name == "Aroha Ngata"  # GET changes nothing
    response = _post(client, f"/people/{me.id}/erase", f"/people/{me.id}/erase")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(me), me.id).display_name == FORMER_PARTICIPANT
    assert "Nobody is waiting" in client.get("/personal-data").get_data(as_text=True)
    # Their browser is signed out: the page now asks for a sign-in.
    assert "/login" in person_client.get("/my-data").headers["Location"]
    # Asking again says it is done, instead of offering the button.
    again = client.get(f"/people/{me.id}/erase")
    assert again.status_code == 409 and "already been erased" in again.get_data(as_text=True)


def test_an_organiser_finds_a_person_by_email_or_is_told_nobody_uses_it(app, two, organiser):
    me, _other = two
    client = _signed_in(app, organiser)
    found = _post(client, "/personal-data", "/personal-data", {"email": "AROHA@example.org"})
    assert found.status_code == 302 and found.headers["Location"].endswith(
        f"/people/{me.id}/erase")
    missing = _post(client, "/personal-data", "/personal-data", {"email": "no@example.org"})
    assert missing.status_code == 400
    assert "No account uses no@example.org." in missing.get_data(as_text=True)
    own = client.get(f"/people/{organiser.id}/erase")
    assert own.status_code == 409 and "cannot erase your own account" in own.get_data(
        as_text=True)


def test_participants_cannot_reach_the_organisers_pages(app, two):
    me, other = two
    client = _signed_in(app, me)
    for url in ("/audit", "/audit.csv", "/personal-data", f"/people/{other.id}/erase"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/people/{other.id}/erase").status_code in (400, 403)
    assert db.session.get(type(other), other.id).display_name == "Somsak Wong"


def _audit_rows(make_user, organiser, count):
    clerk = make_user(("organiser",), display_name="Clerk Kent")
    start = now_utc() - timedelta(days=10)
    for n in range(count):
        db.session.add(AuditRecord(actor_id=organiser.id, action="confirmed",
                                   subject_type="registration", subject_id=n, detail={},
                                   created_dt=start + timedelta(hours=n)))
    db.session.add(AuditRecord(actor_id=clerk.id, action="account_deactivated",
                               subject_type="user", subject_id=1, detail={"why": "left"},
                               created_dt=now_utc() - timedelta(days=30)))
    db.session.commit()
    return clerk


def test_the_audit_log_filters_pages_and_exports(app, organiser, make_user):
    clerk = _audit_rows(make_user, organiser, 60)
    client = _signed_in(app, organiser)

    def log(query=""):
        """The log's rows as text, and whether it says there is a second page."""
        html = client.get(f"/audit{query}").get_data(as_text=True)
        rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
        return rows, "Page 1 of 2" in html or "Page 2 of 2" in html

    rows, paged = log()
    assert paged and "Clerk Kent" not in rows and rows.count("<tr>") == 50  # newest first
    rows, _paged = log("?page=2")
    assert "Clerk Kent" in rows and "why: left" in rows and rows.count("<tr>") == 11
    rows, paged = log("?action=account_deactivated")
    assert "Clerk Kent" in rows and "<code>confirmed</code>" not in rows and not paged
    rows, paged = log(f"?actor={clerk.id}")
    assert rows.count("<tr>") == 1 and "<code>account_deactivated</code>" in rows
    recent = (now_utc() - timedelta(days=15)).date().isoformat()
    rows, paged = log(f"?first_day={recent}")
    assert "Clerk Kent" not in rows and paged
    last = (now_utc() - timedelta(days=20)).date().isoformat()
    rows, paged = log(f"?last_day={last}")
    assert rows.count("<tr>") == 1 and "Clerk Kent" in rows
    assert client.get("/audit?action=made-up").status_code == 400
    assert client.get("/audit?first_day=yesterday").status_code == 400
    exported = client.get(f"/audit.csv?actor={clerk.id}")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["When", "Who", "Action"]
    assert [row[1:3] for row in rows[1:]] == [["Clerk Kent", "account_deactivated"]]
    filtered = client.get(f"/audit?actor={clerk.id}").get_data(as_text=True)
    assert f'href="/audit.csv?actor={clerk.id}"' in filtered  # the export keeps the filter


@pytest.mark.parametrize("language", ["en", "id", "ms", "th"])
def test_the_privacy_notice_states_the_configured_periods_in_every_language(
        app, client, monkeypatch, language):
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 45)
    monkeypatch.setitem(app.config, "OUTBOX_RETENTION_DAYS", 21)
    client.post("/preferences", data={"locale": language, "timezone": "UTC"})
    with client.session_transaction() as session:
        session["locale"] = language
    page = client.get("/privacy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'lang="{language}' in text
    assert "45" in text and "21" in text and PRIVACY_NOTICE_VERSION in text
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)  # in the footer
