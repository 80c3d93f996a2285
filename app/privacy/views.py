from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.auth.models import User
from app.auth.personal_data import is_erased
from app.core.access import organiser_required
from app.core.access import public
from app.core.access import signed_in
from app.core.confirm import confirm_then
from app.core.forms import as_choices
from app.core.forms import refuse_change
from app.core.i18n import select_timezone
from app.core.personal_data import PRIVACY_NOTICE_VERSION
from app.core.personal_data import export_person
from app.core.personal_data import latest_consent
from app.core.personal_data import needs_consent
from app.core.personal_data import section_titles
from app.core.templating import current_locale
from app.core.time import fmt_datetime
from app.core.visibility import Seen
from app.core.visibility import visible_name
from app.extensions import db
from app.privacy import services
from app.privacy.blueprint import bp
from app.privacy.forms import AgreeForm
from app.privacy.forms import AuditFilterForm
from app.privacy.forms import ErasureRequestForm
from app.privacy.forms import FindPersonForm

NO_STORE = {"Cache-Control": "private, no-store"}


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/privacy")
@public
def notice():
    """The privacy notice: what is kept, for how long and why (the periods from config)."""
    config = current_app.config
    return render_template(
        "privacy/notice.html", version=PRIVACY_NOTICE_VERSION,
        retention_days=config["PERSONAL_DATA_RETENTION_DAYS"],
        outbox_days=config["OUTBOX_RETENTION_DAYS"], trusted_days=config["LOGIN_TRUSTED_DAYS"],
        invitation_hours=config["INVITATION_TTL_HOURS"])


@bp.route("/my-data")
@signed_in
def my_data():
    me = _me()
    held = export_person(me)
    return render_template(
        "privacy/my_data.html", consent=latest_consent(me), needs_consent=needs_consent(me),
        version=PRIVACY_NOTICE_VERSION, pending=services.pending_request(me),
        sections=[(title, len(held.get(name, []))) for name, title in section_titles().items()],
        agree_form=AgreeForm(), erasure_form=ErasureRequestForm()), 200, NO_STORE


@bp.route("/my-data/consent", methods=["POST"])
@signed_in
def agree():
    if not AgreeForm().validate_on_submit():
        abort(400)
    services.agree_to_notice(_me())
    flash(_("Thank you: you agreed to version %(version)s of the privacy notice.",
            version=PRIVACY_NOTICE_VERSION), "success")
    return redirect(url_for("privacy.my_data"))


@bp.route("/my-data/roundtable-data.json")
@signed_in
def export_json():
    return Response(services.export_json(_me()), mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="roundtable-data.json"', **NO_STORE})


@bp.route("/my-data/roundtable-data.zip")
@signed_in
def export_zip():
    return Response(services.export_zip(_me()), mimetype="application/zip", headers={
        "Content-Disposition": 'attachment; filename="roundtable-data.zip"', **NO_STORE})


@bp.route("/my-data/erasure", methods=["POST"])
@signed_in
def ask_for_erasure():
    if not ErasureRequestForm().validate_on_submit():
        abort(400)
    services.request_erasure(_me())
    flash(_("Your request is recorded. An organiser will erase your data and tell you."),
          "success")
    return redirect(url_for("privacy.my_data"))


@bp.route("/personal-data", methods=["GET", "POST"])
@organiser_required
def requests():
    form = FindPersonForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = services.person_by_email(form.email.data)
        except services.PrivacyRefusal as error:
            status = refuse_change(form, error)
        else:
            return redirect(url_for("privacy.erase", user_id=person.id))
    elif form.errors:
        status = 400
    return render_template("privacy/requests.html", pending=services.pending_requests(),
                           form=form), status


@bp.route("/people/<int:user_id>/erase", methods=["GET", "POST"])
@organiser_required
def erase(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    here = url_for("privacy.requests")
    name = person.display_name
    return confirm_then(
        heading=_("Erase the personal data of %(name)s?", name=name),
        button=_("Yes, erase this person's data"), back=here, then=here,
        consequences=lambda: _erasing_does(person),
        act=lambda: services.erase(person, _me()),
        done=_("The person's data is erased."),
        no_longer=_("This person's data has already been erased.") if is_erased(person)
        else (_("You cannot erase your own account. Ask another organiser.")
              if person.id == current_user.id else None))


def _erasing_does(person: User) -> list[str]:
    return [
        _("The account becomes “Former participant”: its name, email address, pseudonym and "
          "password are removed, it is signed out everywhere and can no longer sign in."),
        _("Registrations stay as anonymous counts (status, country, way of attending); their "
          "travel details, passport details, nationality, dietary and access needs are "
          "cleared."),
        _("Email waiting for %(email)s is deleted; other email and the audit log keep what "
          "happened without naming them.", email=person.email),
        _("This cannot be undone."),
    ]


def _audit_filter(form: AuditFilterForm) -> services.AuditFilter:
    return services.AuditFilter(
        action=form.action.data or "",
        actor_id=int(form.actor.data) if form.actor.data else None,
        first_day=form.first_day.data, last_day=form.last_day.data)


def _audit_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.action.choices = as_choices([("", _("All actions")),
                                      *((action, action) for action in services.audit_actions())])
    form.actor.choices = as_choices([("", _("Everyone")), *(
        (str(user.id), _actor_name(user)) for user in services.audit_actors())])
    if not form.validate():
        abort(400, description=_("Choose filters from the lists and dates as YYYY-MM-DD."))
    return form


def _actor_name(user: User | None) -> str:
    if user is None:
        return _("The system")
    return visible_name(_me(), user, Seen.ATTENDEE) or user.public_name


@bp.route("/audit")
@organiser_required
def audit():
    form = _audit_form()
    page = request.args.get("page", 1, type=int)
    entries, pages = services.audit_page(_audit_filter(form), select_timezone(), page)
    page = min(max(page, 1), pages)
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("privacy/audit.html", form=form, entries=entries, page=page,
                           pages=pages, query=query, actor_name=_actor_name)


@bp.route("/audit.csv")
@organiser_required
def audit_csv():
    form = _audit_form()
    zone, locale = select_timezone(), current_locale()
    text = services.audit_csv(services.audit_entries(_audit_filter(form), zone), _actor_name,
                              lambda instant: fmt_datetime(instant, zone, locale))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="audit-log.csv"', **NO_STORE})
