"""Demo data for working groups (called by ``flask seed-demo``)."""

from __future__ import annotations

from datetime import date
from datetime import time

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.workinggroups import services
from app.workinggroups.models import WorkingGroup

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
