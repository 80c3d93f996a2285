"""A working group's series as calendars read it: no phantom first meeting, and meetings a
clock change touches land on one instant in every client; the organiser is told about them."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr

from app.calendar.services import render
from app.core.time import fmt_date
from app.core.time import fmt_time
from app.extensions import db
from app.workinggroups import services as groups
from app.workinggroups.models import WorkingGroup
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


def _group(organiser, **fields):
    fields.setdefault("country_code", None)
    fields.setdefault("duration_minutes", 60)
    group = groups.create_working_group(groups.GroupInput(name="WG", **fields), organiser)
    db.session.commit()
    return group


def _expanded_by_icalendar(text, uid):
    """RFC 5545 reading with icalendar + dateutil: DTSTART is always the first meeting."""
    events = [e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
              if str(e["UID"]) == uid]
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    overrides = {e.decoded("RECURRENCE-ID").astimezone(UTC): e.decoded("DTSTART")
                 for e in events if "RECURRENCE-ID" in e}
    rules = rrulestr(master["RRULE"].to_ical().decode(), dtstart=master.decoded("DTSTART"),
                     forceset=True)
    rules.rdate(master.decoded("DTSTART"))
    return [overrides.get(o.astimezone(UTC), o).astimezone(UTC) for o in rules]


def _expanded_by_vobject(text):
    vevents = vobject.readOne(text).vevent_list
    master = next(v for v in vevents if not hasattr(v, "recurrence_id"))
    overrides = {v.recurrence_id.value.astimezone(UTC): v.dtstart.value for v in vevents
                 if hasattr(v, "recurrence_id")}
    return [overrides.get(o.astimezone(UTC), o).astimezone(UTC)
            for o in master.getrruleset(addRDate=True)]


def test_a_first_date_off_the_rule_is_no_phantom_meeting(organiser):
    # Friday 5 March 2027 for "second Tuesdays": the first meeting is Tuesday 9 March.
    group = _group(organiser, timezone="Asia/Jakarta", rrule="FREQ=MONTHLY;BYDAY=2TU",
                   first_date=date(2027, 3, 5), start_time=time(10),
                   until_date=date(2027, 6, 30))
    text = render(groups.group_items(group), "PUBLISH").decode()
    assert "DTSTART;TZID=Asia/Jakarta:20270309T100000" in text
    expected = [o.start_dt for o in groups.group_occurrences(
        group, after=group.first_start_dt - timedelta(seconds=1), limit=20)]
    assert expected[0] == datetime(2027, 3, 9, 3, tzinfo=UTC) and len(expected) == 4
    assert _expanded_by_icalendar(text, group.uid) == expected
    assert _expanded_by_vobject(text) == expected


def test_a_weekly_meeting_in_the_dst_gap_lands_on_one_instant(organiser):
    # Sundays 02:30 in Sydney; on 3 October 2027 the clocks jump from 02:00 to 03:00, and
    # the app holds that meeting at 03:30 daylight time (RFC 5545: the offset before the gap).
    group = _group(organiser, timezone="Australia/Sydney", rrule="FREQ=WEEKLY;BYDAY=SU",
                   first_date=date(2027, 9, 19), start_time=time(2, 30),
                   until_date=date(2027, 10, 17))
    expected = [o.start_dt for o in groups.group_occurrences(
        group, after=group.first_start_dt - timedelta(seconds=1), limit=20)]
    assert datetime(2027, 10, 2, 16, 30, tzinfo=UTC) in expected
    text = render(groups.group_items(group), "PUBLISH").decode()
    assert "RECURRENCE-ID;TZID=Australia/Sydney:20271003T023000" in text
    assert "DTSTART:20271002T163000Z" in text
    assert _expanded_by_icalendar(text, group.uid) == expected
    assert _expanded_by_vobject(text) == expected


def test_the_organiser_is_warned_when_the_series_is_created(client, login, organiser,
                                                           participant):
    login(client, organiser)
    form = rendered_form(client, "/working-groups/new")
    form.fill(name="Night owls", timezone="Australia/Sydney", repeat="weekly", weekday="6",
              first_date="2027-09-19", start_time="02:30", duration="60",
              until_date="2027-10-31", members=[str(participant.id)])
    response = form.submit("submit")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "02:30 does not exist in Australia/Sydney (the clocks go forward)" in page
    group = db.session.query(WorkingGroup).filter_by(name="Night owls").one()
    held = datetime(2027, 10, 2, 16, 30, tzinfo=UTC)  # 03:30 daylight time
    assert groups.clock_change_warnings(group) == [
        f"{fmt_date(held, 'Australia/Sydney', 'en')}: 02:30 does not exist in "
        f"Australia/Sydney (the clocks go forward), so this meeting is at "
        f"{fmt_time(held, 'Australia/Sydney', 'en')}."]


def test_no_warning_for_a_series_no_clock_change_touches(organiser):
    group = _group(organiser, timezone="Australia/Sydney", rrule="FREQ=MONTHLY;BYDAY=2TU",
                   first_date=date(2027, 3, 1), start_time=time(10),
                   until_date=date(2027, 12, 31))
    assert groups.clock_change_warnings(group) == []
