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
