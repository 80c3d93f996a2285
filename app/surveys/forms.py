"""The builder's forms (a text box per platform language, the event's own first and
required) and the answer form (one field per question, in the reader's language)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import as_choices
from app.core.i18n import language_name
from app.core.templating import current_locale
from app.events.translations import platform_languages
from app.surveys import services
from app.surveys.models import QuestionKind

KINDS = as_choices([(QuestionKind.RATING.value, _l("Rating from 1 to 5")),
                    (QuestionKind.SINGLE.value, _l("One choice")),
                    (QuestionKind.MULTIPLE.value, _l("Several choices")),
                    (QuestionKind.TEXT.value, _l("Written answer"))])
LABELS = {"title": _l("Title"), "text": _l("Question"),
          "choices": _l("Choices, one per line"),
          "low_label": _l("What 1 means"), "high_label": _l("What 5 means")}


def languages_for(event) -> list[str]:
    """The event's language first (required), then the platform's others."""
    return [event.language, *(code for code in platform_languages() if code != event.language)]


def language_labels(event) -> list[tuple[str, str]]:
    """(code, name in the page's language), the event's language first."""
    return [(code, language_name(code, current_locale())) for code in languages_for(event)]


def _text_fields(form_class, event, names, kept: dict) -> None:
    for language in languages_for(event):
        for name in names:
            required = language == event.language and name in ("title", "text")
            label = _("%(text)s in %(language)s", text=LABELS[name],
                      language=language_name(language, current_locale()))
            kind = TextAreaField if name == "choices" else StringField
            setattr(form_class, f"{name}-{language}", kind(
                label, default=kept.get(language, {}).get(name, ""),
                render_kw={"lang": language},  # a screen reader reads it in its language
                validators=[InputRequired() if required else Optional(),
                            Length(max=services.LIMITS[name])],
                description=_("Optional: without it, readers get the %(language)s text, "
                              "marked.", language=language_name(event.language,
                                                                current_locale()))
                if language != event.language and name != "choices" else None))


def texts_given(form, event, names) -> dict[str, dict[str, str]]:
    return {language: {name: form[f"{name}-{language}"].data or "" for name in names}
            for language in languages_for(event)}


def survey_form(event, survey=None, **kwargs) -> Form:
    class SurveyForm(Form):
        submit = SubmitField(_l("Save survey") if survey else _l("Create survey"))

    _text_fields(SurveyForm, event, ("title",),
                 services.texts_of(survey, ("title",)) if survey else {})
    return SurveyForm(**kwargs)


def question_form(event, question=None, **kwargs) -> Form:
    class QuestionForm(Form):
        kind = RadioField(_l("Kind of question"), choices=KINDS, validators=[InputRequired()],
                          default=question.kind.value if question else None)
        submit = SubmitField(_l("Save question"))

    _text_fields(QuestionForm, event, services.QUESTION_TEXTS,
                 services.texts_of(question, services.QUESTION_TEXTS) if question else {})
    return QuestionForm(**kwargs)


def rating_choices(question) -> list:
    """1 to 5, the ends labelled with the organiser's words when given (an untranslated one
    marked, as every fallback is)."""
    ends = {1: services.shown(question, "low_label"), 5: services.shown(question, "high_label")}
    return as_choices([(str(value), Markup("{n} – ").format(n=value) + ends[value]
                        if ends.get(value) else str(value)) for value in range(1, 6)])


def answer_form(survey, **kwargs) -> Form:
    """Every question optional, its field named ``q<id>`` (what a refusal names)."""

    class AnswerForm(Form):
        is_anonymous = BooleanField(_l("Send anonymously: nothing links my answers to me, not "
                                       "even for the organisers."))
        submit = SubmitField(_l("Send answers"))

    for question in survey.questions:
        label = services.shown(question, "text")
        choices = as_choices([(str(at), text) for at, text in
                              enumerate(services.shown_choices(question))])
        if question.kind == QuestionKind.RATING:
            unbound = RadioField(label, choices=rating_choices(question),
                                 validators=[Optional()])
        elif question.kind == QuestionKind.SINGLE:
            unbound = RadioField(label, choices=choices, validators=[Optional()])
        elif question.kind == QuestionKind.MULTIPLE:
            unbound = CheckboxListField(label, choices=choices, validators=[Optional()])
        else:
            unbound = TextAreaField(label, validators=[Optional(),
                                                       Length(max=services.MAX_TEXT)])
        setattr(AnswerForm, f"q{question.id}", unbound)
    return AnswerForm(**kwargs)


def answers_given(form, survey) -> dict[int, services.Answer]:
    given = {}
    for question in survey.questions:
        data = form[f"q{question.id}"].data
        if question.kind == QuestionKind.RATING:
            given[question.id] = services.Answer(rating=int(data) if data else None)
        elif question.kind == QuestionKind.SINGLE:
            given[question.id] = services.Answer(chosen=[int(data)] if data else [])
        elif question.kind == QuestionKind.MULTIPLE:
            given[question.id] = services.Answer(chosen=[int(at) for at in data or []])
        else:
            given[question.id] = services.Answer(text=data or "")
    return given
