"""The Notices page and the header's count, as a signed-in person uses them."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import ngettext
from sqlalchemy import select

from app.core.models import OutboxMessage
from app.extensions import db
from app.notices import services as notices
from app.notices.models import Notice
from tests.fixtures.people import login_as
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


def header_count(page: str) -> int:
    """The number the header shows beside "Notices" (0 when it shows none)."""
    found = re.search(r'href="/notices">Notices(?: <span class="count">(\d+)</span>)?', page)
    assert found, "the header links the Notices page"
    return int(found.group(1) or 0)


def _tell(person, group: str, minutes: int, frozen_now):
    frozen_now(NOW + timedelta(minutes=minutes))
    return notices.notify([person], "group_added", group=group, link="/working-groups")[0]


def test_newest_first_unread_marked_in_words_and_mark_read_drops_the_count(
        client, participant, frozen_now):
    older = _tell(participant, "Older group", 1, frozen_now)
    newer = _tell(participant, "Newer group", 2, frozen_now)
    db.session.commit()
    login_as(client, participant)
    page = client.get("/notices").get_data(as_text=True)
    assert page.index("Newer group") < page.index("Older group")
    assert header_count(page) == 2
    assert page.count(">New</strong>") == 2  # a word, not a colour alone
    assert ngettext("%(num)d unread notice", "%(num)d unread notices", 2) % {"num": 2} in page
    assert 'href="/working-groups">You are now a member' in page
    form = rendered_form(client, "/notices", action=f"/notices/{older.id}/read")
    response = form.submit()
    assert response.status_code == 302 and response.location.endswith("/notices")
    page = client.get("/notices").get_data(as_text=True)
    assert header_count(page) == 1 and page.count(">New</strong>") == 1
    db.session.expire_all()  # the request changed the rows in a session of its own
    assert db.session.get(Notice, older.id).read_dt is not None
    assert db.session.get(Notice, newer.id).read_dt is None
    rendered_form(client, "/notices", action="/notices/read").submit()
    assert header_count(client.get("/events").get_data(as_text=True)) == 0


def test_another_persons_notice_cannot_be_marked(client, participant, make_user):
    theirs = notices.notify([make_user()], "group_added", group="Theirs")[0]
    db.session.commit()
    login_as(client, participant)
    form = rendered_form(client, "/notices", action="/notices/email")  # for its CSRF token
    response = client.post(f"/notices/{theirs.id}/read",
                           data={k: v for k, v in form.data().items() if k == "csrf_token"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Notice, theirs.id).read_dt is None
    assert "Theirs" not in client.get("/notices").get_data(as_text=True)


def test_email_choices_are_saved_and_then_honoured(client, make_user):
    thai = make_user(country="TH", locale="th")
    login_as(client, thai)
    form = rendered_form(client, "/notices", action="/notices/email")
    assert "group_added" in form.values["emailed"]  # on by default
    offered = form.parsed.controls["emailed"].options
    assert "assignment_declined" not in offered  # organisers' kinds are for organisers
    form.fill(emailed=[kind for kind in form.values["emailed"] if kind != "group_added"])
    assert form.submit().status_code == 302
    assert notices.email_choices(thai)["group_added"] is False
    notices.notify([thai], "group_added", group="Quiet group")
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == thai.email)).all() == []


def test_the_page_is_written_in_the_readers_language(client, make_user):
    thai = make_user(country="TH", locale="th")
    notices.notify([thai], "registration_confirmed", event="Roundtable 2027")
    db.session.commit()
    login_as(client, thai)
    page = client.get("/notices").get_data(as_text=True)
    with force_locale("th"):
        from flask_babel import gettext

        assert gettext("Your place is confirmed: %(event)s",
                       event="Roundtable 2027") in page
        assert gettext("Notices") in page


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/notices")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("path", ["/notices", "/events"])
def test_pages_run_a_constant_number_of_queries_however_many_notices(
        client, participant, query_counter, path):
    login_as(client, participant)
    counts = []
    for _round in range(2):
        with query_counter() as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
        for n in range(30):
            notices.notify([participant], "group_added", group=f"Group {n}")
        db.session.commit()
    assert counts[0] == counts[1], counts


def test_a_page_reads_the_header_count_with_the_account_in_one_statement(
        client, participant, frozen_now, query_counter):
    _tell(participant, "First group", 1, frozen_now)
    _tell(participant, "Second group", 2, frozen_now)
    db.session.commit()
    login_as(client, participant)
    with query_counter() as statements:
        page = client.get("/profile").get_data(as_text=True)
    assert header_count(page) == 2
    counts = [" ".join(s.split()) for s in statements if "count(notices.id)" in s]
    assert len(counts) == 1, counts  # no round trip of its own
    assert " FROM users " in counts[0] and "session_token" in counts[0]


def test_a_writing_request_counts_after_its_view_changed_what_it_counts(
        app, participant, frozen_now):
    """A POST may mark notices read before its page is rendered: its count is not read
    ahead, with the account, but when the page asks for it."""
    from flask import g

    from app.auth.services import load_signed_in

    _tell(participant, "A group", 1, frozen_now)
    db.session.commit()
    token = participant.get_id()
    with app.test_request_context("/profile", method="POST"):
        assert load_signed_in(token) == participant
        assert "unread_notices" not in g
        notices.mark_all_read(participant)
        assert notices.unread_count_for_page() == 0
    with app.test_request_context("/profile"):
        assert load_signed_in(token) == participant
        assert g.unread_notices == 0
