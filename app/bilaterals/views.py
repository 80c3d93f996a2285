from datetime import datetime

from babel.dates import format_time
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bilaterals import labels
from app.bilaterals import outcomes
from app.bilaterals import services
from app.bilaterals.blueprint import bp
from app.bilaterals.forms import ActionForm
from app.bilaterals.forms import AskForm
from app.bilaterals.forms import CallForm
from app.bilaterals.forms import NotesForm
from app.bilaterals.forms import PickForm
from app.bilaterals.forms import poll_form
from app.bilaterals.models import Answer
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallAction
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallRequest
from app.bilaterals.models import CallStatus
from app.core.access import Role
from app.core.access import organiser_required
from app.core.access import roles_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import country_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse_change
from app.core.i18n import country_name
from app.core.i18n import language_name
from app.core.i18n import select_timezone
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.core.templating import viewer_buddhist_era
from app.core.templating import viewer_zone_label
from app.core.time import fmt_skeleton
from app.core.time import to_zone
from app.core.visibility import Seen
from app.core.visibility import visible_name
from app.core.web import is_local_path
from app.events.display import city_name
from app.events.display import time_range
from app.events.models import Event
from app.extensions import db

INTERPRETATION_PAIRS = ("th-en", "id-en", "ms-en", "th-id", "th-ms", "id-ms")


@bp.record_once
def register_label_globals(state):
    add_template_globals(state.app, answer_label=labels.ANSWERS.get,
                         call_status_label=labels.CALL_STATUSES.get,
                         call_action_owner=owner_label)
    state.app.jinja_env.filters["slot_when"] = slot_when


def slot_when(instant: datetime) -> str:
    """'Mon, 21 Dec 2026, 13:30' in the reader's zone and language: a poll's slots are read
    against a week of work, so each names its weekday."""
    zone, locale = select_timezone(), current_locale()
    local = to_zone(instant, zone)
    return (f"{fmt_skeleton(local, 'yMMMEd', locale, viewer_buddhist_era())}, "
            f"{format_time(local, format='short', locale=locale)}")


def _fail(error: services.BilateralError, template: str | None = None, **context):
    """Nothing of a refused change is kept; the reason is shown with the right status: in the
    error summary of the page's ``form`` (beside the field the error names, if any), else as
    a message."""
    form = context.get("form")
    if form is not None:
        refuse_change(form, error)
    else:
        flash_refusal(error)
    if template:
        return render_template(template, **context), error.status
    return None


# --- calls --------------------------------------------------------------------------------

def _call_or_404(call_id: int) -> BilateralCall:
    """Organisers see every call; an invitee sees theirs; anyone else learns nothing."""
    call = db.session.scalar(
        select(BilateralCall).where(BilateralCall.id == call_id).options(
            selectinload(BilateralCall.invitees).joinedload(CallInvitee.user),
            selectinload(BilateralCall.slots)))
    if call is None or not (current_user.is_organiser or services.is_invited(call,
                                                                              current_user)):
        abort(404)
    return call


@bp.route("/bilaterals")
@signed_in
def list_calls():
    requests = services.open_requests() if current_user.is_organiser else []
    return render_template("bilaterals/list.html", calls=services.calls_for(current_user),
                           requests=requests, my_actions=outcomes.open_actions_of(current_user),
                           mark_form=EmptyForm())


@bp.route("/bilaterals/ask", methods=["GET", "POST"])
@roles_required(Role.PARTICIPANT, Role.ORGANISER)
def ask_for_call():
    form = AskForm()
    form.country.choices = as_choices(
        (code, name) for code, name in country_choices() if code != current_user.country_code)
    status = 200
    if form.validate_on_submit():
        try:
            services.ask_for_call(current_user, form.country.data, form.topic.data,
                                  form.note.data or "")
        except services.BilateralError as error:
            _fail(error, form=form)
            status = error.status
        else:
            flash(_("Thank you: the organisers have your request and will propose times."),
                  "success")
            return redirect(url_for("bilaterals.list_calls"))
    elif form.errors:
        status = 422
    return render_template("bilaterals/ask.html", form=form), status


def _prepare_call_form(form: CallForm, pair: tuple[str | None, str | None]) -> list[tuple]:
    """Fill the form's choices; the invitees offered are the two countries' delegates, then
    organisers and interpreters. Returns the groups as (legend, values, is a delegation)."""
    locale = current_locale()
    form.follow_up_event.choices = as_choices(
        [("", _("None")), *((str(e.id), e.title) for e in db.session.scalars(
            select(Event).order_by(Event.start_date.desc())))])
    groups = services.invitable(*pair)
    form.invitees.choices = as_choices(
        (str(u.id), f"{u.display_name} · {viewer_zone_label(u.timezone)}")
        for group in groups for u in group.people)
    form.interpretation.choices = as_choices(
        [("", _("None needed")), *((pair, "–".join(language_name(code, locale)
                                                    for code in pair.split("-")))
                                   for pair in INTERPRETATION_PAIRS)])
    legends = {"organiser": _("Organisers"), "interpreter": _("Interpreters")}
    return [(_("Delegation of %(country)s", country=country_name(group.country, locale))
             if group.country else legends[group.role],
             [str(u.id) for u in group.people], group.country is not None)
            for group in groups]


def _tick_delegates(form: CallForm, groups: list[tuple]) -> None:
    """Both delegations ticked, plus whoever else the organiser already ticked."""
    ticked = set(form.invitees.data or [])
    delegates = {value for _legend, values, delegation in groups if delegation
                 for value in values}
    form.invitees.data = [value for _legend, values, _d in groups for value in values
                          if value in ticked or value in delegates]


@bp.route("/bilaterals/new", methods=["GET", "POST"])
@organiser_required
def create_call():
    form = CallForm(timezone=current_user.timezone)
    asked = request.args.get("request", type=int)
    if request.method == "GET":
        call_request = db.session.get(CallRequest, asked) if asked else None
        if call_request is not None:
            form.country_a.data, form.country_b.data = (call_request.country_a,
                                                        call_request.country_b)
            form.topic.data = call_request.topic
        else:
            form.country_a.data = request.args.get("country_a") or form.country_a.data
            form.country_b.data = request.args.get("country_b") or form.country_b.data
    pair = (form.country_a.data or None, form.country_b.data or None)
    groups = _prepare_call_form(form, pair)
    if request.method == "GET" or form.show_delegates.data:
        if all(pair):
            _tick_delegates(form, groups)
        return render_template("bilaterals/call_form.html", form=form, groups=groups,
                               pair=pair)
    if not form.validate_on_submit():
        return render_template("bilaterals/call_form.html", form=form, groups=groups,
                               pair=pair), 422
    data = services.CallInput(
        country_a=form.country_a.data, country_b=form.country_b.data, topic=form.topic.data,
        duration_minutes=int(form.duration.data), first_date=form.first_date.data,
        last_date=form.last_date.data, timezone=form.timezone.data,
        invitee_ids=[int(value) for value in form.invitees.data],
        follow_up_event_id=int(form.follow_up_event.data) if form.follow_up_event.data
        else None, interpretation=form.interpretation.data or "",
        avoid_joint_leave=form.avoid_joint_leave.data, ramadan_hours=form.ramadan_hours.data,
        book_interpreters=form.book_interpreters.data,
        online_url=form.online_url.data or "",
        request_id=asked)
    try:
        call = services.create_call(data, current_user)
    except services.BilateralError as error:
        return _fail(error, "bilaterals/call_form.html", form=form, groups=groups, pair=pair)
    if call.slots:
        flash(ngettext("The poll is open with %(num)d slot.",
                       "The poll is open with %(num)d slots.", len(call.slots)), "success")
    else:
        flash(_("No slot fits everyone in this range: see why below."), "warning")
    return redirect(url_for("bilaterals.show_call", call_id=call.id))


def _zones_of(call: BilateralCall) -> list[str]:
    return sorted({invitee.user.timezone for invitee in call.invitees})


@bp.route("/bilaterals/<int:call_id>")
@signed_in
def show_call(call_id):
    call = _call_or_404(call_id)
    return _render_call(call)


def _render_call(call, form=None, status=200, **outcome_forms):
    locale = current_locale()
    invited = services.is_invited(call, current_user)
    answers = services.my_answers(call, current_user) if invited else {}
    organiser = current_user.is_organiser
    zones = _zones_of(call) if organiser else []
    # Each side's local time and where it falls in their day ("07:30–08:30 in Auckland —
    # early in their day"): the slot's fairness, for the organiser choosing one and for
    # the invitees answering (who is asked to join early or late, and where).
    strips = {slot.id: [(_("%(times)s in %(city)s — %(place)s",
                           times=time_range(slot.start_dt, slot.end_dt, side.zone, locale),
                           city=city_name(side.zone, locale),
                           place=labels.DAY_PLACES[side.place]), side.start.isoformat())
                        for side in services.slot_fairness(call, slot)]
              for slot in call.slots} if organiser or invited else {}
    by_person = services.answers_by_person(call) if organiser else []
    return render_template(
        "bilaterals/call.html", call=call, invited=invited,
        poll=form or (poll_form(call.slots, answers) if invited and call.is_open else None),
        answers=answers, tally=services.tally(call) if organiser else {},
        answered=services.answered_count(call) if organiser else 0,
        by_person=by_person, not_answered=[row.user for row in by_person if not row.answers],
        **_outcome_context(call, **outcome_forms),
        strips=strips, zones=zones, cancel_form=EmptyForm(),
        reasons=[services.reason_text(r, locale) for r in services.stored_reasons(call)],
        viewer_zone=select_timezone(),
        country_a=country_name(call.country_a, locale),
        country_b=country_name(call.country_b, locale)), status


@bp.route("/bilaterals/<int:call_id>/vote", methods=["POST"])
@signed_in
def vote(call_id):
    call = _call_or_404(call_id)
    if not services.is_invited(call, current_user):
        abort(403)
    if not call.is_open:
        flash(_("This poll is closed: the call is already scheduled or cancelled."), "error")
        return _render_call(call, status=409)
    offered = {f"slot_{slot.id}" for slot in call.slots}
    sent = {name for name in request.form if name.startswith("slot_")}
    if not sent <= offered:
        flash(_("That slot is not offered in this poll."), "error")
        return _render_call(call, status=422)
    form = poll_form(call.slots, {})
    if not form.validate_on_submit():
        return _render_call(call, form=form, status=422)
    answers = {slot.id: Answer(form[f"slot_{slot.id}"].data) for slot in call.slots}
    try:
        services.vote(call, current_user, answers)
    except services.BilateralError as error:
        _fail(error)
        return _render_call(call, status=error.status)
    flash(_("Your answers are saved. You can change them while the poll is open."), "success")
    return redirect(url_for("bilaterals.show_call", call_id=call.id))


def _local_times(call: BilateralCall, slot, locale: str) -> list[tuple[str, list]]:
    """(country, [(city, times)]) for each invited country, the call's two first: the slot
    where each invitee lives, one line per zone."""
    order = [call.country_a, call.country_b]
    order += sorted({i.user.country_code for i in call.invitees} - set(order) - {None})
    found = []
    for code in order:
        zones = sorted({i.user.timezone for i in call.invitees if i.user.country_code == code})
        if zones:
            found.append((country_name(code, locale), [
                (city_name(zone, locale), time_range(slot.start_dt, slot.end_dt, zone, locale))
                for zone in zones]))
    return found


@bp.route("/bilaterals/<int:call_id>/slots/<int:slot_id>/schedule")
@organiser_required
def confirm_pick(call_id, slot_id):
    """The first of scheduling's two steps: what will happen, asked before it does (a page
    of its own, so it needs no JavaScript). Only its button's POST (``pick``) schedules."""
    call = _call_or_404(call_id)
    slot = next((s for s in call.slots if s.id == slot_id), None)
    if slot is None:
        abort(404)
    if not call.is_open:
        flash(_("This poll is closed: the call is already scheduled or cancelled."), "error")
        return redirect(url_for("bilaterals.show_call", call_id=call.id))
    locale = current_locale()
    invitees = sorted((i.user for i in call.invitees), key=lambda u: u.display_name.lower())
    return render_template(
        "bilaterals/confirm_pick.html", call=call, slot=slot,
        local_times=_local_times(call, slot, locale),
        invitees=[(user, country_name(user.country_code, locale)) for user in invitees],
        counts=services.tally(call)[slot.id], form=PickForm(slot_id=slot.id),
        staffing=services.staffing_preview(call, slot),
        viewer_zone=select_timezone(), country_a=country_name(call.country_a, locale),
        country_b=country_name(call.country_b, locale))


@bp.route("/bilaterals/<int:call_id>/pick", methods=["POST"])
@organiser_required
def pick(call_id):
    """The second step: the confirmation page's button schedules the slot."""
    call = _call_or_404(call_id)
    form = PickForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the offered slots."), "error")
        return _render_call(call, status=422)
    try:
        session = services.pick_slot(call, form.slot_id.data, current_user)
    except services.BilateralError as error:
        _fail(error)
        return _render_call(_call_or_404(call_id), status=error.status)
    flash(_("The call is scheduled and every invitee has their invitation."), "success")
    return redirect(url_for("events.show_event", event_id=session.event_id))


@bp.route("/bilaterals/<int:call_id>/cancel", methods=["POST"])
@organiser_required
def cancel_call(call_id):
    call = _call_or_404(call_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_call(call)
    except services.BilateralError as error:
        _fail(error)
        return _render_call(_call_or_404(call_id), status=error.status)
    flash(_("The call is cancelled."), "success")
    return redirect(url_for("bilaterals.list_calls"))


# --- after the call ---------------------------------------------------------------------------

def _owner_choices(call: BilateralCall):
    return as_choices((str(user.id), user.display_name) for user in outcomes.owners_for(call))


def _outcome_context(call: BilateralCall, notes_form=None, action_form=None) -> dict:
    """The outcome's part of the call page: notes and actions for its readers, the forms for
    organisers (once the call is scheduled), and what is open from earlier calls."""
    scheduled = call.status == CallStatus.SCHEDULED
    writes = current_user.is_organiser and scheduled
    if writes and notes_form is None:
        notes_form = NotesForm(notes=call.outcome_notes)
    if writes and action_form is None:
        action_form = ActionForm()
    if action_form is not None:
        action_form.owner.choices = _owner_choices(call)
    return {"scheduled": scheduled, "notes_form": notes_form if writes else None,
            "action_form": action_form if writes else None, "mark_form": EmptyForm(),
            "last_time": outcomes.from_last_time(call, current_user)}


def owner_label(action: CallAction) -> str:
    """Who owns an action, as the viewer may know them: organisers read every name, the
    owner reads "You"; other invitees learn only whether it is an invitee or an organiser
    (names of a call's invitees are the organisers' to know, ``Seen.ATTENDEE``)."""
    if action.owner_id == current_user.id:
        return _("You")
    name = visible_name(current_user, action.owner, Seen.ATTENDEE)
    if name is not None:
        return name
    if services.is_invited(action.call, action.owner):
        return _("Another invitee")
    return _("An organiser")


@bp.route("/bilaterals/<int:call_id>/outcome", methods=["POST"])
@organiser_required
def save_outcome(call_id):
    call = _call_or_404(call_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _render_call(call, status=422, notes_form=form)
    try:
        outcomes.save_notes(call, form.notes.data or "")
    except services.BilateralError as error:
        _fail(error, form=form)
        return _render_call(call, status=error.status, notes_form=form)
    flash(_("The notes are saved. The call's invitees can read them."), "success")
    return redirect(url_for("bilaterals.show_call", call_id=call.id, _anchor="outcome-heading"))


def _action_input(form: ActionForm) -> outcomes.ActionInput:
    return outcomes.ActionInput(text=form.text.data or "", owner_id=int(form.owner.data),
                                due_date=form.due_date.data)


@bp.route("/bilaterals/<int:call_id>/actions", methods=["POST"])
@organiser_required
def add_action(call_id):
    call = _call_or_404(call_id)
    form = ActionForm()
    form.owner.choices = _owner_choices(call)
    if not form.validate_on_submit():
        return _render_call(call, status=422, action_form=form)
    try:
        outcomes.add_action(call, _action_input(form), current_user)
    except services.BilateralError as error:
        _fail(error, form=form)
        return _render_call(call, status=error.status, action_form=form)
    flash(_("The action is added and its owner is told."), "success")
    return redirect(url_for("bilaterals.show_call", call_id=call.id, _anchor="actions-heading"))


def _action_or_404(action_id: int) -> CallAction:
    """An action exists for its call's invitees and organisers only."""
    action = db.session.get(CallAction, action_id)
    if action is None:
        abort(404)
    _call_or_404(action.call_id)
    return action


@bp.route("/bilaterals/actions/<int:action_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_action(action_id):
    action = _action_or_404(action_id)
    call = action.call
    form = ActionForm() if request.method == "POST" else ActionForm(data={
        "text": action.text, "owner": str(action.owner_id), "due_date": action.due_date})
    form.owner.choices = _owner_choices(call)
    form.submit.label.text = _("Save the action")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                outcomes.edit_action(call, action.id, _action_input(form))
            except services.BilateralError as error:
                _fail(error, form=form)
                status = error.status
            else:
                flash(_("The action is saved."), "success")
                return redirect(url_for("bilaterals.show_call", call_id=call.id,
                                        _anchor="actions-heading"))
        else:
            status = 422
    return render_template("bilaterals/edit_action.html", form=form, call=call,
                           action=action), status


@bp.route("/bilaterals/actions/<int:action_id>/<any(done, reopen):state>", methods=["POST"])
@signed_in
def mark_action(action_id, state):
    """The owner (or an organiser) marks an action done, or open again; back to the page the
    button was on (``next``), else the call's page."""
    action = _action_or_404(action_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        outcomes.set_done(action.call, action.id, current_user, state == "done")
    except services.BilateralError as error:
        _fail(error)
        return _render_call(_call_or_404(action.call_id), status=error.status)
    flash(_("The action is marked done.") if state == "done"
          else _("The action is open again."), "success")
    target = request.args.get("next")
    return redirect(target if is_local_path(target) else url_for(
        "bilaterals.show_call", call_id=action.call_id, _anchor="actions-heading"))
