"""The poll over HTTP: invitees answer in their own zone, organisers pick; bad input is a 4xx
that changes nothing; list pages run a constant number of queries."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.bilaterals import services
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallStatus
from app.bilaterals.models import SlotVote
from app.core.models import OutboxMessage
from app.events.models import AttendanceMode
from app.events.models import EventSession
from app.extensions import db
from app.registrations.models import Registration
from app.workinggroups import services as groups
from app.workinggroups.models import WorkingGroup
from tests.formatting import weekday_name
from tests.forms import refusal
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

    from tests.fixtures.browser import ROOT

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


def _confirm_url(call, slot):
    return f"/bilaterals/{call.id}/slots/{slot.id}/schedule"


def test_organiser_picks_and_the_closed_poll_refuses_votes(client, login, call_world):
    organiser, nz, _th, call = call_world
    login(client, organiser)
    page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    assert "Schedule this slot" in page and "Auckland" in page and "Bangkok" in page
    assert client.post(f"/bilaterals/{call.id}/pick",
                       data={"slot_id": 999999}).status_code == 422
    assert db.session.get(BilateralCall, call.id).status == CallStatus.OPEN
    response = rendered_form(client, _confirm_url(call, call.slots[1])).submit()
    assert response.status_code == 302 and "/events/" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(BilateralCall, call.id).status == CallStatus.SCHEDULED
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    login(client, nz)
    assert client.post(f"/bilaterals/{call.id}/vote", data=answers(call)).status_code == 409
    login(client, organiser)
    assert client.post(f"/bilaterals/{call.id}/pick",
                       data={"slot_id": call.slots[0].id}).status_code == 409
    # A confirmation page left open in another tab: the poll is closed, it says so.
    response = client.get(_confirm_url(call, call.slots[0]))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/bilaterals/{call.id}")
    assert "This poll is closed" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_scheduling_a_slot_asks_first_on_a_page_of_its_own(client, login, make_user,
                                                           call_world):
    """The call page's "Schedule this slot" is a link: its page says when the call would be
    for the organiser and in each invited country, and who is told; only "Yes" schedules."""
    from app.core.time import fmt_time

    organiser, nz, th, call = call_world
    slot = call.slots[0]
    login(client, organiser)
    page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
    assert f'href="{_confirm_url(call, slot)}"' in page
    assert f'action="/bilaterals/{call.id}/pick"' not in page  # no one-click scheduling
    confirm = client.get(_confirm_url(call, slot)).get_data(as_text=True)
    for zone in (organiser.timezone, "Pacific/Auckland", "Asia/Bangkok"):
        # in the organiser's (Australian) English, whoever's zone it is
        assert fmt_time(slot.start_dt, zone, organiser.formatting_locale) in confirm, zone
    assert "Local time in New Zealand" in confirm and "Local time in Thailand" in confirm
    assert nz.display_name in confirm and th.display_name in confirm
    assert "Yes, schedule this call" in confirm
    assert f'href="/bilaterals/{call.id}">Go back</a>' in confirm
    assert db.session.get(BilateralCall, call.id).status == CallStatus.OPEN  # GET changes nothing
    form = rendered_form(client, _confirm_url(call, slot))
    assert form.values["slot_id"] == [str(slot.id)]
    # Invitees and strangers cannot open it; a slot of no poll is not there.
    login(client, nz)
    assert client.get(_confirm_url(call, slot)).status_code == 403
    login(client, organiser)
    other = services.create_call(services.CallInput(
        country_a="NZ", country_b="TH", topic="Another", duration_minutes=60,
        first_date=date(2027, 6, 14), last_date=date(2027, 6, 18), timezone="Asia/Bangkok",
        invitee_ids=[nz.id, th.id]), organiser)
    db.session.commit()
    assert client.get(f"/bilaterals/{call.id}/slots/{other.slots[0].id}/schedule"
                      ).status_code == 404
    response = form.submit()
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BilateralCall, call.id).status == CallStatus.SCHEDULED


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


def test_working_group_pages_and_bad_pattern(client, login, call_world):
    organiser, nz, th, _call = call_world
    login(client, organiser)
    form = rendered_form(client, "/working-groups/new")
    assert "rrule" not in form.names  # the pattern is chosen in words, never typed as RRULE
    assert {"repeat", "weekday", "interval", "position"} <= form.names
    form.fill(name="Education", country="ID", timezone="Asia/Jakarta",
              first_date="2027-03-01", start_time="10:00", duration="90", members=[str(nz.id)])
    response = form.forge(weekday="MO\nRRULE:FREQ=DAILY").submit("submit")
    assert response.status_code == 422
    assert "weekday" in refusal(response.get_data(as_text=True)).invalid
    assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 0
    response = form.fill(weekday="1").submit("submit")  # the second Tuesday, as offered
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup))
    assert group.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    login(client, nz)
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    assert "Education" in page and "Person" not in page  # members' names: organisers only
    assert f"Every month on the second {weekday_name(1, 'en')}" in page
    assert "FREQ=" not in page
    assert "Edit the working group" not in page
    ics = client.get(f"/working-groups/{group.id}/calendar.ics").get_data(as_text=True)
    assert "RRULE:FREQ=MONTHLY;BYDAY=2TU" in ics
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 403
    login(client, th)
    assert client.get(f"/working-groups/{group.id}").status_code == 404


def _monthly_group(organiser, member, **changes):
    fields = dict(name="Education", country_code="ID", timezone="Asia/Jakarta",
                  rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 1),
                  start_time=time(10), duration_minutes=60, member_ids=[member.id])
    fields.update(changes)
    group = groups.create_working_group(groups.GroupInput(**fields), organiser)
    db.session.commit()
    return group


def test_a_working_group_is_edited_through_its_page(client, login, call_world):
    """The edit page shows the creation form's fields (members aside), filled with the group
    as it is; saving changes the series, keeps a moved meeting whose day is still in it,
    and raises the series' SEQUENCE so calendars take the change."""
    organiser, nz, _th, _call = call_world
    group = _monthly_group(organiser, nz)
    # 13 April 2027 (second Tuesday) is moved; the new series still meets that day.
    groups.change_occurrence(group, datetime(2027, 4, 13, 3, tzinfo=UTC),
                               new_start=datetime(2027, 4, 14, 3, tzinfo=UTC))
    db.session.commit()
    sequence = group.sequence
    login(client, organiser)
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    assert f'href="/working-groups/{group.id}/edit"' in page
    form = rendered_form(client, f"/working-groups/{group.id}/edit")
    assert "members" not in form.names and "rrule" not in form.names
    assert (form.values["name"], form.values["repeat"], form.values["weekday"],
            form.values["position"], form.values["start_time"], form.values["first_date"]) == (
        ["Education"], ["monthly"], ["1"], ["2"], ["10:00"], ["2027-03-01"])
    response = form.fill(name="Education and care", repeat="weekly", weekday="1",
                         interval="2", start_time="11:00", duration="90").submit("submit")
    assert response.status_code == 302, refusal(response.get_data(as_text=True))
    db.session.expire_all()
    group = db.session.get(WorkingGroup, group.id)
    assert (group.name, group.rrule, group.duration_minutes) == (
        "Education and care", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", 90)
    assert group.sequence > sequence
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The working group is saved." in page
    assert f"Every 2 weeks on {weekday_name(1, 'en')}" in page and "FREQ=" not in page
    [moved] = group.exceptions
    assert moved.original_start_dt == datetime(2027, 4, 13, 4, tzinfo=UTC)  # 11:00 now
    assert (moved.new_start_dt, moved.new_end_dt) == (
        datetime(2027, 4, 14, 3, tzinfo=UTC), datetime(2027, 4, 14, 4, 30, tzinfo=UTC))
    ics = icalendar.Calendar.from_ical(
        client.get(f"/working-groups/{group.id}/calendar.ics").get_data())
    assert {int(e["SEQUENCE"]) for e in ics.walk("VEVENT")} == {group.sequence}
    assert "INTERVAL=2" in ics.walk("VEVENT")[0]["RRULE"].to_ical().decode()


def test_an_edit_that_breaks_a_rule_is_refused_beside_its_field(client, login, call_world):
    organiser, nz, _th, _call = call_world
    group = _monthly_group(organiser, nz)
    login(client, organiser)
    form = rendered_form(client, f"/working-groups/{group.id}/edit")
    response = form.fill(name="Renamed", until_date="2027-02-01").submit("submit")
    assert response.status_code == 422
    said = refusal(response.get_data(as_text=True))
    assert "until_date" in said.invalid
    assert "cannot be before the first date" in said.errors["until_date"]
    db.session.expire_all()
    assert db.session.get(WorkingGroup, group.id).name == "Education"  # nothing kept
    response = form.fill(until_date="", repeat="weekly", interval="").submit("submit")
    assert response.status_code == 422
    assert "interval" in refusal(response.get_data(as_text=True)).invalid


def test_a_pattern_the_choices_cannot_say_is_kept_unless_changed(client, login, call_world):
    """A group set up as RRULE text before the plain choices (two weekdays) keeps its rule
    when the organiser edits something else; the page never shows the RRULE text."""
    organiser, nz, _th, _call = call_world
    group = _monthly_group(organiser, nz, rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    login(client, organiser)
    page = client.get(f"/working-groups/{group.id}/edit").get_data(as_text=True)
    monday, wednesday = weekday_name(0, "en"), weekday_name(2, "en")
    assert f"Keep as now: Every week on {monday} and {wednesday}" in page
    assert "FREQ=" not in page
    form = rendered_form(client, f"/working-groups/{group.id}/edit")
    assert form.values["repeat"] == ["current"]
    assert form.fill(name="Education (MW)").submit("submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(WorkingGroup, group.id).rrule == "FREQ=WEEKLY;BYDAY=MO,WE"
    form = rendered_form(client, f"/working-groups/{group.id}/edit")
    assert form.fill(repeat="monthly", weekday="4", position="-1").submit(
        "submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(WorkingGroup, group.id).rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    # Where the choices can say the rule, "keep" is no choice at all.
    assert "current" not in rendered_form(
        client, f"/working-groups/{group.id}/edit").parsed.controls["repeat"].options


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
    pick = rendered_form(client, _confirm_url(call, call.slots[0]))
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
