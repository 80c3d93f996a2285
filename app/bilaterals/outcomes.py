"""After a bilateral call: what it decided (outcome notes) and its follow-up actions, each
with one owner and a due date. Plain functions; callers commit.

Only a scheduled call has an outcome. Its invitees and organisers read it; organisers write
the notes and the actions; an action's owner (or an organiser) marks it done. Every change
is decided under the call's lock (``app.core.locking``), so an action is never added to a
call cancelled meanwhile, and two people marking one action done mark it once.

Open actions follow the two countries: the next call between them shows those of earlier
calls "from last time" (to those who may read them, see ``from_last_time``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallAction
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallStatus
from app.bilaterals.notices import tell_action_owner
from app.bilaterals.services import BilateralConflict
from app.bilaterals.services import Unprocessable
from app.bilaterals.services import is_invited
from app.bilaterals.services import lock_call
from app.core.errors import Refusal
from app.core.time import now_utc
from app.extensions import db

MAX_NOTES = 10000
MAX_ACTION = 500


class NotAllowed(Refusal):
    status = 403


def may_read(call: BilateralCall, user: User) -> bool:
    return user.is_organiser or is_invited(call, user)


def _scheduled(call: BilateralCall) -> BilateralCall:
    call = lock_call(call)
    if call.status != CallStatus.SCHEDULED:
        raise BilateralConflict(_("Only a scheduled call has an outcome: this call's poll is "
                                  "still open or the call was cancelled."))
    return call


def save_notes(call: BilateralCall, notes: str) -> BilateralCall:
    call = _scheduled(call)
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise Unprocessable(_("The notes are longer than %(n)d characters.", n=MAX_NOTES),
                            field="notes")
    call.outcome_notes, call.outcome_dt = notes, now_utc()
    db.session.flush()
    return call


def owners_for(call: BilateralCall) -> list[User]:
    """Who may own an action: the call's invitees, then every active organiser."""
    invitees = [invitee.user for invitee in call.invitees if invitee.user.is_active]
    known = {user.id for user in invitees}
    organisers = db.session.scalars(select(User).where(
        User.is_organiser, User.deactivated_dt.is_(None), User.id.not_in(known))
        .order_by(User.display_name, User.id)).all()
    return sorted(invitees, key=lambda u: (u.display_name.lower(), u.id)) + list(organisers)


@dataclass
class ActionInput:
    text: str
    owner_id: int
    due_date: date


def _checked(call: BilateralCall, data: ActionInput) -> tuple[str, User]:
    text = " ".join(data.text.split())  # one line: it is a notice's and an email's subject
    if not text:
        raise Unprocessable(_("Say what is to be done."), field="text")
    if len(text) > MAX_ACTION:
        raise Unprocessable(_("An action is at most %(n)d characters.", n=MAX_ACTION),
                            field="text")
    owner = next((user for user in owners_for(call) if user.id == data.owner_id), None)
    if owner is None:
        raise Unprocessable(_("The owner is one of the call's invitees or an organiser."),
                            field="owner")
    return text, owner


def add_action(call: BilateralCall, data: ActionInput, actor: User) -> CallAction:
    """A new action; its owner is told (a notice, emailed unless they chose otherwise)."""
    call = _scheduled(call)
    text, owner = _checked(call, data)
    action = CallAction(call=call, text=text, owner=owner, due_date=data.due_date,
                        created_by_id=actor.id)
    db.session.add(action)
    db.session.flush()
    tell_action_owner(action)
    return action


def _locked_action(call: BilateralCall, action_id: int) -> tuple[BilateralCall, CallAction]:
    call = lock_call(call)
    action = db.session.scalar(select(CallAction).where(
        CallAction.id == action_id, CallAction.call_id == call.id)
        .execution_options(populate_existing=True))
    if action is None:
        raise BilateralConflict(_("This action no longer exists."))
    return call, action


def edit_action(call: BilateralCall, action_id: int, data: ActionInput) -> CallAction:
    """Organisers change an action; a new owner is told it is theirs."""
    call, action = _locked_action(call, action_id)
    if call.status != CallStatus.SCHEDULED:
        raise BilateralConflict(_("Only a scheduled call has an outcome: this call's poll is "
                                  "still open or the call was cancelled."))
    text, owner = _checked(call, data)
    handed_on = owner.id != action.owner_id
    action.text, action.owner, action.due_date = text, owner, data.due_date
    db.session.flush()
    if handed_on:
        tell_action_owner(action)
    return action


def set_done(call: BilateralCall, action_id: int, user: User, done: bool) -> CallAction:
    """The owner (or an organiser) marks the action done, or open again. Marking it as it
    already is changes nothing (a second click, or two people at once)."""
    call, action = _locked_action(call, action_id)
    if not (user.is_organiser or action.owner_id == user.id):
        raise NotAllowed(_("Only the owner of this action or an organiser can mark it."))
    action.mark(done)
    db.session.flush()
    return action


def open_actions_of(user: User) -> list[CallAction]:
    """The open actions a person owns, soonest due first, with their calls."""
    return list(db.session.scalars(
        select(CallAction).where(CallAction.owner_id == user.id, CallAction.done_dt.is_(None))
        .options(joinedload(CallAction.call))
        .order_by(CallAction.due_date, CallAction.id)))


def from_last_time(call: BilateralCall, viewer: User) -> list[CallAction]:
    """Open actions of earlier calls between the same two countries (either order): what is
    still to be done from last time. An action is read by its own call's invitees and
    organisers only, so a viewer who was not on the earlier call does not see its actions."""
    pair = (call.country_a, call.country_b)
    query = (select(CallAction).join(BilateralCall, BilateralCall.id == CallAction.call_id)
             .where(CallAction.done_dt.is_(None), BilateralCall.id != call.id,
                    BilateralCall.created_dt <= call.created_dt,
                    BilateralCall.country_a.in_(pair), BilateralCall.country_b.in_(pair))
             .options(joinedload(CallAction.call), joinedload(CallAction.owner))
             .order_by(CallAction.due_date, CallAction.id))
    if not viewer.is_organiser:
        query = query.where(BilateralCall.id.in_(
            select(CallInvitee.call_id).where(CallInvitee.user_id == viewer.id)))
    return list(db.session.scalars(query))

