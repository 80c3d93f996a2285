from datetime import date

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import Role
from app.core.access import organiser_required
from app.core.access import roles_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse_change
from app.core.templating import viewer_dates
from app.events import services as events
from app.events.models import SessionKind
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.topics import services
from app.topics.blueprint import bp
from app.topics.forms import ScheduleTopicForm
from app.topics.forms import TopicForm
from app.topics.models import Topic

proposers = roles_required(Role.PARTICIPANT, Role.ORGANISER)




def _topic_or_404(event, topic_id) -> Topic:
    return part_of_event_or_404(Topic, topic_id, event)


def _may_propose(user) -> bool:
    return user.has_role(Role.PARTICIPANT) or user.has_role(Role.ORGANISER)


def _page(event, form, status=200):
    return render_template("topics/topics.html", event=event, form=form,
                           ranked=services.ranking(event, current_user),
                           may_propose=_may_propose(current_user),
                           is_open=event.status not in services.CLOSED,
                           vote_form=EmptyForm()), status


@bp.route("/events/<int:event_id>/topics")
@signed_in
def list_topics(event_id):
    return _page(visible_event_or_404(event_id, current_user), TopicForm())


@bp.route("/events/<int:event_id>/topics", methods=["POST"])
@proposers
def propose(event_id):
    event = visible_event_or_404(event_id, current_user)
    form = TopicForm()
    if not form.validate_on_submit():
        return _page(event, form, 400)
    try:
        services.propose_topic(event, current_user, form.title.data,
                               form.description.data or "")
    except services.TopicError as error:
        flash_refusal(error)
        return _page(event, form, error.status)
    flash(_("Thank you: your topic is on the list."), "success")
    return redirect(url_for("topics.list_topics", event_id=event.id))


def _vote_action(event_id, topic_id, action, done_message):
    event = visible_event_or_404(event_id, current_user)
    topic = _topic_or_404(event, topic_id)
    try:
        action(topic, current_user)
    except services.TopicError as error:
        flash_refusal(error)
        return _page(event, TopicForm(formdata=None), error.status)
    flash(done_message, "success")
    return redirect(url_for("topics.list_topics", event_id=event.id, _anchor=f"topic-{topic.id}"))


@bp.route("/events/<int:event_id>/topics/<int:topic_id>/vote", methods=["POST"])
@proposers
def vote(event_id, topic_id):
    return _vote_action(event_id, topic_id, services.cast_vote, _("Your vote is counted."))


@bp.route("/events/<int:event_id>/topics/<int:topic_id>/unvote", methods=["POST"])
@proposers
def unvote(event_id, topic_id):
    return _vote_action(event_id, topic_id, services.withdraw_vote,
                        _("Your vote is withdrawn."))


def _schedule_form(event):
    form = ScheduleTopicForm()
    form.day.choices = as_choices((day.isoformat(), viewer_dates(day, day, "yMMMEd"))
                                  for day in events.event_days(event))
    if not form.is_submitted():
        form.kind.data = SessionKind.SMALL_GROUP.value
    return form


def _session_input(topic, form) -> events.SessionInput:
    try:
        day = date.fromisoformat(form.day.data or "")
    except ValueError:
        raise events.EventRuleError(_("The session must be on one of the event's days."),
                                    field="day") from None
    return events.SessionInput(
        title=topic.title, kind=SessionKind(form.kind.data),
        day=day, start_time=form.start_time.data, end_time=form.end_time.data,
        room=form.room.data or "", occurrence=form.occurrence.data or None)


@bp.route("/events/<int:event_id>/topics/<int:topic_id>/schedule", methods=["GET", "POST"])
@organiser_required
def schedule(event_id, topic_id):
    event = visible_event_or_404(event_id, current_user)
    topic = _topic_or_404(event, topic_id)
    form = _schedule_form(event)
    status, ask_occurrence = 200, False
    if topic.session_id is not None and not form.is_submitted():
        flash(_("This topic is already on the agenda."), "warning")
    if form.validate_on_submit():
        try:
            session = services.schedule_topic(topic, _session_input(topic, form))
        except (services.TopicError, events.EventRuleError) as error:
            status = refuse_change(form, error)
            ask_occurrence = isinstance(error, events.AmbiguousTimeChoiceNeeded)
        else:
            flash(_("The topic is on the agenda."), "success")
            return redirect(url_for("events.show_session", event_id=event.id,
                                    session_id=session.id))
    elif form.errors:
        status = 400
    return render_template("topics/schedule.html", event=event, topic=topic, form=form,
                           ask_occurrence=ask_occurrence), status
