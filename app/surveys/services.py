"""Surveys: built by organisers, answered once by each confirmed participant, summarised
without names. Callers commit.

Texts follow ``app.events.translations``: the columns hold the event's language, the
``translations`` JSON the others, and a reader gets theirs where it was given, else the
original marked (``Shown``). A translation of a question's choices must give as many lines
as the original, so an answer (the choice's position) reads the same in every language.

Once a survey has answers its questions' shape is fixed (no question added, removed, moved
or changed in kind, no choice added or removed): the answers would no longer mean what was
asked. Their wording may still be corrected or translated.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.locking import lock_rows
from app.core.templating import current_language
from app.events.models import Event
from app.events.translations import Shown
from app.events.translations import platform_languages
from app.events.translations import shown_in
from app.extensions import db
from app.feedback.services import csv_cell
from app.surveys.models import QuestionKind
from app.surveys.models import Survey
from app.surveys.models import SurveyAnswer
from app.surveys.models import SurveyQuestion
from app.surveys.models import SurveyRespondent
from app.surveys.models import SurveyStatus

MAX_TEXT = 2000
MAX_CHOICES = 12
# Below this many answers a question's answers are not shown as a distribution or a list:
# with one or two, an organiser who knows who answered could tell who said what.
MIN_SHOWN = 3
QUESTION_TEXTS = ("text", "choices", "low_label", "high_label")
LIMITS = {"title": 200, "text": 500, "choices": 2000, "low_label": 100, "high_label": 100}
WITH_CHOICES = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class SurveyError(Refusal):
    """A refused change or answer; the message is for the user."""


class SurveyConflict(SurveyError, Conflict):
    """Refused because the survey changed under the person: see ``Conflict``."""


class NotAParticipant(SurveyError):
    status = 403


# --- texts in four languages --------------------------------------------------------------

def original_language(row: Survey | SurveyQuestion) -> str:
    survey = row if isinstance(row, Survey) else row.survey
    return survey.event.language


def shown(row: Survey | SurveyQuestion, name: str, language: str | None = None) -> Shown:
    """``name`` of ``row`` in ``language`` (the reader's by default), else the original,
    marked as ``app.events.translations.translated`` does."""
    return shown_in(row, name, original_language(row), language)


def shown_choices(question: SurveyQuestion, language: str | None = None) -> list[Shown]:
    """The choices in the reader's language when translated, else the originals, marked."""
    original = question.choice_list
    language = language or current_language()
    given = _lines((question.translations or {}).get(language, {}).get("choices", ""))
    if language != original_language(question) and len(given) == len(original):
        return [Shown(text, language, False) for text in given]
    fallback = language != original_language(question)
    return [Shown(text, original_language(question), fallback) for text in original]


def texts_of(row: Survey | SurveyQuestion, names) -> dict[str, dict[str, str]]:
    """{language: {name: text}} for every platform language: what the forms start from."""
    original = original_language(row)
    return {language: {name: (getattr(row, name) or "") if language == original
                       else (row.translations or {}).get(language, {}).get(name, "")
                       for name in names}
            for language in platform_languages()}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _set_texts(row, texts: dict[str, dict[str, str]], names, original: str) -> None:
    """The original language into the columns (required), the others into ``translations``
    (an empty text leaves that translation out)."""
    for language in platform_languages():
        for name in names:
            value = (texts.get(language, {}).get(name) or "").strip()
            if len(value) > LIMITS[name]:
                raise SurveyError(_("Keep this text under %(n)d characters.", n=LIMITS[name]),
                                  field=f"{name}-{language}")
    kept: dict[str, dict[str, str]] = {}
    for language in platform_languages():
        given = {name: (texts.get(language, {}).get(name) or "").strip() for name in names}
        if language == original:
            for name, value in given.items():
                setattr(row, name, value)
        elif any(given.values()):
            kept[language] = {name: value for name, value in given.items() if value}
    row.translations = kept


# --- building ---------------------------------------------------------------------------

@dataclass
class QuestionInput:
    kind: QuestionKind
    # {language: {"text": ..., "choices": "one\nper line", "low_label": ..., "high_label": ...}}
    texts: dict[str, dict[str, str]]


def _lock_event(event: Event) -> None:
    """Building and answering a survey decide under its event's lock (the documented order
    has no survey rows: a survey is part of its event), so a question cannot change shape
    between a participant's page and their answer being counted."""
    lock_rows(Event, [event.id], keys_unchanged=True)


def create_survey(event: Event, texts: dict[str, dict[str, str]]) -> Survey:
    survey = Survey(event=event, status=SurveyStatus.DRAFT, translations={})
    _set_title(survey, texts, event.language)
    db.session.add(survey)
    db.session.flush()
    return survey


def rename_survey(survey: Survey, texts: dict[str, dict[str, str]]) -> Survey:
    _set_title(survey, texts, survey.event.language)
    db.session.flush()
    return survey


def _set_title(survey: Survey, texts: dict[str, dict[str, str]], original: str) -> None:
    """The title in every language given; one in the event's language is required."""
    _set_texts(survey, texts, ("title",), original)
    if not survey.title:
        raise SurveyError(_("Give the survey a title in the event's language."),
                          field=f"title-{original}")


def has_answers(survey: Survey) -> bool:
    return db.session.scalar(select(SurveyRespondent.user_id).where(
        SurveyRespondent.survey_id == survey.id).limit(1)) is not None


def _refuse_if_answered(survey: Survey) -> None:
    if has_answers(survey):
        raise SurveyConflict(_("People have already answered this survey: its questions can "
                               "no longer be added, removed, moved or given other choices. "
                               "You can still correct and translate their wording."))


def _check_question(kind: QuestionKind, texts, original: str) -> None:
    given = texts.get(original, {})
    if not (given.get("text") or "").strip():
        raise SurveyError(_("Write the question in the event's language."),
                          field=f"text-{original}")
    if kind in WITH_CHOICES:
        count = len(_lines(given.get("choices", "")))
        if not 2 <= count <= MAX_CHOICES:
            raise SurveyError(_("Give between 2 and %(n)d choices, one per line.",
                                n=MAX_CHOICES), field=f"choices-{original}")
        for language in platform_languages():
            lines = _lines(texts.get(language, {}).get("choices", ""))
            if language != original and lines and len(lines) != count:
                raise SurveyError(_("Translate every choice, one per line, in the same "
                                    "order: %(n)d lines.", n=count),
                                  field=f"choices-{language}")


def _names_for(kind: QuestionKind) -> tuple[str, ...]:
    if kind in WITH_CHOICES:
        return ("text", "choices")
    if kind == QuestionKind.RATING:
        return ("text", "low_label", "high_label")
    return ("text",)


def add_question(survey: Survey, data: QuestionInput) -> SurveyQuestion:
    _lock_event(survey.event)
    _refuse_if_answered(survey)
    original = survey.event.language
    _check_question(data.kind, data.texts, original)
    question = SurveyQuestion(survey=survey, kind=data.kind, position=len(survey.questions),
                              choices="", low_label="", high_label="", translations={})
    _set_texts(question, data.texts, _names_for(data.kind), original)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: SurveyQuestion, data: QuestionInput) -> SurveyQuestion:
    """New wording always; a new kind or another number of choices only before answers."""
    survey = question.survey
    _lock_event(survey.event)
    original = survey.event.language
    _check_question(data.kind, data.texts, original)
    new_count = len(_lines(data.texts.get(original, {}).get("choices", "")))
    if data.kind != question.kind or (data.kind in WITH_CHOICES
                                      and new_count != len(question.choice_list)):
        _refuse_if_answered(survey)
    question.kind = data.kind
    for name in QUESTION_TEXTS:
        setattr(question, name, "")
    _set_texts(question, data.texts, _names_for(data.kind), original)
    db.session.flush()
    return question


def move_question(question: SurveyQuestion, up: bool) -> None:
    survey = question.survey
    _lock_event(survey.event)
    _refuse_if_answered(survey)
    questions = list(survey.questions)
    at = questions.index(question)
    other = at - 1 if up else at + 1
    if 0 <= other < len(questions):
        questions[at], questions[other] = questions[other], questions[at]
    for position, each in enumerate(questions):
        each.position = position
    survey.questions[:] = questions  # the loaded list too, not only the next read
    db.session.flush()


def remove_question(question: SurveyQuestion) -> None:
    survey = question.survey
    _lock_event(survey.event)
    _refuse_if_answered(survey)
    survey.questions.remove(question)
    for position, each in enumerate(survey.questions):
        each.position = position
    db.session.flush()


def set_status(survey: Survey, status: SurveyStatus) -> Survey:
    """Draft -> open -> closed, and a closed survey may open again; never back to draft (it
    may hold answers)."""
    _lock_event(survey.event)
    if status == survey.status:
        raise SurveyConflict(_("This survey is already open.") if status == SurveyStatus.OPEN
                             else _("This survey is already closed."))
    if status == SurveyStatus.CLOSED and survey.status == SurveyStatus.DRAFT:
        raise SurveyConflict(_("A draft cannot be closed: open it first."))
    if status == SurveyStatus.OPEN and not survey.questions:
        raise SurveyError(_("Add at least one question before opening the survey."))
    survey.status = status
    db.session.flush()
    return survey


# --- answering --------------------------------------------------------------------------

def has_answered(survey: Survey, user: User) -> bool:
    return db.session.get(SurveyRespondent, (survey.id, user.id)) is not None


def check_may_answer(survey: Survey, user: User) -> None:
    from app.registrations.services import is_confirmed  # registrations builds on events

    if survey.status != SurveyStatus.OPEN:
        raise SurveyConflict(_("This survey is not open for answers."))
    if not is_confirmed(survey.event, user):
        raise NotAParticipant(_("Only confirmed participants of this event can answer "
                                "this survey."))
    if has_answered(survey, user):
        raise SurveyConflict(_("You have already answered this survey. Thank you!"))


@dataclass
class Answer:
    """What a person gave for one question: ``rating``, ``chosen`` positions or ``text``."""

    rating: int | None = None
    chosen: list[int] = field(default_factory=list)
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.rating is None and not self.chosen and not self.text.strip()


def _checked(question: SurveyQuestion, answer: Answer) -> SurveyAnswer:
    count = len(question.choice_list)
    if question.kind == QuestionKind.RATING:
        if answer.rating is None or not 1 <= answer.rating <= 5:
            raise SurveyError(_("Ratings go from 1 to 5."), field=f"q{question.id}")
        return SurveyAnswer(question_id=question.id, rating=answer.rating)
    if question.kind in WITH_CHOICES:
        chosen = sorted(set(answer.chosen))
        if not chosen or any(not 0 <= at < count for at in chosen) or \
                (question.kind == QuestionKind.SINGLE and len(chosen) > 1):
            raise SurveyError(_("Pick from the choices given."), field=f"q{question.id}")
        return SurveyAnswer(question_id=question.id, chosen=chosen)
    if len(answer.text) > MAX_TEXT:
        raise SurveyError(_("Keep each answer under %(n)d characters.", n=MAX_TEXT),
                          field=f"q{question.id}")
    return SurveyAnswer(question_id=question.id, text=answer.text.strip())


def submit_answers(survey: Survey, user: User, answers: dict[int, Answer],
                   is_anonymous: bool = False) -> None:
    """Store the answers (every question optional), and the marker that this person has
    answered. The marker is a primary key: two tabs sending at once, the second is
    refused."""
    _lock_event(survey.event)
    db.session.refresh(survey)
    check_may_answer(survey, user)
    by_id = {question.id: question for question in survey.questions}
    if set(answers) - set(by_id):
        raise SurveyConflict(_("The survey's questions have changed: reload the page."))
    rows = [_checked(by_id[qid], answer) for qid, answer in answers.items()
            if not answer.is_empty]
    if not rows:
        raise SurveyError(_("Answer at least one question before sending."))
    try:
        with db.session.begin_nested():
            db.session.add(SurveyRespondent(survey_id=survey.id, user_id=user.id))
    except IntegrityError:
        raise SurveyConflict(_("You have already answered this survey. Thank you!")) from None
    author = None if is_anonymous else user.id
    for row in rows:
        row.user_id = author
        db.session.add(row)
    db.session.flush()


# --- results ----------------------------------------------------------------------------

@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    # Rating: [(1, n), ... (5, n)]; choices: [(choice, n)]; None while too few to show.
    distribution: list[tuple] | None = None
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def is_withheld(self) -> bool:
        return 0 < self.count < MIN_SHOWN


def respondents(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyRespondent).where(
        SurveyRespondent.survey_id == survey.id)) or 0


def _stable_order(text: str) -> str:
    """Text answers in an order that is neither who sent first nor who wrote what: by a hash
    of the words, the same on every reload."""
    return hashlib.sha256(text.encode()).hexdigest()


def results(survey: Survey, language: str | None = None) -> list[QuestionResult]:
    """Per question, without names: a rating's distribution and mean, each choice's count,
    the text answers in a stable shuffled order. Nothing but the count while fewer than
    ``MIN_SHOWN`` answered. Two queries."""
    rows = {question.id: QuestionResult(question) for question in survey.questions}
    answers = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.rating, SurveyAnswer.chosen,
               SurveyAnswer.text).where(SurveyAnswer.question_id.in_(rows)))
    gathered: dict[int, list] = {qid: [] for qid in rows}
    for qid, rating, chosen, text in answers:
        gathered[qid].append((rating, chosen, text))
    for qid, result in rows.items():
        given = gathered[qid]
        result.count = len(given)
        if result.count < MIN_SHOWN:
            continue
        question = result.question
        if question.kind == QuestionKind.RATING:
            ratings = [rating for rating, _chosen, _text in given]
            result.distribution = [(value, ratings.count(value)) for value in range(1, 6)]
            result.mean = round(sum(ratings) / len(ratings), 1)
        elif question.kind in WITH_CHOICES:
            counts = [0] * len(question.choice_list)
            for _rating, chosen, _text in given:
                for at in chosen or []:
                    if at < len(counts):
                        counts[at] += 1
            result.distribution = list(zip(shown_choices(question, language), counts,
                                           strict=True))
        else:
            result.texts = sorted((text for _r, _c, text in given if text), key=_stable_order)
    return list(rows.values())


def results_csv(survey: Survey, rows: list[QuestionResult]) -> str:
    """One line per figure or text answer, by question: never a name, an id or a time."""
    out = io.StringIO()
    out.write("\ufeff")  # UTF-8 with a byte-order mark: spreadsheets then read every script
    writer = csv.writer(out)
    writer.writerow([_("Question"), _("Answers"), _("Answer"), _("Count")])
    for row in rows:
        title = shown(row.question, "text").text
        lines = [[title, row.count, "", ""]]
        if row.is_withheld:
            lines.append([title, "", _("fewer than 3 answers"), ""])
        elif row.question.kind == QuestionKind.RATING and row.distribution:
            lines += [[title, "", value, count] for value, count in row.distribution]
            lines.append([title, "", _("Mean"), row.mean])
        elif row.distribution:
            lines += [[title, "", str(choice), count] for choice, count in row.distribution]
        lines += [[title, "", text, ""] for text in row.texts]
        writer.writerows([[csv_cell(value) for value in line] for line in lines])
    return out.getvalue()


# --- the event's surveys, the standard feedback among them ------------------------------

@dataclass
class SurveyEntry:
    """A survey as an event's list shows it: the standard feedback survey or a built one."""

    title: Shown | str
    survey: Survey | None  # None: the standard feedback survey
    is_open: bool
    respondents: int


def event_surveys(event: Event) -> list[SurveyEntry]:
    """The standard feedback survey first (open once the event is over), then the built ones
    in the order they were made."""
    from app.feedback import services as feedback

    entries = [SurveyEntry(_("Standard feedback survey"), None, feedback.is_over(event),
                           feedback.respondents(event))]
    built = db.session.scalars(select(Survey).where(Survey.event_id == event.id)
                               .order_by(Survey.id))
    entries += [SurveyEntry(shown(survey, "title"), survey,
                            survey.status == SurveyStatus.OPEN, respondents(survey))
                for survey in built]
    return entries


def open_surveys(event: Event) -> list[Survey]:
    """What the event page offers its participants."""
    return list(db.session.scalars(select(Survey).where(
        Survey.event_id == event.id, Survey.status == SurveyStatus.OPEN).order_by(Survey.id)))
