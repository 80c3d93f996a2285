import logging

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import _
from flask_babel import refresh
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from app.core.access import organiser_required
from app.core.access import public
from app.core.blueprint import bp
from app.core.errors import Refusal
from app.core.forms import EmptyForm
from app.core.forms import PreferencesForm
from app.core.i18n import select_buddhist_era
from app.core.i18n import select_language
from app.core.i18n import select_timezone
from app.core.mail import outbox_problems
from app.core.mail import retry_dead_letter
from app.core.models import OutboxMessage
from app.core.service import current_request_id
from app.core.web import redirect_back
from app.extensions import db


@bp.route("/language", methods=["POST"])
@public
def switch_language():
    locale = request.form.get("locale")
    if locale not in current_app.config["LANGUAGES"]:
        abort(400, description=_("That language is not available."))
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    session["locale"] = locale
    refresh()
    return redirect_back()


@bp.route("/favicon.ico")
@public
def favicon():
    """Where browsers look for an icon before reading the page's own link."""
    return redirect(url_for("core.static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
@public
def healthz():
    """For load balancers and monitors: 200 while this worker reaches the database. When it
    cannot, the query raises and the database-unavailable handler answers 503."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.route("/preferences", methods=["GET", "POST"])
@public
def preferences():
    form = PreferencesForm(locale=select_language(), timezone=select_timezone(),
                           buddhist_era=select_buddhist_era())
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        session["timezone"] = form.timezone.data
        session["buddhist_era"] = bool(form.buddhist_era.data)
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            current_user.timezone = form.timezone.data
            current_user.buddhist_era = bool(form.buddhist_era.data)
            db.session.commit()
        refresh()
        flash(_("Preferences saved."), "success")
        return redirect_back()
    status = 400 if form.errors else 200
    return render_template("core/preferences.html", form=form), status


@bp.route("/outbox")
@organiser_required
def outbox():
    return render_template("core/outbox.html", messages=outbox_problems(), form=EmptyForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@organiser_required
def retry_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    retry_dead_letter(message)
    flash(_("The email to %(recipient)s will be sent again.", recipient=message.recipient),
          "success")
    return redirect(url_for("core.outbox"))


ERROR_TITLES = {
    400: lambda: _("That request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("That action is not allowed here"),
    409: lambda: _("That conflicts with what is already saved"),
    413: lambda: _("That file is too large"),
    422: lambda: _("Please check what you entered"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
}


def render_error(status: int, description: str | None = None):
    title = ERROR_TITLES.get(status, ERROR_TITLES[500])()
    # Every handled error is logged with its request id (added by the log handler); the
    # ordinary ones (signed out, no access, not found) at INFO so they do not page anyone.
    level = logging.INFO if status in (401, 403, 404, 405) else logging.WARNING
    current_app.logger.log(level, "answered %s: %s", status, description or title)
    return render_template("core/error.html", status=status, title=title,
                           description=description, request_id=current_request_id()), status


@bp.app_errorhandler(CSRFError)
def csrf_error(_error):
    return render_error(400, _("Your form expired or was sent from elsewhere. "
                               "Please go back, reload the page and try again."))


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # Werkzeug's default descriptions are English; only our own, translated ones are shown.
    own = error.description if error.description != type(error).description else None
    return render_error(error.code, own)


@bp.app_errorhandler(Refusal)
def refused(error: Refusal):
    """A refusal no view turned into a page of its own: its message, with its status, and
    nothing the request did is kept."""
    db.session.rollback()
    return render_error(error.status, str(error))


@bp.app_errorhandler(500)
def server_error(_error):
    db.session.rollback()
    return render_error(500)
