"""Our pytz-based conversions agree with the standard library's zoneinfo (same tzdata pin)."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.core.time import AmbiguousLocalTime
from app.core.time import NonExistentLocalTime
from app.core.time import localize
from app.core.time import to_zone

ZONES = ["Australia/Sydney", "Pacific/Auckland", "Pacific/Chatham", "Asia/Bangkok",
         "Asia/Kuala_Lumpur", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura",
         "Australia/Brisbane", "Australia/Perth", "Australia/Adelaide"]
instants = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))
wall_times = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31)
                          ).map(lambda dt: dt.replace(second=0, microsecond=0))


@settings(max_examples=400, deadline=None)
@given(instant=instants, zone=st.sampled_from(ZONES))
def test_to_zone_agrees_with_zoneinfo(instant, zone):
    ours = to_zone(instant, zone)
    theirs = instant.astimezone(ZoneInfo(zone))
    assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
    assert ours.utcoffset() == theirs.utcoffset()


def _zoneinfo_kind(naive: datetime, zone: str) -> str:
    tz = ZoneInfo(zone)
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return "unique"
    round_trip = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "ambiguous" if round_trip == naive else "gap"


@settings(max_examples=400, deadline=None)
@given(naive=wall_times, zone=st.sampled_from(ZONES))
def test_localize_agrees_with_zoneinfo_and_never_guesses(naive, zone):
    kind = _zoneinfo_kind(naive, zone)
    if kind == "unique":
        assert localize(naive, zone) == naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    elif kind == "gap":
        with pytest.raises(NonExistentLocalTime):
            localize(naive, zone)
    else:
        with pytest.raises(AmbiguousLocalTime) as caught:
            localize(naive, zone)
        tz = ZoneInfo(zone)
        assert caught.value.earlier == naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
        assert caught.value.later == naive.replace(tzinfo=tz, fold=1).astimezone(UTC)


@pytest.mark.parametrize("zone", ZONES)
def test_every_transition_2019_2030_agrees(zone):
    """Walk each zone hour by hour across the transitions zoneinfo knows about."""
    tz = ZoneInfo(zone)
    instant = datetime(2019, 1, 1, tzinfo=UTC)
    previous = None
    while instant < datetime(2031, 1, 1, tzinfo=UTC):
        offset = instant.astimezone(tz).utcoffset()
        if previous is not None and offset != previous:
            for minutes in range(-90, 91, 15):
                probe = instant + timedelta(minutes=minutes)
                assert to_zone(probe, zone).utcoffset() == probe.astimezone(tz).utcoffset()
        previous = offset
        instant += timedelta(hours=6)
