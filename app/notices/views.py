"""The Notices page: a person's notices, newest first, and which of them are emailed."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.i18n import select_timezone
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.notices import services
from app.notices.blueprint import bp
from app.notices.forms import EmailChoicesForm


@bp.record_once
def register_unread_count_global(state):
    # The count in every page's header.
    add_template_globals(state.app, unread_notices=services.unread_count_for_page)


def _page(choices_form=None, status=200):
    kinds = services.kinds_for(current_user)
    if choices_form is None:
        chosen = services.email_choices(current_user)
        choices_form = EmailChoicesForm(kinds, emailed=[k for k, on in chosen.items() if on])
    notices = services.notices_for(current_user, zone=select_timezone(),
                                   locale=current_locale())
    return render_template("notices/index.html", notices=notices, form=EmptyForm(),
                           choices_form=choices_form,
                           unread=sum(not notice.is_read for notice in notices)), status


@bp.route("/notices")
@signed_in
def index():
    return _page()


@bp.route("/notices/<int:notice_id>/read", methods=["POST"])
@signed_in
def mark_read(notice_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not services.mark_read(current_user, notice_id):
        abort(404)
    return redirect(url_for("notices.index"))


@bp.route("/notices/read", methods=["POST"])
@signed_in
def mark_all_read():
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    flash(_("All notices are marked as read."), "success")
    return redirect(url_for("notices.index"))


@bp.route("/notices/email", methods=["POST"])
@signed_in
def email_choices():
    form = EmailChoicesForm(services.kinds_for(current_user))
    if not form.validate_on_submit():
        return _page(form, 400)
    services.set_email_choices(current_user, form.emailed.data or [])
    flash(_("Your email choices are saved."), "success")
    return redirect(url_for("notices.index"))
