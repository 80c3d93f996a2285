from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import organiser_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import flash_refusal
from app.core.templating import add_template_globals
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.feedback import services
from app.feedback.blueprint import bp
from app.feedback.forms import feedback_form_for
from app.feedback.models import Reflection


@bp.record_once
def register_panel_global(state):
    # The event page (events feature) offers feedback without importing this feature.
    add_template_globals(state.app, feedback_is_open=services.is_over)




def _comments(form, prefix_rating, prefix_worked, prefix_improve) -> services.Comments:
    rating = form[prefix_rating].data
    return services.Comments(rating=int(rating) if rating else None,
                             what_worked=form[prefix_worked].data or "",
                             to_improve=form[prefix_improve].data or "")


@bp.route("/events/<int:event_id>/feedback", methods=["GET", "POST"])
@signed_in
def give(event_id):
    event = visible_event_or_404(event_id, current_user)
    try:
        services.check_may_answer(event, current_user)
    except services.FeedbackError as error:
        # Looking is fine (the page says why there is no form); sending is refused.
        return render_template("feedback/give.html", event=event, refused=str(error)), \
            200 if request.method == "GET" else error.status
    sessions = services.feedback_sessions(event)
    form = feedback_form_for(sessions)
    status = 200
    if form.validate_on_submit():
        data = services.FeedbackInput(
            event=_comments(form, "rating", "what_worked", "to_improve"),
            sessions={s.id: _comments(form, f"rating_{s.id}", f"worked_{s.id}",
                                      f"improve_{s.id}") for s in sessions},
            reflection=form.reflection.data or "", is_anonymous=form.is_anonymous.data)
        try:
            services.submit_feedback(event, current_user, data)
        except services.FeedbackError as error:
            status = flash_refusal(error)
        else:
            flash(_("Thank you for your feedback."), "success")
            return redirect(url_for("events.show_event", event_id=event.id))
    elif form.errors:
        status = 400
    return render_template("feedback/give.html", event=event, form=form,
                           sessions=sessions), status


@bp.route("/events/<int:event_id>/feedback/summary")
@organiser_required
def summary(event_id):
    event = visible_event_or_404(event_id, current_user)
    return render_template("feedback/summary.html", event=event,
                           rows=services.summary(event),
                           respondents=services.respondents(event),
                           reflections=services.reflections(event), choice_form=EmptyForm())


@bp.route("/events/<int:event_id>/feedback/summary.csv")
@organiser_required
def summary_csv(event_id):
    event = visible_event_or_404(event_id, current_user)
    text = services.summary_csv(services.summary(event), _("The event as a whole"))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-feedback.csv"',
        "Cache-Control": "no-store",
    })


@bp.route("/events/<int:event_id>/reflections/<int:reflection_id>/"
          "<any(include, exclude):choice>", methods=["POST"])
@organiser_required
def choose_for_report(event_id, reflection_id, choice):
    event = visible_event_or_404(event_id, current_user)
    reflection = part_of_event_or_404(Reflection, reflection_id, event)
    services.mark_for_report(reflection, choice == "include")
    flash(_("Saved."), "success")
    return redirect(url_for("feedback.summary", event_id=event.id,
                            _anchor=f"reflection-{reflection.id}"))


@bp.route("/events/<int:event_id>/report")
@signed_in
def report(event_id):
    """The summary report moved to the reports feature: organisers to its builder, everyone
    else to the public page (404 there until it is published)."""
    event = visible_event_or_404(event_id, current_user)
    endpoint = "reports.builder" if current_user.is_organiser else "reports.public_report"
    return redirect(url_for(endpoint, event_id=event.id))
