"""One iCalendar builder for downloads, personal feeds and iTIP emails (RFC 5545 / 5546).

Times go out as wall-clock times with the event's TZID and a VTIMEZONE written in the
rule-based form Outlook reads (a STANDARD and a DAYLIGHT block, each with a yearly RRULE),
derived from the same tz database pytz uses everywhere else in the app.

A wall-clock time that names two instants (the hour repeated when the clocks go back) or none
(the hour skipped when they go forward) is read differently by different clients (RFC 5545
asks for the first / the offset before the gap; ical.js, Thunderbird's parser, does
otherwise). Such times never go out as TZID times: a single item is written in UTC, and a
series meeting at such a time gets an override (RECURRENCE-ID at its nominal wall-clock time,
which every client matches to its own expansion) whose DTSTART/DTEND are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache

from icalendar import Alarm
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar import Timezone
from icalendar import TimezoneDaylight
from icalendar import TimezoneStandard
from icalendar import vCalAddress
from icalendar import vDDDTypes

from app.core.time import LocalTimeError
from app.core.time import get_zone
from app.core.time import localize
from app.core.time import to_zone

PRODID = "-//Roundtable//Roundtable peer-learning logistics//EN"


@dataclass
class Attendee:
    email: str
    name: str
    partstat: str = "NEEDS-ACTION"  # ACCEPTED, TENTATIVE, DECLINED
    # No replies are processed: answers go through the links in the email, so clients are
    # not asked to send an iTIP REPLY that would change nothing.
    rsvp: bool = False


@dataclass
class CalendarItem:
    """What a VEVENT says; ``start``/``end`` are aware UTC unless ``all_day`` (then dates),
    or, for a series (``rrule``), naive wall-clock times in ``timezone``: the nominal time of
    its first meeting, from which every client expands the rule."""

    uid: str
    sequence: int
    summary: str
    start: datetime | date
    end: datetime | date
    timezone: str = "UTC"
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # TENTATIVE, CANCELLED
    all_day: bool = False
    rrule: str = ""  # e.g. "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T000000Z"
    # EXDATE and RECURRENCE-ID name an occurrence of the series: an aware instant, or a naive
    # wall-clock time in ``timezone`` (the nominal time, also for one in a gap or a fold).
    exdates: list[datetime] = field(default_factory=list)
    recurrence_id: datetime | None = None
    attendees: list[Attendee] = field(default_factory=list)
    alarm_minutes: int | None = 30
    categories: list[str] = field(default_factory=list)
    last_modified: datetime | None = None
    # TRANSP:TRANSPARENT: shown, but the time is not busy (an all-day item for a whole event).
    transparent: bool = False
    # DTSTART/DTEND in UTC even where the TZID form would be unambiguous.
    in_utc: bool = False


def _transitions(zone_name: str, first_year: int, last_year: int):
    """(utc instant, offset before, offset after, is_dst after, name after) in the years."""
    zone = get_zone(zone_name)
    times = getattr(zone, "_utc_transition_times", [])
    infos = getattr(zone, "_transition_info", [])
    found = []
    for index in range(1, len(times)):
        when = times[index]
        if first_year <= when.year <= last_year:
            before, after = infos[index - 1], infos[index]
            found.append((when.replace(tzinfo=UTC), before[0], after[0], bool(after[1]),
                          after[2]))
    return found


def _nth_weekday(day: date) -> int:
    """Which weekday of its month a date is: 1..4, or -1 for the last one."""
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    if (next_month - day).days <= 7:
        return -1
    return (day.day - 1) // 7 + 1


def _rule_date(year: int, month: int, nth: int, weekday: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _observance(kind, local_start: datetime, offset_from, offset_to, name, rrule=None):
    block = kind()
    block.add("dtstart", local_start)
    block.add("tzoffsetfrom", offset_from)
    block.add("tzoffsetto", offset_to)
    block.add("tzname", name)
    if rrule:
        block.add("rrule", rrule)
    return block


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE valid for every instant in the given years."""
    timezone = Timezone()
    timezone.add("tzid", zone_name)
    found = _transitions(zone_name, first_year, last_year)
    zone = get_zone(zone_name)
    if not found:
        middle = to_zone(datetime(first_year, 7, 1, tzinfo=UTC), zone_name)
        offset = middle.utcoffset()
        timezone.add_component(_observance(TimezoneStandard, datetime(1970, 1, 1), offset,
                                           offset, middle.tzname()))
        return timezone
    rules = {}
    for when, before, after, is_dst, name in found:
        local = (when + before).replace(tzinfo=None)  # wall time in the offset it leaves
        key = (is_dst, before, after, name, local.month, _nth_weekday(local.date()),
               local.weekday(), local.time())
        rules.setdefault(key, []).append(local)
    years = range(first_year, last_year + 1)
    consistent = len(rules) <= 2 and all(len(dates) == len(years) for dates in rules.values())
    if consistent:
        for (is_dst, before, after, name, month, nth, weekday, wall), _dates in rules.items():
            start = datetime.combine(_rule_date(1970, month, nth, weekday), wall)
            rrule = {"freq": "yearly", "bymonth": month, "byday": f"{nth}{WEEKDAYS[weekday]}"}
            kind = TimezoneDaylight if is_dst else TimezoneStandard
            timezone.add_component(_observance(kind, start, before, after, name, rrule))
        return timezone
    # Rules that changed inside the range: list every transition explicitly.
    first = found[0]
    timezone.add_component(_observance(TimezoneStandard, datetime(1970, 1, 1), first[1],
                                       first[1], zone.tzname(datetime(first_year, 1, 1),
                                                             is_dst=False)))
    for when, before, after, is_dst, name in found:
        kind = TimezoneDaylight if is_dst else TimezoneStandard
        timezone.add_component(_observance(kind, (when + before).replace(tzinfo=None),
                                           before, after, name))
    return timezone


def _local(instant: datetime, zone_name: str) -> datetime:
    """Wall-clock time in the zone, tagged with the zone so icalendar writes TZID=..."""
    return to_zone(instant, zone_name)


@lru_cache(maxsize=65536)
def is_ambiguous_wall_time(naive: datetime, zone_name: str) -> bool:
    """True when the wall-clock time happens twice in the zone or not at all (cached: a feed
    asks for every start and end)."""
    if zone_name == "UTC":
        return False
    try:
        localize(naive, zone_name)
    except LocalTimeError:
        return True
    return False


def needs_utc(instant: datetime, zone_name: str) -> bool:
    """True when the instant's wall-clock time in the zone does not name it alone."""
    return _wall_time(instant, zone_name) is None


def _wall_time(instant: datetime, zone_name: str) -> datetime | None:
    """The instant's wall-clock time in the zone (naive), or None when that time does not
    name it alone: converted once, as a feed's thousands of items need both answers."""
    wall = to_zone(instant, zone_name).replace(tzinfo=None)
    return None if is_ambiguous_wall_time(wall, zone_name) else wall


def _add_occurrence(vevent: VEvent, name: str, when: datetime, zone_name: str) -> None:
    """EXDATE / RECURRENCE-ID: the occurrence's nominal wall-clock time with its TZID, the
    value each client compares with its own expansion of the rule."""
    if when.tzinfo is not None:
        vevent.add(name, _local(when, zone_name))
    elif zone_name == "UTC":
        vevent.add(name, when.replace(tzinfo=UTC))
    else:
        vevent.add(name, when, parameters={"TZID": zone_name})


def _vevent(item: CalendarItem, stamp: datetime, organiser: tuple[str, str]) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", item.sequence)
    vevent.add("summary", item.summary)
    _add_times(vevent, item)
    if item.recurrence_id is not None:
        _add_occurrence(vevent, "recurrence-id", item.recurrence_id, item.timezone)
    if item.rrule:
        vevent.add("rrule", _parse_rrule(item.rrule))
    for exdate in item.exdates:
        _add_occurrence(vevent, "exdate", exdate, item.timezone)
    if item.transparent:
        vevent.add("transp", "TRANSPARENT")
    for name, value in (("description", item.description), ("location", item.location),
                        ("url", item.url)):
        if value:
            vevent.add(name, value)
    vevent.add("status", item.status)
    if item.last_modified:
        vevent.add("last-modified", item.last_modified)
    if item.categories:
        vevent.add("categories", item.categories)
    _add_people(vevent, item, organiser)
    if item.alarm_minutes and item.status != "CANCELLED":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", timedelta(minutes=-item.alarm_minutes))
        vevent.add_component(alarm)
    return vevent


def _add_times(vevent: VEvent, item: CalendarItem) -> None:
    """DTSTART with DTEND (or DURATION), in the form every client reads as the same instants."""
    if item.all_day:
        vevent.add("dtstart", item.start)  # VALUE=DATE
        vevent.add("dtend", item.end)  # exclusive: the day after the last day
    elif item.start.tzinfo is None:  # a series from its nominal wall-clock time
        vevent.add("dtstart", item.start, parameters={"TZID": item.timezone})
        if is_ambiguous_wall_time(item.start, item.timezone) or \
                is_ambiguous_wall_time(item.end, item.timezone):
            # Clients would disagree on DTEND - DTSTART: say the length itself.
            vevent.add("duration", item.end - item.start)
        else:
            vevent.add("dtend", item.end, parameters={"TZID": item.timezone})
    elif item.in_utc or (not item.rrule and (needs_utc(item.start, item.timezone)
                                             or needs_utc(item.end, item.timezone))):
        # In a fold the TZID form names two instants: UTC names one, for every client.
        vevent.add("dtstart", item.start.astimezone(UTC))
        vevent.add("dtend", item.end.astimezone(UTC))
    else:
        vevent.add("dtstart", _local(item.start, item.timezone))
        vevent.add("dtend", _local(item.end, item.timezone))


def _add_people(vevent: VEvent, item: CalendarItem, organiser: tuple[str, str]) -> None:
    email, name = organiser
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["cn"] = name
    vevent.add("organizer", organizer)
    for attendee in item.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = attendee.name
        address.params["role"] = "REQ-PARTICIPANT"
        address.params["partstat"] = attendee.partstat
        address.params["rsvp"] = "TRUE" if attendee.rsvp else "FALSE"
        vevent.add("attendee", address, encode=0)


def _parse_rrule(text: str) -> dict:
    rule = {}
    for part in text.split(";"):
        name, _sep, value = part.partition("=")
        if name.upper() == "UNTIL":  # icalendar wants an instant, not its text
            rule["until"] = vDDDTypes.from_ical(value)
            continue
        rule[name.lower()] = value.split(",") if "," in value else value
    return rule


def _year(when: datetime, zone_name: str) -> int:
    # No zone is a day away from UTC: only in January or December can the years differ.
    if when.tzinfo is None or 1 < when.month < 12:
        return when.year
    return to_zone(when, zone_name).year


def build_calendar(items: list[CalendarItem], *, method: str, organiser: tuple[str, str],
                   stamp: datetime, name: str = "") -> bytes:
    """A complete VCALENDAR: every TZID used gets its VTIMEZONE, nothing floats."""
    return assemble(calendar_head(items, method=method, name=name),
                    [vevent_bytes(item, stamp, organiser) for item in items])


def calendar_head(items: list[CalendarItem], *, method: str, name: str = "") -> bytes:
    """The VCALENDAR around ``items``, without them: its properties and a VTIMEZONE for
    every TZID they use, valid for every year they name (``assemble`` puts the items in)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    years: dict[str, list[int]] = {}
    for item in items:
        if not item.all_day:
            span = years.setdefault(item.timezone, [])
            span += [_year(item.start, item.timezone), _year(item.end, item.timezone)]
            if item.rrule:
                span.append(_year(item.start, item.timezone) + 2)
            span += [_year(when, item.timezone)
                     for when in (item.recurrence_id, *item.exdates) if when]
    for zone_name, span in sorted(years.items()):
        if zone_name != "UTC":
            calendar.add_component(vtimezone(zone_name, min(span), max(span)))
    return calendar.to_ical()


def vevent_bytes(item: CalendarItem, stamp: datetime, organiser: tuple[str, str]) -> bytes:
    """One VEVENT, folded, each line ending in CRLF: what a calendar holds of the item.

    A single timed item naming nobody (a session: nearly every item of every feed) is
    written directly, byte for byte what icalendar writes (tests/calendar/test_ical.py
    compares them) in a tenth of the time; anything else goes through icalendar."""
    if _is_plain(item) and stamp.tzinfo is UTC:
        return _plain_vevent(item, stamp, organiser)
    return _vevent(item, stamp, organiser).to_ical()


def _is_utc(when: datetime | None) -> bool:
    return when is None or when.tzinfo is UTC


def _is_plain(item: CalendarItem) -> bool:
    return (not item.all_day and not item.rrule and not item.exdates
            and item.recurrence_id is None and not item.attendees
            and isinstance(item.start, datetime) and isinstance(item.end, datetime)
            and _is_utc(item.start) and _is_utc(item.end) and _is_utc(item.last_modified)
            and item.start.tzinfo is not None and item.end.tzinfo is not None
            and item.timezone and item.alarm_minutes in (None, 0, 30))


def _text(value: str) -> str:
    """TEXT escaping as icalendar does it (RFC 5545 3.3.11)."""
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;")
            .replace(",", r"\,").replace("\r\n", r"\n").replace("\n", r"\n")
            .replace("\r", r"\n"))


def _fold(line: str, limit: int = 75) -> str:
    """Folding as icalendar does it: a CRLF and a space before the character that would
    make a line reach ``limit`` octets, never right after an escaping character."""
    if len(line) < limit // 4 or (line.isascii() and len(line) < limit):
        return line
    if line.isascii():  # one octet a character: cut by position
        parts, begin = [], 0
        while len(line) - begin >= limit:
            cut = begin + limit - 1
            if line[cut - 1] in "\\^":
                cut -= 1
            parts.append(line[begin:cut])
            begin = cut
        parts.append(line[begin:])
        return "\r\n ".join(parts)
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode())
        if current and count + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, count = [carried], len(carried.encode())
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def _utc_text(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


@lru_cache(maxsize=16)
def _organizer_line(organiser: tuple[str, str]) -> str:
    """The ORGANIZER line, as icalendar writes it (its parameter quoting and RFC 6868
    escaping): the same for every item, so written once."""
    vevent = VEvent()
    email, name = organiser
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["cn"] = name
    vevent.add("organizer", organizer)
    lines = vevent.to_ical().decode().split("\r\n")
    return "\r\n".join(lines[1:-2])


def _plain_vevent(item: CalendarItem, stamp: datetime, organiser: tuple[str, str]) -> bytes:
    """``_vevent(...).to_ical()`` for a plain item (``_is_plain``), without icalendar:
    the canonical properties first (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE), the
    others in alphabetical order, then the alarm."""
    zone = item.timezone
    local_start = local_end = None
    if not item.in_utc and zone != "UTC":
        local_start, local_end = _wall_time(item.start, zone), _wall_time(item.end, zone)
    if local_start is None or local_end is None:
        start, end = f"DTSTART:{_utc_text(item.start)}", f"DTEND:{_utc_text(item.end)}"
    else:
        start = f"DTSTART;TZID={zone}:{local_start.strftime('%Y%m%dT%H%M%S')}"
        end = f"DTEND;TZID={zone}:{local_end.strftime('%Y%m%dT%H%M%S')}"
    summary = _text(item.summary)
    lines = [f"SUMMARY:{summary}", start, end, f"DTSTAMP:{_utc_text(stamp)}",
             f"UID:{_text(item.uid)}", f"SEQUENCE:{item.sequence}"]
    if item.categories:
        lines.append("CATEGORIES:" + ",".join(_text(c) for c in item.categories))
    if item.description:
        lines.append(f"DESCRIPTION:{_text(item.description)}")
    if item.last_modified:
        lines.append(f"LAST-MODIFIED:{_utc_text(item.last_modified)}")
    if item.location:
        lines.append(f"LOCATION:{_text(item.location)}")
    lines.append(_organizer_line(organiser))
    lines.append(f"STATUS:{_text(item.status)}")
    if item.transparent:
        lines.append("TRANSP:TRANSPARENT")
    if item.url:
        lines.append(f"URL:{item.url}")
    if item.alarm_minutes and item.status != "CANCELLED":
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{summary}",
                  "TRIGGER:-PT30M", "END:VALARM"]
    return ("BEGIN:VEVENT\r\n" + "".join(_fold(line) + "\r\n" for line in lines)
            + "END:VEVENT\r\n").encode()


END_CALENDAR = b"END:VCALENDAR\r\n"


def assemble(head: bytes, vevents: list[bytes]) -> bytes:
    """The calendar ``head`` with the VEVENTs after its VTIMEZONEs: what icalendar writes
    for the same components, since every content line is folded on its own."""
    return b"".join((head.removesuffix(END_CALENDAR), *vevents, END_CALENDAR))
