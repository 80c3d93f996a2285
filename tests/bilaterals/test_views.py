"""The poll over HTTP: invitees answer in their own zone, organisers pick; bad input is a 4xx
that changes nothing; list pages run a constant number of queries."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from app.bilaterals import services
from app.bilaterals.models import BilateralCall, CallStatus, SlotVote, WorkingGroup
from app.core.models import OutboxMessage
from app.events.models import AttendanceMode, EventSession
from app.extensions import db
from app.registrations.models import Registration
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture
def call_world(make_user, organiser, frozen_now):
    frozen_now(NOW)
    nz = make_user(("participant",), country="NZ")
    th = make_user(("participant",), country="TH", locale="th")
    call = services.create_call(services.CallInput(
        country_a="NZ", country_b="TH", topic="Follow-up", duration_minutes=60,
        first_date=date(2027, 6, 14), last_date=date(2027, 6, 18), timezone="Asia/Bangkok",
        invitee_ids=[nz.id, th.id]), organiser)
    db.session.commit()
    return organiser, nz, th, call


def answers(call, value="yes"):
    return {f"slot_{slot.id}": value for slot in call.slots}


def test_invitees_see_their_own_zone_and_answer(client, login, call_world):
    _organiser, nz, th, call = call_world
    slot = call.slots[0]
    login(client, nz)
    page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    from app.core.time import fmt_time

    assert fmt_time(slot.start_dt, "Pacific/Auckland", nz.formatting_locale) in page
    response = client.post(f"/bilaterals/{call.id}/vote", data=answers(call))
    assert response.status_code == 302
    response = client.post(f"/bilaterals/{call.id}/vote", data=answers(call, "if_need_be"))
    assert response.status_code == 302
    assert {v.answer.value for v in db.session.scalars(select(SlotVote))} == {"if_need_be"}
    login(client, th)
    page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    assert fmt_time(slot.start_dt, "Asia/Bangkok", "th") in page
    from babel.support import Translations

    from tests.conftest import ROOT

    thai = Translations.load(str(ROOT / "translations"), ["th"])
    assert thai.gettext("Yes") in page


def test_strangers_get_404_and_missing_answers_422(client, login, make_user, call_world):
    _organiser, nz, _th, call = call_world
    login(client, make_user(("participant",), country="AU"))
    assert client.get(f"/bilaterals/{call.id}").status_code == 404
    assert client.post(f"/bilaterals/{call.id}/vote", data=answers(call)).status_code == 404
    login(client, nz)
    partial = dict(list(answers(call).items())[:1])
    assert client.post(f"/bilaterals/{call.id}/vote", data=partial).status_code == 422
    forged = {**answers(call), "slot_999999": "yes"}
    assert client.post(f"/bilaterals/{call.id}/vote", data=forged).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SlotVote)) == 0


def test_organiser_picks_and_the_closed_poll_refuses_votes(client, login, call_world):
    organiser, nz, _th, call = call_world
    login(client, organiser)
    page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    assert "Schedule this slot" in page and "Auckland" in page and "Bangkok" in page
    assert client.post(f"/bilaterals/{call.id}/pick",
                       data={"slot_id": 999999}).status_code == 422
    assert db.session.get(BilateralCall, call.id).status == CallStatus.OPEN
    response = client.post(f"/bilaterals/{call.id}/pick", data={"slot_id": call.slots[1].id})
    assert response.status_code == 302 and "/events/" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(BilateralCall, call.id).status == CallStatus.SCHEDULED
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    login(client, nz)
    assert client.post(f"/bilaterals/{call.id}/vote", data=answers(call)).status_code == 409
    login(client, organiser)
    assert client.post(f"/bilaterals/{call.id}/pick",
                       data={"slot_id": call.slots[0].id}).status_code == 409


def test_bad_calls_are_422_and_save_nothing(client, login, call_world):
    organiser, nz, th, _call = call_world
    login(client, organiser)
    base = {"country_a": "NZ", "country_b": "TH", "topic": "x", "duration": "60",
            "first_date": "2027-06-01", "last_date": "2027-06-10", "timezone": "Asia/Bangkok",
            "invitees": [str(nz.id), str(th.id)]}
    before = db.session.scalar(select(func.count()).select_from(BilateralCall))
    for changes, text in [({"first_date": "2027-01-01"}, "past"),
                          ({"last_date": "2027-12-01"}, "90 days"),
                          ({"invitees": [str(nz.id)]}, "both countries")]:
        response = client.post("/bilaterals/new", data={**base, **changes})
        assert response.status_code == 422, changes
        assert text in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BilateralCall)) == before
    response = client.post("/bilaterals/new", data=base)
    assert response.status_code == 302


def test_working_group_pages_and_bad_rule(client, login, call_world):
    organiser, nz, th, _call = call_world
    login(client, organiser)
    form = {"name": "Education", "country": "ID", "timezone": "Asia/Jakarta",
            "rrule": "FREQ=SECONDLY", "first_date": "2027-03-01", "start_time": "10:00",
            "duration": "90", "members": [str(nz.id)]}
    response = client.post("/working-groups/new", data=form)
    assert response.status_code == 422 and "cannot honour" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 0
    response = client.post("/working-groups/new", data={**form, "rrule": "FREQ=MONTHLY;BYDAY=2TU"})
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup))
    login(client, nz)
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    assert "Education" in page and "Person" not in page  # members' names: organisers only
    ics = client.get(f"/working-groups/{group.id}/calendar.ics").get_data(as_text=True)
    assert "RRULE:FREQ=MONTHLY;BYDAY=2TU" in ics
    login(client, th)
    assert client.get(f"/working-groups/{group.id}").status_code == 404


def test_list_pages_run_a_constant_number_of_queries(client, login, call_world, query_counter,
                                                     make_user):
    organiser, nz, th, _call = call_world
    login(client, organiser)
    client.get("/bilaterals")
    with query_counter() as one:
        client.get("/bilaterals")
    for _n in range(3):
        services.create_call(services.CallInput(
            country_a="NZ", country_b="TH", topic="More", duration_minutes=60,
            first_date=date(2027, 6, 14), last_date=date(2027, 6, 15),
            timezone="Asia/Bangkok", invitee_ids=[nz.id, th.id]), organiser)
    db.session.commit()
    with query_counter() as many:
        client.get("/bilaterals")
    assert len(one) == len(many)
    with query_counter() as groups:
        assert client.get("/working-groups").status_code == 200
    assert len(groups) < 10


def test_organiser_moves_a_scheduled_call_through_its_pages(client, login, call_world):
    """The call is a bilateral session of its own virtual event: the session form there asks
    only what a virtual event needs, and the move reaches both invitees' calendars."""
    organiser, nz, th, call = call_world
    login(client, organiser)
    pick = rendered_form(client, f"/bilaterals/{call.id}", action=f"/bilaterals/{call.id}/pick",
                         index=0)
    assert pick.values["slot_id"] == [str(call.slots[0].id)]
    assert pick.submit().status_code == 302
    db.session.expire_all()
    session = db.session.get(BilateralCall, call.id).session
    event_url = f"/events/{session.event_id}"
    assert f'href="{event_url}"' in client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    edit_url = f"{event_url}/sessions/{session.id}/edit"
    assert f'href="{edit_url}"' in client.get(
        f"{event_url}/sessions/{session.id}").get_data(as_text=True)

    form = rendered_form(client, edit_url)
    assert "attendance_mode" not in form.names and form.values["kind"] == ["bilateral"]
    start = datetime.combine(date.min, time.fromisoformat(form.values["start_time"][0]))
    end = datetime.combine(date.min, time.fromisoformat(form.values["end_time"][0]))
    later = timedelta(hours=1)
    response = form.fill(start_time=f"{start + later:%H:%M}",
                         end_time=f"{end + later:%H:%M}").submit("submit")
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(EventSession, session.id)
    assert moved.start_dt == call.slots[0].start_dt + later and moved.sequence == 1
    assert moved.attendance_mode == AttendanceMode.ONLINE
    for person in (nz, th):
        [latest] = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == person.email,
                                        OutboxMessage.calendar_method.is_not(None))
            .order_by(OutboxMessage.id.desc()).limit(1)).all()
        invitation = icalendar.Calendar.from_ical(latest.calendar).walk("VEVENT")[0]
        assert latest.calendar_method == "REQUEST" and invitation["SEQUENCE"] == 1
        assert invitation.decoded("DTSTART") == moved.start_dt
