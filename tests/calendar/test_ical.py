"""The iCal builder: every calendar parses with icalendar and vobject, and clients that read
our VTIMEZONE land on the stored UTC instant, across DST edges."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import icalendar
import pytest
import vobject

from app.calendar.ical import Attendee
from app.calendar.ical import CalendarItem
from app.calendar.ical import build_calendar
from app.calendar.ical import vtimezone
from app.core.time import localize

STAMP = datetime(2027, 1, 1, tzinfo=UTC)
ORGANISER = ("organisers@example.org", "Organisers")

EDGES = [
    ("Australia/Sydney", datetime(2022, 10, 2, 1, 30)),  # just before spring forward
    ("Australia/Sydney", datetime(2022, 10, 2, 3, 0)),  # just after
    ("Australia/Sydney", datetime(2023, 4, 2, 3, 30)),  # after fall back
    ("Pacific/Auckland", datetime(2022, 9, 25, 1, 59)),
    ("Pacific/Auckland", datetime(2022, 9, 25, 3, 0)),
    ("Pacific/Auckland", datetime(2023, 4, 2, 4, 0)),
    ("Pacific/Chatham", datetime(2022, 9, 25, 2, 30)),
    ("Pacific/Chatham", datetime(2022, 9, 25, 3, 45)),
    ("Pacific/Chatham", datetime(2027, 1, 15, 9, 0)),
    ("Asia/Bangkok", datetime(2027, 6, 1, 9, 0)),
    ("Asia/Jakarta", datetime(2027, 6, 22, 9, 0)),
    ("Australia/Perth", datetime(2027, 6, 22, 9, 0)),
    ("Australia/Adelaide", datetime(2027, 10, 3, 3, 0)),
]


def _calendar(items, method="PUBLISH"):
    return build_calendar(items, method=method, organiser=ORGANISER, stamp=STAMP)


def _item(start, end, zone, **extra):
    return CalendarItem(uid=extra.pop("uid", "s1@roundtable"), sequence=0, summary="Plenary",
                        start=start, end=end, timezone=zone, **extra)


@pytest.mark.parametrize("zone, wall", EDGES)
def test_clients_land_on_the_stored_instant(zone, wall):
    start = localize(wall, zone)
    end = start + timedelta(hours=1)
    text = _calendar([_item(start, end, zone)]).decode()
    parsed = vobject.readOne(text)  # uses our VTIMEZONE, not its own tz database
    assert parsed.vevent.dtstart.value.astimezone(UTC) == start
    assert parsed.vevent.dtend.value.astimezone(UTC) == end
    assert f"DTSTART;TZID={zone}:" in text
    ical = icalendar.Calendar.from_ical(text)
    assert ical.walk("VEVENT")[0].decoded("dtstart").astimezone(UTC) == start


def test_every_tzid_has_its_rule_based_vtimezone():
    sydney = localize(datetime(2027, 3, 1, 9), "Australia/Sydney")
    jakarta = localize(datetime(2027, 3, 1, 9), "Asia/Jakarta")
    text = _calendar([_item(sydney, sydney + timedelta(hours=1), "Australia/Sydney"),
                      _item(jakarta, jakarta + timedelta(hours=1), "Asia/Jakarta", uid="b")]
                     ).decode()
    ical = icalendar.Calendar.from_ical(text)
    zones = {tz["TZID"]: tz for tz in ical.walk("VTIMEZONE")}
    assert set(zones) == {"Australia/Sydney", "Asia/Jakarta"}
    sydney_blocks = {c.name: c for c in zones["Australia/Sydney"].subcomponents}
    assert sydney_blocks["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=1SU;BYMONTH=10"
    assert sydney_blocks["STANDARD"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"
    assert [c.name for c in zones["Asia/Jakarta"].subcomponents] == ["STANDARD"]
    assert "RRULE" not in zones["Asia/Jakarta"].subcomponents[0]


def test_auckland_uses_the_last_sunday_of_september():
    block = {c.name: c for c in vtimezone("Pacific/Auckland", 2022, 2028).subcomponents}
    assert block["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=9"


def test_all_day_items_use_dates_with_an_exclusive_end():
    item = CalendarItem(uid="e@roundtable", sequence=3, summary="Roundtable", all_day=True,
                        start=date(2027, 6, 22), end=date(2027, 6, 25), timezone="Asia/Jakarta")
    text = _calendar([item], method="REQUEST").decode()
    assert "DTSTART;VALUE=DATE:20270622" in text and "DTEND;VALUE=DATE:20270625" in text
    assert "VTIMEZONE" not in text  # nothing floats and nothing needs a zone
    vobject.readOne(text)


def test_request_carries_organizer_attendee_alarm_and_sequence():
    start = localize(datetime(2027, 6, 22, 9), "Asia/Jakarta")
    item = _item(start, start + timedelta(hours=1), "Asia/Jakarta",
                 attendees=[Attendee("dewi@example.org", "Dewi", "ACCEPTED")])
    item.sequence = 4
    event = icalendar.Calendar.from_ical(_calendar([item], "REQUEST")).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:organisers@example.org"
    assert str(event["ATTENDEE"]) == "mailto:dewi@example.org"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert event["SEQUENCE"] == 4
    assert event.walk("VALARM")[0]["TRIGGER"].dt == timedelta(minutes=-30)


def test_recurring_item_with_exception_and_override():
    first = localize(datetime(2027, 1, 12, 10), "Asia/Jakarta")
    series = _item(first, first + timedelta(hours=1), "Asia/Jakarta", uid="wg@roundtable",
                   rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6",
                   exdates=[localize(datetime(2027, 2, 9, 10), "Asia/Jakarta")])
    moved = _item(localize(datetime(2027, 3, 10, 14), "Asia/Jakarta"),
                  localize(datetime(2027, 3, 10, 15), "Asia/Jakarta"), "Asia/Jakarta",
                  uid="wg@roundtable",
                  recurrence_id=localize(datetime(2027, 3, 9, 10), "Asia/Jakarta"))
    text = _calendar([series, moved]).decode()
    assert "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=2TU" in text
    assert "EXDATE;TZID=Asia/Jakarta:20270209T100000" in text
    assert "RECURRENCE-ID;TZID=Asia/Jakarta:20270309T100000" in text
    parsed = vobject.readComponents(text)
    assert next(parsed).vevent_list[0].rruleset is not None


@pytest.mark.parametrize("later", [False, True], ids=["first 02:30", "second 02:30"])
def test_a_time_in_the_fold_goes_out_in_utc(later):
    # 02:30 on 3 April 2022 happens twice in Auckland: a TZID line would name both.
    start = localize(datetime(2022, 4, 3, 2, 30), "Pacific/Auckland", prefer_later=later)
    end = start + timedelta(hours=1)
    text = _calendar([_item(start, end, "Pacific/Auckland")]).decode()
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in text and f"DTEND:{end:%Y%m%dT%H%M%S}Z" in text
    assert vobject.readOne(text).vevent.dtstart.value == start
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (start, end)


def test_unambiguous_times_keep_their_tzid_and_a_span_across_the_change_lands():
    start = localize(datetime(2022, 4, 3, 1, 30), "Pacific/Auckland")
    end = localize(datetime(2022, 4, 3, 4, 0), "Pacific/Auckland")  # 3.5 hours later
    text = _calendar([_item(start, end, "Pacific/Auckland")]).decode()
    assert "DTSTART;TZID=Pacific/Auckland:20220403T013000" in text
    assert "DTEND;TZID=Pacific/Auckland:20220403T040000" in text
    event = vobject.readOne(text).vevent
    assert event.dtend.value.astimezone(UTC) - event.dtstart.value.astimezone(UTC) == \
        timedelta(hours=3, minutes=30)


def test_whole_event_items_leave_the_days_free_and_nobody_is_asked_to_reply():
    item = CalendarItem(uid="e@roundtable", sequence=0, summary="Roundtable", all_day=True,
                        start=date(2027, 6, 22), end=date(2027, 6, 25), timezone="Asia/Jakarta",
                        transparent=True, attendees=[Attendee("dewi@example.org", "Dewi")])
    event = icalendar.Calendar.from_ical(_calendar([item], "REQUEST")).walk("VEVENT")[0]
    assert event["TRANSP"] == "TRANSPARENT"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"


def test_series_name_meetings_by_their_nominal_wall_clock_time():
    # Weekly at 02:30 in Sydney: on 3 October 2027 that time is skipped. The EXDATE and
    # RECURRENCE-ID say 02:30, which each client matches with its own expansion.
    series = CalendarItem(uid="wg@roundtable", sequence=0, summary="WG",
                          start=datetime(2027, 9, 26, 2, 30), end=datetime(2027, 9, 26, 3, 30),
                          timezone="Australia/Sydney", rrule="FREQ=WEEKLY;COUNT=4",
                          exdates=[datetime(2027, 10, 10, 2, 30)])
    pinned = _item(datetime(2027, 10, 2, 16, 30, tzinfo=UTC),
                   datetime(2027, 10, 2, 17, 30, tzinfo=UTC), "Australia/Sydney",
                   uid="wg@roundtable", recurrence_id=datetime(2027, 10, 3, 2, 30), in_utc=True)
    text = _calendar([series, pinned]).decode()
    assert "DTSTART;TZID=Australia/Sydney:20270926T023000" in text
    assert "EXDATE;TZID=Australia/Sydney:20271010T023000" in text
    assert "RECURRENCE-ID;TZID=Australia/Sydney:20271003T023000" in text
    assert "DTSTART:20271002T163000Z" in text


def test_a_series_starting_in_a_gap_says_its_length_not_a_wall_clock_end():
    series = CalendarItem(uid="wg@roundtable", sequence=0, summary="WG",
                          start=datetime(2027, 10, 3, 2, 30), end=datetime(2027, 10, 3, 3, 30),
                          timezone="Australia/Sydney", rrule="FREQ=WEEKLY;COUNT=4")
    text = _calendar([series]).decode()
    assert "DURATION:PT1H" in text and "DTEND" not in text


PLAIN_TEXTS = [
    "Plenary", "", "Case management; guardianship, education\\and more",
    "Line one\n\nLine two\r\nLine three\rend \\N",
    "การประชุมใหญ่ว่าด้วยทางเลือกแทนการกักตัวเด็ก " * 3,
    "x" * 73 + "\\;" + "y" * 80, "a" * 74, "a" * 75, "b" * 64 + "\\," * 40,
    ("Agenda: https://roundtable.example.org/events/12, room 3; " * 4) + "^" * 90,
    "é" * 40 + ",;" * 30,
    "Chatham House Rule: you may use what is said here, but never reveal who said it.",
]


def _plain_items():
    """Single timed items of every shape a feed holds: zones with and without DST, times
    in a fold or a gap (written in UTC), in UTC on request, texts needing escapes and folds."""
    for n, (zone, wall) in enumerate(EDGES):
        start = localize(wall, zone) if zone != "Pacific/Chatham" or n != 7 else \
            datetime(2022, 9, 24, 14, 0, tzinfo=UTC)
        text = PLAIN_TEXTS[n % len(PLAIN_TEXTS)]
        yield CalendarItem(
            uid=f"{n}-plain@roundtable", sequence=n, summary=text, start=start.astimezone(UTC),
            end=(start + timedelta(minutes=90)).astimezone(UTC), timezone=zone,
            description=PLAIN_TEXTS[(n + 3) % len(PLAIN_TEXTS)],
            location=PLAIN_TEXTS[(n + 5) % len(PLAIN_TEXTS)],
            url="https://meet.example.org/room?a=1;b=2,c" if n % 2 else "",
            status=("CONFIRMED", "TENTATIVE", "CANCELLED")[n % 3],
            categories=[PLAIN_TEXTS[n % len(PLAIN_TEXTS)], "Series, two"][: 1 + n % 2],
            alarm_minutes=None if n % 4 == 3 else 30, transparent=n % 5 == 0,
            in_utc=n % 6 == 5, last_modified=datetime(2027, 1, 1, 5, tzinfo=UTC) if n % 2 else None)
    yield CalendarItem(uid="utc@roundtable", sequence=0, summary="In UTC",
                       start=datetime(2027, 3, 1, 1, tzinfo=UTC),
                       end=datetime(2027, 3, 1, 2, tzinfo=UTC))


@pytest.mark.parametrize("organiser", [ORGANISER, ("o@example.org", 'Round:table; "x", org')])
def test_plain_items_are_written_byte_for_byte_as_icalendar_writes_them(organiser):
    from app.calendar.ical import _is_plain
    from app.calendar.ical import _vevent
    from app.calendar.ical import vevent_bytes

    items = list(_plain_items())
    for item in items:
        assert _is_plain(item)
        assert vevent_bytes(item, STAMP, organiser) == _vevent(item, STAMP, organiser).to_ical()
