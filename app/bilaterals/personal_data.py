"""What bilateral calls hold about a person (see app.core.personal_data)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallAction
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import CallRequest
from app.bilaterals.models import CandidateSlot
from app.bilaterals.models import SlotVote
from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.extensions import db


def _export(user) -> list[dict]:
    invited = [row(call, "topic status first_date last_date", item="invited to call")
               for call in db.session.scalars(select(BilateralCall).join(CallInvitee).where(
                   CallInvitee.user_id == user.id).order_by(BilateralCall.created_dt))]
    answers = [row(vote, "answer updated_dt", item="poll answer", call=slot.call.topic,
                   slot_start=slot.start_dt)
               for vote, slot in db.session.execute(
                   select(SlotVote, CandidateSlot).join(CandidateSlot)
                   .where(SlotVote.user_id == user.id).order_by(CandidateSlot.start_dt))]
    asked = [row(request, "country_a country_b topic note created_dt", item="call request")
             for request in db.session.scalars(select(CallRequest).where(
                 CallRequest.requester_id == user.id).order_by(CallRequest.created_dt))]
    owned = [row(action, "text due_date done_dt created_dt", item="follow-up action",
                 call=action.call.topic)
             for action in db.session.scalars(select(CallAction).where(
                 CallAction.owner_id == user.id).order_by(CallAction.created_dt))]
    return invited + answers + asked + owned


def _erase(erasure: Erasure) -> None:
    """Invitations and poll answers stay (the poll's tally); a request's note, in the
    person's words, goes."""
    db.session.execute(update(CallRequest).where(CallRequest.requester_id == erasure.user.id)
                       .values(note="").execution_options(synchronize_session=False))


HOLDINGS.add("bilaterals", Holding(
    _l("Bilateral calls"),
    {
        "bilateral_calls": columns(
            not_personal="id country_a country_b topic duration_minutes first_date last_date "
                         "timezone follow_up_event_id interpretation_from interpretation_to "
                         "avoid_joint_leave online_url status session_id no_slot_reasons "
                         "created_dt outcome_notes outcome_dt ramadan_hours book_interpreters",
            fact="created_by_id"),
        "call_invitees": columns(fact="id call_id user_id"),
        "candidate_slots": columns(
            not_personal="id call_id start_dt end_dt rank worst_minutes is_chosen"),
        "slot_votes": columns(fact="id slot_id user_id answer updated_dt"),
        # Who owns an action and what it says stay after erasure: the call's record, owned
        # by the anonymised account.
        "call_actions": columns(
            fact="id call_id text owner_id due_date done_dt created_by_id created_dt"),
        "call_requests": columns(
            fact="id requester_id country_a country_b topic created_dt call_id",
            personal="note"),
    },
    export=_export, erase=_erase))
