"""A working group's meetings over HTTP: the holiday flag and its one-click move, and each
meeting's minutes and actions, posted with exactly the fields the pages render; members and
organisers only (404 for anyone else), organisers write, an action's owner marks it done."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

import holidays
import pytest
from sqlalchemy import select

from app.core.time import to_zone
from app.extensions import db
from app.notices.models import Notice
from app.workinggroups import clashes
from app.workinggroups import minutes as meetings
from app.workinggroups import services as groups
from app.workinggroups.models import WorkingGroup
from app.workinggroups.models import WorkingGroupAction
from app.workinggroups.models import WorkingGroupMinutes
from tests.formatting import country
from tests.formatting import day
from tests.forms import refusal
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, tzinfo=UTC)
EID_JOINT_LEAVE = date(2027, 3, 9)


@pytest.fixture
def world(make_user, organiser, frozen_now):
    """A monthly Jakarta group (second Tuesday, 10:00) of two Indonesian members, and an
    Indonesian participant who is not a member."""
    frozen_now(NOW)
    owner = make_user(country="ID", timezone="Asia/Jakarta", display_name="Dewi Owner")
    other = make_user(country="ID", timezone="Asia/Jakarta", display_name="Budi Member")
    stranger = make_user(country="ID", timezone="Asia/Jakarta")
    group = groups.create_working_group(groups.GroupInput(
        name="Education", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 1, 1), start_time=time(10),
        duration_minutes=90, member_ids=[owner.id, other.id]), organiser)
    db.session.commit()
    return organiser, owner, other, stranger, group


def _key(group, local_day):
    meeting = next(o for o in groups.group_occurrences(group, after=datetime(2027, 1, 1,
                                                                             tzinfo=UTC),
                                                       limit=12)
                   if to_zone(o.start_dt, group.timezone).date() == local_day)
    return meetings.meeting_key(meeting.original_start_dt)


def test_the_organiser_sees_the_clash_and_moves_the_meeting_in_one_click(
        client, login, world):
    organiser, owner, _other, _stranger, group = world
    login(client, organiser)
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    name = holidays.country_holidays("ID", years=2027, categories=("public", "government"))[
        EID_JOINT_LEAVE]
    when = day(EID_JOINT_LEAVE, organiser.formatting_locale)
    assert f"{when} is {name} in {country('ID', 'en')}" in page
    form = rendered_form(client, f"/working-groups/{group.id}",
                         action=f"/working-groups/{group.id}/move-off-holiday")
    assert form.names - {"csrf_token"} == {"original", "to"}
    response = form.submit()
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The meeting is moved to" in page
    assert "Falls on a day off" not in page
    db.session.expire_all()
    [moved] = db.session.get(WorkingGroup, group.id).exceptions
    assert to_zone(moved.original_start_dt, "Asia/Jakarta").date() == EID_JOINT_LEAVE
    assert moved.new_start_dt.isoformat() == form.values["to"][0]
    assert db.session.scalar(select(Notice).where(
        Notice.recipient_id == owner.id, Notice.kind == "group_meeting_moved")) is not None
    # The same button pressed again (a stale page): a conflict, said at the top; nothing moves.
    again = form.submit()
    assert again.status_code == 409
    assert "no longer falls on a holiday" in again.get_data(as_text=True)


def test_members_see_the_flag_but_not_the_move(client, login, world):
    _organiser, owner, _other, _stranger, group = world
    login(client, owner)
    page = client.get(f"/working-groups/{group.id}").get_data(as_text=True)
    assert "Falls on a day off" in page and "move-off-holiday" not in page
    assert client.post(f"/working-groups/{group.id}/move-off-holiday",
                       data={"original": "x", "to": "y"}).status_code == 403


def test_minutes_and_an_action_written_by_the_organiser_read_by_the_members(
        client, login, world):
    organiser, owner, other, _stranger, group = world
    key = _key(group, date(2027, 2, 9))
    url = f"/working-groups/{group.id}/meetings/{key}"
    login(client, organiser)
    form = rendered_form(client, url, action=f"{url}/minutes")
    assert form.names - {"csrf_token"} == {"minutes"}
    response = form.fill(minutes="Referral figures shared.\nGuidance: comments due.").submit()
    assert response.status_code == 302
    form = rendered_form(client, url, action=f"{url}/actions")
    assert form.names - {"csrf_token"} == {"text", "owner", "due_date"}
    assert set(form.parsed.controls["owner"].options) == {"", str(owner.id), str(other.id)}
    response = form.fill(text="Send comments on the guidance").submit()
    assert response.status_code == 400  # no owner chosen
    assert "owner" in refusal(response.get_data(as_text=True)).invalid
    response = form.fill(owner=str(owner.id), due_date="2027-03-01").submit()
    assert response.status_code == 302
    [action] = db.session.scalars(select(WorkingGroupAction)).all()
    assert (action.owner_id, action.due_date, action.is_done) == (
        owner.id, date(2027, 3, 1), False)
    assert db.session.scalar(select(Notice).where(
        Notice.recipient_id == owner.id, Notice.kind == "group_action_assigned")).link == url

    # The owner reads the minutes and their action, named for them, and marks it done.
    login(client, owner)
    page = client.get(url).get_data(as_text=True)
    assert "Referral figures shared." in page and "Dewi Owner" in page
    assert "Save the minutes" not in page and "Add the action" not in page
    # The other member reads it too, but not whose it is (names: organisers and the owner).
    login(client, other)
    page = client.get(url).get_data(as_text=True)
    assert "Send comments on the guidance" in page and "Dewi Owner" not in page
    assert "Another member" in page and "Mark as done" not in page
    forged = client.post(f"{url}/actions/{action.id}/done", data={"done": "1"})
    assert forged.status_code == 404
    login(client, owner)
    form = rendered_form(client, url, action=f"{url}/actions/{action.id}/done")
    assert form.names - {"csrf_token"} == set()
    assert form.submit("done=1").status_code == 302
    db.session.expire_all()
    assert db.session.get(WorkingGroupAction, action.id).is_done


def test_open_actions_carry_over_to_the_next_meeting(client, login, world):
    organiser, owner, _other, _stranger, group = world
    february = meetings.parse_meeting_key(_key(group, date(2027, 2, 9)))
    meetings.add_action(group, february, "Still open", owner.id, None, organiser)
    done = meetings.add_action(group, february, "Already done", owner.id, None, organiser)
    meetings.set_action_done(group, done.id, owner, True)
    db.session.commit()
    march = _key(group, EID_JOINT_LEAVE)
    assert [a.text for a in meetings.open_earlier_actions(
        group, meetings.parse_meeting_key(march))] == ["Still open"]
    login(client, owner)
    url = f"/working-groups/{group.id}/meetings/{march}"
    page = client.get(url).get_data(as_text=True)
    assert "Still open from earlier meetings" in page
    assert "Still open" in page and "Already done" not in page
    # Marked done from the next meeting's page, it no longer carries over.
    action = db.session.scalar(select(WorkingGroupAction).where(
        WorkingGroupAction.text == "Still open"))
    form = rendered_form(client, url, action=f"{url}/actions/{action.id}/done")
    assert form.submit("done=1").status_code == 302
    assert "Still open<" not in client.get(url).get_data(as_text=True)


def test_strangers_get_404_and_participants_cannot_write(client, login, world):
    _organiser, owner, _other, stranger, group = world
    key = _key(group, date(2027, 2, 9))
    url = f"/working-groups/{group.id}/meetings/{key}"
    login(client, stranger)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/actions/1/done", data={"done": "1"}).status_code == 404
    login(client, owner)
    assert client.get(f"/working-groups/{group.id}/meetings/20270209T0400Z").status_code == 404
    assert client.get(f"/working-groups/{group.id}/meetings/yesterday").status_code == 404
    assert client.post(f"{url}/minutes", data={"minutes": "mine"}).status_code == 403
    assert client.post(f"{url}/actions", data={"text": "x", "owner": owner.id}).status_code \
        == 403
    assert db.session.scalar(select(WorkingGroupMinutes)) is None


def test_services_refuse_an_owner_outside_the_group(world):
    organiser, _owner, _other, stranger, group = world
    original = meetings.parse_meeting_key(_key(group, date(2027, 2, 9)))
    with pytest.raises(groups.Unprocessable):
        meetings.add_action(group, original, "Do it", stranger.id, None, organiser)
    with pytest.raises(groups.Unprocessable):
        meetings.save_minutes(group, original.replace(hour=5), "x", organiser)
    minutes = meetings.save_minutes(group, original, "  First draft ", organiser)
    again = meetings.save_minutes(group, original, "Second draft", organiser)
    assert minutes.id == again.id and again.text == "Second draft"


def test_the_move_offered_on_the_page_is_the_one_computed(world):
    _organiser, _owner, _other, _stranger, group = world
    meeting = meetings.find_meeting(group, meetings.parse_meeting_key(
        _key(group, EID_JOINT_LEAVE)))
    offer = clashes.next_good_start(group, meeting)
    assert to_zone(offer, "Asia/Jakarta").time() == time(10)
