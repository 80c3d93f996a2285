from dataclasses import asdict
from dataclasses import fields

from babel.dates import format_date
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.auth.models import User
from app.core import visibility
from app.core.access import organiser_required
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.core.i18n import LANGUAGE_NAMES
from app.core.i18n import formatting_locale
from app.core.i18n import select_timezone
from app.core.templating import current_language
from app.core.templating import current_locale
from app.core.time import now_utc
from app.core.time import to_zone
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db
from app.planning import exports
from app.planning import services
from app.planning.blueprint import bp
from app.planning.forms import CandidateForm
from app.planning.forms import LetterSettingsForm
from app.planning.forms import TaskForm
from app.planning.models import HostCandidate
from app.planning.models import PlanningTask
from app.registrations.services import quotas


@bp.app_template_filter("long_date")
def long_date(day):
    """'22 June 2027': a date as a letter writes it, in the language being rendered."""
    return format_date(day, format="long", locale=current_locale())


def _forms(event) -> dict:
    task = TaskForm(prefix="task")
    organisers = db.session.execute(select(User.id, User.display_name)
                                    .where(User.is_organiser).order_by(User.display_name))
    task.owner.choices = as_choices([("", _("Nobody yet")),
                                     *((str(uid), name) for uid, name in organisers)])
    # Shown as the letters will read them: the event's own details, else the defaults.
    letter = LetterSettingsForm(prefix="letter", data=asdict(services.letter_details(event)))
    return {"candidate": CandidateForm(prefix="candidate"), "task": task, "letter": letter}


@bp.route("/events/<int:event_id>/planning")
@organiser_required
def workspace(event_id):
    event = visible_event_or_404(event_id, current_user)
    return _workspace(event, _forms(event))


def _workspace(event, forms, status=200):
    """The planning page; a refused form comes back marked, with what was typed."""
    checks = [(c, services.holiday_clashes(c.start_date, c.end_date),
               services.meeting_clashes(c.start_date, c.end_date, excluding=event.id))
              for c in services.candidates(event)]
    return render_template(
        "planning/workspace.html", event=event, checks=checks, tasks=services.tasks(event),
        today=services.today_in(event), is_overdue=services.is_overdue,
        quotas=quotas(event), candidate_form=forms["candidate"], task_form=forms["task"],
        letter_form=forms["letter"], action_form=EmptyForm()), status


def _back(event, anchor=None):
    return redirect(url_for("planning.workspace", event_id=event.id, _anchor=anchor))


def _refused(event, error):
    flash_refusal(error)
    return _back(event), 303


def _submit(event_id, name, change, *, saved=None, anchor=None):
    """The planning page's forms post here: ``change(event, form)`` applied and back to the
    page (saying ``saved``), or the page again with form ``name`` marked."""
    event = visible_event_or_404(event_id, current_user)
    forms = _forms(event)
    form = forms[name]

    def done(_result):
        if saved:
            flash(saved, "success")
        return _back(event, anchor)

    return submit_form(form, lambda: change(event, form),
                       show=lambda status: _workspace(event, forms, status), done=done)


@bp.route("/events/<int:event_id>/planning/candidates", methods=["POST"])
@organiser_required
def add_candidate(event_id):
    return _submit(event_id, "candidate", lambda event, form: services.add_candidate(
        event, form.country.data, form.venue.data, form.start_date.data, form.end_date.data,
        form.notes.data or ""))


@bp.route("/events/<int:event_id>/planning/candidates/<int:candidate_id>/choose",
          methods=["POST"])
@organiser_required
def choose_candidate(event_id, candidate_id):
    event = visible_event_or_404(event_id, current_user)
    candidate = part_of_event_or_404(HostCandidate, candidate_id, event)
    try:
        services.choose_candidate(event, candidate)
    except services.PlanningError as error:
        return _refused(event, error)
    flash(_("The host, venue and dates are set."), "success")
    return _back(event)


@bp.route("/events/<int:event_id>/planning/candidates/<int:candidate_id>/delete",
          methods=["POST"])
@organiser_required
def delete_candidate(event_id, candidate_id):
    event = visible_event_or_404(event_id, current_user)
    db.session.delete(part_of_event_or_404(HostCandidate, candidate_id, event))
    return _back(event)


@bp.route("/events/<int:event_id>/planning/tasks", methods=["POST"])
@organiser_required
def add_task(event_id):
    return _submit(event_id, "task", lambda event, form: services.add_task(
        event, form.title.data, int(form.owner.data) if form.owner.data else None,
        form.due_date.data))


@bp.route("/events/<int:event_id>/planning/letters", methods=["POST"])
@organiser_required
def save_letter_settings(event_id):
    def save(event, form):
        services.save_letter_settings(event, services.LetterDetails(
            **{f.name: form[f.name].data or "" for f in fields(services.LetterDetails)}))

    return _submit(event_id, "letter", save, saved=_("The visa letter details are saved."),
                   anchor="letters")


@bp.route("/events/<int:event_id>/planning/tasks/<int:task_id>/toggle", methods=["POST"])
@organiser_required
def toggle_task(event_id, task_id):
    event = visible_event_or_404(event_id, current_user)
    services.toggle_task(part_of_event_or_404(PlanningTask, task_id, event))
    return _back(event)


LISTS = {
    "manifest": (services.manifest, exports.manifest_csv),
    "rooming": (services.rooming, exports.rooming_csv),
    "badges": (services.badges, exports.badges_csv),
}


@bp.route("/events/<int:event_id>/logistics/<any(manifest, rooming, badges, needs):kind>")
@organiser_required
def logistics(event_id, kind):
    event = visible_event_or_404(event_id, current_user)
    if kind == "needs":
        dietary, access, people = services.needs_summary(event)
        return render_template("planning/needs.html", event=event, dietary=dietary,
                               access=access, people=people)
    rows = LISTS[kind][0](event)
    return render_template(f"planning/{kind}.html", event=event, rows=rows,
                           nights=services.nights)


@bp.route("/events/<int:event_id>/logistics/<any(manifest, rooming, badges):kind>.csv")
@organiser_required
def logistics_csv(event_id, kind):
    event = visible_event_or_404(event_id, current_user)
    build, export = LISTS[kind]
    return Response(export(build(event)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-{kind}.csv"',
        "Cache-Control": "no-store"})


@bp.route("/events/<int:event_id>/letters/<int:registration_id>")
@organiser_required
def letter(event_id, registration_id):
    """A visa invitation letter to print, in the language asked for (``?lang=``: an embassy
    may want English whatever the organiser reads), dated today where the organiser is."""
    event = visible_event_or_404(event_id, current_user)
    language = request.args.get("lang", current_language())
    if language not in LANGUAGE_NAMES:
        abort(404)
    # Written from the host country: an English letter for Jakarta dates "22 June 2027".
    letter_locale = formatting_locale(language, event.host_country_code)
    issued = to_zone(now_utc(), select_timezone()).date()
    try:
        letter = services.visa_letter(event, registration_id, issued, current_locale())
    except services.LetterIncomplete as error:
        return render_template("planning/letter_incomplete.html", event=event,
                               missing=error.missing), error.status
    except services.PlanningError as error:
        abort(error.status if error.status != 400 else 404, description=str(error))
    if not visibility.can_see_travel_documents(current_user, letter.registration.user):
        abort(403)  # organiser_required already: the rule is said once more where it matters
    with force_locale(letter_locale):
        # HTML that our own autoescaped template made: it goes into the page as it is.
        body = Markup(render_template(  # noqa: S704
            "planning/_letter.html", letter=letter, event=event,
            registration=letter.registration, details=letter.details,
            letter_language=language))
    return render_template("planning/letter.html", event=event, letter=letter, body=body,
                           letter_language=language)
