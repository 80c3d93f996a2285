"""Who may give feedback, once; summaries and quotes that never name anyone."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from app.feedback import services
from app.feedback.models import Feedback
from app.feedback.models import FeedbackSubmission
from app.feedback.models import Reflection
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as

# 25 June 2027, 06:00 in Jakarta: the day after the roundtable's last day there.
AFTER = datetime(2027, 6, 24, 23, 0, tzinfo=UTC)
LAST_EVENING = datetime(2027, 6, 24, 16, 0, tzinfo=UTC)  # 23:00 on the last day in Jakarta


@pytest.fixture
def roundtable(make_event, make_session):
    event = make_event(kind=EventKind.IN_PERSON, timezone="Asia/Jakarta",
                       is_invitation_only=False, start_date=date(2027, 6, 22),
                       end_date=date(2027, 6, 24))
    make_session(event, datetime(2027, 6, 22, 2, tzinfo=UTC),
                 datetime(2027, 6, 22, 3, tzinfo=UTC), title="Opening")
    make_session(event, datetime(2027, 6, 23, 2, tzinfo=UTC),
                 datetime(2027, 6, 23, 3, tzinfo=UTC), title="Site visit")
    return event


@pytest.fixture
def attendee(roundtable, make_user, frozen_now):
    frozen_now(datetime(2027, 6, 1, tzinfo=UTC))
    person = make_user(display_name="Ayu Wulandari", pseudonym="")
    register(roundtable, person, RegistrationInput(consent_chatham=True, consent_data=True))
    db.session.commit()
    frozen_now(AFTER)
    return person


def _answers(roundtable, rating=4, reflection="Communities can care for children.",
             anonymous=False, **session_comments):
    sessions = {s.id: services.Comments(rating=5, what_worked=f"{s.title} worked")
                for s in roundtable.sessions}
    return services.FeedbackInput(
        event=services.Comments(rating=rating, what_worked="The small groups",
                                to_improve="More time"),
        sessions=sessions, reflection=reflection, is_anonymous=anonymous)


def test_feedback_opens_after_the_last_day_in_the_event_zone(roundtable, attendee,
                                                             frozen_now):
    frozen_now(LAST_EVENING)
    assert not services.is_over(roundtable)
    with pytest.raises(services.FeedbackConflict):
        services.submit_feedback(roundtable, attendee, _answers(roundtable))
    roundtable.status = EventStatus.HELD
    assert services.is_over(roundtable)
    frozen_now(AFTER)
    roundtable.status = EventStatus.OPEN
    assert services.is_over(roundtable)


def test_only_confirmed_participants_answer(roundtable, make_user, frozen_now):
    frozen_now(AFTER)
    with pytest.raises(services.NotAParticipant) as refused:
        services.submit_feedback(roundtable, make_user(), _answers(roundtable))
    assert refused.value.status == 403


def test_a_second_answer_is_refused_and_nothing_is_added(roundtable, attendee):
    services.submit_feedback(roundtable, attendee, _answers(roundtable))
    before = db.session.scalar(select(func.count()).select_from(Feedback))
    with pytest.raises(services.FeedbackConflict):
        services.submit_feedback(roundtable, attendee, _answers(roundtable))
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == before == 3


def test_the_marker_settles_two_answers_sent_at_once(roundtable, attendee, monkeypatch):
    services.submit_feedback(roundtable, attendee, _answers(roundtable))
    monkeypatch.setattr(services, "has_submitted", lambda *_: False)
    with pytest.raises(services.FeedbackConflict):
        services.submit_feedback(roundtable, attendee, _answers(roundtable))
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 3


def test_anonymous_answers_store_no_link_to_the_person(roundtable, attendee):
    services.submit_feedback(roundtable, attendee, _answers(roundtable, anonymous=True))
    assert db.session.scalars(select(Feedback.user_id)).all() == [None, None, None]
    assert db.session.scalars(select(Reflection.user_id)).all() == [None]
    assert services.has_submitted(roundtable, attendee)
    # The marker has nothing to line it up with the content: no id, no time.
    assert set(FeedbackSubmission.__table__.columns.keys()) == {"event_id", "user_id"}
    assert "created_dt" not in Feedback.__table__.columns


@pytest.mark.parametrize("rating", [0, 6])
def test_ratings_outside_one_to_five_are_refused(roundtable, attendee, rating):
    with pytest.raises(services.FeedbackError):
        services.submit_feedback(roundtable, attendee, _answers(roundtable, rating=rating))
    assert not services.has_submitted(roundtable, attendee)


def test_sessions_of_other_events_are_refused(roundtable, attendee, make_event, make_session):
    other = make_session(make_event(), datetime(2027, 3, 10, 3, tzinfo=UTC),
                         datetime(2027, 3, 10, 4, tzinfo=UTC))
    data = _answers(roundtable)
    data.sessions[other.id] = services.Comments(rating=1)
    with pytest.raises(services.FeedbackError):
        services.submit_feedback(roundtable, attendee, data)


def test_summary_counts_averages_and_sorts_comments(roundtable, make_user, frozen_now):
    frozen_now(datetime(2027, 6, 1, tzinfo=UTC))
    people = [make_user() for _ in range(3)]
    for person in people:
        register(roundtable, person, RegistrationInput(consent_chatham=True, consent_data=True))
    frozen_now(AFTER)
    for rating, person in zip((5, 4, 2), people, strict=True):
        services.submit_feedback(roundtable, person, services.FeedbackInput(
            event=services.Comments(rating=rating, what_worked=f"worked {6 - rating}")))
    whole, opening, visit = services.summary(roundtable)
    assert whole.session is None and (whole.count, whole.average) == (3, 3.7)
    assert whole.what_worked == ["worked 1", "worked 2", "worked 4"]
    assert (opening.count, opening.average) == (0, None)
    assert visit.session.title == "Site visit"
    assert services.respondents(roundtable) == 3


def test_pages_never_name_who_wrote_what(client, roundtable, attendee, organiser):
    login_as(client, attendee)
    page = client.get(f"/events/{roundtable.id}/feedback")
    assert page.status_code == 200 and "Opening" in page.get_data(as_text=True)
    ids = [s.id for s in roundtable.sessions]
    response = client.post(f"/events/{roundtable.id}/feedback", data={
        "rating": "4", "what_worked": "=HYPERLINK(\"x\")", "to_improve": "More breaks",
        f"rating_{ids[0]}": "5", f"worked_{ids[0]}": "Country updates",
        "reflection": "Children belong in communities."})
    assert response.status_code == 302
    again = client.post(f"/events/{roundtable.id}/feedback", data={"rating": "3"})
    assert again.status_code == 409
    looking = client.get(f"/events/{roundtable.id}/feedback")
    assert looking.status_code == 200 and "already given feedback" in looking.get_data(
        as_text=True)

    login_as(client, organiser)
    summary = client.get(f"/events/{roundtable.id}/feedback/summary").get_data(as_text=True)
    assert "More breaks" in summary and "Children belong in communities." in summary
    assert "Ayu" not in summary and attendee.email not in summary
    csv_text = client.get(f"/events/{roundtable.id}/feedback/summary.csv").get_data(
        as_text=True)
    assert "More breaks" in csv_text and "'=HYPERLINK" in csv_text
    assert "Ayu" not in csv_text and attendee.email not in csv_text

    reflection = db.session.scalar(select(Reflection))
    url = f"/events/{roundtable.id}/reflections/{reflection.id}/include"
    assert client.post(url).status_code == 302
    # The summary report (app.reports) quotes the chosen reflections, unattributed.
    assert [r.text for r in services.reflections(roundtable, for_report_only=True)] == [
        "Children belong in communities."]
    report_url = f"/events/{roundtable.id}/report"
    assert client.get(report_url).headers["Location"].endswith(
        f"/events/{roundtable.id}/report/builder")
    login_as(client, attendee)
    assert client.get(report_url).headers["Location"].endswith(f"/reports/{roundtable.id}")


def test_people_not_registered_are_told_why_and_refused(client, roundtable, make_user,
                                                        frozen_now):
    frozen_now(AFTER)
    login_as(client, make_user())
    page = client.get(f"/events/{roundtable.id}/feedback").get_data(as_text=True)
    assert "Only confirmed participants" in page and "Send feedback" not in page
    response = client.post(f"/events/{roundtable.id}/feedback", data={"rating": "5"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_participants_never_reach_the_summary(client, roundtable, attendee):
    login_as(client, attendee)
    assert client.get(f"/events/{roundtable.id}/feedback/summary").status_code == 403
    assert client.get(f"/events/{roundtable.id}/feedback/summary.csv").status_code == 403
