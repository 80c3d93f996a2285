"""Interpreters for bilateral calls (plugged into ``app.bilaterals.services.CALL_STAFFING``).

A call that needs interpretation (its two languages) is interpreted consecutively, both
ways (the delegations speak in turn; a two-way channel, so the staffing rule of the
consecutive mode decides the team: one interpreter up to an hour, two beyond). Its slot
finder proposes only times when such a team is free under every rule (languages, remote
work, availability, no overlap, the remote daily limit). Picking a slot opens the channel on
the new session and proposes the free team, as auto-assign would: the interpreters accept
or decline as usual.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.bilaterals.models import BilateralCall
from app.bilaterals.services import CALL_STAFFING
from app.bilaterals.services import BilateralConflict
from app.bilaterals.services import CallStaffing
from app.core.locking import lock_rows
from app.events.models import EventSession
from app.extensions import db
from app.interpretation import rules
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import InterpreterProfile
from app.interpretation.models import Mode
from app.interpretation.notices import tell_interpreter_proposed
from app.interpretation.services import all_profiles
from app.interpretation.services import booked_slots
from app.interpretation.services import email_interpreter
from app.interpretation.services import limits
from app.interpretation.services import open_channel
from app.interpretation.services import person_of
from app.interpretation.services import slot_of

CALL_MODE = Mode.CONSECUTIVE
UNSAVED = 0  # the channel id of a channel not yet opened: no booked slot has it


def _needs(call: BilateralCall) -> bool:
    return bool(call.book_interpreters and call.interpretation_from
                and call.interpretation_to)


def _call_slot(call: BilateralCall, start: datetime, end: datetime) -> rules.Slot:
    """The call's channel as the rules see it, before it exists."""
    return rules.Slot(channel_id=UNSAVED, event_id=UNSAVED, title=call.topic, start=start,
                      end=end, floor=call.interpretation_from, target=call.interpretation_to,
                      is_retour=True, on_site=False, zone=call.timezone, mode=CALL_MODE)


def _interpreters():
    """Every interpreter as the rules see them, and their booked work (two queries)."""
    people = [person_of(profile) for profile in all_profiles()]
    return people, booked_slots([person.id for person in people])


def team_check(call: BilateralCall):
    if not _needs(call):
        return None
    people, booked = _interpreters()
    settings = limits()
    able = rules.could_work(_call_slot(call, call.created_dt, call.created_dt), people)

    def free(start: datetime, end: datetime) -> bool:
        return rules.team_is_free(_call_slot(call, start, end), able, booked, settings)

    return free


def preview(call: BilateralCall, start: datetime, end: datetime) -> str:
    if not _needs(call):
        return ""
    people, booked = _interpreters()
    team = rules.free_team(_call_slot(call, start, end), people, booked, limits())
    pair = f"{rules.lang(call.interpretation_from)}–{rules.lang(call.interpretation_to)}"
    if team is None:
        return _("No interpreter team for %(pair)s is free at this time any more: scheduling "
                 "will be refused.", pair=pair)
    names = ", ".join(person.name for person in people if person.id in team)
    return ngettext("A consecutive %(pair)s channel is opened and %(num)d interpreter is "
                    "proposed: %(names)s.",
                    "A consecutive %(pair)s channel is opened and %(num)d interpreters are "
                    "proposed: %(names)s.", len(team), pair=pair, names=names)


def staff(call: BilateralCall, session: EventSession) -> None:
    """Open the channel and propose the free team, deciding under the interpreters' locks
    (taken after the call's, as ``app.core.locking`` orders), so an organiser assigning one
    of them elsewhere at the same hour either waits for this or is seen by it."""
    if not _needs(call):
        return
    channel = open_channel(session, call.interpretation_to, is_retour=True, mode=CALL_MODE)
    lock_rows(InterpreterProfile, db.session.scalars(select(InterpreterProfile.user_id)))
    people, booked = _interpreters()
    team = rules.free_team(slot_of(channel), people, booked, limits())
    if team is None:
        raise BilateralConflict(_("No interpreter team for %(pair)s is free at this time any "
                                  "more: propose the slots again or choose another one.",
                                  pair=f"{rules.lang(call.interpretation_from)}–"
                                       f"{rules.lang(call.interpretation_to)}"))
    added = []
    for interpreter_id in team:
        assignment = Assignment(interpreter_id=interpreter_id, status=AssignmentStatus.PROPOSED)
        channel.assignments.append(assignment)
        added.append(assignment)
    db.session.flush()
    for assignment in added:
        email_interpreter(assignment, "assigned")
        tell_interpreter_proposed(assignment)


CALL_STAFFING.add("interpretation", CallStaffing(team_check=team_check, preview=preview,
                                                 staff=staff))
