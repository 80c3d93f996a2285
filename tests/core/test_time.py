from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
import pytz
from sqlalchemy import select

from app.core.models import AuditRecord
from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import UTCDateTime
from app.core.time import fmt_datetime
from app.core.time import fmt_time
from app.core.time import is_valid_timezone
from app.core.time import local_day_bounds
from app.core.time import localize
from app.core.time import to_zone
from app.core.time import utc_offset_label
from app.extensions import db
from tests.formatting import clock
from tests.formatting import day


def test_utc_column_refuses_naive_datetimes(db_session):
    record = AuditRecord(action="x", subject_type="t", subject_id=1,
                         created_dt=datetime(2027, 1, 1, 9, 0))
    db.session.add(record)
    with pytest.raises(Exception, match="naive datetime refused"):
        db.session.flush()
    db.session.rollback()


def test_utc_column_round_trips_aware_values_as_utc(db_session):
    sydney = localize(datetime(2027, 1, 1, 9, 0), "Australia/Sydney")
    record = AuditRecord(action="x", subject_type="t", subject_id=1,
                         created_dt=sydney.astimezone(pytz.timezone("Asia/Bangkok")))
    db.session.add(record)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(AuditRecord.created_dt).where(AuditRecord.id == record.id))
    assert stored == datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_utc_type_bind_rejects_non_datetimes():
    with pytest.raises(TypeError):
        UTCDateTime().process_bind_param("2027-01-01", None)


def test_sydney_spring_forward_gap_is_refused():
    # 2 October 2022, 02:00 -> 03:00 in Sydney
    with pytest.raises(NonExistentLocalTime):
        localize(datetime(2022, 10, 2, 2, 30), "Australia/Sydney")


def test_auckland_fall_back_overlap_asks_which():
    # 2 April 2023, 03:00 -> 02:00 in Auckland: 02:30 happens twice
    with pytest.raises(AmbiguousLocalTime) as caught:
        localize(datetime(2023, 4, 2, 2, 30), "Pacific/Auckland")
    assert caught.value.later - caught.value.earlier == timedelta(hours=1)
    first = localize(datetime(2023, 4, 2, 2, 30), "Pacific/Auckland", prefer_later=False)
    second = localize(datetime(2023, 4, 2, 2, 30), "Pacific/Auckland", prefer_later=True)
    assert first == datetime(2023, 4, 1, 13, 30, tzinfo=UTC)
    assert second == datetime(2023, 4, 1, 14, 30, tzinfo=UTC)


def test_chatham_uses_its_45_minute_offsets():
    summer = localize(datetime(2027, 1, 15, 12, 0), "Pacific/Chatham")
    winter = localize(datetime(2027, 7, 15, 12, 0), "Pacific/Chatham")
    assert summer.utcoffset() == timedelta(0)
    assert to_zone(summer, "Pacific/Chatham").utcoffset() == timedelta(hours=13, minutes=45)
    assert to_zone(winter, "Pacific/Chatham").utcoffset() == timedelta(hours=12, minutes=45)
    assert utc_offset_label(summer, "Pacific/Chatham") == "UTC+13:45"


@pytest.mark.parametrize("zone", ["Asia/Bangkok", "Asia/Jakarta", "Asia/Kuala_Lumpur",
                                  "Australia/Brisbane", "Australia/Perth"])
def test_zones_without_dst_keep_one_offset_all_year(zone):
    offsets = {to_zone(datetime(2027, month, 1, tzinfo=UTC), zone).utcoffset()
               for month in range(1, 13)}
    assert len(offsets) == 1


def test_sydney_and_auckland_are_three_hours_apart_between_their_dst_starts():
    # NZ moved clocks forward on 25 Sep 2022, Sydney only on 2 Oct 2022.
    instant = datetime(2022, 9, 28, 0, 0, tzinfo=UTC)
    gap = (to_zone(instant, "Pacific/Auckland").utcoffset()
           - to_zone(instant, "Australia/Sydney").utcoffset())
    assert gap == timedelta(hours=3)
    later = datetime(2022, 10, 5, 0, 0, tzinfo=UTC)
    gap = (to_zone(later, "Pacific/Auckland").utcoffset()
           - to_zone(later, "Australia/Sydney").utcoffset())
    assert gap == timedelta(hours=2)


def test_to_zone_normalises_across_a_transition():
    before = localize(datetime(2022, 10, 2, 1, 30), "Australia/Sydney")
    after = to_zone(before + timedelta(hours=1), "Australia/Sydney")
    assert (after.hour, after.minute) == (3, 30)


def test_local_day_is_23_hours_on_spring_forward():
    start, end = local_day_bounds(date(2022, 10, 2), "Australia/Sydney")
    assert end - start == timedelta(hours=23)
    start, end = local_day_bounds(date(2023, 4, 2), "Pacific/Auckland")
    assert end - start == timedelta(hours=25)


def test_localize_refuses_aware_input_and_unknown_zones():
    with pytest.raises(ValueError):
        localize(datetime(2027, 1, 1, tzinfo=UTC), "Asia/Bangkok")
    with pytest.raises(pytz.UnknownTimeZoneError):
        localize(datetime(2027, 1, 1), "Mars/Olympus")
    assert not is_valid_timezone("Mars/Olympus")
    assert not is_valid_timezone(" Asia/Bangkok")
    assert is_valid_timezone("Pacific/Chatham")


def test_formatting_follows_locale_and_zone():
    instant = datetime(2022, 4, 5, 3, 0, tzinfo=UTC)
    assert fmt_time(instant, "Pacific/Auckland", "en") == clock(15, 0, "en")
    assert fmt_time(instant, "Asia/Bangkok", "th") == clock(10, 0, "th")
    assert "2565" in fmt_datetime(instant, "Asia/Bangkok", "th") or "2022" in fmt_datetime(
        instant, "Asia/Bangkok", "th")
    assert day(date(2022, 4, 5), "en") in fmt_datetime(instant, "Pacific/Auckland", "en")
