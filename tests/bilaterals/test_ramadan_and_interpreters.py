"""Ramadan hours and interpreter teams in the slot finder, and the pick that staffs the call:
the services, then the pages (posting exactly what they render)."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import holidays as holiday_package
import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.bilaterals import services
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallStatus
from app.bilaterals.slots import find_slots
from app.core.models import OutboxMessage
from app.core.time import to_zone
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.holidays import services as calendar
from app.holidays.models import BlockedTime
from app.holidays.models import RamadanPeriod
from app.interpretation import services as interpretation
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import Grade
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel
from app.notices.models import Notice
from tests.forms import refusal
from tests.forms import rendered_form

NOW = datetime(2027, 1, 20, tzinfo=UTC)
IN_RAMADAN = (date(2027, 2, 15), date(2027, 2, 26))  # Ramadan 1448 runs through February
AFTER_RAMADAN = (date(2027, 5, 3), date(2027, 5, 14))


@pytest.fixture
def world(make_user, organiser, frozen_now):
    frozen_now(NOW)
    calendar.seed_default_blocked_times()
    jakarta = make_user(("participant",), country="ID", timezone="Asia/Jakarta")
    bangkok = make_user(("participant",), country="TH", locale="th", languages=("th",))
    db.session.commit()
    return organiser, jakarta, bangkok


def interpreter(make_user, name, grades=None, **profile):
    user = make_user(("interpreter",), country="TH", timezone="Asia/Bangkok", display_name=name)
    fields = {"timezone": "Asia/Bangkok", "works_remote": True, "works_on_site": True,
              **profile}
    found = interpretation.save_profile(
        user, grades={code: Grade(value) for code, value in
                      (grades or {"th": "A", "id": "B", "en": "B"}).items()}, **fields)
    db.session.commit()
    return found


def call_input(jakarta, bangkok, days=AFTER_RAMADAN, **changes):
    fields = dict(country_a="ID", country_b="TH", topic="Disability services follow-up",
                  duration_minutes=60, first_date=days[0], last_date=days[1],
                  timezone="Asia/Jakarta", invitee_ids=[jakarta.id, bangkok.id],
                  interpretation="th-id", book_interpreters=True)
    fields.update(changes)
    return services.CallInput(**fields)


def jakarta_minutes(instant) -> int:
    wall = to_zone(instant, "Asia/Jakarta")
    return wall.hour * 60 + wall.minute


def feasible(users, days, *, ramadan):
    profiles = services.invitee_profiles(users, *days, joint_leave=True, ramadan=ramadan)
    return find_slots(profiles, *days, 60).feasible


# --- Ramadan --------------------------------------------------------------------------------

def test_ramadan_is_estimated_from_eid_until_organisers_set_the_announced_dates(world):
    organiser, _jakarta, _bangkok = world
    eid = min(day for day, name in holiday_package.country_holidays(
        "ID", years=2027, language="en_US").items() if "Eid al-Fitr" in name)
    estimate = calendar.ramadan_of("ID", 2027)
    assert (estimate.first_day, estimate.last_day, estimate.is_estimated) == (
        eid - timedelta(days=30), eid - timedelta(days=1), True)
    assert calendar.ramadan_of("TH", 2027) is None  # no Eid al-Fitr holiday there
    calendar.set_ramadan("ID", 2027, estimate.first_day + timedelta(days=1), estimate.last_day,
                         organiser)
    chosen = calendar.ramadans_for(["ID", "MY"], date(2027, 3, 1), date(2027, 3, 1))
    assert [(r.first_day, r.is_estimated) for r in chosen["ID"]] == [
        (estimate.first_day + timedelta(days=1), False)]
    assert [r.is_estimated for r in chosen["MY"]] == [True]
    for first, last, field in [(date(2027, 3, 1), date(2027, 2, 1), "last_day"),
                               (date(2027, 1, 1), date(2027, 2, 20), "last_day"),
                               (date(2025, 2, 1), date(2025, 3, 2), "first_day")]:
        with pytest.raises(calendar.HolidayError) as refused:
            calendar.set_ramadan("ID", 2027, first, last, organiser)
        assert refused.value.field == field


def test_in_ramadan_indonesias_day_ends_early_and_iftar_stays_free(world):
    _organiser, jakarta, bangkok = world
    users = [jakarta, bangkok]
    kept = feasible(users, IN_RAMADAN, ramadan=True)
    assert kept
    assert all(jakarta_minutes(slot.end_dt) <= 15 * 60 for slot in kept)
    ignored = feasible(users, IN_RAMADAN, ramadan=False)
    assert any(jakarta_minutes(slot.end_dt) > 15 * 60 for slot in ignored)
    # Outside Ramadan its hours change nothing.
    assert feasible(users, AFTER_RAMADAN, ramadan=True) == \
        feasible(users, AFTER_RAMADAN, ramadan=False)


def test_organisers_dates_of_ramadan_move_the_shorter_days(world):
    organiser, jakarta, bangkok = world
    estimate = calendar.ramadan_of("ID", 2027)
    # Announced three days later than estimated: those days are full working days again.
    calendar.set_ramadan("ID", 2027, estimate.first_day + timedelta(days=3),
                         estimate.last_day + timedelta(days=3), organiser)
    days = (estimate.first_day, estimate.first_day + timedelta(days=2))
    slots = feasible([jakarta, bangkok], days, ramadan=True)
    assert any(jakarta_minutes(slot.end_dt) > 15 * 60 for slot in slots)


# --- interpreters ---------------------------------------------------------------------------

def test_without_a_free_team_no_slot_is_proposed_and_the_reason_says_why(world, make_user):
    organiser, jakarta, bangkok = world
    interpreter(make_user, "Only English", grades={"th": "A", "en": "B"})
    call = services.create_call(call_input(jakarta, bangkok), organiser)
    assert call.slots == []
    assert [r.code for r in services.stored_reasons(call)] == ["no_team"]
    # Interpreters from elsewhere: the same call proposes slots and books nobody.
    other = services.create_call(call_input(jakarta, bangkok, book_interpreters=False),
                                 organiser)
    assert other.slots and not other.book_interpreters


def _busy_session(start: datetime, end: datetime) -> SessionChannel:
    event = Event(title="Regional plenary", kind=EventKind.VIRTUAL, status=EventStatus.OPEN,
                  timezone="Asia/Bangkok", start_date=start.date(), end_date=end.date())
    session = EventSession(event=event, title="Plenary", kind=SessionKind.PLENARY,
                           start_dt=start, end_dt=end, floor_language="id")
    db.session.add_all([event, session])
    db.session.flush()
    return interpretation.open_channel(session, "th")


def test_slots_only_when_the_team_is_free_and_the_pick_proposes_it(world, make_user):
    organiser, jakarta, bangkok = world
    siti = interpreter(make_user, "Siti")
    # Her other work every weekday 03:00-07:00 UTC (10:00-14:00 in Jakarta).
    day = AFTER_RAMADAN[0]
    while day <= AFTER_RAMADAN[1]:
        start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=3)
        interpretation.assign_interpreter(_busy_session(start, start + timedelta(hours=4)),
                                          siti)
        db.session.commit()  # one unit of work each, as one request each
        day += timedelta(days=1)
    call = services.create_call(call_input(jakarta, bangkok), organiser)
    assert call.slots
    for slot in call.slots:
        assert not 10 * 60 - 60 < jakarta_minutes(slot.start_dt) < 14 * 60
    slot = call.slots[0]
    assert "Siti" in " ".join(services.staffing_preview(call, slot))
    notices_before = db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.recipient_id == siti.user_id, Notice.kind == "assignment_proposed"))
    session = services.pick_slot(call, slot.id, organiser)
    channel = db.session.scalar(select(SessionChannel).where(
        SessionChannel.session_id == session.id))
    assert (channel.language_code, channel.is_retour, channel.mode) == ("id", True,
                                                                       Mode.CONSECUTIVE)
    assert [(a.interpreter_id, a.status) for a in channel.assignments] == [
        (siti.user_id, AssignmentStatus.PROPOSED)]
    assert session.floor_language == "th"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == siti.user.email, OutboxMessage.subject.contains(
            session.title))) == 1
    assert db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.recipient_id == siti.user_id,
        Notice.kind == "assignment_proposed")) == notices_before + 1
    assert [a.channel.session_id for a in interpretation.my_assignments(siti.user)
            if a.status == AssignmentStatus.PROPOSED and a.channel.session_id == session.id]


def test_a_pick_after_the_team_was_booked_elsewhere_is_refused(world, make_user):
    organiser, jakarta, bangkok = world
    siti = interpreter(make_user, "Siti")
    call = services.create_call(call_input(jakarta, bangkok), organiser)
    db.session.commit()
    slot = call.slots[0]
    interpretation.assign_interpreter(_busy_session(slot.start_dt, slot.end_dt), siti)
    db.session.commit()
    with pytest.raises(services.BilateralConflict):
        services.pick_slot(call, slot.id, organiser)
    assert "scheduling will be refused" in " ".join(services.staffing_preview(call, slot))


# --- pages ----------------------------------------------------------------------------------

def test_the_call_form_books_interpreters_and_keeps_ramadan_hours(client, login, world,
                                                                   make_user):
    organiser, jakarta, bangkok = world
    interpreter(make_user, "Siti")
    login(client, organiser)
    form = rendered_form(client, "/bilaterals/new?country_a=ID&country_b=TH")  # delegates shown
    assert form.values["book_interpreters"] == ["y"]
    assert form.values["ramadan_hours"] == ["y"]
    response = form.fill(country_a="ID", country_b="TH", topic="Therapy services",
                         duration="60", first_date=IN_RAMADAN[0].isoformat(),
                         last_date=IN_RAMADAN[1].isoformat(), timezone="Asia/Jakarta",
                         invitees=[str(jakarta.id), str(bangkok.id)],
                         interpretation="th-id").submit("submit")
    assert response.status_code == 302
    call = db.session.scalars(select(BilateralCall).order_by(BilateralCall.id.desc())).first()
    assert call.book_interpreters and call.ramadan_hours and call.slots
    assert all(jakarta_minutes(slot.end_dt) <= 15 * 60 for slot in call.slots)
    page = client.get(f"/bilaterals/{call.id}/slots/{call.slots[0].id}/schedule")
    assert "Siti" in page.get_data(as_text=True)
    response = rendered_form(client, f"/bilaterals/{call.id}/slots/{call.slots[0].id}"
                                     "/schedule").submit()
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BilateralCall, call.id).status == CallStatus.SCHEDULED
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1


def test_a_refused_pick_keeps_nothing_and_says_why(client, login, world, make_user):
    organiser, jakarta, bangkok = world
    siti = interpreter(make_user, "Siti")
    call = services.create_call(call_input(jakarta, bangkok), organiser)
    db.session.commit()
    slot = call.slots[0]
    login(client, organiser)
    form = rendered_form(client, f"/bilaterals/{call.id}/slots/{slot.id}/schedule")
    interpretation.assign_interpreter(_busy_session(slot.start_dt, slot.end_dt), siti)
    db.session.commit()
    response = form.submit()
    assert response.status_code == 409
    assert "No interpreter team" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BilateralCall, call.id).status == CallStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(EventSession).where(
        EventSession.kind == SessionKind.BILATERAL)) == 0


def test_organisers_set_the_dates_of_ramadan_and_ramadan_only_blocks(client, login, world):
    organiser, _jakarta, _bangkok = world
    login(client, organiser)
    page = "/holidays/blocked-times"
    form = rendered_form(client, page, action="/holidays/ramadan")
    response = form.fill(**{"ramadan-country": "MY", "ramadan-year": "2027",
                            "ramadan-first_day": "2027-02-09",
                            "ramadan-last_day": "2027-02-01"}).submit()
    assert response.status_code == 400
    assert refusal(response.get_data(as_text=True)).invalid == {"ramadan-last_day"}
    assert db.session.scalar(select(func.count()).select_from(RamadanPeriod)) == 0
    response = form.fill(**{"ramadan-last_day": "2027-03-10"}).submit()
    assert response.status_code == 302
    period = db.session.scalar(select(RamadanPeriod))
    assert (period.country_code, period.first_day) == ("MY", date(2027, 2, 9))
    form = rendered_form(client, page, action=page)
    response = form.fill(**{"block-country": "TH", "block-start": "16:00", "block-end": "17:00",
                            "block-label": "Early close", "block-ramadan_only": "y"}).submit()
    assert response.status_code == 302
    block = db.session.scalars(select(BlockedTime).order_by(BlockedTime.id.desc())).first()
    assert (block.country_code, block.label, block.ramadan_only) == ("TH", "Early close", True)
