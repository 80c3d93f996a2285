"""Working groups' pages: the list, a group with its coming meetings (holiday clashes
flagged, with a one-click move) and members, the series' settings, its calendar, and each
meeting's minutes and actions."""

import re
from datetime import UTC
from datetime import datetime

from babel import Locale
from babel.lists import format_list
from flask import Response
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
from app.calendar.services import render
from app.core.access import organiser_required
from app.core.access import signed_in
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse
from app.core.forms import refuse_change
from app.core.forms import submit_form
from app.core.i18n import country_name
from app.core.templating import current_locale
from app.core.templating import viewer_when
from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import localize
from app.core.time import to_zone
from app.extensions import db
from app.workinggroups import clashes as clash_check
from app.workinggroups import minutes as meetings
from app.workinggroups import services
from app.workinggroups.blueprint import bp
from app.workinggroups.forms import ActionDoneForm
from app.workinggroups.forms import ActionForm
from app.workinggroups.forms import GroupForm
from app.workinggroups.forms import GroupSettingsForm
from app.workinggroups.forms import MembersForm
from app.workinggroups.forms import MinutesForm
from app.workinggroups.forms import MoveOffClashForm
from app.workinggroups.forms import OccurrenceForm
from app.workinggroups.models import WorkingGroup
from app.workinggroups.recurrence import WEEKDAYS
from app.workinggroups.recurrence import plain_recurrence


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
                      for u in participants_by_country())


@bp.route("/working-groups")
@signed_in
def list_groups():
    groups = services.groups_for(current_user)
    upcoming = {group.id: services.group_occurrences(group, limit=1) for group in groups}
    return render_template("workinggroups/groups.html", groups=groups, upcoming=upcoming)


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
    form.members.choices = _member_choices()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("workinggroups/group_form.html", form=form), status
    data = services.GroupInput(**_group_settings(form, form.recurrence().rule),
                               member_ids=[int(value) for value in form.members.data or []])
    try:
        group = services.create_working_group(data, current_user)
    except services.WorkingGroupError as error:
        status = refuse_change(form, error)
        return render_template("workinggroups/group_form.html", form=form), status
    flash(_("The working group is created."), "success")
    for warning in services.clock_change_warnings(group):  # calendars show these times
        flash(warning, "warning")
    return redirect(url_for("workinggroups.show_group", group_id=group.id))


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
    if plain_recurrence(group.rrule) is None:
        # A rule set up as RRULE text: kept unless the organiser chooses a plain pattern.
        words = rule_in_words(group.rrule)
        keep = _("Keep as now: %(pattern)s", pattern=words) if words else \
            _("Keep the current pattern")
        form.repeat.choices = [*form.repeat.choices, *as_choices([("current", keep)])]
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("workinggroups/group_form.html", form=form, group=group), status
    pattern = form.recurrence()
    data = services.GroupSettings(**_group_settings(
        form, pattern.rule if pattern else group.rrule))
    try:
        dropped = services.update_working_group(group, data, current_user)
    except services.WorkingGroupError as error:
        status = refuse_change(form, error)
        return render_template("workinggroups/group_form.html", form=form,
                               group=group), status
    flash(_("The working group is saved."), "success")
    if dropped:
        flash(ngettext("%(num)d meeting changed by hand is no longer in the series: its "
                       "change was dropped.",
                       "%(num)d meetings changed by hand are no longer in the series: their "
                       "changes were dropped.", dropped), "warning")
    for warning in services.clock_change_warnings(group):
        flash(warning, "warning")
    return redirect(url_for("workinggroups.show_group", group_id=group.id))


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
    occurrences = services.group_occurrences(group, limit=8)
    clashes = clash_check.occurrence_clashes(group, occurrences)
    offers = {o.original_start_dt: clash_check.next_good_start(group, o)
              for o in occurrences if o.original_start_dt in clashes} \
        if current_user.is_organiser else {}
    return render_template(
        "workinggroups/group.html", group=group,
        occurrences=occurrences, clashes=clashes, offers=offers,
        move_form=MoveOffClashForm(formdata=None), meeting_key=meetings.meeting_key,
        past=meetings.past_meetings(group),
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
    except services.WorkingGroupError as error:
        refuse_change(form, error, field or getattr(error, "field", None))
        return _render_group(_group_or_404(group_id), status=error.status, occurrence_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("workinggroups.show_group", group_id=group.id))


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
    except services.WorkingGroupError as error:
        refuse_change(form, error, getattr(error, "field", None) or "members")
        return _render_group(_group_or_404(group_id), status=error.status, members_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("workinggroups.show_group", group_id=group.id))


@bp.route("/working-groups/<int:group_id>/calendar.ics")
@signed_in
def group_calendar(group_id):
    group = _group_or_404(group_id)
    body = render(services.group_items(group), "PUBLISH", name=group.name)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="working-group-{group.id}.ics"'})


@bp.route("/working-groups/<int:group_id>/move-off-holiday", methods=["POST"])
@organiser_required
def move_off_holiday(group_id):
    """One meeting moved off the holiday or weekend it falls on, to the day its button
    offered (``clashes.move_off_clash``)."""
    group = _group_or_404(group_id)
    form = MoveOffClashForm()
    if not form.validate_on_submit():
        abort(400)
    original, offered = _instant(form.original.data), _instant(form.to.data)
    try:
        moved_to = clash_check.move_off_clash(group, original, current_user, expected=offered)
    except services.WorkingGroupError as error:
        return _render_group(_group_or_404(group_id), status=flash_refusal(error))
    flash(_("The meeting is moved to %(when)s; the members are told.",
            when=viewer_when(moved_to)), "success")
    return redirect(url_for("workinggroups.show_group", group_id=group.id))


def _meeting_or_404(group: WorkingGroup, key: str):
    original = meetings.parse_meeting_key(key)
    meeting = meetings.find_meeting(group, original) if original else None
    if meeting is None:
        abort(404)
    return meeting


def _render_meeting(group, meeting, status=200, minutes_form=None, action_form=None):
    """A meeting's page: when, what it falls on, its minutes and actions, and the actions
    still open from the meetings before it. Owners are named as the reader may see them."""
    original = meeting.original_start_dt
    minutes = meetings.minutes_of(group, original)
    if minutes_form is None:
        minutes_form = MinutesForm(formdata=None, minutes=minutes.text if minutes else "")
    if action_form is None:
        action_form = _action_form(group, formdata=None)
    clashes = clash_check.occurrence_clashes(group, [meeting]).get(original, [])
    return render_template(
        "workinggroups/meeting.html", group=group, meeting=meeting, minutes=minutes,
        key=meetings.meeting_key(original), clashes=clashes,
        actions=meetings.meeting_actions(group, original),
        carried=meetings.open_earlier_actions(group, original), meeting_key=meetings.meeting_key,
        may_mark=lambda action: meetings.may_mark(action, current_user),
        minutes_form=minutes_form, action_form=action_form,
        done_form=ActionDoneForm(formdata=None)), status


@bp.route("/working-groups/<int:group_id>/meetings/<key>")
@signed_in
def show_meeting(group_id, key):
    """Members and organisers only: anyone else gets 404 (``_group_or_404``)."""
    group = _group_or_404(group_id)
    return _render_meeting(group, _meeting_or_404(group, key))


@bp.route("/working-groups/<int:group_id>/meetings/<key>/minutes", methods=["POST"])
@organiser_required
def save_minutes(group_id, key):
    return _meeting_form(
        group_id, key, "minutes_form", lambda _group: MinutesForm(),
        lambda group, meeting, form: meetings.save_minutes(
            group, meeting.original_start_dt, form.minutes.data, current_user),
        _("The minutes are saved."))


@bp.route("/working-groups/<int:group_id>/meetings/<key>/actions", methods=["POST"])
@organiser_required
def add_action(group_id, key):
    return _meeting_form(
        group_id, key, "action_form", _action_form,
        lambda group, meeting, form: meetings.add_action(
            group, meeting.original_start_dt, form.text.data, int(form.owner.data),
            form.due_date.data, current_user),
        _("The action is added; its owner is told."))


def _action_form(group, **kwargs) -> ActionForm:
    """Its owner is one of the group's members, by name."""
    form = ActionForm(**kwargs)
    members = sorted((m.user for m in group.members), key=lambda u: u.display_name.lower())
    form.owner.choices = as_choices(
        [("", _("Choose a member"))] + [(str(u.id), u.display_name) for u in members])
    return form


def _meeting_form(group_id, key, form_name: str, make_form, change, message: str):
    """A form of a meeting's page (its minutes, a new action): saved, or the page again with
    the form marked where it was refused."""
    group = _group_or_404(group_id)
    meeting = _meeting_or_404(group, key)
    form = make_form(group)

    def show(status):
        return _render_meeting(_group_or_404(group_id), meeting, status, **{form_name: form})

    def done(_saved):
        flash(message, "success")
        return redirect(url_for("workinggroups.show_meeting", group_id=group.id, key=key))

    return submit_form(form, lambda: change(group, meeting, form), show=show, done=done)


@bp.route("/working-groups/<int:group_id>/meetings/<key>/actions/<int:group_action_id>/done",
          methods=["POST"])
@signed_in
def mark_action(group_id, key, group_action_id):
    """The action's owner, or an organiser, marks it done or open again, from the page of
    the meeting ``key`` (where it was agreed or carried over to)."""
    group = _group_or_404(group_id)
    _meeting_or_404(group, key)
    form = ActionDoneForm()
    if not form.validate_on_submit() or form.done.data not in ("0", "1"):
        abort(400)
    if meetings.set_action_done(group, group_action_id, current_user,
                               form.done.data == "1") is None:
        abort(404)
    flash(_("Saved."), "success")
    return redirect(url_for("workinggroups.show_meeting", group_id=group.id, key=key))
