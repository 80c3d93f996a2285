"""Working-group recurrence keeps the wall-clock time across DST; unsupported rules are refused."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from app.core.time import localize
from app.core.time import to_zone
from app.workinggroups.recurrence import PlainRecurrence
from app.workinggroups.recurrence import RecurrenceError
from app.workinggroups.recurrence import normalise_rule
from app.workinggroups.recurrence import occurrences
from app.workinggroups.recurrence import plain_recurrence


def test_monthly_second_tuesday_in_jakarta():
    first = localize(datetime(2027, 1, 12, 10), "Asia/Jakarta")
    found = occurrences("FREQ=MONTHLY;BYDAY=2TU", first, "Asia/Jakarta", limit=3)
    assert [to_zone(o, "Asia/Jakarta").strftime("%Y-%m-%d %H:%M") for o in found] == [
        "2027-01-12 10:00", "2027-02-09 10:00", "2027-03-09 10:00"]


def test_sydney_keeps_ten_oclock_across_both_dst_changes():
    first = localize(datetime(2027, 3, 9, 10), "Australia/Sydney")
    found = occurrences("FREQ=MONTHLY;BYDAY=2TU", first, "Australia/Sydney", limit=8)
    assert {to_zone(o, "Australia/Sydney").strftime("%H:%M") for o in found} == {"10:00"}
    utc_hours = [o.hour for o in found]
    assert utc_hours[0] == 23 and utc_hours[1] == 0  # AEDT in March, AEST from April
    assert found[7].hour == 23  # October: AEDT again


def test_a_time_in_the_gap_uses_the_offset_before_it_and_overlaps_the_first():
    zone = "Pacific/Auckland"
    first = localize(datetime(2027, 9, 24, 2, 30), zone)
    found = occurrences("FREQ=DAILY", first, zone, limit=3)
    # 26 September 02:30 does not exist in Auckland: it is read as 03:30 NZDT.
    assert to_zone(found[2], zone).strftime("%d %H:%M") == "26 03:30"
    first = localize(datetime(2027, 4, 2, 2, 30), zone)
    found = occurrences("FREQ=DAILY", first, zone, limit=3)
    assert found[2] == datetime(2027, 4, 3, 13, 30, tzinfo=UTC)  # 02:30 NZDT, the first one


def test_until_and_after():
    first = localize(datetime(2027, 1, 12, 10), "Asia/Jakarta")
    found = occurrences("FREQ=MONTHLY;BYDAY=2TU", first, "Asia/Jakarta",
                        until=date(2027, 4, 13), limit=10)
    assert len(found) == 4  # 13 April is the second Tuesday and still included
    later = occurrences("FREQ=MONTHLY;BYDAY=2TU", first, "Asia/Jakarta",
                        after=found[1], limit=10, until=date(2027, 4, 13))
    assert later == found[2:]


def test_last_friday_with_bysetpos():
    first = localize(datetime(2027, 1, 1, 9), "Asia/Bangkok")
    rule = normalise_rule("rrule:freq=monthly;byday=mo,tu,we,th,fr;bysetpos=-1")
    found = occurrences(rule, first, "Asia/Bangkok", limit=2)
    assert [o.date() for o in found] == [date(2027, 1, 29), date(2027, 2, 26)]


@pytest.mark.parametrize(("rule", "code"), [
    ("FREQ=SECONDLY", "unsupported_freq"),
    ("FREQ=HOURLY;INTERVAL=2", "unsupported_freq"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2,4", "unsupported_setpos"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=9", "unsupported_setpos"),
    ("FREQ=WEEKLY;BYHOUR=9,15", "unsupported_part"),
    ("FREQ=WEEKLY;UNTIL=20271231T000000Z", "unsupported_part"),
    ("FREQ=WEEKLY;BYDAY=XX", "syntax"),
    ("FREQ=WEEKLY;INTERVAL=0", "syntax"),
    ("nonsense", "syntax"),
    ("", "empty"),
])
def test_rules_the_app_cannot_honour(rule, code):
    with pytest.raises(RecurrenceError) as error:
        normalise_rule(rule)
    assert error.value.code == code


@pytest.mark.parametrize(("plain", "rule"), [
    (PlainRecurrence("weekly", 2), "FREQ=WEEKLY;BYDAY=WE"),
    (PlainRecurrence("weekly", 2, interval=2), "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
    (PlainRecurrence("monthly", 1, position=2), "FREQ=MONTHLY;BYDAY=2TU"),
    (PlainRecurrence("monthly", 4, position=-1), "FREQ=MONTHLY;BYDAY=-1FR"),
])
def test_plain_choices_make_the_rule_and_read_back_from_it(plain, rule):
    assert plain.rule == rule == normalise_rule(rule)
    assert plain_recurrence(rule) == plain


@pytest.mark.parametrize("rule", ["FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYDAY=5TU",
                                  "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=WEEKLY;COUNT=6;BYDAY=SU",
                                  "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", "FREQ=DAILY",
                                  "FREQ=WEEKLY;WKST=SU;BYDAY=SA"])
def test_rules_the_plain_choices_cannot_say_are_left_as_they_are(rule):
    assert plain_recurrence(rule) is None
