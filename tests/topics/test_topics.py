"""Proposing, voting once per topic, the ranking and turning a topic into a session."""

from datetime import date
from datetime import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.services import EventRuleError
from app.events.services import SessionInput
from app.extensions import db
from app.topics import services
from app.topics.models import Topic
from app.topics.models import TopicVote
from tests.fixtures.people import login_as


@pytest.fixture
def roundtable(make_event):
    return make_event(kind=EventKind.IN_PERSON, timezone="Asia/Jakarta",
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24))


def _votes(topic):
    return db.session.scalar(select(func.count()).where(TopicVote.topic_id == topic.id))


def test_ranking_orders_by_votes_and_marks_the_viewers_votes(roundtable, make_user):
    people = [make_user() for _ in range(3)]
    first = services.propose_topic(roundtable, people[0], "Screening", "at the border")
    second = services.propose_topic(roundtable, people[1], "  Xenophobia  ")
    for person in people:
        services.cast_vote(second, person)
    services.cast_vote(first, people[0])
    ranked = services.ranking(roundtable, people[0])
    assert [(r.topic.title, r.votes, r.is_mine) for r in ranked] == [
        ("Xenophobia", 3, True), ("Screening", 1, True)]
    assert [r.is_mine for r in services.ranking(roundtable, people[2])] == [True, False]


def test_a_second_vote_is_refused_and_changes_nothing(roundtable, participant):
    topic = services.propose_topic(roundtable, participant, "Screening")
    services.cast_vote(topic, participant)
    with pytest.raises(services.TopicConflict) as refused:
        services.cast_vote(topic, participant)
    assert refused.value.status == 409
    assert _votes(topic) == 1


def test_the_database_refuses_a_duplicate_vote_too(roundtable, participant, monkeypatch):
    topic = services.propose_topic(roundtable, participant, "Screening")
    services.cast_vote(topic, participant)
    monkeypatch.setattr(services, "has_voted", lambda *_: False)  # two requests at once
    with pytest.raises(services.TopicConflict):
        services.cast_vote(topic, participant)
    assert _votes(topic) == 1


def test_a_vote_can_be_withdrawn_and_cast_again(roundtable, participant):
    topic = services.propose_topic(roundtable, participant, "Screening")
    services.cast_vote(topic, participant)
    services.withdraw_vote(topic, participant)
    assert _votes(topic) == 0
    with pytest.raises(services.TopicConflict):
        services.withdraw_vote(topic, participant)
    services.cast_vote(topic, participant)
    assert _votes(topic) == 1


def test_no_topics_or_votes_once_the_event_is_cancelled(roundtable, participant):
    topic = services.propose_topic(roundtable, participant, "Screening")
    roundtable.status = EventStatus.CANCELLED
    with pytest.raises(services.TopicConflict):
        services.propose_topic(roundtable, participant, "Late")
    with pytest.raises(services.TopicConflict):
        services.cast_vote(topic, participant)


def test_an_empty_title_is_refused(roundtable, participant):
    with pytest.raises(services.TopicError):
        services.propose_topic(roundtable, participant, "   ")


def _slot(**fields):
    values = dict(title="ignored", kind=SessionKind.SMALL_GROUP, day=date(2027, 6, 23),
                  start_time=time(14), end_time=time(15, 30))
    values.update(fields)
    return SessionInput(**values)


def test_scheduling_makes_a_session_in_the_event_zone_once(roundtable, participant):
    topic = services.propose_topic(roundtable, participant, "Screening", "Why it matters")
    session = services.schedule_topic(topic, _slot())
    assert topic.session is session and session.event_id == roundtable.id
    assert session.title == "Screening" and session.description == "Why it matters"
    assert session.start_dt.hour == 7  # 14:00 in Jakarta (UTC+7)
    with pytest.raises(services.TopicConflict):
        services.schedule_topic(topic, _slot())


def test_scheduling_outside_the_event_days_is_refused(roundtable, participant):
    topic = services.propose_topic(roundtable, participant, "Screening")
    with pytest.raises(EventRuleError):
        services.schedule_topic(topic, _slot(day=date(2027, 7, 1)))
    assert topic.session_id is None


# --- pages ------------------------------------------------------------------------------

def test_only_organisers_see_who_proposed_a_topic(client, roundtable, make_user, organiser,
                                                 interpreter):
    advocate = make_user(display_name="Real Name", pseudonym="River")
    plain = make_user(display_name="Plain Proposer")
    services.propose_topic(roundtable, advocate, "Lived experience")
    services.propose_topic(roundtable, plain, "Screening")
    db.session.commit()
    for viewer in (make_user(), interpreter, make_user(country="MY")):
        login_as(client, viewer)
        page = client.get(f"/events/{roundtable.id}/topics").get_data(as_text=True)
        assert "Lived experience" in page and "Screening" in page
        for name in ("River", "Real Name", "Plain Proposer", "Proposed by"):
            assert name not in page, (viewer, name)
    login_as(client, organiser)
    page = client.get(f"/events/{roundtable.id}/topics").get_data(as_text=True)
    assert "Real Name (River)" in page and "Plain Proposer" in page


def test_propose_vote_twice_and_withdraw_through_the_pages(client, roundtable, participant):
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/topics",
                           data={"title": "Screening", "description": ""})
    assert response.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.event_id == roundtable.id))
    url = f"/events/{roundtable.id}/topics/{topic.id}"
    assert client.post(f"{url}/vote").status_code == 302
    again = client.post(f"{url}/vote")
    assert again.status_code == 409
    assert "already voted" in again.get_data(as_text=True)
    assert _votes(topic) == 1
    assert client.post(f"{url}/unvote").status_code == 302
    assert _votes(topic) == 0


def test_a_topic_of_another_event_is_not_found(client, roundtable, make_event, participant):
    other = make_event()
    topic = services.propose_topic(other, participant, "Elsewhere")
    db.session.commit()
    login_as(client, participant)
    assert client.post(f"/events/{roundtable.id}/topics/{topic.id}/vote").status_code == 404


def test_empty_proposal_is_a_400_and_saves_nothing(client, roundtable, participant):
    login_as(client, participant)
    assert client.post(f"/events/{roundtable.id}/topics", data={"title": ""}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Topic)) == 0


def test_organiser_schedules_a_topic_through_the_form(client, roundtable, participant,
                                                      organiser):
    topic = services.propose_topic(roundtable, participant, "Screening")
    db.session.commit()
    login_as(client, organiser)
    url = f"/events/{roundtable.id}/topics/{topic.id}/schedule"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"day": "2027-06-23", "start_time": "15:00",
                                 "end_time": "14:00", "kind": "small_group"})
    assert bad.status_code == 400
    response = client.post(url, data={"day": "2027-06-23", "start_time": "14:00",
                                      "end_time": "15:00", "kind": "small_group",
                                      "room": "Room A"})
    assert response.status_code == 302
    db.session.refresh(topic)
    assert topic.session.room == "Room A"
    assert client.post(url, data={"day": "2027-06-23", "start_time": "16:00",
                                  "end_time": "17:00", "kind": "small_group"}).status_code == 409


def test_ranking_page_runs_a_constant_number_of_queries(client, make_event, make_user,
                                                        query_counter):
    voter = make_user()
    counts = []
    for n in (2, 40):
        event = make_event(start_date=date(2027, 6, 22))
        people = [make_user() for _ in range(3)]
        for i in range(n):
            topic = services.propose_topic(event, people[i % 3], f"Topic {i}")
            services.cast_vote(topic, people[(i + 1) % 3])
        db.session.commit()
        login_as(client, voter)
        with query_counter() as statements:
            assert client.get(f"/events/{event.id}/topics").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6, counts
