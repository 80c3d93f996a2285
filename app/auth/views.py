from flask import flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.auth import bp, services
from app.auth.forms import (
    ORGANISATION_KINDS,
    InviteForm,
    JoinForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
)
from app.auth.models import Invitation, User
from app.core.access import organiser_required, public, secret_link, signed_in
from app.core.forms import EmptyForm, as_choices, country_choices, refuse, timezone_choices
from app.core.i18n import language_name
from app.core.templating import current_locale
from app.core.time import now_utc
from app.core.web import absolute_url, redirect_back, safe_next
from app.extensions import db, login_manager


@bp.record_once
def register_label_globals(state):
    kinds = {choice.value: choice.label for choice in ORGANISATION_KINDS}
    state.app.jinja_env.globals["organisation_kind_label"] = lambda value: kinds.get(value, value)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


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
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "unknown")
        except services.SignInThrottled as error:
            flash(str(error), "error")
            status = 429
        except services.SignInRefused as error:
            db.session.commit()  # the failure must count even though we answer with an error
            flash(str(error), "error")
            status = 401
        else:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
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
    form = JoinForm(country=invitation.country_code or "", locale=current_locale())
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
            db.session.rollback()
            refuse(form, str(error), error.field)
            status = 409 if isinstance(error, services.InvitationUnusable) else 400
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name),
                  "success")
            return redirect(url_for("events.timeline"))
    elif form.errors:
        status = 400
    return render_template("auth/join.html", form=form, invitation=invitation), status


def _profile_form(formdata=None) -> ProfileForm:
    """The profile form, filled from the account (``formdata``: what was posted, if any)."""
    user = current_user._get_current_object()
    form = ProfileForm(formdata=formdata, obj=user, country=user.country_code or "",
                       organisation_name=user.organisation.name if user.organisation else "",
                       organisation_kind=(user.organisation.kind.value if user.organisation
                                          else "government"))
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
            db.session.rollback()
            refuse(form, str(error), error.field)
            status = 400
        else:
            db.session.commit()
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
        db.session.rollback()
        refuse(form, str(error), error.field)
        return _profile_page(_profile_form(), form, 400)
    db.session.commit()
    flash(_("Password changed."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/invitations", methods=["GET", "POST"])
@organiser_required
def invitations():
    form = InviteForm()
    form.country.choices = as_choices([("", _("None")), *country_choices()])
    status = 200
    if form.validate_on_submit():
        try:
            invitation, token = services.invite(form.email.data, form.roles.data, current_user,
                                                form.country.data)
        except services.AccountError as error:
            db.session.rollback()
            refuse(form, str(error), error.field)
            status = 409
        else:
            join_url = absolute_url("auth.join", token=token)
            services.queue_invitation_email(invitation, join_url, current_locale())
            db.session.commit()
            flash(_("Invitation sent to %(email)s. You can also pass on this link: %(url)s",
                    email=invitation.email, url=join_url), "success")
            return redirect(url_for("auth.invitations"))
    elif form.errors:
        status = 400
    pending = db.session.scalars(
        select(Invitation).where(Invitation.used_dt.is_(None))
        .order_by(Invitation.created_dt.desc()).limit(200)
    ).all()
    return render_template("auth/invitations.html", form=form, pending=pending,
                           now=now_utc(), revoke_form=EmptyForm()), status


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@organiser_required
def revoke_invitation(invitation_id):
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.used_dt is None:
        invitation.expires_dt = now_utc()
        db.session.commit()
        flash(_("Invitation to %(email)s revoked.", email=invitation.email), "success")
    return redirect_back("auth.invitations")
