"""The notices bilateral calls send: a poll opened to its invitees, a reminder to those
who have not answered it after ``POLL_REMINDER_HOURS`` (``remind_unanswered``, a job that is
safe to run on several hosts at once), the call scheduled (at the time in the reader's own
zone), and a follow-up action given to its owner."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import click
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists
from sqlalchemy import select

from app.auth.models import User
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallStatus
from app.bilaterals.models import CandidateSlot
from app.bilaterals.models import SlotVote
from app.core.time import now_utc
from app.extensions import db
from app.notices.services import NoticeKind
from app.notices.services import add_kind
from app.notices.services import app_path
from app.notices.services import notify
from app.notices.services import notify_each_once

add_kind(NoticeKind("poll_opened", _l("When can you meet? A bilateral call's poll: %(topic)s"),
                    _l("I am invited to answer a bilateral call's poll"), email_default=True))
add_kind(NoticeKind("poll_reminder", _l("Reminder: please answer the poll for %(topic)s"),
                    _l("I have not yet answered a bilateral call's poll"), email_default=True))

# The scheduling email carries the calendar invitation already: the notice is not emailed
# unless the person asks for it.
add_kind(NoticeKind("call_scheduled", _l("A bilateral call is scheduled: %(topic)s, %(start)s"),
                    _l("A bilateral call I am invited to is scheduled"), email_default=False,
                    times=("start",)))
add_kind(NoticeKind("call_action_assigned",
                    _l("A follow-up action is yours, due %(due)s: %(action)s"),
                    _l("A follow-up action of a bilateral call is given to me"),
                    email_default=True, dates=("due",),
                    detail=_l("From the bilateral call: %(topic)s")))


def tell_scheduled(call: BilateralCall, start: datetime) -> None:
    notify([invitee.user for invitee in call.invitees], "call_scheduled", topic=call.topic,
           start=start, link=app_path("bilaterals.show_call", call_id=call.id))


def tell_action_owner(action) -> None:
    """The owner learns the action is theirs (the due date is a calendar date: it reads the
    same in every zone, written by the reader's locale when the notice is read)."""
    notify([action.owner], "call_action_assigned", topic=action.call.topic,
           action=action.text, due=action.due_date.isoformat(),
           link=app_path("bilaterals.show_call", call_id=action.call_id))


def tell_poll_opened(call: BilateralCall, invitees: list[User]) -> None:
    if call.slots:  # a poll with no slot to answer (each reason shown) asks nothing yet
        notify(invitees, "poll_opened", topic=call.topic,
               link=app_path("bilaterals.show_call", call_id=call.id))


def remind_unanswered(now: datetime | None = None) -> int:
    """Remind each invitee of an open poll who has answered none of its slots, once per
    call, ``POLL_REMINDER_HOURS`` after it opened. The notice row claims (person, call), so
    two runs, here or on another host, remind once."""
    now = now or now_utc()
    cutoff = now - timedelta(hours=current_app.config["POLL_REMINDER_HOURS"])
    answered = exists().where(SlotVote.user_id == CallInvitee.user_id,
                              SlotVote.slot_id == CandidateSlot.id,
                              CandidateSlot.call_id == CallInvitee.call_id)
    due = db.session.execute(
        select(CallInvitee.user_id, BilateralCall.id)
        .join(BilateralCall, BilateralCall.id == CallInvitee.call_id)
        .where(BilateralCall.status == CallStatus.OPEN, BilateralCall.created_dt <= cutoff,
               exists().where(CandidateSlot.call_id == BilateralCall.id), ~answered)
        .order_by(BilateralCall.id, CallInvitee.user_id)).all()

    def reminder(call_id):
        call = db.session.get(BilateralCall, call_id)
        return ("poll_reminder", f"call:{call_id}",
                app_path("bilaterals.show_call", call_id=call_id), {"topic": call.topic})

    return notify_each_once(due, reminder)


@click.command("send-poll-reminders")
def send_poll_reminders_command():
    """Remind invitees who have not answered a bilateral call's poll (idempotent; safe on
    several hosts)."""
    click.echo(f"reminded={remind_unanswered()}")
