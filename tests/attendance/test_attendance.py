"""Checking people in at the door and importing a video platform's attendance report."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select

from app.attendance import services
from app.attendance.models import Attendance
from app.attendance.models import AttendanceSource
from app.core.errors import Conflict
from app.events.models import EventKind
from app.events.models import SessionStatus
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form

ZOOM_REPORT = (
    "\ufeffMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,Online safety,06/22/2027 09:00:00 AM,06/22/2027 10:30:00 AM,"
    "host@example.org,90,4\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Ayu W,AYU@example.org,06/22/2027 09:01:00 AM,06/22/2027 09:40:00 AM,39,No\n"
    "Ayu W,ayu@example.org,06/22/2027 09:45:00 AM,06/22/2027 10:30:00 AM,45,No\n"
    "Somchai,somchai@example.org,06/22/2027 09:00:00 AM,06/22/2027 10:30:00 AM,90,No\n"
    "Visiting guest,guest@elsewhere.example,06/22/2027 09:05:00 AM,06/22/2027 09:20:00 AM,15,Yes\n"
).encode("utf-8")

TEAMS_REPORT = ("Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
                "Ayu W\t6/22/27, 9:01:00 AM\t6/22/27, 10:06:03 AM\t1h 5m 3s\tayu@example.org"
                "\tAttendee\n").encode("utf-16")


@pytest.fixture
def meeting(make_event, make_session):
    event = make_event(kind=EventKind.HYBRID, timezone="Asia/Jakarta", is_invitation_only=False,
                       start_date=date(2027, 6, 22), end_date=date(2027, 6, 23))
    session = make_session(event, datetime(2027, 6, 22, 2, tzinfo=UTC),
                           datetime(2027, 6, 22, 3, 30, tzinfo=UTC), title="Online safety")
    return event, session


@pytest.fixture
def people(meeting, make_user):
    event, _session = meeting
    ayu = make_user(display_name="Ayu Wulandari", email="ayu@example.org", country="ID")
    somchai = make_user(display_name="Somchai Prasert", email="somchai@example.org",
                        country="TH")
    for person in (ayu, somchai):
        register(event, person, RegistrationInput(consent_chatham=True, consent_data=True))
    db.session.commit()
    return ayu, somchai


def _registration(event, person) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.user_id == person.id))


def test_check_in_twice_keeps_one_row_and_undo_removes_it(meeting, people, organiser):
    event, session = meeting
    ayu, _somchai = people
    first = services.check_in(session, _registration(event, ayu), organiser)
    again = services.check_in(session, _registration(event, ayu), organiser)
    assert first.id == again.id and first.source == AttendanceSource.CHECKED_IN
    assert services.counts(session)[AttendanceSource.CHECKED_IN] == 1
    services.undo_check_in(session, _registration(event, ayu))
    assert services.attended(session) == {}


def test_a_cancelled_registration_or_session_cannot_be_checked_in(meeting, people, organiser):
    event, session = meeting
    ayu, somchai = people
    _registration(event, ayu).status = RegistrationStatus.CANCELLED
    with pytest.raises(Conflict):
        services.check_in(session, _registration(event, ayu), organiser)
    session.status = SessionStatus.CANCELLED
    with pytest.raises(services.SessionCancelled):
        services.check_in(session, _registration(event, somchai), organiser)


def test_search_finds_names_in_any_case(meeting, people):
    _event, session = meeting
    assert [r.user.display_name for r in services.expected(session, "SOMCHAI")] == [
        "Somchai Prasert"]
    assert services.expected(session, "100%_") == []


def test_zoom_report_matches_emails_sums_minutes_and_lists_the_unregistered(
        meeting, people, organiser):
    _event, session = meeting
    ayu, somchai = people
    result = services.import_report(session, ZOOM_REPORT, organiser)
    assert (result.rows, result.matched, result.unmatched) == (4, 2, ["Visiting guest"])
    rows = services.attended(session)
    assert rows[ayu.id].minutes == 84 and rows[somchai.id].minutes == 90
    assert {row.source for row in rows.values()} == {AttendanceSource.IMPORTED}
    again = services.import_report(session, ZOOM_REPORT, organiser)
    assert again.matched == 2
    assert len(db.session.scalars(select(Attendance)).all()) == 2


def test_teams_report_in_utf16_with_tabs_keeps_check_ins(meeting, people, organiser):
    event, session = meeting
    ayu, somchai = people
    services.check_in(session, _registration(event, somchai), organiser)
    result = services.import_report(session, TEAMS_REPORT, organiser)
    assert result.matched == 1
    rows = services.attended(session)
    assert rows[ayu.id].minutes == 65
    assert rows[somchai.id].source == AttendanceSource.CHECKED_IN


@pytest.mark.parametrize("text, minutes", [("47", 47), ("1h 5m 3s", 65), ("1 hr 2 min", 62),
                                           ("01:05:03", 65), ("12:30", 13), ("soon", 0)])
def test_durations_as_the_platforms_write_them(text, minutes):
    assert services.parse_minutes(text) == minutes


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", b"Name,Minutes\nAyu,40\n",
                                  b"\xff\xfe\x00\xd8"])
def test_a_file_that_is_not_a_report_is_refused_and_nothing_changes(
        meeting, people, organiser, data):
    event, session = meeting
    ayu, _somchai = people
    services.check_in(session, _registration(event, ayu), organiser)
    with pytest.raises(services.AttendanceError):
        services.import_report(session, data, organiser)
    assert list(services.attended(session)) == [ayu.id]


def test_too_large_a_report_is_413(meeting, people, organiser):
    _event, session = meeting
    with pytest.raises(services.ReportTooLarge):
        services.import_report(session, b"x" * (services.REPORT_MAX_BYTES + 1), organiser)


def test_check_in_page_through_the_buttons_it_renders(client, meeting, people, organiser):
    event, session = meeting
    ayu, _somchai = people
    login_as(client, organiser)
    url = f"/events/{event.id}/sessions/{session.id}/check-in"
    page = client.get(url + "?q=ayu")
    assert page.status_code == 200 and "Ayu Wulandari" in page.text
    assert "Somchai" not in page.text
    button = rendered_form(client, url + "?q=ayu",
                           action=f"{url}/{_registration(event, ayu).id}?q=ayu")
    response = button.submit()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?q=ayu#r{_registration(event, ayu).id}")
    assert list(services.attended(session)) == [ayu.id]
    undo = rendered_form(client, url, action=f"{url}/{_registration(event, ayu).id}/undo")
    assert undo.submit().status_code == 302
    assert services.attended(session) == {}


def test_import_page_upload_and_a_refused_file(client, meeting, people, organiser):
    event, session = meeting
    login_as(client, organiser)
    url = f"/events/{event.id}/sessions/{session.id}/attendance/import"
    response = rendered_form(client, url).attach("report", ZOOM_REPORT, "report.csv").submit()
    assert response.status_code == 200 and "Visiting guest" in response.text
    assert len(services.attended(session)) == 2
    response = rendered_form(client, url).attach("report", b"Name\nAyu\n", "x.csv").submit()
    assert response.status_code == 400
    assert "email" in refusal(response.text).errors["report"].lower()
    assert len(services.attended(session)) == 2


@pytest.mark.parametrize("path", ["check-in", "attendance/import"])
def test_only_organisers_reach_attendance(client, meeting, people, path):
    event, session = meeting
    ayu, _somchai = people
    login_as(client, ayu)
    assert client.get(f"/events/{event.id}/sessions/{session.id}/{path}").status_code == 403
