import re
from datetime import UTC, datetime, timedelta

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import _, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bilaterals import labels, services
from app.bilaterals.blueprint import bp
from app.bilaterals.forms import (
    AskForm,
    CallForm,
    GroupForm,
    GroupSettingsForm,
    HolidayFilterForm,
    MembersForm,
    OccurrenceForm,
    OverrideForm,
    PickForm,
    poll_form,
)
from app.bilaterals.models import (
    Answer,
    BilateralCall,
    CallInvitee,
    CallRequest,
    HolidayOverride,
    WorkingGroup,
)
from app.bilaterals.recurrence import WEEKDAYS, plain_recurrence
from app.calendar.services import render
from app.core.access import Role, organiser_required, roles_required, signed_in
from app.core.forms import EmptyForm, as_choices, country_choices, refuse, refuse_change
from app.core.i18n import country_name, language_name, select_timezone
from app.core.models import Country
from app.core.templating import add_template_globals, current_locale
from app.core.time import (
    AmbiguousLocalTime,
    NonExistentLocalTime,
    localize,
    now_utc,
    to_zone,
)
from app.events.display import city_name, time_range
from app.events.models import Event
from app.extensions import db

INTERPRETATION_PAIRS = ("th-en", "id-en", "ms-en", "th-id", "th-ms", "id-ms")


@bp.record_once
def register_label_globals(state):
    add_template_globals(state.app, answer_label=labels.ANSWERS.get,
                         call_status_label=labels.CALL_STATUSES.get)
    state.app.jinja_env.filters["slot_when"] = slot_when


def rule_in_words(rule: str) -> str | None:
    """A working group's rule as people say it ("Every month on the second Tuesday"), in
    the reader's language; None for a rule beyond the common weekly and monthly ones."""
    parts = dict(piece.partition("=")[::2] for piece in rule.split(";"))
    freq, days = parts.pop("FREQ", ""), parts.pop("BYDAY", "")
    interval = int(parts.pop("INTERVAL", "1") or 1)
    parts.pop("WKST", None)
    match = re.fullmatch(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)", days)
    if parts or (not match and freq != "WEEKLY"):
        return None
    names = Locale.parse(current_locale()).days["format"]["wide"]
    if freq == "WEEKLY" and days and all(d in WEEKDAYS for d in days.split(",")):
        listed = format_list([names[WEEKDAYS.index(d)] for d in days.split(",")],
                             locale=current_locale())
        if interval == 1:
            return _("Every week on %(days)s", days=listed)
        return _("Every %(n)d weeks on %(days)s", n=interval, days=listed)
    if freq == "MONTHLY" and match and match.group(1):
        ordinal = {"1": _("first"), "2": _("second"), "3": _("third"), "4": _("fourth"),
                   "5": _("fifth"), "-1": _("last")}.get(match.group(1).lstrip("+"))
        if ordinal is None:
            return None
        day = names[WEEKDAYS.index(match.group(2))]
        if interval == 1:
            return _("Every month on the %(nth)s %(day)s", nth=ordinal, day=day)
        return _("Every %(n)d months on the %(nth)s %(day)s", n=interval, nth=ordinal,
                 day=day)
    return None


def slot_when(instant: datetime) -> str:
    """'Mon, 21 Dec 2026, 13:30' in the reader's zone and language: a poll's slots are read
    against a week of work, so each names its weekday."""
    zone, locale = select_timezone(), current_locale()
    local = to_zone(instant, zone)
    return (f"{format_skeleton('yMMMEd', local, locale=locale)}, "
            f"{format_time(local, format='short', locale=locale)}")


def _fail(error: services.BilateralError, template: str | None = None, **context):
    """Nothing of a refused change is kept; the reason is shown with the right status: in the
    error summary of the page's ``form`` (beside the field the error names, if any), else as
    a message."""
    db.session.rollback()
    form = context.get("form")
    if form is not None:
        refuse(form, str(error), getattr(error, "field", None))
    else:
        flash(str(error), "error")
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
    countries = country_choices()
    form.country_a.choices = as_choices(countries)
    form.country_b.choices = as_choices(countries)
    form.follow_up_event.choices = as_choices(
        [("", _("None")), *((str(e.id), e.title) for e in db.session.scalars(
            select(Event).order_by(Event.start_date.desc())))])
    form.invitees.choices = as_choices(
        (str(u.id), f"{u.display_name} · {country_name(u.country_code, locale)} · "
                    f"{u.timezone.replace('_', ' ')}")
        for u in services.participants_by_country())
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
        avoid_joint_leave=form.avoid_joint_leave.data, online_url=form.online_url.data or "",
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
    strips = {slot.id: [(city_name(zone, locale), time_range(slot.start_dt, slot.end_dt, zone,
                                                             locale)) for zone in zones]
              for slot in call.slots}
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


# --- holidays -----------------------------------------------------------------------------

@bp.route("/bilaterals/holidays", methods=["GET", "POST"])
@organiser_required
def holidays():
    countries = country_choices()
    today = to_zone(now_utc(), select_timezone()).date()
    filters = HolidayFilterForm(request.args, meta={"csrf": False})
    filters.country.choices = as_choices(countries)
    country = filters.country.data if filters.country.data in dict(countries) else "ID"
    first = filters.first.data or today
    last = filters.last.data or first + timedelta(days=365)
    if last < first or (last - first).days > 731:
        last = first + timedelta(days=365)
    form = OverrideForm(prefix="override")
    form.country.choices = as_choices(countries)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.set_override(
                    form.country.data, (form.subdivision.data or "").strip().upper(),
                    form.day.data, form.name.data or "", form.is_holiday.data == "yes",
                    form.category.data, current_user)
            except services.BilateralError as error:
                _fail(error, form=form)
                status = error.status
            else:
                flash(_("Saved. New polls use this change."), "success")
                return redirect(url_for("bilaterals.holidays", country=form.country.data))
        else:
            status = 422
    country_row = db.session.get(Country, country)
    subdivision = country_row.holiday_subdivision if country_row else ""
    return render_template(
        "bilaterals/holidays.html", filters=filters, form=form, country=country,
        subdivision=subdivision, first=first, last=last, delete_form=EmptyForm(),
        rows=services.holiday_calendar(country, subdivision, first, last)), status


@bp.route("/bilaterals/holidays/<int:override_id>/delete", methods=["POST"])
@organiser_required
def delete_override(override_id):
    override = db.session.get(HolidayOverride, override_id)
    if override is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    country = override.country_code
    db.session.delete(override)
    flash(_("The change is removed."), "success")
    return redirect(url_for("bilaterals.holidays", country=country))


# --- working groups -------------------------------------------------------------------------

def _group_or_404(group_id: int) -> WorkingGroup:
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.id == group_id).options(
        selectinload(WorkingGroup.exceptions), selectinload(WorkingGroup.members)))
    if group is None or not (current_user.is_organiser or services.is_member(group,
                                                                              current_user)):
        abort(404)
    return group


def _member_choices():
    locale = current_locale()
    return as_choices((str(u.id), f"{u.display_name} · {country_name(u.country_code, locale)}")
                      for u in services.participants_by_country())


@bp.route("/working-groups")
@signed_in
def list_groups():
    groups = services.groups_for(current_user)
    upcoming = {group.id: services.group_occurrences(group, limit=1) for group in groups}
    return render_template("bilaterals/groups.html", groups=groups, upcoming=upcoming)


def _group_settings(form: GroupSettingsForm, rule: str) -> dict:
    """The group's settings as the form gives them, for ``services.GroupSettings``."""
    return dict(name=form.name.data, country_code=form.country.data or None,
                timezone=form.timezone.data, rrule=rule, first_date=form.first_date.data,
                start_time=form.start_time.data, duration_minutes=form.duration.data,
                until_date=form.until_date.data, online_url=form.online_url.data or "")


@bp.route("/working-groups/new", methods=["GET", "POST"])
@organiser_required
def create_group():
    form = GroupForm(timezone=current_user.timezone)
    form.country.choices = as_choices([("", _("None")), *country_choices()])
    form.members.choices = _member_choices()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("bilaterals/group_form.html", form=form), status
    data = services.GroupInput(**_group_settings(form, form.recurrence().rule),
                               member_ids=[int(value) for value in form.members.data or []])
    try:
        group = services.create_working_group(data, current_user)
    except services.BilateralError as error:
        return _fail(error, "bilaterals/group_form.html", form=form)
    flash(_("The working group is created."), "success")
    for warning in services.clock_change_warnings(group):  # calendars show these times
        flash(warning, "warning")
    return redirect(url_for("bilaterals.show_group", group_id=group.id))


def _settings_of(group: WorkingGroup) -> dict:
    """The edit form's starting values: the group as it is, its pattern in plain choices
    ("current" when they cannot express it)."""
    local_first = to_zone(group.first_start_dt, group.timezone)
    pattern = plain_recurrence(group.rrule)
    values = dict(name=group.name, country=group.country_code or "", timezone=group.timezone,
                  first_date=local_first.date(), start_time=local_first.time(),
                  duration=group.duration_minutes, until_date=group.until_date,
                  online_url=group.online_url, repeat="current")
    if pattern is not None:
        values.update(repeat=pattern.repeat, weekday=str(pattern.weekday),
                      interval=pattern.interval, position=str(pattern.position))
    return values


@bp.route("/working-groups/<int:group_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_group(group_id):
    group = _group_or_404(group_id)
    form = GroupSettingsForm(data=_settings_of(group))
    form.country.choices = as_choices([("", _("None")), *country_choices()])
    if plain_recurrence(group.rrule) is None:
        # A rule set up as RRULE text: kept unless the organiser chooses a plain pattern.
        words = rule_in_words(group.rrule)
        keep = _("Keep as now: %(pattern)s", pattern=words) if words else \
            _("Keep the current pattern")
        form.repeat.choices = [*form.repeat.choices, *as_choices([("current", keep)])]
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("bilaterals/group_form.html", form=form, group=group), status
    pattern = form.recurrence()
    data = services.GroupSettings(**_group_settings(
        form, pattern.rule if pattern else group.rrule))
    try:
        dropped = services.update_working_group(group, data, current_user)
    except services.BilateralError as error:
        return _fail(error, "bilaterals/group_form.html", form=form, group=group)
    flash(_("The working group is saved."), "success")
    if dropped:
        flash(ngettext("%(num)d meeting changed by hand is no longer in the series: its "
                       "change was dropped.",
                       "%(num)d meetings changed by hand are no longer in the series: their "
                       "changes were dropped.", dropped), "warning")
    for warning in services.clock_change_warnings(group):
        flash(warning, "warning")
    return redirect(url_for("bilaterals.show_group", group_id=group.id))


@bp.route("/working-groups/<int:group_id>")
@signed_in
def show_group(group_id):
    group = _group_or_404(group_id)
    return _render_group(group)


def _render_group(group, status=200, occurrence_form=None, members_form=None):
    """The group's page; a refused change of a meeting or of the members comes back marked."""
    if members_form is None:
        members_form = MembersForm(members=[str(m.user_id) for m in group.members],
                                   formdata=None)
    members_form.members.choices = _member_choices() if current_user.is_organiser else []
    local_first = to_zone(group.first_start_dt, group.timezone)
    return render_template(
        "bilaterals/group.html", group=group,
        occurrences=services.group_occurrences(group, limit=8),
        member_count=len(group.members), members_form=members_form,
        occurrence_form=occurrence_form or OccurrenceForm(formdata=None),
        local_time=local_first.strftime("%H:%M"), rule_words=rule_in_words(group.rrule),
        group_country=country_name(group.country_code, current_locale())), status


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        abort(400)
    if parsed.tzinfo is None:
        abort(400)
    return parsed.astimezone(UTC)


@bp.route("/working-groups/<int:group_id>/occurrences", methods=["POST"])
@organiser_required
def change_occurrence(group_id):
    group = _group_or_404(group_id)
    form = OccurrenceForm()
    if not form.validate_on_submit() or form.action.data not in ("cancel", "move", "restore"):
        refuse(form, _("Choose what to do with this meeting."))
        return _render_group(group, status=422, occurrence_form=form)
    original = _instant(form.original.data)
    field = None  # the form field a refusal is about
    try:
        if form.action.data == "restore":
            services.restore_occurrence(group, original)
        elif form.action.data == "cancel":
            services.change_occurrence(group, original)
        else:
            if not (form.new_date.data and form.new_time.data):
                field = "new_time" if form.new_date.data else "new_date"
                raise services.Unprocessable(_("Give the new date and local time."))
            naive = datetime.combine(form.new_date.data, form.new_time.data)
            try:
                new_start = localize(naive, group.timezone)
            except (NonExistentLocalTime, AmbiguousLocalTime):
                field = "new_time"
                raise services.Unprocessable(_(
                    "That local time does not exist or happens twice (the clocks change). "
                    "Choose another time.")) from None
            services.change_occurrence(group, original, new_start=new_start)
    except services.BilateralError as error:
        refuse_change(form, error, field or getattr(error, "field", None))
        return _render_group(_group_or_404(group_id), status=error.status, occurrence_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("bilaterals.show_group", group_id=group.id))


@bp.route("/working-groups/<int:group_id>/members", methods=["POST"])
@organiser_required
def set_members(group_id):
    group = _group_or_404(group_id)
    form = MembersForm()
    form.members.choices = _member_choices()
    if not form.validate_on_submit():
        return _render_group(group, status=422, members_form=form)
    try:
        services.set_members(group, [int(value) for value in form.members.data or []])
    except services.BilateralError as error:
        refuse_change(form, error, getattr(error, "field", None) or "members")
        return _render_group(_group_or_404(group_id), status=error.status, members_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("bilaterals.show_group", group_id=group.id))


@bp.route("/working-groups/<int:group_id>/calendar.ics")
@signed_in
def group_calendar(group_id):
    group = _group_or_404(group_id)
    body = render(services.group_items(group), "PUBLISH", name=group.name)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="working-group-{group.id}.ics"'})
