from flask import Response
from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.auth.models import User
from app.calendar import services
from app.calendar.blueprint import bp
from app.core.access import secret_link
from app.core.access import signed_in
from app.core.compression import keeps_secret
from app.core.db import after_the_response
from app.core.forms import EmptyForm
from app.core.ratelimit import over_limit
from app.core.web import absolute_url
from app.events import services as events
from app.events.models import EventSession
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db

FEED_RENDERS_PER_HOUR = 120
MISSES_PER_HOUR = 60


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-cache",
    })




@bp.route("/events/<int:event_id>/agenda.ics")
@signed_in
def agenda(event_id):
    event = visible_event_or_404(event_id, current_user)
    may_join = events.can_see_joining_details(event, current_user)
    return _ics(services.agenda_calendar(event, events.agenda(event), may_join),
                f"event-{event.id}.ics")


@bp.route("/events/<int:event_id>/sessions/<int:session_id>.ics")
@signed_in
def session(event_id, session_id):
    event = visible_event_or_404(event_id, current_user)
    item = part_of_event_or_404(EventSession, session_id, event)
    may_join = events.can_see_joining_details(event, current_user)
    return _ics(services.render([services.session_item(item, may_join=may_join)], "PUBLISH"),
                f"session-{item.id}.ics")


def _not_found():
    # Unknown, revoked or guessed tokens all look alike, and guessing is throttled.
    _end_the_read()
    if over_limit(f"feed-miss:{request.remote_addr}", MISSES_PER_HOUR, services.HOUR):
        db.session.commit()
        abort(429)
    db.session.commit()
    abort(404)


def _end_the_read() -> None:
    """End the transaction the stamp was read in before counting the request: on SQLite a
    transaction that read and then writes is refused at once ("database is locked", a 503)
    if another process wrote in between, while one that starts with its write waits its
    turn. A feed polled while people register is exactly that."""
    db.session.commit()


@bp.route("/calendar/<token>.ics")
@secret_link
def feed(token):
    stamp = services.feed_stamp(token)
    if stamp is None:
        return _not_found()
    user_id, changed = stamp
    etag = services.feed_etag(token, changed)
    if request.if_none_match.contains(etag) or (
            not request.if_none_match and request.if_modified_since is not None
            and changed.replace(microsecond=0) <= request.if_modified_since):
        response = make_response("", 304)
    else:
        _end_the_read()
        if over_limit(f"feed:{user_id}", FEED_RENDERS_PER_HOUR, services.HOUR):
            db.session.commit()
            abort(429)
        db.session.commit()
        user = db.session.get(User, user_id)
        # The items serialised for the first time are kept for every feed once this one
        # has gone out.
        response = _ics(services.feed_calendar(user, changed, later=after_the_response),
                        "roundtable.ics")
        response.headers["Content-Disposition"] = 'inline; filename="roundtable.ics"'
    response.set_etag(etag)
    response.last_modified = changed
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/calendar", methods=["GET"])
@signed_in
def manage():
    return render_template("calendar/manage.html", feed=services.feed_of(current_user),
                           form=EmptyForm(), new_url=None)


@bp.route("/calendar/feed", methods=["POST"])
@signed_in
@keeps_secret  # the page shows the new feed's private address
def new_feed():
    token = services.issue_feed_token(current_user)
    flash(_("Your new calendar link is ready. Any earlier link no longer works."), "success")
    return render_template("calendar/manage.html", feed=services.feed_of(current_user),
                           form=EmptyForm(),
                           new_url=absolute_url("calendar.feed", token=token))


@bp.route("/calendar/feed/revoke", methods=["POST"])
@signed_in
def revoke_feed():
    services.revoke_feed(current_user)
    flash(_("Your calendar link no longer works."), "success")
    return redirect(url_for("calendar.manage"))
