"""Organiser input that once saved and then broke everyone's calendar feeds (issue 14): a
link ending in a line break, a working group ending 9999-12-31, a rule with a second rule
in it, a line break in a title, an event ending in year 9999. Each is refused where it is
typed, saying why, or cleaned into what was meant; every feed then answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.calendar.services import issue_feed_token
from app.events.models import Event
from app.extensions import db
from app.workinggroups.models import WorkingGroup
from app.workinggroups.recurrence import RecurrenceError
from app.workinggroups.recurrence import normalise_rule
from tests.fixtures.people import login_as
from tests.forms import refusal


def _group(members, **changes):
    return {"name": "Education", "country": "ID", "timezone": "Asia/Jakarta",
            "repeat": "monthly", "weekday": "1", "interval": "1", "position": "2",
            "first_date": "2027-03-01",
            "start_time": "10:00", "duration": "90", "members": members, **changes}


def _event(**changes):
    return {"title": "Jakarta 2027", "description": "", "kind": "hybrid", "status": "open",
            "timezone": "Asia/Jakarta", "start_date": "2027-06-22", "end_date": "2027-06-24",
            "host_country": "ID", "countries": ["AU", "ID"], "venue": "Jakarta",
            "online_url": "", "topics": "", "is_chatham_house": "y", **changes}


def _every_feed_answers(app, organiser, member):
    """Every calendar a person can fetch, as the organiser and as a group member."""
    for user in (organiser, member):
        client = login_as(app.test_client(), user)
        urls = [f"/calendar/{issue_feed_token(user)}.ics"]
        db.session.commit()
        for event in db.session.scalars(select(Event)):
            urls.append(f"/events/{event.id}/agenda.ics")
            urls += [f"/events/{event.id}/sessions/{s.id}.ics" for s in event.sessions]
            urls.append(f"/events/{event.id}")
        for group in db.session.scalars(select(WorkingGroup)):
            urls += [f"/working-groups/{group.id}/calendar.ics", f"/working-groups/{group.id}"]
        urls.append("/")
        for url in urls:
            assert client.get(url).status_code == 200, url


REFUSED_GROUPS = [
    ({"until_date": "9999-12-31"}, "until_date", "between the years 2000 and 2100"),
    ({"first_date": "0001-01-01"}, "first_date", "between the years 2000 and 2100"),
    # The pattern is chosen, never typed: a forged choice carries no second rule along.
    ({"weekday": "1\nRRULE:FREQ=DAILY"}, "weekday", "Not a valid choice"),
    ({"position": "2TU\r\nEXDATE:20270301"}, "position", "Not a valid choice"),
    ({"repeat": "yearly"}, "repeat", "Not a valid choice"),
    ({"repeat": "weekly", "interval": "99"}, "interval", "between 1 and 52"),
    ({"online_url": "https://meet.example/x y"}, "online_url", "has no spaces"),
]


@pytest.mark.parametrize(("changes", "field", "message"), REFUSED_GROUPS)
def test_a_working_group_that_would_break_feeds_is_refused(app, client, organiser,
                                                            participant, changes, field,
                                                            message):
    login_as(client, organiser)
    response = client.post("/working-groups/new", data=_group([str(participant.id)],
                                                              **changes))
    assert response.status_code == 422
    said = refusal(response.get_data(as_text=True))
    marked = {field, f"{field}-0"}  # a group of radios is marked on each of its options
    assert marked & said.invalid and message in said.errors[field]
    assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 0


def test_line_breaks_in_a_group_are_cleaned_and_feeds_work(app, client, organiser,
                                                            participant):
    login_as(client, organiser)
    response = client.post("/working-groups/new", data=_group(
        [str(participant.id)], name="Education\r\nand care",
        online_url="https://meet.example/x\n"))
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup))
    assert (group.name, group.online_url) == ("Education and care", "https://meet.example/x")
    _every_feed_answers(app, organiser, participant)


@pytest.mark.parametrize(("changes", "field"), [({"end_date": "9999-12-31"}, "end_date"),
                                                ({"start_date": "0001-01-01"}, "start_date")])
def test_an_event_in_year_1_or_9999_is_refused(client, organiser, changes, field):
    login_as(client, organiser)
    response = client.post("/events/new", data=_event(**changes))
    assert response.status_code == 400
    said = refusal(response.get_data(as_text=True))
    assert field in said.invalid
    assert "between the years 2000 and 2100" in said.errors[field]
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_line_breaks_in_an_event_and_its_session_are_cleaned(app, client, organiser,
                                                              participant):
    login_as(client, organiser)
    response = client.post("/events/new", data=_event(title="Jakarta\r\n2027",
                                                      online_url="https://meet.example/j\n"))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.title, event.online_url) == ("Jakarta 2027", "https://meet.example/j")
    response = client.post(f"/events/{event.id}/sessions/new", data={
        "title": "Opening\nplenary", "kind": "plenary", "day": "2027-06-22",
        "start_time": "09:00", "end_time": "10:00", "online_url": "https://meet.example/s\r\n",
        "attendance_mode": "both", "floor_language": "en", "submit": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = event.sessions[0]
    assert (session.title, session.online_url) == ("Opening plenary", "https://meet.example/s")
    _every_feed_answers(app, organiser, participant)


# Rules the service still takes (stored groups were set up as RRULE text before the forms
# asked in plain words), and rules it refuses: each a second rule or a line smuggled in.
GOOD_RULES = ["FREQ=MONTHLY;BYDAY=2TU", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
              "freq=monthly;bymonthday=-1", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
              "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
              "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=SA"]


SMUGGLED_RULES = ["FREQ=WEEKLY;WKST=MO\nRRULE:FREQ=DAILY",
                  "FREQ=WEEKLY;BYMONTHDAY=1\r\nRRULE:FREQ=DAILY",
                  "FREQ=MONTHLY;BYDAY=2TU\nEXDATE:20270301", "FREQ=YEARLY;BYMONTH=13",
                  "FREQ=MONTHLY;BYMONTHDAY=99", "FREQ=WEEKLY;BYDAY=MO RRULE:FREQ=DAILY"]


@pytest.mark.parametrize("rule", GOOD_RULES)
def test_one_good_rule_is_accepted(rule):
    assert normalise_rule(rule)


@pytest.mark.parametrize("rule", SMUGGLED_RULES)
def test_a_rule_with_anything_smuggled_in_is_refused(rule):
    with pytest.raises(RecurrenceError) as refused:
        normalise_rule(rule)
    assert refused.value.code == "syntax"
