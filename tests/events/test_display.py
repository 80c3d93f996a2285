from datetime import UTC
from datetime import datetime

from app.core.time import localize
from app.core.time import zone_label
from app.events.display import StripZone
from app.events.display import is_off_hours
from app.events.display import session_times
from app.events.display import strip_zones_for
from tests.formatting import clock_range

FIVE = (
    StripZone("Asia/Bangkok", "TH", 480, 1080),
    StripZone("Asia/Jakarta", "ID", 480, 1080),
    StripZone("Asia/Kuala_Lumpur", "MY", 480, 1080),
    StripZone("Australia/Sydney", "AU", 480, 1080),
    StripZone("Pacific/Auckland", "NZ", 480, 1080),
)


def test_auckland_viewer_of_the_5_april_2022_workshop():
    # 13:00 in Sydney two days after both Sydney and Auckland left daylight time.
    start = localize(datetime(2022, 4, 5, 13, 0), "Australia/Sydney")
    end = localize(datetime(2022, 4, 5, 15, 30), "Australia/Sydney")
    times = session_times(start, end, "Australia/Sydney", "Pacific/Auckland", "en", FIVE)
    assert times.viewer_range == clock_range((15, 0), (17, 30))
    assert times.viewer_offset == "UTC+12"
    assert times.event_range == clock_range((13, 0), (15, 30))
    # The event's zone as the reader knows it, with its offset at the session: standard time.
    assert times.event_zone == zone_label("Australia/Sydney", "en", start)
    assert times.event_zone.startswith("Sydney (") and times.event_zone.endswith(", UTC+10)")
    by_zone = {z.zone: z for z in times.strip}
    assert by_zone["Asia/Bangkok"].time_range == clock_range((10, 0), (12, 30))
    assert by_zone["Asia/Jakarta"].time_range == clock_range((10, 0), (12, 30))
    assert by_zone["Asia/Kuala_Lumpur"].time_range == clock_range((11, 0), (13, 30))
    assert not any(z.off_hours for z in times.strip)


def test_same_clock_hides_the_duplicate_event_time_and_locale_formats():
    start = datetime(2027, 6, 22, 2, 0, tzinfo=UTC)
    end = datetime(2027, 6, 22, 3, 30, tzinfo=UTC)
    times = session_times(start, end, "Asia/Jakarta", "Asia/Bangkok", "th", ())
    assert times.event_range is None
    assert times.viewer_range == clock_range((9, 0), (10, 30), "th")


def test_day_changes_are_marked():
    # 23:00 in Bangkok is 05:00 the next day in Auckland (NZDT, UTC+13).
    start = localize(datetime(2027, 3, 1, 23, 0), "Asia/Bangkok")
    end = localize(datetime(2027, 3, 1, 23, 45), "Asia/Bangkok")
    times = session_times(start, end, "Asia/Bangkok", "Pacific/Auckland", "en", FIVE)
    assert times.viewer_day_shift == 1
    assert {z.zone: z.day_shift for z in times.strip}["Pacific/Auckland"] == 1
    assert {z.zone: z.day_shift for z in times.strip}["Asia/Jakarta"] == 0
    # 05:00 in Auckland is 23:00 the day before in Bangkok.
    west = session_times(localize(datetime(2027, 3, 2, 5, 0), "Pacific/Auckland"),
                         localize(datetime(2027, 3, 2, 6, 0), "Pacific/Auckland"),
                         "Pacific/Auckland", "Asia/Bangkok", "en", ())
    assert west.viewer_day_shift == -1


def test_working_hours_are_flagged_per_country():
    start = localize(datetime(2027, 3, 10, 16, 0), "Asia/Bangkok")
    end = localize(datetime(2027, 3, 10, 17, 0), "Asia/Bangkok")
    flags = {z.zone: is_off_hours(start, end, z) for z in FIVE}
    assert flags == {"Asia/Bangkok": False, "Asia/Jakarta": False, "Asia/Kuala_Lumpur": False,
                     "Australia/Sydney": True, "Pacific/Auckland": True}
    late_start = StripZone("Australia/Sydney", "AU", 10 * 60, 22 * 60)
    assert not is_off_hours(start, end, late_start)


def test_sydney_auckland_three_hours_apart_in_the_dst_gap_week():
    start = localize(datetime(2022, 9, 28, 9, 0), "Australia/Sydney")
    end = localize(datetime(2022, 9, 28, 10, 0), "Australia/Sydney")
    times = session_times(start, end, "Australia/Sydney", "Pacific/Auckland", "en", FIVE)
    assert times.viewer_range == clock_range((12, 0), (13, 0))


def test_strip_lists_every_zone_of_a_country_west_to_east():
    class Country:
        def __init__(self, code, zones):
            self.code, self.zones, self.timezone = code, zones, zones[0]
            self.work_start_minute, self.work_end_minute = 480, 1080

    zones = strip_zones_for([Country("ID", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
                             Country("AU", ["Australia/Sydney", "Australia/Perth"])])
    assert [z.zone for z in zones] == ["Asia/Jakarta", "Asia/Makassar", "Australia/Perth",
                                       "Asia/Jayapura", "Australia/Sydney"]


def test_a_session_across_the_clock_change_shows_both_offsets():
    # 01:30-04:00 in Auckland on 3 April 2022: daylight time (UTC+13) ends at 03:00.
    start = datetime(2022, 4, 2, 12, 30, tzinfo=UTC)
    end = datetime(2022, 4, 2, 16, 0, tzinfo=UTC)
    times = session_times(start, end, "Pacific/Auckland", "Pacific/Auckland", "en", FIVE)
    assert times.viewer_offset == "UTC+13 → UTC+12"
    by_zone = {z.zone: z for z in times.strip}
    assert by_zone["Pacific/Auckland"].offset == "UTC+13 → UTC+12"
    assert by_zone["Asia/Bangkok"].offset == "UTC+7"
