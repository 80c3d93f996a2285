from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from app.auth import services
from app.auth.blueprint import bp
from app.auth.forms import ACCOUNT_STATUS_LABELS
from app.auth.forms import ORGANISATION_KINDS
from app.auth.forms import ROLE_LABELS
from app.auth.forms import AccountFilterForm
from app.auth.forms import ForgotPasswordForm
from app.auth.forms import InviteForm
from app.auth.forms import JoinForm
from app.auth.forms import LoginForm
from app.auth.forms import PasswordForm
from app.auth.forms import ProfileForm
from app.auth.forms import ResetPasswordForm
from app.auth.forms import RolesForm
from app.auth.models import Invitation
from app.auth.models import User
from app.core.access import organiser_required
from app.core.access import public
from app.core.access import secret_link
from app.core.access import signed_in
from app.core.compression import forget_masked_token
from app.core.confirm import confirm_then
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import country_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse_change
from app.core.forms import timezone_choices
from app.core.i18n import country_name
from app.core.i18n import language_name
from app.core.personal_data import PRIVACY_NOTICE_VERSION
from app.core.personal_data import record_consent
from app.core.templating import add_template_globals
from app.core.templating import current_language
from app.core.templating import current_locale
from app.core.time import now_utc
from app.core.web import absolute_url
from app.core.web import redirect_back
from app.core.web import safe_next
from app.extensions import db
from app.extensions import login_manager


@bp.record_once
def register_label_globals(state):
    kinds = {choice.value: choice.label for choice in ORGANISATION_KINDS}
    add_template_globals(state.app,
                         organisation_kind_label=lambda value: kinds.get(value, value),
                         role_label=lambda value: ROLE_LABELS.get(value, value),
                         account_status_label=lambda value: ACCOUNT_STATUS_LABELS[value])


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Session and "remember me" cookies hold the account's session token (User.get_id)."""
    return services.load_signed_in(session_token)


def _start_session(user: User, remember: bool = False) -> None:
    """Sign ``user`` in on this browser with a fresh CSRF secret: a token planted or read
    before sign-in is worth nothing after it."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    forget_masked_token()
    login_user(user, remember=remember)


def _remembered() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _language_choices():
    locale = current_locale()
    return [(code, language_name(code, locale)) for code in services.SPOKEN_LANGUAGES]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        device_cookie = request.cookies.get(services.DEVICE_COOKIE)
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "unknown", device_cookie)
        except services.SignInThrottled as error:
            flash(str(error), "error")
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(error.retry_after)}
        except services.SignInRefused as error:
            db.session.commit()  # the failure must count even though we answer with an error
            flash(str(error), "error")
            status = 401
        else:
            _start_session(user, remember=form.remember.data)
            db.session.commit()
            response = redirect(safe_next(request.args.get("next")))
            _set_device_cookie(response, user, device_cookie)
            return response
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


def _set_device_cookie(response, user: User, current: str | None = None) -> None:
    """Mark this browser as one the account signs in from (see services.authenticate)."""
    response.set_cookie(services.DEVICE_COOKIE, services.device_cookie_for(user, current),
                        max_age=services.device_cookie_max_age(), httponly=True,
                        samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Signing out ends every session of the account, on every device."""
    services.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("events.timeline"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@secret_link
def join(token):
    try:
        invitation = services.usable_invitation(token)
    except services.InvitationUnusable as error:
        return render_template("auth/join_refused.html", message=str(error)), 410
    form = JoinForm(country=invitation.country_code or "", locale=current_language())
    form.set_choices(country_choices(), _language_choices())
    form.timezone.choices = [*as_choices([("", _("My country's main timezone"))]),
                             *timezone_choices()]
    status = 200
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, form.password.data,
                display_name=form.display_name.data, pseudonym=form.pseudonym.data,
                country_code=form.country.data, organisation_name=form.organisation_name.data,
                organisation_kind=form.organisation_kind.data, timezone=form.timezone.data,
                locale=form.locale.data, languages=form.languages.data,
            )
        except services.AccountError as error:
            refuse_change(form, error)
            status = 409 if isinstance(error, services.InvitationUnusable) else 400
        else:
            record_consent(user)
            services.remember_address(user, request.remote_addr or "unknown")
            db.session.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name),
                  "success")
            response = redirect(url_for("events.timeline"))
            _set_device_cookie(response, user)
            return response
    elif form.errors:
        status = 400
    return render_template("auth/join.html", form=form, invitation=invitation,
                           notice_version=PRIVACY_NOTICE_VERSION), status


def _profile_form(formdata=None) -> ProfileForm:
    """The profile form, filled from the account (``formdata``: what was posted, if any)."""
    user = current_user._get_current_object()
    # Not ``obj=user``: its attributes win over these values, and ``user.country`` is the
    # Country row, which a post without the field would then save as the country code.
    form = ProfileForm(formdata=formdata, display_name=user.display_name,
                       pseudonym=user.pseudonym, country=user.country_code or "",
                       organisation_name=user.organisation.name if user.organisation else "",
                       organisation_kind=(user.organisation.kind.value if user.organisation
                                          else "government"),
                       timezone=user.timezone, locale=user.locale, languages=user.languages)
    form.set_choices(country_choices(), _language_choices())
    return form


def _profile_page(form, password_form, status=200):
    return render_template("auth/profile.html", form=form,
                           password_form=password_form), status


@bp.route("/profile", methods=["GET", "POST"])
@signed_in
def profile():
    user = current_user._get_current_object()
    form = _profile_form(request.form if request.method == "POST" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.apply_profile(
                user, display_name=form.display_name.data, pseudonym=form.pseudonym.data,
                country_code=form.country.data, organisation_name=form.organisation_name.data,
                organisation_kind=form.organisation_kind.data, timezone=form.timezone.data,
                locale=form.locale.data, languages=form.languages.data,
            )
        except services.AccountError as error:
            refuse_change(form, error)
            status = 400
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"))
    elif form.errors:
        status = 400
    return _profile_page(form, PasswordForm(prefix="pw", formdata=None), status)


@bp.route("/profile/password", methods=["POST"])
@signed_in
def change_password():
    form = PasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _profile_page(_profile_form(), form, 400)
    try:
        services.change_password(current_user, form.current.data, form.new.data)
    except services.AccountError as error:
        refuse_change(form, error)
        return _profile_page(_profile_form(), form, 400)
    db.session.commit()
    # Every other session has just ended; this one carries on under the new session token.
    _start_session(current_user._get_current_object(), remember=_remembered())
    flash(_("Password changed."), "success")
    return redirect(url_for("auth.profile"))


# --- password reset by email (the rules are in services: request_password_reset) ----------

@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a reset link: the same answer whether or not an account uses the address."""
    form = ForgotPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.request_password_reset(form.email.data, request.remote_addr or "unknown")
        except services.TooManyResetRequests as error:
            refuse_change(form, error)
            return render_template("auth/forgot.html", form=form), 429, {
                "Retry-After": str(error.retry_after)}
        return redirect(url_for("auth.reset_sent"))
    elif form.errors:
        status = 400
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/forgot/sent")
@public
def reset_sent():
    return render_template("auth/reset_sent.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@secret_link
def reset_password(token):
    try:
        services.usable_reset(token)
    except services.ResetLinkUnusable as error:
        return render_template("auth/reset_refused.html", message=str(error)), error.status
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.ResetLinkUnusable as error:  # used by a request that raced this one
            db.session.rollback()
            return render_template("auth/reset_refused.html", message=str(error)), error.status
        except services.AccountError as error:
            status = refuse_change(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()  # whoever was signed in on this browser: the sessions ended
            flash(_("Your password is changed and you are signed out everywhere. Sign in with "
                    "your new password."), "success")
            return redirect(url_for("auth.login"))
    elif form.errors:
        status = 400
    return render_template("auth/reset.html", form=form), status


# --- organisers: invitations and accounts ---------------------------------------------------

def _invite_form(formdata=None) -> InviteForm:
    return InviteForm(formdata=formdata)


def _invitations_page(form, status=200):
    return render_template("auth/invitations.html", form=form,
                           pending=services.pending_invitations(), now=now_utc(),
                           revoke_form=EmptyForm()), status


@bp.route("/invitations", methods=["GET", "POST"])
@organiser_required
def invitations():
    form = _invite_form(request.form if request.method == "POST" else None)
    status = 200
    if form.validate_on_submit():
        try:
            invitation, token = services.invite(form.email.data, form.roles.data, current_user,
                                                form.country.data)
        except services.AccountError as error:
            refuse_change(form, error)
            status = 409
        else:
            _send_invitation(invitation, token)
            return redirect(url_for("auth.invitations"))
    elif form.errors:
        status = 400
    return _invitations_page(form, status)


def _send_invitation(invitation: Invitation, token: str) -> None:
    join_url = absolute_url("auth.join", token=token)
    services.queue_invitation_email(invitation, join_url, current_language())
    flash(_("Invitation sent to %(email)s. You can also pass on this link: %(url)s",
            email=invitation.email, url=join_url), "success")


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@organiser_required
def resend_invitation(invitation_id):
    """Send an invitation again with a new link; the old link stops working."""
    invitation = db.get_or_404(Invitation, invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            invitation, token = services.reinvite(invitation, current_user)
        except services.AccountError as error:
            flash_refusal(error)
        else:
            _send_invitation(invitation, token)
    return redirect(url_for("auth.invitations"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@organiser_required
def revoke_invitation(invitation_id):
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.used_dt is None:
        invitation.expires_dt = now_utc()
        flash(_("Invitation to %(email)s revoked.", email=invitation.email), "success")
    return redirect_back("auth.invitations")


def _account_filters() -> dict:
    """The accounts page's filter and page number, from the query string (kept on every
    form's action so a change comes back to the same list)."""
    role = request.args.get("role", "")
    role = role if role in ROLE_LABELS else ""
    status = request.args.get("status", "")
    status = status if status in ACCOUNT_STATUS_LABELS else ""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and len(page) < 6 else 1
    return {key: value for key, value in (("role", role), ("status", status), ("page", page))
            if value and value != 1}


def _accounts_page(refused: RolesForm | None = None, refused_id: int | None = None,
                   status: int = 200):
    filters = _account_filters()
    listing = services.list_accounts(filters.get("role"), filters.get("status"),
                                     filters.get("page", 1))
    forms = {}
    for person in listing.people:
        if person.id == refused_id:
            forms[person.id] = refused
        else:
            forms[person.id] = RolesForm(prefix=f"u{person.id}", formdata=None,
                                         roles=[role.value for role in person.roles])
    filter_form = AccountFilterForm(request.args)
    return render_template("auth/accounts.html", listing=listing, forms=forms,
                           filters=filters, filter_form=filter_form, refused=refused,
                           reactivate_form=EmptyForm()), status


@bp.route("/accounts")
@organiser_required
def accounts():
    return _accounts_page()


def _back_to_accounts():
    return redirect(url_for("auth.accounts", **_account_filters()))


@bp.route("/accounts/<int:user_id>/roles", methods=["POST"])
@organiser_required
def change_roles(user_id):
    person = db.get_or_404(User, user_id)
    form = RolesForm(prefix=f"u{person.id}")
    if not form.validate_on_submit():
        return _accounts_page(form, person.id, 400)
    try:
        services.change_roles(person, form.roles.data, current_user._get_current_object())
    except services.AccountError as error:
        return _accounts_page(form, person.id, refuse_change(form, error))
    flash(_("Roles of %(email)s saved: %(roles)s.", email=person.email,
            roles=", ".join(str(ROLE_LABELS[role.value]) for role in person.roles)), "success")
    return _back_to_accounts()


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
@organiser_required
def deactivate_account(user_id):
    """Asked first (app.core.confirm): deactivating signs the person out everywhere."""
    person = db.get_or_404(User, user_id)
    return confirm_then(
        heading=_("Deactivate the account of %(name)s (%(email)s)?",
                  name=person.display_name, email=person.email),
        button=_("Yes, deactivate"),
        back=url_for("auth.accounts", **_account_filters()),
        consequences=lambda: [
            _("They are signed out on every device at once and cannot sign in until an "
              "organiser reactivates the account."),
            _("Their personal calendar link stops working, and so do unused password reset "
              "links."),
            _("Their registrations and everything they shared stay as they are."),
        ],
        act=lambda: services.set_active(person, False, current_user._get_current_object()),
        done=_("%(email)s is deactivated and signed out everywhere.", email=person.email),
        then=url_for("auth.accounts", **_account_filters()),
        no_longer=None if person.is_active else _("This account is already deactivated."),
    )


@bp.route("/accounts/<int:user_id>/reactivate", methods=["POST"])
@organiser_required
def reactivate_account(user_id):
    person = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            services.set_active(person, True, current_user._get_current_object())
        except services.AccountError as error:
            flash_refusal(error)
        else:
            flash(_("%(email)s can sign in again.", email=person.email), "success")
    return _back_to_accounts()


def _focal_point(user_id: int, appoint: bool):
    person = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            services.set_focal_point(person, appoint, current_user._get_current_object())
        except services.AccountError as error:
            flash_refusal(error)
        else:
            if appoint:
                country = country_name(person.country_code, current_locale())
                flash(_("%(email)s is now a focal point of the delegation of %(country)s.",
                        email=person.email, country=country), "success")
            else:
                flash(_("%(email)s is no longer a delegation focal point.", email=person.email),
                      "success")
    return _back_to_accounts()


@bp.route("/accounts/<int:user_id>/focal-point/appoint", methods=["POST"])
@organiser_required
def appoint_focal_point(user_id):
    """A focal point acts for the delegation of their own account's country."""
    return _focal_point(user_id, True)


@bp.route("/accounts/<int:user_id>/focal-point/remove", methods=["POST"])
@organiser_required
def remove_focal_point(user_id):
    return _focal_point(user_id, False)
