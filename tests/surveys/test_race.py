"""Two tabs sending one person's answers at the same moment: one is kept, the other refused
(real interleavings on PostgreSQL; see tests/test_races.py)."""

from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.registrations import services as registrations
from app.surveys import services
from app.surveys.models import QuestionKind
from app.surveys.models import Survey
from app.surveys.models import SurveyAnswer
from app.surveys.models import SurveyStatus
from tests.test_races import _consent
from tests.test_races import _event
from tests.test_races import _person
from tests.test_races import both_at_once

REPEAT = 10


def test_one_persons_two_tabs_give_one_answer(race_app):
    for _ in range(REPEAT):
        with race_app.app_context():
            person = _person()
            event = _event()
            db.session.commit()
            registrations.register(event, person, _consent())
            survey = services.create_survey(event, {"en": {"title": "After"}})
            question = services.add_question(survey, services.QuestionInput(
                QuestionKind.RATING, {"en": {"text": "How was it?"}}))
            services.set_status(survey, SurveyStatus.OPEN)
            db.session.commit()
            ids = survey.id, person.id, question.id

        def send(prepared, ids=ids):
            return services.submit_answers(prepared, db.session.get(User, ids[1]),
                                           {ids[2]: services.Answer(rating=5)})

        def load(ids=ids):
            return db.session.get(Survey, ids[0])

        outcomes = both_at_once(race_app, (load, send), (load, send))
        assert sorted(outcome[0] for outcome in outcomes) == ["ok", "refused"], outcomes
        with race_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(SurveyAnswer).where(
                SurveyAnswer.question_id == ids[2])) == 1
