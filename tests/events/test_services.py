from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

import pytest

from app.events import services
from app.events.models import AttendanceMode
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.extensions import db


def _input(**overrides):
    fields = dict(title="Plenary", kind=SessionKind.PLENARY, day=date(2022, 10, 2),
                  start_time=time(9, 0), end_time=time(10, 0))
    fields.update(overrides)
    return services.SessionInput(**fields)


@pytest.fixture
def sydney_event(make_event):
    return make_event(timezone="Australia/Sydney", start_date=date(2022, 10, 1),
                      end_date=date(2022, 10, 2), kind=EventKind.HYBRID)


def test_session_times_are_stored_in_utc(sydney_event):
    session = services.schedule_session(sydney_event, _input(day=date(2022, 10, 1)))
    assert session.start_dt == datetime(2022, 9, 30, 23, 0, tzinfo=UTC)  # AEST, UTC+10
    after = services.schedule_session(sydney_event, _input())
    assert after.start_dt == datetime(2022, 10, 1, 22, 0, tzinfo=UTC)  # AEDT, UTC+11


def test_a_time_in_the_spring_forward_gap_is_refused(sydney_event):
    with pytest.raises(services.EventRuleError, match="does not exist"):
        services.schedule_session(sydney_event, _input(start_time=time(2, 30),
                                                       end_time=time(4, 0)))


def test_an_ambiguous_time_asks_which_one(make_event):
    event = make_event(timezone="Pacific/Auckland", start_date=date(2023, 4, 2),
                       end_date=date(2023, 4, 2))
    data = _input(day=date(2023, 4, 2), start_time=time(2, 15), end_time=time(4, 0))
    with pytest.raises(services.AmbiguousTimeChoiceNeeded):
        services.schedule_session(event, data)
    data.occurrence = "earlier"
    first = services.schedule_session(event, data)
    assert first.start_dt == datetime(2023, 4, 1, 13, 15, tzinfo=UTC)  # still NZDT
    assert first.end_dt - first.start_dt == (datetime(2023, 4, 1, 16, 0, tzinfo=UTC)
                                             - first.start_dt)


def test_end_before_start_and_days_outside_the_event_are_refused(sydney_event):
    with pytest.raises(services.EventRuleError, match="end after it starts"):
        services.schedule_session(sydney_event, _input(start_time=time(11), end_time=time(10)))
    with pytest.raises(services.EventRuleError, match="event's days"):
        services.schedule_session(sydney_event, _input(day=date(2022, 10, 5)))


def test_room_clash_is_a_conflict(sydney_event):
    services.schedule_session(sydney_event, _input(room="Main hall"))
    with pytest.raises(services.ConflictError, match=r"(?i)main hall is already used"):
        services.schedule_session(sydney_event, _input(room="main hall",
                                                       start_time=time(9, 30),
                                                       end_time=time(11, 0)))
    # Back to back is fine, and so is another room.
    services.schedule_session(sydney_event, _input(room="Main hall", start_time=time(10),
                                                   end_time=time(11)))
    services.schedule_session(sydney_event, _input(room="Room 2"))


def test_editing_into_a_clash_is_refused_and_changes_bump_sequence(sydney_event):
    first = services.schedule_session(sydney_event, _input(room="A"))
    second = services.schedule_session(sydney_event, _input(room="A", start_time=time(11),
                                                            end_time=time(12)))
    db.session.commit()
    with pytest.raises(services.ConflictError):
        services.update_session(second, _input(room="A", start_time=time(9, 30),
                                               end_time=time(10, 30)))
    db.session.rollback()
    db.session.refresh(first)
    services.update_session(first, _input(room="A", title="Plenary"))
    assert first.sequence == 0  # nothing changed
    services.update_session(first, _input(room="B"))
    assert first.sequence == 1
    services.cancel_session(first)
    assert first.status == SessionStatus.CANCELLED and first.sequence == 2


def test_attendance_mode_follows_the_event_kind(make_event):
    virtual = make_event(kind=EventKind.VIRTUAL, start_date=date(2022, 10, 2))
    session = services.schedule_session(virtual, _input(attendance_mode=AttendanceMode.BOTH))
    assert session.attendance_mode == AttendanceMode.ONLINE


def _event_fields(**overrides):
    fields = dict(title="Roundtable", description="", kind=EventKind.IN_PERSON,
                  status=EventStatus.DRAFT, timezone="Asia/Bangkok",
                  start_date=date(2027, 5, 1), end_date=date(2027, 5, 2),
                  host_country_code="TH", co_hosts="", venue="Bangkok", address="",
                  online_url="", joining_instructions="", topics=["A"], country_codes=[],
                  is_chatham_house=True, is_invitation_only=True)
    fields.update(overrides)
    return fields


def test_event_rules(db_session):
    with pytest.raises(services.EventRuleError, match="last day"):
        services.create_event(**_event_fields(end_date=date(2027, 4, 30)))
    with pytest.raises(services.EventRuleError, match="timezone"):
        services.create_event(**_event_fields(timezone="Asia/Nowhere"))
    event = services.create_event(**_event_fields())
    services.schedule_session(event, _input(day=date(2027, 5, 2)))
    with pytest.raises(services.ConflictError, match="outside the new dates"):
        services.update_event(event, **_event_fields(end_date=date(2027, 5, 1)))


def test_cancelling_an_event_cancels_its_sessions(sydney_event):
    session = services.schedule_session(sydney_event, _input())
    services.cancel_event(sydney_event)
    assert sydney_event.status == EventStatus.CANCELLED
    assert session.status == SessionStatus.CANCELLED
    with pytest.raises(services.ConflictError):
        services.schedule_session(sydney_event, _input())
