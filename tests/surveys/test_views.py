"""The survey pages: built by organisers, answered in the reader's language, results
without names."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from app.surveys.models import Survey
from app.surveys.models import SurveyQuestion
from tests.fixtures.people import login_as


@pytest.fixture
def event(make_event):
    return make_event(title="Putrajaya roundtable", is_invitation_only=False)


def _participant(event, make_user, **fields):
    person = make_user(**fields)
    register(event, person, RegistrationInput(consent_chatham=True, consent_data=True))
    db.session.commit()
    return person


def _build(client, event) -> Survey:
    base = f"/events/{event.id}/surveys"
    assert client.post(base, data={"title-en": "After Putrajaya",
                                   "title-th": "หลังปุตราจายา"}).status_code == 302
    survey = db.session.scalar(select(Survey))
    new = f"{base}/{survey.id}/questions/new"
    for data in ({"kind": "rating", "text-en": "How useful was the site visit?",
                  "low_label-en": "Not useful", "high_label-en": "Very useful",
                  "text-th": "การเยี่ยมชมมีประโยชน์เพียงใด", "low_label-th": "ไม่มีประโยชน์"},
                 {"kind": "single", "text-en": "Best format?",
                  "choices-en": "Small groups\nPlenary", "text-th": "รูปแบบที่ดีที่สุด",
                  "choices-th": "กลุ่มย่อย\nการประชุมใหญ่"},
                 {"kind": "text", "text-en": "One thing to change",
                  "text-th": "สิ่งหนึ่งที่ควรเปลี่ยน"}):
        assert client.post(new, data=data).status_code == 302
    assert client.post(f"{base}/{survey.id}/open").status_code == 302
    return survey


def _answer(client, survey, rating="4", choice="0", text="More time"):
    rating_q, single_q, text_q = survey.questions
    return client.post(f"/events/{survey.event_id}/surveys/{survey.id}/answer", data={
        f"q{rating_q.id}": rating, f"q{single_q.id}": choice, f"q{text_q.id}": text})


def test_built_answered_in_thai_and_read_without_names(client, event, organiser, make_user):
    login_as(client, organiser)
    survey = _build(client, event)
    people = [_participant(event, make_user, locale="th", display_name=f"Somchai {n}")
              for n in range(3)]
    event_page = f"/events/{event.id}"
    login_as(client, people[0])
    assert "หลังปุตราจายา" in client.get(event_page).get_data(as_text=True)
    page = client.get(f"/events/{event.id}/surveys/{survey.id}/answer").get_data(as_text=True)
    assert "รูปแบบที่ดีที่สุด" in page and "กลุ่มย่อย" in page
    assert 'lang="en">Very useful</span>' in page  # untranslated: the original, marked
    for n, person in enumerate(people):
        login_as(client, person)
        assert _answer(client, survey, text=f"=cmd|{n}").status_code == 302
    assert _answer(client, survey).status_code == 409

    login_as(client, organiser)
    results = client.get(f"/events/{event.id}/surveys/{survey.id}/results").get_data(
        as_text=True)
    assert "=cmd|0" in results and "Small groups" in results
    assert not any(p.display_name in results or p.email in results for p in people)
    csv_text = client.get(f"/events/{event.id}/surveys/{survey.id}/results.csv").get_data(
        as_text=True)
    assert csv_text.startswith("\ufeff") and "'=cmd|0" in csv_text
    assert not any(p.display_name in csv_text for p in people)


def test_fewer_than_three_answers_are_not_shown(client, event, organiser, make_user):
    login_as(client, organiser)
    survey = _build(client, event)
    login_as(client, _participant(event, make_user))
    _answer(client, survey, text="Only mine")
    login_as(client, organiser)
    results = client.get(f"/events/{event.id}/surveys/{survey.id}/results").get_data(
        as_text=True)
    assert "Only mine" not in results and "Fewer than 3 answers" in results


def test_once_answered_the_builder_says_why_it_refuses(client, event, organiser, make_user):
    login_as(client, organiser)
    survey = _build(client, event)
    login_as(client, _participant(event, make_user))
    _answer(client, survey)
    login_as(client, organiser)
    question = survey.questions[0]
    url = f"/events/{event.id}/surveys/{survey.id}/questions/{question.id}"
    response = client.post(f"{url}/remove", follow_redirects=True)
    assert "can no longer be added, removed" in response.get_data(as_text=True)
    assert db.session.get(SurveyQuestion, question.id) is not None
    refused = client.post(url, data={"kind": "text", "text-en": "Now a text"})
    assert refused.status_code == 409
    fixed = client.post(url, data={"kind": "rating", "text-en": "How useful was the visit?"})
    assert fixed.status_code == 302


def test_drafts_and_results_are_the_organisers(client, event, organiser, make_user):
    login_as(client, organiser)
    client.post(f"/events/{event.id}/surveys", data={"title-en": "Draft"})
    survey = db.session.scalar(select(Survey))
    person = _participant(event, make_user)
    login_as(client, person)
    base = f"/events/{event.id}/surveys/{survey.id}"
    assert client.get(f"{base}/answer").status_code == 404
    for url in (base, f"{base}/results", f"{base}/results.csv", f"{base}/preview"):
        assert client.get(url).status_code == 403


def test_an_empty_title_is_refused_beside_its_field(client, event, organiser):
    login_as(client, organiser)
    response = client.post(f"/events/{event.id}/surveys", data={"title-en": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'href="#title-en"' in page
    assert db.session.scalar(select(Survey)) is None
