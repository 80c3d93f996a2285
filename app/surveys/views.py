"""Survey pages: the organisers' list, builder, preview and results; the participants'
answer page. Thin: the rules are in ``services``."""

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import organiser_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.core.templating import add_template_globals
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db
from app.surveys import forms
from app.surveys import services
from app.surveys.blueprint import bp
from app.surveys.models import QuestionKind
from app.surveys.models import Survey
from app.surveys.models import SurveyQuestion
from app.surveys.models import SurveyStatus


@bp.record_once
def register_panel_globals(state):
    # The event page (events feature) offers open surveys without importing this feature.
    add_template_globals(state.app, open_surveys=services.open_surveys,
                         survey_text=services.shown)


def _survey(event_id, survey_id):
    event = visible_event_or_404(event_id, current_user)
    return event, part_of_event_or_404(Survey, survey_id, event)


def _question(survey, question_id) -> SurveyQuestion:
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _builder(survey):
    return redirect(url_for("surveys.build", event_id=survey.event_id, survey_id=survey.id))


def _then_builder(said: str, survey: Survey | None = None):
    """``done`` of a builder's form: ``said``, then the builder of ``survey`` (by default
    of the survey the change returned: a new one has no page before)."""
    def done(result):
        flash(said, "success")
        return _builder(survey or result)

    return done


def _button(survey, change, said: str):
    """A one-button change of the builder (move, remove, open, close): ``said``, or the
    refusal at the top (undone); the builder again either way."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change()
    except services.SurveyError as error:
        flash_refusal(error)
    else:
        flash(said, "success")
    return _builder(survey)


@bp.route("/events/<int:event_id>/surveys", methods=["GET", "POST"])
@organiser_required
def index(event_id):
    event = visible_event_or_404(event_id, current_user)
    form = forms.survey_form(event)

    def show(status):
        return render_template("surveys/index.html", event=event, form=form,
                               entries=services.event_surveys(event)), status

    return submit_form(form, lambda: services.create_survey(
        event, forms.texts_given(form, event, ("title",))), show=show,
        done=_then_builder(_("Survey created. Now add its questions.")))


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>", methods=["GET", "POST"])
@organiser_required
def build(event_id, survey_id):
    event, survey = _survey(event_id, survey_id)
    form = forms.survey_form(event, survey)

    def show(status):
        return render_template("surveys/build.html", event=event, survey=survey, form=form,
                               button=EmptyForm(), answered=services.has_answers(survey),
                               respondents=services.respondents(survey)), status

    return submit_form(form, lambda: services.rename_survey(
        survey, forms.texts_given(form, event, ("title",))), show=show,
        done=_then_builder(_("Saved."), survey))


def _question_page(event, survey, question):
    form = forms.question_form(event, question)

    def show(status):
        return render_template("surveys/question.html", event=event, survey=survey,
                               question=question, form=form,
                               languages=forms.language_labels(event)), status

    def change():
        data = services.QuestionInput(
            kind=QuestionKind(form.kind.data),
            texts=forms.texts_given(form, event, services.QUESTION_TEXTS))
        if question is None:
            return services.add_question(survey, data)
        return services.update_question(question, data)

    return submit_form(form, change, show=show,
                       done=_then_builder(_("Question saved."), survey))


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/questions/new",
          methods=["GET", "POST"])
@organiser_required
def add_question(event_id, survey_id):
    event, survey = _survey(event_id, survey_id)
    return _question_page(event, survey, None)


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/questions/<int:question_id>",
          methods=["GET", "POST"])
@organiser_required
def edit_question(event_id, survey_id, question_id):
    event, survey = _survey(event_id, survey_id)
    return _question_page(event, survey, _question(survey, question_id))


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/questions/<int:question_id>/"
          "<any(up, down, remove):move>", methods=["POST"])
@organiser_required
def change_question(event_id, survey_id, question_id, move):
    _event, survey = _survey(event_id, survey_id)
    question = _question(survey, question_id)
    if move == "remove":
        return _button(survey, lambda: services.remove_question(question),
                       _("Question removed."))
    return _button(survey, lambda: services.move_question(question, up=move == "up"),
                   _("Saved."))


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/<any(open, close):change>",
          methods=["POST"])
@organiser_required
def set_status(event_id, survey_id, change):
    _event, survey = _survey(event_id, survey_id)
    if change == "open":
        return _button(survey, lambda: services.set_status(survey, SurveyStatus.OPEN),
                       _("The survey is open: confirmed participants can answer it on the "
                         "event page."))
    return _button(survey, lambda: services.set_status(survey, SurveyStatus.CLOSED),
                   _("The survey is closed."))


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/preview")
@organiser_required
def preview(event_id, survey_id):
    event, survey = _survey(event_id, survey_id)
    return render_template("surveys/answer.html", event=event, survey=survey,
                           form=forms.answer_form(survey), preview=True)


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@signed_in
def answer(event_id, survey_id):
    event, survey = _survey(event_id, survey_id)
    if survey.status == SurveyStatus.DRAFT and not current_user.is_organiser:
        abort(404)  # a draft is the organisers' alone, as if it did not exist
    try:
        services.check_may_answer(survey, current_user)
    except services.SurveyError as error:
        # Looking is fine (the page says why there is no form); sending is refused.
        return render_template("surveys/answer.html", event=event, survey=survey,
                               refused=str(error)), \
            200 if request.method == "GET" else error.status
    form = forms.answer_form(survey)

    def show(status):
        return render_template("surveys/answer.html", event=event, survey=survey,
                               form=form), status

    def done(_result):
        flash(_("Thank you for your answers."), "success")
        return redirect(url_for("events.show_event", event_id=event.id))

    return submit_form(form, lambda: services.submit_answers(
        survey, current_user, forms.answers_given(form, survey), form.is_anonymous.data),
        show=show, done=done)


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/results")
@organiser_required
def results(event_id, survey_id):
    event, survey = _survey(event_id, survey_id)
    return render_template("surveys/results.html", event=event, survey=survey,
                           rows=services.results(survey),
                           respondents=services.respondents(survey),
                           min_shown=services.MIN_SHOWN)


@bp.route("/events/<int:event_id>/surveys/<int:survey_id>/results.csv")
@organiser_required
def results_csv(event_id, survey_id):
    _event, survey = _survey(event_id, survey_id)
    text = services.results_csv(survey, services.results(survey))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="survey-{survey.id}-results.csv"',
        "Cache-Control": "no-store",
    })
