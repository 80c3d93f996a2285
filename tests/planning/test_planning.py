from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import insert, select

from app.auth.models import User
from app.events.models import EventKind, EventStatus
from app.extensions import db
from app.planning import services
from app.registrations import services as registrations
from app.registrations.models import AttendAs, Registration, RegistrationStatus
from tests.conftest import login_as
from tests.formatting import holiday_name
from tests.forms import refusal


@pytest.fixture
def roundtable(make_event):
    return make_event(title="Annual roundtable", kind=EventKind.HYBRID, timezone="Asia/Jakarta",
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                      is_invitation_only=False, host_country_code="ID", venue="Jakarta")


def _register(event, user, **fields):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True, **fields))
    db.session.commit()
    return registration


def test_date_check_finds_holidays_of_every_country_and_other_meetings(roundtable, make_event):
    songkran = services.holiday_clashes(date(2027, 4, 13), date(2027, 4, 15))
    assert {(c.country_code, c.day) for c in songkran} >= {("TH", date(2027, 4, 13)),
                                                          ("TH", date(2027, 4, 14))}
    anzac = services.holiday_clashes(date(2027, 4, 25), date(2027, 4, 26))
    assert {c.country_code for c in anzac} >= {"AU", "NZ"}
    assert services.holiday_clashes(date(2027, 6, 22), date(2027, 6, 24)) == []
    other = make_event(title="Virtual session", start_date=date(2027, 6, 23))
    assert services.meeting_clashes(date(2027, 6, 22), date(2027, 6, 24),
                                    excluding=roundtable.id) == [other]
    make_event(title="Cancelled", start_date=date(2027, 6, 23), status=EventStatus.CANCELLED)
    assert len(services.meeting_clashes(date(2027, 6, 22), date(2027, 6, 24),
                                        excluding=roundtable.id)) == 1


def test_candidates_and_choosing_one(roundtable, make_session):
    candidate = services.add_candidate(roundtable, "TH", "Bangkok", date(2027, 7, 6),
                                       date(2027, 7, 8))
    with pytest.raises(services.PlanningError):
        services.add_candidate(roundtable, "TH", "Bangkok", date(2027, 7, 8), date(2027, 7, 6))
    services.choose_candidate(roundtable, candidate)
    assert (roundtable.host_country_code, roundtable.venue, roundtable.start_date) == (
        "TH", "Bangkok", date(2027, 7, 6))
    make_session(roundtable, datetime(2027, 7, 7, 2, tzinfo=UTC),
                 datetime(2027, 7, 7, 3, tzinfo=UTC))
    later = services.add_candidate(roundtable, "MY", "Putrajaya", date(2027, 8, 3),
                                   date(2027, 8, 5))
    with pytest.raises(services.PlanningConflict, match="outside the new dates"):
        services.choose_candidate(roundtable, later)


def test_overdue_tasks(roundtable, organiser):
    task = services.add_task(roundtable, "Book the venue", organiser.id, date(2027, 3, 1))
    assert services.is_overdue(task, date(2027, 3, 2))
    assert not services.is_overdue(task, date(2027, 3, 1))
    services.toggle_task(task)
    assert not services.is_overdue(task, date(2027, 3, 2))
    with pytest.raises(services.PlanningError):
        services.add_task(roundtable, "  ", None, None)


def test_manifest_rooming_needs_and_badges(roundtable, make_user):
    late = make_user(display_name="Zed", country="NZ")
    early = make_user(display_name="Ana", country="TH", pseudonym="Youth advocate")
    online = make_user(display_name="Olu", country="MY")
    _register(roundtable, late, arrival_date=date(2027, 6, 21), arrival_time=time(22, 5),
              departure_date=date(2027, 6, 25), needs_room=True, dietary_needs="halal")
    _register(roundtable, early, arrival_date=date(2027, 6, 21), arrival_time=time(7, 30),
              departure_date=date(2027, 6, 24), needs_room=True, dietary_needs="Halal",
              access_needs="Wheelchair")
    _register(roundtable, online, attend_as=AttendAs.ONLINE, arrival_date=date(2027, 6, 1))
    movements = services.manifest(roundtable)
    assert [(m.registration.user.display_name, m.direction) for m in movements] == [
        ("Ana", "arrival"), ("Zed", "arrival"), ("Ana", "departure"), ("Zed", "departure")]
    rooms = services.rooming(roundtable)
    assert [(r.user.display_name, services.nights(r)) for r in rooms] == [("Ana", 3), ("Zed", 4)]
    dietary, access, people = services.needs_summary(roundtable)
    assert dietary == {"Halal": 2} and access == {"Wheelchair": 1} and len(people) == 2
    names = [r.user.public_name for r in services.badges(roundtable)]
    assert "Youth advocate" in names and "Ana" not in names and "Olu" in names


def test_letters_only_for_confirmed_in_person_with_a_passport_name(roundtable, make_user,
                                                                    make_event):
    ready = _register(roundtable, make_user(), passport_name="DEWI SARTIKA")
    assert services.letter_registration(roundtable, ready.id) == ready
    no_name = _register(roundtable, make_user())
    with pytest.raises(services.PlanningConflict, match="passport"):
        services.letter_registration(roundtable, no_name.id)
    remote = _register(roundtable, make_user(), attend_as=AttendAs.ONLINE, passport_name="X")
    with pytest.raises(services.PlanningConflict, match="in person"):
        services.letter_registration(roundtable, remote.id)
    other = _register(make_event(is_invitation_only=False), make_user(), passport_name="Y")
    with pytest.raises(services.PlanningError, match="not registered"):
        services.letter_registration(roundtable, other.id)


def test_organisers_only(client, participant, roundtable):
    login_as(client, participant)
    for path in ("planning", "logistics/manifest", "logistics/rooming", "logistics/needs",
                 "logistics/badges", "logistics/manifest.csv", "letters/1"):
        assert client.get(f"/events/{roundtable.id}/{path}").status_code == 403, path


def test_workspace_and_letter_pages(client, organiser, roundtable, make_user):
    login_as(client, organiser)
    client.post(f"/events/{roundtable.id}/planning/candidates",
                data={"candidate-country": "TH", "candidate-venue": "Bangkok",
                      "candidate-start_date": "2027-04-13", "candidate-end_date": "2027-04-15"})
    client.post(f"/events/{roundtable.id}/planning/tasks",
                data={"task-title": "Book interpreters", "task-due_date": "2020-01-01"})
    page = client.get(f"/events/{roundtable.id}/planning").get_data(as_text=True)
    assert holiday_name("TH", date(2027, 4, 13)) in page and "Overdue" in page
    bad = client.post(f"/events/{roundtable.id}/planning/candidates",
                      data={"candidate-country": "TH", "candidate-venue": "X",
                            "candidate-start_date": "2027-04-15",
                            "candidate-end_date": "2027-04-13"})
    assert bad.status_code == 400  # the page again, the last day marked and linked
    refused = refusal(bad.get_data(as_text=True))
    assert "candidate-end_date" in refused.invalid
    assert "candidate-end_date" in refused.summary_links
    registration = _register(roundtable, make_user(), passport_name="SOMCHAI JAIDEE")
    letter = client.get(f"/events/{roundtable.id}/letters/{registration.id}")
    assert letter.status_code == 200 and "SOMCHAI JAIDEE" in letter.get_data(as_text=True)
    assert client.get(f"/events/{roundtable.id}/letters/999999").status_code == 404
    csv = client.get(f"/events/{roundtable.id}/logistics/rooming.csv")
    assert csv.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("kind", ["manifest", "rooming", "needs", "badges", "manifest.csv"])
def test_lists_run_a_constant_number_of_queries(client, organiser, make_event, query_counter,
                                                kind):
    counts = []
    for size in (35, 3500):
        event = make_event(kind=EventKind.IN_PERSON, is_invitation_only=False)
        db.session.execute(insert(User), [
            {"email": f"p{size}-{n}@example.org", "display_name": f"P{n}", "password_hash": "!",
             "country_code": "ID", "timezone": "Asia/Jakarta"} for n in range(size)])
        ids = db.session.scalars(select(User.id).where(User.email.like(f"p{size}-%"))).all()
        db.session.execute(insert(Registration), [
            {"event_id": event.id, "user_id": uid, "status": RegistrationStatus.CONFIRMED,
             "attend_as": AttendAs.IN_PERSON, "needs_room": True, "dietary_needs": "Vegan",
             "arrival_date": date(2027, 3, 9), "departure_date": date(2027, 3, 11),
             "consented_dt": datetime(2027, 1, 1, tzinfo=UTC)} for uid in ids])
        db.session.commit()
        login_as(client, organiser)
        with query_counter() as statements:
            assert client.get(f"/events/{event.id}/logistics/{kind}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts
