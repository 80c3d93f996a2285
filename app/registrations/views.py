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
from app.core import visibility
from app.core.access import organiser_required
from app.core.access import roles_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.core.i18n import select_timezone
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.core.templating import viewer_when
from app.core.templating import viewer_zone_label
from app.events.labels import ATTENDANCE_MODES
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.events.translations import translated
from app.extensions import db
from app.registrations import exports
from app.registrations import labels
from app.registrations import services
from app.registrations.blueprint import bp
from app.registrations.forms import AssignForm
from app.registrations.forms import CapacityForm
from app.registrations.forms import EditRegistrationForm
from app.registrations.forms import InviteeForm
from app.registrations.forms import MessageForm
from app.registrations.forms import QuotaForm
from app.registrations.forms import RegistrationForm
from app.registrations.models import ACTIVE
from app.registrations.models import AttendAs
from app.registrations.models import EventMessage
from app.registrations.models import Registration


@bp.record_once
def register_panel_global(state):
    # The event page (events feature) shows this panel without importing registrations.
    add_template_globals(
        state.app,
        registration_panel=registration_panel,
        registration_counts=registration_counts,
        registration_status_label=labels.STATUSES.get,
        registration_standing_label=labels.standing,
        attend_as_label=labels.ATTEND_AS.get,
        registration_action_label=labels.ACTIONS.get,
    )


def registration_counts(event):
    """Who is coming, as ``visibility`` lets the current viewer read it (small numbers
    suppressed for all but organisers): the same for every viewer of their kind, so the
    event page's shared shell shows it."""
    return visibility.shown_counts(current_user, services.attendance_counts(event))


def registration_panel(event):
    """The current viewer's own registration on the event page: its state, their place on
    the waitlist, whether they may register; from their standing alone
    (``services.viewer_standing``), which the page's parts are shared by."""
    status, position, may = services.viewer_standing(event, current_user)
    active = status in ACTIVE
    return {
        "status": status,
        "active": active,
        "position": position,
        "takes_part": visibility.may_register_as_participant(current_user),
        "may_register": not active and visibility.may_register_as_participant(current_user)
        and may,
    }




def _own_registration_or_404(registration_id) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)  # someone else's registration: do not reveal it exists
    return registration


def _prepare(form, event, keep_language=""):
    locale = current_locale()
    zone = select_timezone()

    def label(session):
        # Who may take the place (in a hybrid event), and when, naming the reader's zone.
        mode = (f" · {ATTENDANCE_MODES[session.attendance_mode]}"
                if event.kind == EventKind.HYBRID else "")
        return (f"{translated(session, 'title').text}{mode} · {viewer_when(session.start_dt)} · "
                f"{viewer_zone_label(zone, session.start_dt)}")

    # Both lists are read when the form is shown, or checks a choice made in them: a
    # registration choosing no session and no language (most of them) reads neither.
    form.session_ids.choices = lambda: as_choices(
        (str(s.id), label(s)) for s in services.limited_sessions(event))
    # The managed list of interpretation languages (organisers edit it), and the language
    # already chosen even if it was retired since.
    form.interpretation_language.choices = lambda: as_choices(
        [("", _("None needed")), *interpretation_languages.choices(locale,
                                                                   keep=[keep_language])])
    return form


def _input(form) -> services.RegistrationInput:
    return services.RegistrationInput(
        attend_as=AttendAs(form.attend_as.data or AttendAs.IN_PERSON.value),
        session_ids=[int(value) for value in form.session_ids.data or []],
        dietary_needs=form.dietary_needs.data or "", access_needs=form.access_needs.data or "",
        arrival_date=form.arrival_date.data, arrival_time=form.arrival_time.data,
        arrival_flight=form.arrival_flight.data or "",
        departure_date=form.departure_date.data, departure_time=form.departure_time.data,
        departure_flight=form.departure_flight.data or "",
        needs_room=bool(form.needs_room.data), room_notes=form.room_notes.data or "",
        passport_name=form.passport_name.data or "",
        nationality=form.nationality.data or "",
        passport_number=form.passport_number.data or "",
        interpretation_language=form.interpretation_language.data or "",
        consent_chatham=bool(getattr(form, "consent_chatham", None) and
                             form.consent_chatham.data),
        consent_data=bool(getattr(form, "consent_data", None) and form.consent_data.data),
    )


def _unexpected_fields(form) -> list[str]:
    """Fields the form never offered (a tampered capacity, a forged status...)."""
    known = set(form._fields) | {"csrf_token"}
    return sorted(set(request.form) - known)


def _status_message(registration, position):
    if registration.status.value == "confirmed":
        return _("You are registered. Your place is confirmed.")
    if registration.status.value == "pending":
        return _("You are registered. The organisers will confirm your place.")
    return _("The event is full: you are number %(n)d on the waitlist.", n=position or 0)


def _registration_form(event, form, save, registration=None):
    """The registration form, new or edited: a field it never offered makes the request a
    tampered one (400); else ``save()`` runs and its message greets the person on their
    registrations, or the form comes back with what went wrong."""
    if request.method == "POST" and _unexpected_fields(form):
        abort(400, description=_("The form contained fields it does not offer. "
                                 "Please reload the page and try again."))

    def done(message):
        flash(message, "success")
        return redirect(url_for("registrations.mine"))

    return submit_form(form, save, done=done, flashed=True, show=lambda status: (render_template(
        "registrations/register.html", form=form, event=event, registration=registration,
        hybrid=event.kind == EventKind.HYBRID, in_person=event.kind != EventKind.VIRTUAL),
        status))


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@roles_required(*visibility.PARTICIPATING_ROLES)  # interpreter-only accounts: 403
def register(event_id):
    event = visible_event_or_404(event_id, current_user)
    if request.method == "GET":
        # A form that cannot be accepted is not offered: the event's page, saying why.
        try:
            services.check_may_register(event, current_user)
        except services.RegistrationConflict as refusal:
            flash_refusal(refusal)
            return redirect(url_for("events.show_event", event_id=event.id))
    form = _prepare(RegistrationForm(), event)

    def save():
        registration = services.register(event, current_user, _input(form))
        return _status_message(registration, registration.queued_as)

    return _registration_form(event, form, save)


@bp.route("/registrations")
@signed_in
def mine():
    return render_template("registrations/mine.html",
                           registrations=services.my_registrations(current_user),
                           cancel_form=EmptyForm())


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(registration_id):
    registration = _own_registration_or_404(registration_id)
    form = EditRegistrationForm(obj=registration) if request.method == "GET" else \
        EditRegistrationForm()
    _prepare(form, registration.event, registration.interpretation_language)
    if request.method == "GET":
        form.attend_as.data = registration.attend_as.value
        form.session_ids.data = [str(place.session_id) for place in registration.choices
                                 if place.status.value != "cancelled"]

    def save():
        services.update_registration(registration, _input(form))
        return _("Your registration is updated.")

    return _registration_form(registration.event, form, save, registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@signed_in
def cancel(registration_id):
    registration = _own_registration_or_404(registration_id)
    # A refusal (cancelled already, the event over) is answered by core's Refusal handler.
    services.cancel_registration(registration, current_user)
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("registrations.mine"))


# --- organisers ----------------------------------------------------------------------------

def _roster_forms(event) -> dict:
    return {"capacity": CapacityForm(prefix="capacity", capacity=event.capacity),
            "quota": QuotaForm(prefix="quota"), "invitee": InviteeForm(prefix="invitee")}


@bp.route("/events/<int:event_id>/registrations")
@organiser_required
def roster(event_id):
    event = visible_event_or_404(event_id, current_user)
    return _roster_page(event, _roster_forms(event))


def _roster_page(event, forms, status=200):
    """The roster; a refused capacity, quota or invitee form comes back marked."""
    registrations = services.roster(event)
    seats, counts = services.roster_counts(event, registrations)
    return render_template(
        "registrations/roster.html", event=event, registrations=registrations,
        positions=services.waitlist_positions(registrations),
        counts=counts, seats=seats,
        quotas=services.quotas(event), invitees=services.invitees(event),
        capacity_form=forms["capacity"], quota_form=forms["quota"],
        invitee_form=forms["invitee"], action_form=EmptyForm(),
    ), status


ACTIONS = {
    "approve": services.approve_registration,
    "decline": services.decline_registration,
    "promote": services.promote_registration,
    "cancel": services.cancel_registration,
}


@bp.route("/events/<int:event_id>/registrations/<int:registration_id>/<action>",
          methods=["POST"])
@organiser_required
def act(event_id, registration_id, action):
    event = visible_event_or_404(event_id, current_user)
    registration = part_of_event_or_404(Registration, registration_id, event)
    if action not in ACTIONS:
        abort(404)
    try:
        ACTIONS[action](registration, current_user)
    except services.RegistrationError as error:
        flash_refusal(error)
        return redirect(url_for("registrations.roster", event_id=event.id)), 303
    flash(_("Saved."), "success")
    return redirect(url_for("registrations.roster", event_id=event.id))


def _roster_submit(event_id, name, change):
    """The roster's forms post here: ``change(event, form)`` applied (it returns whoever moved
    off the waitlist) and back to the roster, or the roster again with form ``name`` marked."""
    event = visible_event_or_404(event_id, current_user)
    forms = _roster_forms(event)
    form = forms[name]

    def done(promoted):
        flash(_("Saved."), "success")
        if promoted:
            flash(ngettext("%(num)d person moved off the waitlist.",
                           "%(num)d people moved off the waitlist.", len(promoted)), "success")
        return redirect(url_for("registrations.roster", event_id=event.id))

    return submit_form(form, lambda: change(event, form),
                       show=lambda status: _roster_page(event, forms, status), done=done)


@bp.route("/events/<int:event_id>/capacity", methods=["POST"])
@organiser_required
def set_capacity(event_id):
    return _roster_submit(event_id, "capacity", lambda event, form: services.set_capacity(
        event, form.capacity.data, current_user))


@bp.route("/events/<int:event_id>/quotas", methods=["POST"])
@organiser_required
def set_quota(event_id):
    return _roster_submit(event_id, "quota", lambda event, form: services.set_quota(
        event, form.country.data, form.max_in_person.data, current_user))


@bp.route("/events/<int:event_id>/invitees", methods=["POST"])
@organiser_required
def add_invitee(event_id):
    def invite(event, form):
        services.invite_email_or_delegation(event, form.email.data, form.country.data)

    return _roster_submit(event_id, "invitee", invite)


def _csv_response(event, name, text):
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-{name}.csv"',
        "Cache-Control": "no-store",
    })


@bp.route("/events/<int:event_id>/registrations/<any(roster, needs, travel):kind>.csv")
@organiser_required
def export(event_id, kind):
    event = visible_event_or_404(event_id, current_user)
    registrations = services.roster(event)
    if kind == "roster":
        text = exports.roster_csv(registrations, services.waitlist_positions(registrations))
    elif kind == "needs":
        text = exports.needs_csv(registrations)
    else:
        text = exports.travel_csv(registrations)
    return _csv_response(event, kind, text)


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/members", methods=["GET", "POST"])
@organiser_required
def members(event_id, session_id):
    event = visible_event_or_404(event_id, current_user)
    session = part_of_event_or_404(EventSession, session_id, event)
    form = AssignForm()
    confirmed = services.confirmed_registrations(event)
    form.registration_id.choices = as_choices(
        (str(r.id), r.user.display_name) for r in confirmed)

    def assign():
        services.assign_to_session(
            session, db.session.get(Registration, int(form.registration_id.data)), current_user)

    def done(_result):
        flash(_("Saved."), "success")
        return redirect(url_for("registrations.members", event_id=event.id,
                                session_id=session.id))

    return submit_form(form, assign, done=done, flashed=True, show=lambda status: (render_template(
        "registrations/members.html", event=event, session=session,
        places=services.session_members(session), form=form), status))



# --- messages to registrants --------------------------------------------------------------

def _message_form() -> MessageForm:
    form = MessageForm(prefix="message")
    form.language.choices = as_choices([("", _("Any or none")),
                                        *interpretation_languages.choices(current_locale())])
    return form


@bp.route("/events/<int:event_id>/messages", methods=["GET", "POST"])
@organiser_required
def messages(event_id):
    """Write a message to the event's registrants (a draft: the next page shows who will
    receive it and sends it), and the messages written before."""
    event = visible_event_or_404(event_id, current_user)
    form = _message_form()

    def draft():
        audience = services.audience_of(form.countries.data, form.attend_as.data,
                                         form.language.data, form.waitlisted.data)
        texts = {language: (getattr(form, f"subject_{language}").data or "",
                            getattr(form, f"body_{language}").data or "")
                 for language in services.MESSAGE_LANGUAGES}
        return services.draft_message(event, current_user, audience, texts)

    def done(message):
        return redirect(url_for("registrations.message", event_id=event.id,
                                event_message_id=message.id), 303)

    return submit_form(form, draft, done=done, show=lambda status: (render_template(
        "registrations/messages.html", event=event, form=form,
        messages=services.event_messages(event)), status))


@bp.route("/events/<int:event_id>/messages/<int:event_message_id>")
@organiser_required
def message(event_id, event_message_id):
    """A message as it will be (or was) sent: who receives it, how many, and its words in
    each language; a draft's one button sends it."""
    event = visible_event_or_404(event_id, current_user)
    item = part_of_event_or_404(EventMessage, event_message_id, event)
    count = item.recipient_count if item.is_sent else len(
        services.message_recipients(event, item.audience))
    return render_template("registrations/message.html", event=event, message=item,
                           count=count, form=EmptyForm(),
                           languages=services.MESSAGE_LANGUAGES)


@bp.route("/events/<int:event_id>/messages/<int:event_message_id>/send", methods=["POST"])
@organiser_required
def send_message(event_id, event_message_id):
    event = visible_event_or_404(event_id, current_user)
    item = part_of_event_or_404(EventMessage, event_message_id, event)
    back = redirect(url_for("registrations.message", event_id=event.id, event_message_id=item.id),
                    303)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = services.send_message(item, current_user)
    except services.RegistrationError as error:
        flash_refusal(error)
        return back
    flash(ngettext("Sent to %(num)d person.", "Sent to %(num)d people.", sent), "success")
    return back
