"""Check-in at the door and attendance reports: organisers only (they see names)."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.attendance import services
from app.attendance.blueprint import bp
from app.attendance.forms import ReportForm
from app.attendance.forms import SearchForm
from app.core.access import organiser_required
from app.core.errors import Refusal
from app.core.forms import EmptyForm
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.events.models import EventSession
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db
from app.registrations.models import Registration


def _session_or_404(event_id, session_id):
    event = visible_event_or_404(event_id, current_user)
    return event, part_of_event_or_404(EventSession, session_id, event)


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/check-in")
@organiser_required
def check_in_list(event_id, session_id):
    event, session = _session_or_404(event_id, session_id)
    search = SearchForm(request.args)
    if not search.validate():
        abort(400, description=_("A name to find is at most 100 characters."))
    everyone = services.expected(session)
    shown = services.expected(session, search.q.data or "") if search.q.data else everyone
    attended = services.attended(session)
    return render_template("attendance/check_in.html", event=event, session=session,
                           search=search, shown=shown, attended=attended,
                           arrived=sum(r.user_id in attended for r in everyone),
                           total=len(everyone), form=EmptyForm())


def _tap(event_id, session_id, registration_id, change):
    """A check-in button's POST: the change, then back to the list where the person was
    (and the name being looked for), so the next tap is where the thumb is."""
    event, session = _session_or_404(event_id, session_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        said = change(session, registration)
    except Refusal as error:
        flash_refusal(error)
    else:
        flash(said, "success")
    return redirect(url_for("attendance.check_in_list", event_id=event.id, session_id=session.id,
                            q=request.args.get("q") or None, _anchor=f"r{registration.id}"))


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/check-in/<int:registration_id>",
          methods=["POST"])
@organiser_required
def check_in(event_id, session_id, registration_id):
    def change(session, registration):
        services.check_in(session, registration, current_user)
        return _("%(name)s is checked in.", name=registration.user.display_name)
    return _tap(event_id, session_id, registration_id, change)


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/check-in/<int:registration_id>/undo",
          methods=["POST"])
@organiser_required
def undo_check_in(event_id, session_id, registration_id):
    def change(session, registration):
        services.undo_check_in(session, registration)
        return _("%(name)s is no longer marked as attending.",
                 name=registration.user.display_name)
    return _tap(event_id, session_id, registration_id, change)


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/attendance/import",
          methods=["GET", "POST"])
@organiser_required
def import_report(event_id, session_id):
    event, session = _session_or_404(event_id, session_id)
    form = ReportForm()

    def show(status):
        return render_template("attendance/import.html", event=event, session=session,
                               form=form, counts=services.counts(session)), status

    def done(result):
        return render_template("attendance/imported.html", event=event, session=session,
                               result=result, counts=services.counts(session))

    def change():
        report = form.report.data.read(services.REPORT_MAX_BYTES + 1)
        return services.import_report(session, report, current_user)

    return submit_form(form, change, show=show, done=done)
