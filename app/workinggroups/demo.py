"""Demo data for working groups (called by ``flask seed-demo``)."""

from __future__ import annotations

from datetime import date
from datetime import time
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core.time import now_utc
from app.extensions import db
from app.workinggroups import minutes
from app.workinggroups import services
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupMinutes

DEMO_GROUP = "Indonesian Working Group on Access to Education"


def seed_working_groups(created: dict) -> None:
    """The monthly Indonesian working group, sari@ a member; added once."""
    organiser, sari = (db.session.scalar(select(User).where(User.email == email))
                       for email in ("organiser@example.org", "sari@example.org"))
    if organiser is None or sari is None or db.session.scalar(
            select(WorkingGroup.id).where(WorkingGroup.name == DEMO_GROUP)) is not None:
        return
    services.create_working_group(services.GroupInput(
        name=DEMO_GROUP, country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2021, 10, 1),
        start_time=time(10, 0), duration_minutes=90, member_ids=[sari.id]), organiser)
    created["working_groups"] = created.get("working_groups", 0) + 1


DEMO_MINUTES = (
    "Round of updates: two more districts refer unaccompanied children to community "
    "placements instead of detention.\n"
    "Discussed the draft guidance on best-interests assessments; comments by the next "
    "meeting.\n"
    "Next meeting: second Tuesday of the month, as usual.")


def seed_group_minutes(created: dict) -> None:
    """Minutes and two actions (one done, one open, sari@'s) for the demo group's last
    meeting held: the open one shows again on the meetings after it. Added once.

    The group's 9 March 2027 meeting (the second Tuesday) falls on an Eid al-Fitr joint
    leave day in Indonesia: its page flags it, with the move offered, from the real
    holiday calendar; nothing is seeded for that."""
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == DEMO_GROUP))
    if group is None or db.session.scalar(select(WorkingGroupMinutes.id).where(
            WorkingGroupMinutes.group_id == group.id)) is not None:
        return
    held = minutes.past_meetings(group, limit=1)
    organiser, sari = (db.session.scalar(select(User).where(User.email == email))
                       for email in ("organiser@example.org", "sari@example.org"))
    if not held or organiser is None or sari is None:
        return
    original = held[0].original_start_dt
    minutes.save_minutes(group, original, DEMO_MINUTES, organiser)
    minutes.add_action(group, original, "Share the district referral figures with the group",
                       sari.id, None, organiser)
    minutes.add_action(
        group, original, "Send comments on the best-interests guidance", sari.id,
        (now_utc() + timedelta(days=14)).date(), organiser)
    done = minutes.meeting_actions(group, original)[0]
    minutes.set_action_done(group, done.id, sari, True)
    created["working_group_actions"] = created.get("working_group_actions", 0) + 2
