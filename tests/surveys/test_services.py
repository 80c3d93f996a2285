"""Surveys: built in four languages, answered once, summarised without names."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from app.events.models import EventStatus
from app.extensions import db
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from app.surveys import services
from app.surveys.models import QuestionKind
from app.surveys.models import SurveyAnswer
from app.surveys.models import SurveyRespondent
from app.surveys.models import SurveyStatus

Q = services.QuestionInput


@pytest.fixture
def event(make_event):
    return make_event(title="Putrajaya roundtable", is_invitation_only=False,
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24))


def _join(event, person):
    register(event, person, RegistrationInput(consent_chatham=True, consent_data=True))
    return person


@pytest.fixture
def people(event, make_user):
    return [_join(event, make_user()) for _ in range(3)]


@pytest.fixture
def survey(event):
    survey = services.create_survey(event, {"en": {"title": "After Putrajaya"},
                                            "th": {"title": "หลังปุตราจายา"}})
    services.add_question(survey, Q(QuestionKind.RATING, {
        "en": {"text": "How useful was the site visit?", "low_label": "Not useful",
               "high_label": "Very useful"},
        "th": {"text": "การเยี่ยมชมสถานที่มีประโยชน์เพียงใด"}}))
    services.add_question(survey, Q(QuestionKind.SINGLE, {
        "en": {"text": "Best format?", "choices": "Small groups\nPlenary\nSite visits"},
        "th": {"text": "รูปแบบที่ดีที่สุด", "choices": "กลุ่มย่อย\nการประชุมใหญ่\nการเยี่ยมชม"}}))
    services.add_question(survey, Q(QuestionKind.MULTIPLE, {
        "en": {"text": "Which topics next?", "choices": "Kinship care\nFoster care\nAftercare"}}))
    services.add_question(survey, Q(QuestionKind.TEXT, {"en": {"text": "One thing to change"}}))
    services.set_status(survey, SurveyStatus.OPEN)
    return survey


def _answers(survey, rating=4, chosen=0, many=(0, 2), text="More time for questions"):
    rating_q, single_q, multiple_q, text_q = survey.questions
    return {rating_q.id: services.Answer(rating=rating),
            single_q.id: services.Answer(chosen=[chosen]),
            multiple_q.id: services.Answer(chosen=list(many)),
            text_q.id: services.Answer(text=text)}


def test_each_kind_of_answer_is_kept(survey, people):
    services.submit_answers(survey, people[0], _answers(survey))
    kept = {row.question_id: row for row in db.session.scalars(select(SurveyAnswer))}
    rating_q, single_q, multiple_q, text_q = survey.questions
    assert kept[rating_q.id].rating == 4
    assert kept[single_q.id].chosen == [0]
    assert kept[multiple_q.id].chosen == [0, 2]
    assert kept[text_q.id].text == "More time for questions"
    assert services.respondents(survey) == 1


@pytest.mark.parametrize("change", [
    {"rating": 6}, {"rating": 0}, {"chosen": 3}, {"many": (0, 7)}, {"text": "x" * 2001}])
def test_answers_outside_the_question_are_refused(survey, people, change):
    with pytest.raises(services.SurveyError):
        services.submit_answers(survey, people[0], _answers(survey, **change))
    assert not services.has_answered(survey, people[0])


def test_one_single_choice_only(survey, people):
    single_q = survey.questions[1]
    with pytest.raises(services.SurveyError) as refused:
        services.submit_answers(survey, people[0], {single_q.id: services.Answer(chosen=[0, 1])})
    assert refused.value.field == f"q{single_q.id}"


def test_a_second_answer_is_refused(survey, people, monkeypatch):
    services.submit_answers(survey, people[0], _answers(survey))
    with pytest.raises(services.SurveyConflict):
        services.submit_answers(survey, people[0], _answers(survey))
    # Even when the first check is passed (two tabs at once), the marker's key refuses it.
    monkeypatch.setattr(services, "has_answered", lambda *_: False)
    with pytest.raises(services.SurveyConflict):
        services.submit_answers(survey, people[0], _answers(survey))
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 4


def test_only_confirmed_participants_of_an_open_survey_answer(survey, make_user, people):
    with pytest.raises(services.NotAParticipant):
        services.submit_answers(survey, make_user(), _answers(survey))
    services.set_status(survey, SurveyStatus.CLOSED)
    with pytest.raises(services.SurveyConflict):
        services.submit_answers(survey, people[0], _answers(survey))


def test_anonymous_answers_carry_no_user_and_no_time(survey, people):
    services.submit_answers(survey, people[0], _answers(survey), is_anonymous=True)
    assert db.session.scalars(select(SurveyAnswer.user_id)).all() == [None] * 4
    assert services.has_answered(survey, people[0])
    # Nothing to line the marker up with the answers: no id, no time on either.
    assert set(SurveyRespondent.__table__.columns.keys()) == {"survey_id", "user_id"}
    assert not [column for column in SurveyAnswer.__table__.columns
                if "dt" in column.name or "date" in column.name or "time" in column.name]


def test_named_answers_keep_their_author_for_the_persons_own_data(survey, people):
    services.submit_answers(survey, people[0], _answers(survey))
    assert set(db.session.scalars(select(SurveyAnswer.user_id))) == {people[0].id}


def test_texts_in_the_readers_language_else_the_original_marked(survey, app):
    rating_q, single_q, multiple_q, _text_q = survey.questions
    with app.test_request_context(), force_locale("th"):
        assert services.shown(survey, "title").text == "หลังปุตราจายา"
        assert not services.shown(rating_q, "text").is_fallback
        fallback = services.shown(rating_q, "low_label")
        assert (fallback.text, fallback.lang, fallback.is_fallback) == ("Not useful", "en", True)
        assert [c.text for c in services.shown_choices(single_q)] == [
            "กลุ่มย่อย", "การประชุมใหญ่", "การเยี่ยมชม"]
        assert all(c.is_fallback for c in services.shown_choices(multiple_q))
    assert services.shown(survey, "title", "ms").is_fallback
    assert not services.shown(survey, "title", "en").is_fallback


def test_a_translation_gives_every_choice(survey):
    with pytest.raises(services.SurveyError) as refused:
        services.add_question(survey, Q(QuestionKind.SINGLE, {
            "en": {"text": "Format?", "choices": "A\nB\nC"}, "id": {"choices": "A\nB"}}))
    assert refused.value.field == "choices-id"


def test_the_events_language_is_required(event, make_event):
    thai = make_event(language="th")
    with pytest.raises(services.SurveyError) as refused:
        services.create_survey(thai, {"en": {"title": "English only"}})
    assert refused.value.field == "title-th"
    survey = services.create_survey(thai, {"th": {"title": "แบบสอบถาม"}})
    with pytest.raises(services.SurveyError):
        services.add_question(survey, Q(QuestionKind.SINGLE, {"th": {"text": "x",
                                                                     "choices": "one"}}))


def test_once_answered_only_wording_may_change(survey, people):
    services.submit_answers(survey, people[0], _answers(survey))
    rating_q, single_q, _multiple_q, text_q = survey.questions
    for change in (lambda: services.add_question(survey, Q(QuestionKind.TEXT, {
                       "en": {"text": "Another?"}})),
                   lambda: services.remove_question(text_q),
                   lambda: services.move_question(text_q, up=True),
                   lambda: services.update_question(rating_q, Q(QuestionKind.TEXT, {
                       "en": {"text": "Now a text"}})),
                   lambda: services.update_question(single_q, Q(QuestionKind.SINGLE, {
                       "en": {"text": "Best format?", "choices": "A\nB\nC\nD"}}))):
        with pytest.raises(services.SurveyConflict, match="correct and translate"):
            change()
    services.update_question(single_q, Q(QuestionKind.SINGLE, {
        "en": {"text": "Which format worked best?", "choices": "Small groups\nPlenaries\n"
               "Site visits"}, "ms": {"text": "Format terbaik?"}}))
    assert single_q.text == "Which format worked best?"
    assert single_q.translations == {"ms": {"text": "Format terbaik?"}}
    assert len(survey.questions) == 4


def test_questions_move_and_go_before_answers(survey):
    first, second, third, fourth = survey.questions
    services.move_question(second, up=True)
    services.move_question(fourth, up=False)  # already last: stays
    assert survey.questions == [second, first, third, fourth]
    services.remove_question(first)
    assert [q.position for q in survey.questions] == [0, 1, 2]


def test_status_goes_draft_open_closed_and_reopens(event):
    survey = services.create_survey(event, {"en": {"title": "Empty"}})
    with pytest.raises(services.SurveyConflict):
        services.set_status(survey, SurveyStatus.CLOSED)  # a draft is opened first
    with pytest.raises(services.SurveyError):
        services.set_status(survey, SurveyStatus.OPEN)  # no questions yet
    services.add_question(survey, Q(QuestionKind.TEXT, {"en": {"text": "Anything?"}}))
    services.set_status(survey, SurveyStatus.OPEN)
    with pytest.raises(services.SurveyConflict):
        services.set_status(survey, SurveyStatus.OPEN)
    services.set_status(survey, SurveyStatus.CLOSED)
    services.set_status(survey, SurveyStatus.OPEN)
    assert survey.status == SurveyStatus.OPEN


def test_results_summarise_and_withhold_fewer_than_three(survey, people, app):
    for person, rating, text in zip(people[:2], (5, 3), ("b", "a"), strict=True):
        services.submit_answers(survey, person, _answers(survey, rating=rating, text=text))
    rating_row, *_rest, text_row = services.results(survey)
    assert rating_row.count == 2 and rating_row.is_withheld
    assert rating_row.distribution is None and rating_row.mean is None
    assert text_row.texts == []

    services.submit_answers(survey, people[2], _answers(survey, rating=4, chosen=2, text="c"))
    with app.test_request_context():
        rating_row, single_row, multiple_row, text_row = services.results(survey)
    assert not rating_row.is_withheld
    assert rating_row.distribution == [(1, 0), (2, 0), (3, 1), (4, 1), (5, 1)]
    assert rating_row.mean == 4.0
    assert [(str(choice), n) for choice, n in single_row.distribution] == [
        ("Small groups", 2), ("Plenary", 0), ("Site visits", 1)]
    assert [n for _choice, n in multiple_row.distribution] == [3, 0, 3]
    # Not the order they were sent in, and the same order every time.
    assert sorted(text_row.texts) == ["a", "b", "c"]
    assert text_row.texts == sorted(["b", "a", "c"], key=services._stable_order)


def test_csv_is_formula_safe_with_a_byte_order_mark_and_no_names(survey, people, app):
    for person in people:
        services.submit_answers(survey, person, _answers(survey, text="=HYPERLINK(\"x\")"))
    with app.test_request_context():
        text = services.results_csv(survey, services.results(survey))
    assert text.startswith("\ufeff") and "'=HYPERLINK" in text
    assert not any(person.display_name in text or person.email in text for person in people)


def test_the_events_list_starts_with_the_standard_feedback_survey(survey, event, app):
    event.status = EventStatus.HELD
    with app.test_request_context():
        standard, built = services.event_surveys(event)
    assert standard.survey is None and standard.is_open
    assert built.survey == survey and built.is_open and built.respondents == 0
