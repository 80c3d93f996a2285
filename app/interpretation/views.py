from datetime import datetime

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

from app.core import languages as interpretation_languages
from app.core.access import Role
from app.core.access import organiser_required
from app.core.access import roles_required
from app.core.access import signed_in
from app.core.confirm import confirm_page
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse_change
from app.core.forms import submit_form
from app.core.i18n import select_timezone
from app.core.models import Language
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.core.templating import viewer_when
from app.core.templating import viewer_zone_label
from app.core.time import LocalTimeError
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db
from app.interpretation import exports
from app.interpretation import labels
from app.interpretation import rules
from app.interpretation import services
from app.interpretation.blueprint import bp
from app.interpretation.forms import AssignForm
from app.interpretation.forms import AvailabilityForm
from app.interpretation.forms import DeclineForm
from app.interpretation.forms import LanguageForm
from app.interpretation.forms import NotProvidedForm
from app.interpretation.forms import OpenChannelForm
from app.interpretation.forms import ProfileForm
from app.interpretation.forms import RequestForm
from app.interpretation.models import Availability
from app.interpretation.models import Grade
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel


@bp.record_once
def register_globals(state):
    add_template_globals(state.app, assignment_status_label=labels.STATUSES.get,
                         grade_label=labels.GRADES.get, mode_label=labels.MODES.get,
                         # "My registrations" (registrations) shows these without importing
                         # interpretation.
                         interpretation_not_provided=services.not_provided_for)




def _channel_or_404(channel_id) -> SessionChannel:
    channel = db.session.get(SessionChannel, channel_id)
    if channel is None:
        abort(404)
    return channel


def _refused(error, page, **values):
    """A refused change: nothing is kept, the page shows why, the status says so."""
    flash_refusal(error)
    return page(status=error.status, **values)


def _change_staffing(event, act, done: str):
    """One change to an event's staffing, made from its assignments page: back to that page
    saying ``done``, or showing why the change was refused."""
    try:
        act()
    except services.InterpretationError as error:
        return _refused(error, _assignments_page, event=event)
    flash(done, "success")
    return redirect(url_for("interpretation.assignments", event_id=event.id))


def _language_choices(keep=()):
    """The managed list on offer, by name in the reader's language (and ``keep``: choices
    already made in a language retired since)."""
    return as_choices(interpretation_languages.choices(current_locale(), keep=keep))


def _session_choices(sessions):
    """Each session with its start in the reader's time, naming that zone."""
    zone = select_timezone()
    return as_choices((str(s.id), f"{s.title} · {viewer_when(s.start_dt)} · "
                                  f"{viewer_zone_label(zone, s.start_dt)}") for s in sessions)


# --- organisers: demand, channels, assignments, coverage -----------------------------------

@bp.route("/events/<int:event_id>/interpretation")
@organiser_required
def demand(event_id):
    return _demand_page(visible_event_or_404(event_id, current_user))


def _channel_form(event, bound=False):
    form = OpenChannelForm() if bound else OpenChannelForm(formdata=None)
    form.session_id.choices = _session_choices(
        [s for s in event.sessions if s.status != SessionStatus.CANCELLED])
    form.language.choices = _language_choices()
    return form


def _not_provided_form(event) -> NotProvidedForm:
    form = NotProvidedForm(prefix="not_provided")
    form.scope.choices = [*as_choices([("event", _("The whole event"))]),
                          *_session_choices(event.sessions)]
    form.language.choices = _language_choices()
    return form


def _demand_page(event, status=200, *, channel_form=None, not_provided_form=None):
    return render_template("interpretation/demand.html", event=event,
                           demand=services.demand(event), form=EmptyForm(),
                           channel_form=channel_form or _channel_form(event),
                           not_provided_form=not_provided_form or _not_provided_form(event),
                           marks=services.not_provided_marks(event)), status


@bp.route("/events/<int:event_id>/interpretation/not-provided", methods=["POST"])
@organiser_required
def not_provided(event_id):
    """Say a language asked for will not be interpreted; opening a channel undoes it."""
    event = visible_event_or_404(event_id, current_user)
    form = _not_provided_form(event)

    def mark():
        session = None if form.scope.data == "event" else part_of_event_or_404(
            EventSession, int(form.scope.data), event)
        return services.mark_not_provided(event, session, form.language.data,
                                          form.reason.data or "", current_user)

    def done(_mark):
        flash(_("Marked as not provided; everyone who asked for it has been told."), "success")
        return redirect(url_for("interpretation.demand", event_id=event.id))

    return submit_form(form, mark, done=done,
                       show=lambda status: _demand_page(event, status, not_provided_form=form))


@bp.route("/events/<int:event_id>/interpretation/channels", methods=["POST"])
@organiser_required
def open_channel(event_id):
    """From a button of the demand grid (a simultaneous channel) or the full form below it
    (any language of the list, any mode)."""
    event = visible_event_or_404(event_id, current_user)
    form = _channel_form(event, bound=True)

    def change():
        session = db.session.get(EventSession, int(form.session_id.data))
        return services.open_channel(session, form.language.data,
                                     is_retour=form.is_retour.data, mode=Mode(form.mode.data))

    def done(_channel):
        flash(_("Channel opened."), "success")
        return redirect(url_for("interpretation.demand", event_id=event.id))

    return submit_form(form, change, done=done,
                       show=lambda status: _demand_page(event, status, channel_form=form))


@bp.route("/events/<int:event_id>/interpretation/assignments")
@organiser_required
def assignments(event_id):
    return _assignments_page(visible_event_or_404(event_id, current_user))


def _assignments_page(event, status=200):
    channels = services.event_channels(event)
    profiles = services.all_profiles()
    form = AssignForm()
    form.interpreter_id.choices = as_choices(
        (str(p.user_id), p.user.display_name) for p in profiles)
    settings = services.limits()
    return render_template(
        "interpretation/assignments.html", event=event, channels=channels, form=form,
        action_form=EmptyForm(), settings=settings,
        sizes={c.id: rules.slot_team_size(services.slot_of(c), settings) for c in channels},
        turns={c.id: services.turns(c) for c in channels},
        places={c.id: services.place_of(c) for c in channels},
        relays={c.id: services.relay_proposal(c, profiles) for c in channels}), status


@bp.route("/interpretation/channels/<int:channel_id>/assign", methods=["POST"])
@organiser_required
def assign(channel_id):
    channel = _channel_or_404(channel_id)
    event = channel.session.event
    form = AssignForm()
    profiles = {str(p.user_id): p for p in services.all_profiles()}
    form.interpreter_id.choices = as_choices((key, key) for key in profiles)
    if not form.validate_on_submit():
        flash(_("Choose an interpreter from the list."), "error")
        return _assignments_page(event, 400)
    return _change_staffing(
        event, lambda: services.assign_interpreter(channel, profiles[form.interpreter_id.data]),
        _("Interpreter proposed; they have been emailed."))


@bp.route("/interpretation/assignments/<int:assignment_id>/release", methods=["POST"])
@organiser_required
def release(assignment_id):
    assignment = services.load_assignment(assignment_id)
    if assignment is None:
        abort(404)
    return _change_staffing(assignment.channel.session.event,
                            lambda: services.release_assignment(assignment),
                            _("Interpreter released; they have been emailed."))


@bp.route("/interpretation/channels/<int:channel_id>/relay", methods=["POST"])
@organiser_required
def use_relay(channel_id):
    channel = _channel_or_404(channel_id)
    return _change_staffing(channel.session.event, lambda: services.use_relay(channel),
                            _("The channel now takes relay."))


@bp.route("/events/<int:event_id>/interpretation/auto-assign", methods=["POST"])
@organiser_required
def auto_assign(event_id):
    event = visible_event_or_404(event_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    report = services.auto_assign(event)
    # Three counts in one sentence: each its own plural, joined.
    flash(" ".join((
        ngettext("%(num)d interpreter proposed.", "%(num)d interpreters proposed.",
                 len(report.added)),
        ngettext("%(num)d channel filled.", "%(num)d channels filled.", len(report.filled)),
        ngettext("%(num)d channel not filled.", "%(num)d channels not filled.",
                 len(report.unfilled)))),
          "success" if not report.unfilled else "warning")
    for channel, reason in report.unfilled:
        flash(f"{channel.session.title} · {rules.lang(channel.language_code)}: {reason}",
              "warning")
    return redirect(url_for("interpretation.assignments", event_id=event.id))


@bp.route("/events/<int:event_id>/interpretation/coverage")
@organiser_required
def coverage(event_id):
    event = visible_event_or_404(event_id, current_user)
    return render_template("interpretation/coverage.html", event=event,
                           rows=services.coverage(event))


@bp.route("/events/<int:event_id>/interpretation/coverage.csv")
@organiser_required
def coverage_csv(event_id):
    event = visible_event_or_404(event_id, current_user)
    text = exports.coverage_csv(services.coverage(event), event.timezone)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-interpretation.csv"',
        "Cache-Control": "no-store",
    })


@bp.route("/interpretation/languages", methods=["GET", "POST"])
@organiser_required
def languages():
    """The managed list: every language interpretation may be asked for and provided in."""
    form = LanguageForm()

    def change():
        return services.add_language(
            form.code.data, name=form.name.data, is_sign=form.is_sign.data,
            names={locale: form[f"name_{locale}"].data for locale in services.NAME_LOCALES},
            actor=current_user)

    def done(language):
        flash(_("%(language)s is on the list.", language=rules.lang(language.code)),
              "success")
        return redirect(url_for("interpretation.languages"))

    return submit_form(form, change, done=done,
                       show=lambda status: _languages_page(form, status))


def _languages_page(form, status=200):
    return render_template("interpretation/languages.html", form=form,
                           action_form=EmptyForm(),
                           languages=sorted(services.all_languages(), key=lambda language: (
                               rules.lang(language.code).casefold())),
                           open_channels=services.open_channel_counts(),
                           pivot=services.limits().pivot), status


@bp.route("/interpretation/languages/<language_code>/retire", methods=["POST"])
@organiser_required
def retire_language(language_code):
    language = db.session.get(Language, language_code)
    if language is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.retire_language(language, actor=current_user)
    except services.InterpretationError as error:
        return _refused(error, _languages_page, form=LanguageForm(formdata=None))
    flash(_("%(language)s is retired: nobody can choose it any more.",
            language=rules.lang(language.code)), "success")
    return redirect(url_for("interpretation.languages"))


@bp.route("/interpretation/interpreters")
@organiser_required
def interpreters():
    return render_template("interpretation/interpreters.html",
                           profiles=services.all_profiles())


# --- participants ---------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/interpretation/requests", methods=["GET", "POST"])
@signed_in
def requests(event_id):
    event = visible_event_or_404(event_id, current_user)
    form = RequestForm()
    sessions = {str(s.id): s for s in event.sessions}
    form.session_id.choices = _session_choices(sessions.values())
    form.language.choices = _language_choices(
        keep=[r.language_code for r in services.my_requests(current_user, event)])
    status = 200
    is_over = event.status in (EventStatus.HELD, EventStatus.CANCELLED)
    if request.method == "POST" and is_over:
        flash(_("This meeting is over or cancelled: it takes no more interpretation "
                "requests."), "error")
        status = 409
    elif request.method == "POST":
        if form.validate_on_submit():
            try:
                services.request_interpretation(current_user, sessions[form.session_id.data],
                                                form.language.data)
            except services.InterpretationError as error:
                status = flash_refusal(error)
            else:
                flash(_("Your request is saved."), "success")
                return redirect(url_for("interpretation.requests", event_id=event.id))
        else:
            status = 400
    return render_template("interpretation/requests.html", event=event, form=form,
                           is_over=is_over, mine=services.my_requests(current_user, event)
                           ), status


# --- interpreters ---------------------------------------------------------------------------

@bp.route("/interpretation/assignments")
@roles_required(Role.INTERPRETER)
def my_assignments():
    return _mine_page()


def _mine_page(status=200):
    mine = services.my_assignments(current_user)
    return render_template(
        "interpretation/mine.html", assignments=mine, form=EmptyForm(),
        turns={a.id: services.turns(a.channel) for a in mine},
        cancelled={a.id: services.slot_of(a.channel).cancelled for a in mine},
        places={a.id: services.place_of(a.channel) for a in mine},
        on_site={a.id: services.is_on_site(a.channel.session) for a in mine}), status


def _my_assignment_or_404(assignment_id):
    assignment = services.load_assignment(assignment_id)
    if assignment is None or assignment.interpreter_id != current_user.id:
        abort(404)  # someone else's assignment: do not reveal it exists
    return assignment


@bp.route("/interpretation/assignments/<int:assignment_id>/accept", methods=["POST"])
@roles_required(Role.INTERPRETER)
def accept(assignment_id):
    """One click: taking work on destroys nothing, so it asks no confirmation."""
    assignment = _my_assignment_or_404(assignment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.accept_assignment(assignment)
    except services.InterpretationError as error:
        return _refused(error, _mine_page)
    flash(_("Thank you: accepted."), "success")
    return redirect(url_for("interpretation.my_assignments"))


@bp.route("/interpretation/assignments/<int:assignment_id>/decline", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER)
def decline(assignment_id):
    """The confirmation page asks for the reason; only its POST declines (and emails the
    organisers who declined, and why)."""
    assignment = _my_assignment_or_404(assignment_id)
    session = assignment.channel.session
    form = DeclineForm()
    heading = _("Decline interpreting “%(title)s”?", title=session.title)
    button = _("Decline the assignment")
    back = url_for("interpretation.my_assignments")
    said = [_("The organisers are emailed that you decline, with your reason, so they can "
              "find someone else. The assignment leaves your calendar feed."),
            _("To take it again later, ask the organisers to propose you again.")]
    refusal = None if form.is_submitted() else services.why_not_declinable(assignment)
    if refusal:
        return confirm_page(heading, [], button=button, back=back, form=form, refusal=refusal)
    if form.validate_on_submit():
        try:
            services.decline_assignment(assignment, form.reason.data)
        except services.NoLongerOpen as error:
            db.session.rollback()
            return confirm_page(heading, [], button=button, back=back, form=form,
                                refusal=str(error), status=error.status)
        except services.InterpretationError as error:  # the reason itself: said beside it
            refuse_change(form, error, "reason")
            return confirm_page(heading, said, button=button, back=back, form=form,
                                status=error.status)
        flash(_("Declined. The organisers have been told why."), "success")
        return redirect(url_for("interpretation.my_assignments"))
    return confirm_page(heading, said, button=button, back=back, form=form,
                        status=400 if form.errors else 200)


def _profile_form(profile, bound=True):
    codes = _language_choices(keep=list(profile.grades()) if profile else ())
    if (bound and request.method == "POST") or profile is None:
        form = ProfileForm()
        if profile is None and request.method == "GET":
            form.timezone.data = current_user.timezone
            form.works_remote.data = form.works_on_site.data = True
    else:
        grades = profile.grades()
        form = ProfileForm(formdata=None, timezone=profile.timezone,
                           works_remote=profile.works_remote, works_on_site=profile.works_on_site,
                           **{f"{grade.value.lower()}_languages":
                              [c for c, g in grades.items() if g == grade] for grade in Grade})
    for name in ("a_languages", "b_languages", "c_languages"):
        form[name].choices = codes
    return form


def _profile_page(mine, form, window_form, status=200):
    return render_template("interpretation/profile.html", form=form, profile=mine,
                           window_form=window_form, action_form=EmptyForm()), status


@bp.route("/interpretation/profile", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER)
def profile():
    mine = services.profile_of(current_user)
    form = _profile_form(mine)
    window_form = AvailabilityForm(prefix="window", formdata=None)
    if request.method == "GET":
        return _profile_page(mine, form, window_form)
    if not form.validate_on_submit():
        return _profile_page(mine, form, window_form, 400)
    grades = {code: grade for grade in Grade
              for code in form[f"{grade.value.lower()}_languages"].data}
    try:
        services.save_profile(current_user, timezone=form.timezone.data,
                              works_remote=form.works_remote.data,
                              works_on_site=form.works_on_site.data, grades=grades)
    except services.InterpretationError as error:
        flash_refusal(error)
        return _profile_page(services.profile_of(current_user), form, window_form,
                             error.status)
    flash(_("Your interpreter profile is saved."), "success")
    return redirect(url_for("interpretation.profile"))


@bp.route("/interpretation/profile/availability", methods=["POST"])
@roles_required(Role.INTERPRETER)
def add_availability():
    mine = services.profile_of(current_user)
    form = AvailabilityForm(prefix="window")
    page = _profile_form(mine, bound=False) if mine else None
    if mine is None:
        flash(_("Save your profile first."), "error")
        return redirect(url_for("interpretation.profile")), 303
    if not form.validate_on_submit():
        return _profile_page(mine, page, form, 400)
    try:
        services.add_availability(
            mine, datetime.combine(form.start_date.data, form.start_time.data),
            datetime.combine(form.end_date.data, form.end_time.data),
            is_available=form.kind.data == "available")
    except LocalTimeError:
        db.session.rollback()
        flash(_("That time does not exist or happens twice in your home timezone (a "
                "daylight-saving change): choose another."), "error")
        return _profile_page(services.profile_of(current_user), page, form, 422)
    except services.InterpretationError as error:
        flash_refusal(error)
        return _profile_page(services.profile_of(current_user), page, form, error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("interpretation.profile"))


@bp.route("/interpretation/profile/availability/<int:availability_id>/delete",
          methods=["POST"])
@roles_required(Role.INTERPRETER)
def delete_availability(availability_id):
    window = db.session.get(Availability, availability_id)
    if window is None or window.interpreter_id != current_user.id:
        abort(404)
    db.session.delete(window)
    flash(_("Removed."), "success")
    return redirect(url_for("interpretation.profile"))
