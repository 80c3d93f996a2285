"""Working groups reach their members' personal feeds as a recurring series."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import vobject
from sqlalchemy import select

from app.calendar import services
from app.calendar.models import CalendarFeed
from app.extensions import db
from app.workinggroups import services as groups


def test_a_members_feed_carries_the_series_and_follows_its_exceptions(
        client, organiser, participant, make_user, frozen_now):
    frozen_now(datetime(2027, 2, 1, tzinfo=UTC))
    outsider = make_user()
    group = groups.create_working_group(groups.GroupInput(
        name="Education working group", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 1), start_time=time(10),
        duration_minutes=60, member_ids=[participant.id]), organiser)
    token = services.issue_feed_token(participant)
    other = services.issue_feed_token(outsider)
    db.session.commit()

    body = client.get(f"/calendar/{token}.ics").get_data(as_text=True)
    series = vobject.readOne(body).vevent
    assert series.summary.value == "Education working group"
    assert "RRULE:FREQ=MONTHLY;BYDAY=2TU" in body
    assert "Education working group" not in client.get(f"/calendar/{other}.ics").get_data(
        as_text=True)

    etag = client.get(f"/calendar/{token}.ics").headers["ETag"]
    frozen_now(datetime(2027, 2, 2, tzinfo=UTC))
    first = groups.group_occurrences(group, limit=1)[0].start_dt
    groups.change_occurrence(group, first)
    db.session.commit()
    changed = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "EXDATE;TZID=Asia/Jakarta:20270309T100000" in changed.get_data(as_text=True)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == participant.id))
    assert feed.changed_dt == datetime(2027, 2, 2, tzinfo=UTC)
    assert first - datetime(2027, 3, 9, 3, tzinfo=UTC) == timedelta(0)


def test_moving_a_meeting_off_a_holiday_reaches_the_feed_with_a_higher_sequence(
        client, organiser, make_user, frozen_now):
    """The Eid al-Fitr joint leave day (9 March 2027, a second Tuesday): moved off it, the
    meeting is an override at its new time in the member's feed, with a higher SEQUENCE
    than the series had, the series itself unchanged; the conditional request sees it."""
    from app.workinggroups import clashes

    frozen_now(datetime(2027, 2, 1, tzinfo=UTC))
    member = make_user(country="ID", timezone="Asia/Jakarta")
    group = groups.create_working_group(groups.GroupInput(
        name="Education working group", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2027, 3, 1), start_time=time(10),
        duration_minutes=60, member_ids=[member.id]), organiser)
    token = services.issue_feed_token(member)
    db.session.commit()
    before = vobject.readOne(client.get(f"/calendar/{token}.ics").get_data(as_text=True))
    [series] = before.vevent_list
    etag = client.get(f"/calendar/{token}.ics").headers["ETag"]

    frozen_now(datetime(2027, 2, 2, tzinfo=UTC))
    eid = datetime(2027, 3, 9, 3, tzinfo=UTC)
    moved_to = clashes.move_off_clash(group, eid, organiser)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    after = vobject.readOne(response.get_data(as_text=True)).vevent_list
    master = next(v for v in after if not hasattr(v, "recurrence_id"))
    [override] = [v for v in after if hasattr(v, "recurrence_id")]
    assert master.rrule.value == series.rrule.value
    assert override.recurrence_id.value.astimezone(UTC) == eid
    assert override.dtstart.value.astimezone(UTC) == moved_to
    assert int(override.sequence.value) > int(series.sequence.value)
    assert int(master.sequence.value) > int(series.sequence.value)
