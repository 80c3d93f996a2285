from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.models import User
from app.core.access import delegation_required
from app.core.confirm import confirm_page
from app.core.errors import Refusal
from app.core.forms import as_choices
from app.core.forms import country_choices
from app.core.forms import refuse_change
from app.core.forms import submit_form
from app.core.i18n import country_name
from app.core.templating import current_locale
from app.core.visibility import Seen
from app.core.visibility import can_see_needs
from app.core.visibility import is_organiser
from app.core.visibility import visible_name
from app.delegations import services
from app.delegations.blueprint import bp
from app.delegations.forms import HandoverForm
from app.delegations.forms import RegisterDelegateForm
from app.delegations.forms import ReplaceDelegateForm
from app.events.models import Event
from app.events.models import EventStatus
from app.events.visibility import can_see_event
from app.extensions import db
from app.registrations.labels import ATTEND_AS
from app.registrations.labels import STATUSES
from app.registrations.models import AttendAs
from app.registrations.models import Registration


def _country_or_404() -> str | None:
    """The delegation shown: a focal point's own; the one an organiser chose (None: they
    choose first)."""
    country = services.acting_country(current_user, request.args.get("country"))
    if country is not None and country not in dict(country_choices()):
        abort(404)
    return country


@bp.route("/delegation")
@delegation_required
def mine():
    """A focal point's delegation (organisers: any delegation) at each open or upcoming
    event: who registered, how, their needs, the quota used; and the handover form."""
    country = _country_or_404()
    if country is None:
        return render_template("delegations/choose.html", countries=country_choices())
    return _mine_page(country)


def _mine_page(country: str, posted=None, status: int = 200):
    """My delegation; ``posted``: the register form of one event as it was posted."""
    overview = services.delegation_overview(country, current_user)
    forms = {}
    for item in overview:
        if item.event.status == EventStatus.OPEN:
            form = posted if posted is not None and posted.event_id == item.event.id \
                else _register_form(item.event, country, bound=False)
            if form.delegate.choices[1:]:
                forms[item.event.id] = form
    return render_template(
        "delegations/mine.html", country=country,
        country_title=country_name(country, current_locale()), overview=overview,
        register_forms=forms, posted=posted, for_organiser=is_organiser(current_user),
        people=services.delegates(country), Seen=Seen, can_see_needs=can_see_needs), status


def _register_form(event, country: str, *, bound: bool = True) -> RegisterDelegateForm:
    form = RegisterDelegateForm(prefix=f"event{event.id}",
                                **({} if bound else {"formdata": None}))
    form.event_id = event.id
    form.delegate.choices = _people_choices(services.unregistered_delegates(event, country))
    form.attend_as.choices = as_choices((mode.value, ATTEND_AS[mode])
                                        for mode in services.attend_modes(event))
    return form


def _people_choices(people):
    """A select of people of the delegation, by the name the viewer may read."""
    return as_choices([("", _("Choose a person")), *(
        (str(p.id), visible_name(current_user, p, Seen.DELEGATION)) for p in people)])


def _chosen_person(field) -> User:
    person = db.session.get(User, int(field.data)) if field.data.isdigit() else None
    if person is None:
        abort(404)
    return person


def _back(country: str) -> str:
    return url_for("delegations.mine", **({"country": country}
                                          if is_organiser(current_user) else {}))


@bp.route("/delegation/events/<int:event_id>/register", methods=["POST"])
@delegation_required
def register_delegate(event_id):
    """Register a delegate of the delegation on their behalf (My delegation's form)."""
    event = db.session.get(Event, event_id)
    country = _country_or_404()
    if event is None or country is None or not can_see_event(current_user, event):
        abort(404)
    form = _register_form(event, country)

    def change():
        delegate = _chosen_person(form.delegate)
        if delegate.country_code != country:
            raise services.DelegationRefusal(_("Choose a person of your delegation."),
                                             field="delegate")
        return services.register_on_behalf(
            event, delegate, current_user._get_current_object(), AttendAs(form.attend_as.data),
            agreed_chatham=form.agreed_chatham.data, agreed_data=form.agreed_data.data)

    def done(registration):
        flash(_("%(name)s is registered for %(event)s (%(status)s); they are asked to review "
                "the registration.",
                name=visible_name(current_user, registration.user, Seen.DELEGATION),
                event=event.title, status=STATUSES[registration.status]), "success")
        return redirect(_back(country))

    return submit_form(form, change, show=lambda status: _mine_page(country, form, status),
                       done=done)


@bp.route("/delegation/registrations/<int:registration_id>/replace", methods=["GET", "POST"])
@delegation_required
def replace(registration_id):
    """Asked first (app.core.confirm): whom one delegate's registration moves to."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not services.may_act_for(
            current_user, registration.user.country_code) \
            or not can_see_event(current_user, registration.event):
        abort(404)
    country = registration.user.country_code
    back = _back(country)
    form = ReplaceDelegateForm()
    form.successor.choices = _people_choices(
        services.unregistered_delegates(registration.event, country))
    name = visible_name(current_user, registration.user, Seen.DELEGATION)
    event = registration.event
    heading = _("Replace %(name)s at %(event)s?", name=name, event=event.title)
    button = _("Yes, replace")
    if not registration.is_active:
        return confirm_page(heading, [], button=button, back=back, form=form,
                            refusal=_("This registration is no longer active."))
    if form.validate_on_submit():
        successor = _chosen_person(form.successor)
        try:
            services.replace_delegate(registration, successor,
                                      current_user._get_current_object())
        except Refusal as error:
            status = refuse_change(form, error)
            return confirm_page(heading, [], button=button, back=back, form=form,
                                status=status)
        flash(_("%(name)s is replaced by %(successor)s at %(event)s.", name=name,
                successor=visible_name(current_user, successor, Seen.DELEGATION),
                event=event.title), "success")
        return redirect(back)
    said = [_("The registration of %(name)s moves to the person you choose, with its status "
              "and session places.", name=name),
            _("Dietary and access needs, travel and passport details do not move: the "
              "successor adds their own."),
            _("Both are told, and the change is recorded in the audit log.")]
    return confirm_page(heading, said, button=button, back=back, form=form,
                        status=400 if form.errors else 200)


@bp.route("/delegation/<int:user_id>/handover", methods=["GET", "POST"])
@delegation_required
def handover(user_id):
    """Asked first (app.core.confirm): what moves from the departing delegate, to whom, then
    the one button that moves it."""
    departing = db.session.get(User, user_id)
    if departing is None or not services.may_act_for(current_user, departing.country_code):
        abort(404)
    back = _back(departing.country_code)
    form = HandoverForm()
    form.successor.choices = _people_choices(
        p for p in services.delegates(departing.country_code) if p.id != departing.id)
    if not is_organiser(current_user):
        del form.deactivate
    name = visible_name(current_user, departing, Seen.DELEGATION)
    heading = _("Hand over from %(departing)s?", departing=name)
    button = _("Yes, hand over")
    if form.validate_on_submit():
        successor = _chosen_person(form.successor)
        try:
            services.hand_over(departing, successor, current_user._get_current_object(),
                               deactivate=bool("deactivate" in form and form.deactivate.data))
        except Refusal as error:
            status = refuse_change(form, error)
            return confirm_page(heading, [], button=button, back=back, form=form,
                                status=status)
        flash(_("Handed over from %(departing)s to %(successor)s.", departing=name,
                successor=visible_name(current_user, successor, Seen.DELEGATION)), "success")
        return redirect(back)
    return confirm_page(heading, _consequences(services.plan_handover(departing), name),
                        button=button, back=back, form=form,
                        status=400 if form.errors else 200)


def _consequences(plan: services.Handover, name: str) -> list[str]:
    moved = plan.moved
    said = []
    if moved["registrations"]:
        titles = ", ".join(event.title if can_see_event(current_user, event)
                           else _("a private meeting") for event in plan.events)
        said.append(ngettext(
            "%(num)d registration for an upcoming event moves to the successor, with its "
            "status and session places: %(events)s.",
            "%(num)d registrations for upcoming events move to the successor, with their "
            "status and session places: %(events)s.",
            moved["registrations"], events=titles))
    if moved["groups"]:
        said.append(ngettext("%(num)d working-group seat moves: %(groups)s.",
                             "%(num)d working-group seats move: %(groups)s.",
                             moved["groups"], groups=", ".join(plan.groups)))
    if moved["invitations"]:
        said.append(ngettext("%(num)d invitation to a bilateral call moves.",
                             "%(num)d invitations to bilateral calls move.",
                             moved["invitations"]))
    if moved["answers"]:
        said.append(ngettext("%(num)d poll answer moves.", "%(num)d poll answers move.",
                             moved["answers"]))
    if not any(moved.values()):
        said.append(_("%(departing)s holds nothing that would move.", departing=name))
    said.append(_("Where the successor already has their own registration for the event, "
                  "working-group seat, invitation or poll answer, theirs wins and the one of "
                  "%(departing)s is left behind.", departing=name))
    said.append(_("Dietary and access needs, travel and passport details do not move: the "
                  "successor adds their own."))
    said.append(_("The handover is recorded in the audit log."))
    return said
