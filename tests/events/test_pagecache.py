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


def page(app, url, user) -> str:
    """The page as ``user`` opens it in a browser of their own."""
    client = app.test_client()
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


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

    first_other, mine, theirs, mine_again = (page(app, url, person) for person in (
        alongside, registered, elsewhere, registered))
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


def test_a_first_view_reads_the_viewer_and_the_event_with_their_registration(
        app, make_user, workshop, query_counter):
    """Someone opening the page for the first time, once a viewer of their kind has: their
    account (with the header's count) and the event with their registration, in two
    statements; their own part shows their registration."""
    workshop.online_url = "https://meet.example.org/workshop"
    db.session.commit()
    before, newcomer = make_user(), make_user()
    registrations.register(workshop, newcomer, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    url = f"/events/{workshop.id}"
    earlier = app.test_client()
    login_as(earlier, before)
    assert ">Register<" in earlier.get(url).get_data(as_text=True)
    client = app.test_client()
    login_as(client, newcomer)
    with query_counter() as statements:
        page = client.get(url).get_data(as_text=True)
    assert len(statements) == 2, statements
    assert "meet.example.org" in page and "My registrations" in page


def test_viewers_of_one_standing_share_their_parts_and_see_only_their_own(
        app, make_event, make_session, make_user):
    """Each viewer's parts (registration panel, joining link, programme) are rendered once per
    standing and shared by the viewers of that standing: two newcomers share one copy; the
    confirmed, the first and the second on the waitlist each have theirs; none of the copies
    carries a name or an email address."""
    from app.events import pagecache

    event = make_event(title="Small circle", kind=EventKind.VIRTUAL, capacity=1,
                       timezone="Asia/Bangkok", start_date=date(2027, 5, 4),
                       is_invitation_only=False, online_url="https://meet.example.org/circle")
    make_session(event, datetime(2027, 5, 4, 3, tzinfo=UTC),
                 datetime(2027, 5, 4, 5, tzinfo=UTC), title="Circle")
    people = [make_user(display_name=f"Viewer {n}", timezone="Asia/Bangkok") for n in range(5)]
    newcomers, confirmed, first, second = people[:2], people[2], people[3], people[4]
    for person in (confirmed, first, second):
        registrations.register(event, person, registrations.RegistrationInput(
            consent_chatham=True, consent_data=True))
        db.session.commit()
    url = f"/events/{event.id}"

    pages = {user.id: page(app, url, user) for user in people}
    assert len(pagecache._parts) == 4  # newcomers share; everyone else has their own
    for user in newcomers:
        assert ">Register<" in pages[user.id] and "meet.example.org" not in pages[user.id]
    assert "meet.example.org" in pages[confirmed.id] and ">Register<" not in pages[confirmed.id]
    assert "On the waitlist: number 1" in pages[first.id]
    assert "On the waitlist: number 2" in pages[second.id]
    assert "meet.example.org" not in pages[first.id] + pages[second.id]
    kept = "".join(html for parts, _time in pagecache._parts.values() for html in parts.values())
    for user in people:
        assert user.display_name not in kept and user.email not in kept


def test_the_viewer_parts_read_nothing_of_the_viewer_but_their_standing(
        app, participant, workshop):
    """A viewer part is shared by every viewer of one kind and standing, so its template
    reads nothing of the viewer directly (``current_user``): what it shows of them comes
    through the functions whose answers make up the standing (``VIEWER_STANDING``)."""
    from app.events import pagecache

    page(app, f"/events/{workshop.id}", participant)
    [(kept, _time)] = pagecache._shells.values()
    assert len(kept.names) == 3  # registration panel, joining link, programme link
    for name in kept.names:
        source, _filename, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, name)
        assert "current_user" not in source, name
    assert {"registration", "joining", "programme"} <= {
        name for name, _standing in pagecache.VIEWER_STANDING.items()}
