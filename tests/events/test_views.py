from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from app.events.models import Event, EventKind, EventSession, EventStatus, SessionKind
from app.extensions import db
from tests.conftest import login_as
from tests.formatting import clock_range


@pytest.fixture
def workshop(make_event, make_session):
    """The 5 April 2022 virtual workshop, run from Sydney."""
    event = make_event(title="Partnerships workshop", kind=EventKind.VIRTUAL,
                       timezone="Australia/Sydney", start_date=date(2022, 4, 5),
                       online_url="https://meet.example.org/secret-room",
                       joining_instructions="Use your full name.")
    make_session(event, datetime(2022, 4, 5, 3, 0, tzinfo=UTC),
                 datetime(2022, 4, 5, 5, 30, tzinfo=UTC), title="Plenary")
    return event


def test_participant_sees_agenda_in_their_zone_with_the_strip(client, participant, workshop):
    login_as(client, participant)  # Pacific/Auckland
    page = client.get(f"/events/{workshop.id}").get_data(as_text=True)
    assert clock_range((15, 0), (17, 30)) in page and "your time" in page
    assert f"{clock_range((13, 0), (15, 30))} in Sydney" in page
    for city in ("Bangkok", "Jakarta", "Makassar", "Jayapura", "Kuala Lumpur", "Perth",
                 "Sydney", "Auckland"):
        assert f"<strong>{city}</strong>" in page
    assert "Chatham House Rule" in page
    assert "secret-room" not in page  # online link: organisers and confirmed only


def test_organiser_sees_the_online_link(client, organiser, workshop):
    login_as(client, organiser)
    assert "secret-room" in client.get(f"/events/{workshop.id}").get_data(as_text=True)


def test_drafts_are_for_organisers_only(client, participant, organiser, make_event):
    draft = make_event(status=EventStatus.DRAFT, title="Secret draft")
    login_as(client, participant)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert "Secret draft" not in client.get("/events").get_data(as_text=True)
    assert "Secret draft" not in client.get("/").get_data(as_text=True)
    login_as(client, organiser)
    assert client.get(f"/events/{draft.id}").status_code == 200


def test_anonymous_must_sign_in_for_event_pages(client, workshop):
    assert client.get(f"/events/{workshop.id}").status_code == 302
    assert client.get("/").status_code == 200


def _event_form(**overrides):
    data = {"title": "Jakarta 2027", "description": "", "kind": "hybrid", "status": "open",
            "timezone": "Asia/Jakarta", "start_date": "2027-06-22", "end_date": "2027-06-24",
            "host_country": "ID", "countries": ["AU", "ID", "MY", "NZ", "TH"],
            "co_hosts": "", "venue": "Jakarta", "address": "", "online_url": "",
            "joining_instructions": "", "topics": "Screening\nReferral",
            "is_chatham_house": "y", "is_invitation_only": "y"}
    data.update(overrides)
    return data


def test_organiser_creates_and_edits_an_event(client, organiser):
    login_as(client, organiser)
    response = client.post("/events/new", data=_event_form())
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Jakarta 2027"))
    assert event.topics == ["Screening", "Referral"] and event.kind == EventKind.HYBRID
    response = client.post(f"/events/{event.id}/edit", data=_event_form(title="Jakarta"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title == "Jakarta"


@pytest.mark.parametrize("overrides, message", [
    ({"end_date": "2027-06-01"}, "cannot be before the first day"),
    ({"timezone": "Asia/Atlantis"}, "Choose a timezone"),
    ({"start_date": "not a date"}, "Not a valid date value"),
    ({"kind": "party"}, "Not a valid choice"),
])
def test_bad_event_input_is_a_4xx_and_saves_nothing(client, organiser, overrides, message):
    login_as(client, organiser)
    before = db.session.scalar(select(func.count()).select_from(Event))
    response = client.post("/events/new", data=_event_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == before


def _session_form(**overrides):
    data = {"title": "Opening", "kind": "plenary", "day": "2022-04-05", "start_time": "13:00",
            "end_time": "14:00", "room": "", "online_url": "", "attendance_mode": "online",
            "floor_language": "en", "capacity": "", "description": ""}
    data.update(overrides)
    return data


def test_organiser_adds_previews_and_edits_a_session(client, organiser, workshop):
    login_as(client, organiser)
    url = f"/events/{workshop.id}/sessions/new"
    preview = client.post(url, data=_session_form(preview="Preview times", start_time="17:00",
                                                  end_time="18:00"))
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Preview: the time for every delegation" in page and "outside working hours" in page
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 1
    assert client.post(url, data=_session_form()).status_code == 302
    session = db.session.scalar(select(EventSession).where(EventSession.title == "Opening"))
    assert session.start_dt == datetime(2022, 4, 5, 3, 0, tzinfo=UTC)
    edit = client.post(f"/events/{workshop.id}/sessions/{session.id}/edit",
                       data=_session_form(start_time="14:00", end_time="15:00"))
    assert edit.status_code == 302
    db.session.refresh(session)
    assert session.start_dt == datetime(2022, 4, 5, 4, 0, tzinfo=UTC) and session.sequence == 1


def test_session_bad_input(client, organiser, workshop, make_event):
    login_as(client, organiser)
    url = f"/events/{workshop.id}/sessions/new"
    assert client.post(url, data=_session_form(end_time="12:00")).status_code == 400
    assert client.post(url, data=_session_form(day="2022-04-09")).status_code == 400
    assert client.post(url, data=_session_form(day="garbage")).status_code == 400
    assert client.post(url, data=_session_form(start_time="25:00")).status_code == 400
    client.post(url, data=_session_form(room="Zoom A"))
    clash = client.post(url, data=_session_form(room="Zoom A", title="Clash"))
    assert clash.status_code == 409 and "already used" in clash.get_data(as_text=True)
    auckland = make_event(timezone="Pacific/Auckland", start_date=date(2023, 4, 2))
    ambiguous = client.post(f"/events/{auckland.id}/sessions/new",
                            data=_session_form(day="2023-04-02", start_time="02:30",
                                               end_time="03:30"))
    assert ambiguous.status_code == 422
    assert "happens twice" in ambiguous.get_data(as_text=True)
    chosen = client.post(f"/events/{auckland.id}/sessions/new",
                         data=_session_form(day="2023-04-02", start_time="02:30",
                                            end_time="03:30", occurrence="later"))
    assert chosen.status_code == 302


def test_session_of_another_event_is_404(client, participant, workshop, make_event):
    other = make_event()
    session_id = workshop.sessions[0].id
    login_as(client, participant)
    assert client.get(f"/events/{other.id}/sessions/{session_id}").status_code == 404
    assert client.get(f"/events/{workshop.id}/sessions/{session_id}").status_code == 200


def test_parallel_sessions_share_a_slot(client, participant, make_event, make_session):
    event = make_event(kind=EventKind.IN_PERSON, start_date=date(2027, 3, 10))
    start = datetime(2027, 3, 10, 3, tzinfo=UTC)
    for name in ("Group A", "Group B"):
        make_session(event, start, start + timedelta(hours=1), title=name,
                     kind=SessionKind.SMALL_GROUP)
    login_as(client, participant)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    slot = page.split('<div class="slot">')[1].split("</div>")[0]
    assert "Group A" in slot and "Group B" in slot


def test_cancel_event_and_session(client, organiser, workshop):
    login_as(client, organiser)
    session = workshop.sessions[0]
    assert client.post(f"/events/{workshop.id}/sessions/{session.id}/cancel").status_code == 302
    assert client.post(f"/events/{workshop.id}/cancel").status_code == 302
    db.session.refresh(workshop)
    assert workshop.status == EventStatus.CANCELLED


def _add_sessions(event, count):
    start = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
    rows = [{"event_id": event.id, "title": f"S{n}", "kind": SessionKind.PLENARY,
             "start_dt": start + timedelta(minutes=n % 600),
             "end_dt": start + timedelta(minutes=n % 600 + 45)} for n in range(count)]
    db.session.execute(insert(EventSession), rows)
    db.session.commit()


@pytest.mark.parametrize("path", ["/events/{id}", "/events", "/"])
def test_pages_run_a_constant_number_of_queries(app, client, participant, make_event,
                                                query_counter, path):
    small, large = make_event(start_date=date(2027, 3, 10)), make_event(
        start_date=date(2027, 3, 10))
    _add_sessions(small, 10)
    _add_sessions(large, 2000)
    login_as(client, participant)
    counts = []
    for url in (path.format(id=small.id), path.format(id=large.id)):
        with query_counter() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts
