"""The event page is reused while nothing it shows has changed, and never across viewers."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select

from app.events.models import EventKind
from app.extensions import db
from app.registrations import services as registrations
from tests.fixtures.people import login_as


@pytest.fixture
def workshop(make_event, make_session):
    event = make_event(title="Workshop", kind=EventKind.VIRTUAL, timezone="Australia/Sydney",
                       start_date=date(2027, 4, 6), is_invitation_only=False, capacity=10)
    make_session(event, datetime(2027, 4, 6, 3, tzinfo=UTC),
                 datetime(2027, 4, 6, 5, tzinfo=UTC), title="Plenary")
    return event


def test_a_repeat_view_reads_only_the_viewer_and_the_event(client, participant, workshop,
                                                           query_counter):
    """The viewer with their count of unread notices, in one statement (the header shows the
    count, so the copy is kept per count), and the event."""
    login_as(client, participant)
    url = f"/events/{workshop.id}"
    first = client.get(url).get_data(as_text=True)
    with query_counter() as statements:
        again = client.get(url).get_data(as_text=True)
    assert len(statements) == 2, statements
    assert again.count("Plenary") == first.count("Plenary") >= 1
    assert "\x00" not in again  # the CSRF placeholder never reaches a browser


def test_changes_to_the_event_and_its_rows_show_at_once(client, participant, organiser,
                                                        make_user, workshop):
    login_as(client, participant)
    url = f"/events/{workshop.id}"
    assert "No confirmed registrations yet." in client.get(url).get_data(as_text=True)
    registrations.register(workshop, make_user(country="TH"), registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Thailand: fewer than 3" in page  # one person: shown without pointing at them
    workshop.sessions[0].title = "Plenary, moved"
    db.session.commit()
    assert "Plenary, moved" in client.get(url).get_data(as_text=True)
    workshop.title = "Workshop (renamed)"
    db.session.commit()
    assert "Workshop (renamed)" in client.get(url).get_data(as_text=True)


def test_viewers_never_share_a_page(client, app, participant, make_user, workshop):
    login_as(client, participant)
    url = f"/events/{workshop.id}"
    client.get(url)
    registrations.register(workshop, participant, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    mine = client.get(url).get_data(as_text=True)
    assert "My registrations" in mine.split('id="registration-heading"')[1]
    other = app.test_client()
    login_as(other, make_user())
    theirs = other.get(url).get_data(as_text=True)
    assert "meet.example.org" not in theirs
    assert ">Register<" in theirs


def test_a_flash_message_is_shown_even_on_a_cached_page(client, organiser, workshop):
    login_as(client, organiser)
    url = f"/events/{workshop.id}"
    client.get(url)
    client.post(f"/events/{workshop.id}/sessions/{workshop.sessions[0].id}/cancel")
    assert "The session is cancelled." in client.get(url).get_data(as_text=True)


def test_the_events_activity_moves_as_the_transaction_commits_not_during_a_flush(workshop):
    """Written mid-transaction, the event's row would be locked after a session's lock (see
    app.events.models.EventActivity); it is written last, at commit, and only then."""
    from app.events.models import EventActivity

    db.session.commit()
    before = db.session.get(EventActivity, workshop.id)
    before = before.changed_dt if before else None
    workshop.sessions[0].room = "Room 2"
    db.session.flush()
    assert db.session.scalar(select(EventActivity.changed_dt).where(
        EventActivity.event_id == workshop.id)) == before
    db.session.commit()
    after = db.session.scalar(select(EventActivity.changed_dt).where(
        EventActivity.event_id == workshop.id))
    assert after is not None and (before is None or after >= before)
    db.session.expire(workshop)
    assert workshop.activity_dt == after


def test_a_rolled_back_change_leaves_the_events_activity_alone(workshop):
    from app.events.models import EventActivity

    db.session.commit()
    before = db.session.scalar(select(EventActivity.changed_dt).where(
        EventActivity.event_id == workshop.id))
    workshop.sessions[0].room = "Room 3"
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # nothing noted survives the rollback
    assert db.session.scalar(select(EventActivity.changed_dt).where(
        EventActivity.event_id == workshop.id)) == before


def test_viewers_of_other_zones_languages_and_registrations_share_only_the_shell(
        app, participant, make_user, workshop):
    """Two viewers of one kind (zone, language) share the rendered shell; what is each one's
    own (their registration, the joining link, their programme) never reaches the other, nor
    a viewer of another zone and language, in either order of first views."""
    from app.events import pagecache

    workshop.online_url = "https://meet.example.org/workshop"
    db.session.commit()
    registered = make_user(timezone="Pacific/Chatham", locale="th")
    registrations.register(workshop, registered, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    elsewhere = make_user(timezone="Asia/Jakarta", locale="id")
    alongside = make_user(timezone="Pacific/Chatham", locale="th")
    url = f"/events/{workshop.id}"
    register = f'href="/events/{workshop.id}/register"'
    programme = f"/events/{workshop.id}/my-programme"

    def page(user):
        client = app.test_client()
        login_as(client, user)
        response = client.get(url)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    first_other, mine, theirs, mine_again = (
        page(alongside), page(registered), page(elsewhere), page(registered))
    assert len(pagecache._shells) == 2  # one per kind of reader, not one per viewer
    for own in (mine, mine_again):
        assert 'lang="th"' in own and "UTC+12:45" in own  # Chatham's standard time in April
        assert "meet.example.org" in own and programme in own and register not in own
    for other in (first_other, theirs):
        assert "meet.example.org" not in other and programme not in other
        assert register in other
    assert 'lang="th"' in first_other and "UTC+12:45" in first_other
    assert 'lang="id"' in theirs and "UTC+12:45" not in theirs
    assert "\x00" not in mine + theirs + first_other + mine_again
