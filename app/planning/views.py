from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import User
from app.core.access import organiser_required
from app.core.forms import EmptyForm, as_choices, country_choices, refuse
from app.events.services import visible_event_or_404
from app.extensions import db
from app.planning import exports, services
from app.planning.blueprint import bp
from app.planning.forms import CandidateForm, TaskForm
from app.planning.models import HostCandidate, PlanningTask
from app.registrations.services import quotas


def _forms():
    candidate = CandidateForm(prefix="candidate")
    candidate.country.choices = as_choices(country_choices())
    task = TaskForm(prefix="task")
    organisers = db.session.execute(select(User.id, User.display_name)
                                    .where(User.is_organiser).order_by(User.display_name))
    task.owner.choices = as_choices([("", _("Nobody yet")),
                                     *((str(uid), name) for uid, name in organisers)])
    return candidate, task


@bp.route("/events/<int:event_id>/planning")
@organiser_required
def workspace(event_id):
    return _workspace(visible_event_or_404(event_id, current_user), *_forms())


def _workspace(event, candidate_form, task_form, status=200):
    """The planning page; a refused add form comes back marked, with what was typed."""
    checks = [(c, services.holiday_clashes(c.start_date, c.end_date),
               services.meeting_clashes(c.start_date, c.end_date, excluding=event.id))
              for c in services.candidates(event)]
    return render_template(
        "planning/workspace.html", event=event, checks=checks, tasks=services.tasks(event),
        today=services.today_in(event), is_overdue=services.is_overdue,
        quotas=quotas(event), candidate_form=candidate_form, task_form=task_form,
        action_form=EmptyForm()), status


def _back(event):
    return redirect(url_for("planning.workspace", event_id=event.id))


def _refused(event, error):
    db.session.rollback()
    flash(str(error), "error")
    return _back(event), 303


def _refused_form(event, forms, form, error=None):
    """The planning page again, ``form`` (one of ``forms``) marked: by its own validation, or
    by ``error``, a rule's refusal shown beside its field."""
    db.session.rollback()
    if error is not None:
        refuse(form, str(error), error.field)
    return _workspace(event, *forms, status=error.status if error is not None else 400)


@bp.route("/events/<int:event_id>/planning/candidates", methods=["POST"])
@organiser_required
def add_candidate(event_id):
    event = visible_event_or_404(event_id, current_user)
    forms = _forms()
    form = forms[0]
    if not form.validate_on_submit():
        return _refused_form(event, forms, form)
    try:
        services.add_candidate(event, form.country.data, form.venue.data,
                               form.start_date.data, form.end_date.data, form.notes.data or "")
    except services.PlanningError as error:
        return _refused_form(event, forms, form, error)
    db.session.commit()
    return _back(event)


def _candidate_or_404(event, candidate_id) -> HostCandidate:
    candidate = db.session.get(HostCandidate, candidate_id)
    if candidate is None or candidate.event_id != event.id:
        abort(404)
    return candidate


@bp.route("/events/<int:event_id>/planning/candidates/<int:candidate_id>/choose",
          methods=["POST"])
@organiser_required
def choose_candidate(event_id, candidate_id):
    event = visible_event_or_404(event_id, current_user)
    candidate = _candidate_or_404(event, candidate_id)
    try:
        services.choose_candidate(event, candidate)
    except services.PlanningError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("The host, venue and dates are set."), "success")
    return _back(event)


@bp.route("/events/<int:event_id>/planning/candidates/<int:candidate_id>/delete",
          methods=["POST"])
@organiser_required
def delete_candidate(event_id, candidate_id):
    event = visible_event_or_404(event_id, current_user)
    db.session.delete(_candidate_or_404(event, candidate_id))
    db.session.commit()
    return _back(event)


@bp.route("/events/<int:event_id>/planning/tasks", methods=["POST"])
@organiser_required
def add_task(event_id):
    event = visible_event_or_404(event_id, current_user)
    forms = _forms()
    form = forms[1]
    if not form.validate_on_submit():
        return _refused_form(event, forms, form)
    owner = int(form.owner.data) if form.owner.data else None
    try:
        services.add_task(event, form.title.data, owner, form.due_date.data)
    except services.PlanningError as error:
        return _refused_form(event, forms, form, error)
    db.session.commit()
    return _back(event)


@bp.route("/events/<int:event_id>/planning/tasks/<int:task_id>/toggle", methods=["POST"])
@organiser_required
def toggle_task(event_id, task_id):
    event = visible_event_or_404(event_id, current_user)
    task = db.session.get(PlanningTask, task_id)
    if task is None or task.event_id != event.id:
        abort(404)
    services.toggle_task(task)
    db.session.commit()
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
    event = visible_event_or_404(event_id, current_user)
    try:
        registration = services.letter_registration(event, registration_id)
    except services.PlanningError as error:
        abort(error.status if error.status != 400 else 404, description=str(error))
    return render_template("planning/letter.html", event=event, registration=registration)
