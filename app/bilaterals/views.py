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

from app.auth.services import participants_by_country
from app.bilaterals import labels
from app.bilaterals import services
from app.bilaterals.blueprint import bp
from app.bilaterals.forms import AskForm
from app.bilaterals.forms import CallForm
from app.bilaterals.forms import PickForm
from app.bilaterals.forms import poll_form
from app.bilaterals.models import Answer
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallRequest
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
from app.events.display import city_name
from app.events.display import time_range
from app.events.models import Event
from app.extensions import db

INTERPRETATION_PAIRS = ("th-en", "id-en", "ms-en", "th-id", "th-ms", "id-ms")


@bp.record_once
def register_label_globals(state):
    add_template_globals(state.app, answer_label=labels.ANSWERS.get,
                         call_status_label=labels.CALL_STATUSES.get)
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
                           requests=requests)


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


def _prepare_call_form(form: CallForm) -> CallForm:
    locale = current_locale()
    form.follow_up_event.choices = as_choices(
        [("", _("None")), *((str(e.id), e.title) for e in db.session.scalars(
            select(Event).order_by(Event.start_date.desc())))])
    form.invitees.choices = as_choices(
        (str(u.id), f"{u.display_name} · {country_name(u.country_code, locale)} · "
                    f"{viewer_zone_label(u.timezone)}")
        for u in participants_by_country())
    form.interpretation.choices = as_choices(
        [("", _("None needed")), *((pair, "–".join(language_name(code, locale)
                                                    for code in pair.split("-")))
                                   for pair in INTERPRETATION_PAIRS)])
    return form


@bp.route("/bilaterals/new", methods=["GET", "POST"])
@organiser_required
def create_call():
    form = _prepare_call_form(CallForm(timezone=current_user.timezone))
    asked = request.args.get("request", type=int)
    if request.method == "GET" and asked:
        call_request = db.session.get(CallRequest, asked)
        if call_request is not None:
            form.country_a.data, form.country_b.data = (call_request.country_a,
                                                         call_request.country_b)
            form.topic.data = call_request.topic
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("bilaterals/call_form.html", form=form), status
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
        return _fail(error, "bilaterals/call_form.html", form=form)
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


def _render_call(call, form=None, status=200):
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
    return render_template(
        "bilaterals/call.html", call=call, invited=invited,
        poll=form or (poll_form(call.slots, answers) if invited and call.is_open else None),
        answers=answers, tally=services.tally(call) if organiser else {},
        answered=services.answered_count(call) if organiser else 0,
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
    order += sorted({i.user.country_code for i in call.invitees} - set(order), key=str)
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
