"""What a departing Thai delegate holds besides a registration, for the handover tests."""

from __future__ import annotations

from datetime import date
from datetime import time

from app.bilaterals import services as bilaterals
from app.bilaterals.models import Answer
from app.workinggroups import services as groups


def seat_and_poll(departing, other, organiser, name: str = "Thai working group"):
    """A seat in a Thai working group, and an invitation to a Thai-Malaysian call (with
    ``other``) whose poll the departing delegate answered yes to every slot."""
    group = groups.create_working_group(groups.GroupInput(
        name=name, country_code="TH", timezone="Asia/Bangkok",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2099, 1, 1), start_time=time(10),
        duration_minutes=60, member_ids=[departing.id]), organiser)
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="TH", country_b="MY", topic="Case management", duration_minutes=60,
        first_date=date(2099, 3, 1), last_date=date(2099, 3, 10), timezone="Asia/Bangkok",
        invitee_ids=[departing.id, other.id]), organiser)
    bilaterals.vote(call, departing, {slot.id: Answer.YES for slot in call.slots})
    return group, call
