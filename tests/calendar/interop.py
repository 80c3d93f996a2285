"""Readers for the interoperability tests: what each independent parser makes of a calendar.

Each reader turns iCalendar text into the set of occurrences a calendar client would show,
``(uid, start, end)`` with UTC instants as ``2027-04-06T03:00:00Z`` (all-day values stay
dates), series expanded with RRULE, EXDATE and RECURRENCE-ID overrides:

- ``icalendar_occurrences``: the icalendar library, series expanded with dateutil;
- ``vobject_occurrences``: vobject, series expanded by its own ``getrruleset`` (dateutil);
- ``icaljs_read``: ical.js, the parser Thunderbird uses, through ``js/read_ics.mjs`` in node;
- ``CalDAVServer``: a CalDAV server (Radicale) that stores each item and expands it itself.

Expansions follow RFC 5545: DTSTART is the first instance, and an occurrence lasts the exact
duration DTEND - DTSTART (or DURATION) of the master.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import vobject
from dateutil.rrule import rrulestr

JS_DIR = Path(__file__).resolve().parent / "js"
JS_READER = JS_DIR / "read_ics.mjs"
INSTALL = "npm ci --ignore-scripts --prefix tests/calendar/js"
HORIZON = datetime(2040, 1, 1, tzinfo=UTC)


def instant(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AssertionError(f"floating time {value} in an export")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(value)


def _exact_end(start, end):
    """(start, end) as the RFC reads them: a datetime end is an exact span from the start."""
    if isinstance(start, datetime):
        return end.astimezone(UTC) - start.astimezone(UTC)
    return end - start


def _add(start, span):
    if isinstance(start, datetime):
        return start.astimezone(UTC) + span
    return start + span


# --- icalendar ------------------------------------------------------------------------------

def _ical_times(component):
    start = component.decoded("DTSTART")
    if "DTEND" in component:
        end = component.decoded("DTEND")
    elif "DURATION" in component:
        end = _add(start, component.decoded("DURATION"))
    else:
        end = start
    return start, end


def _ical_exdates(component) -> list:
    found = component.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [when.dt for listed in lists for when in listed.dts]


def icalendar_occurrences(text: str) -> set[tuple[str, str, str]]:
    calendar = icalendar.Calendar.from_ical(text)
    by_uid = defaultdict(list)
    for component in calendar.walk("VEVENT"):
        by_uid[str(component["UID"])].append(component)
    found = set()
    for uid, components in by_uid.items():
        master = next((c for c in components if "RECURRENCE-ID" not in c), None)
        overrides = {instant(c.decoded("RECURRENCE-ID")): c for c in components
                     if "RECURRENCE-ID" in c}
        if master is None or "RRULE" not in master:
            for component in components:
                start, end = _ical_times(component)
                found.add((uid, instant(start), instant(end)))
            continue
        start, end = _ical_times(master)
        span = _exact_end(start, end)
        rules = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start, forceset=True)
        rules.rdate(start)  # RFC 5545: DTSTART is always the first instance
        for exdate in _ical_exdates(master):
            rules.exdate(exdate)
        for occurrence in rules:
            if occurrence > HORIZON:
                break
            override = overrides.get(instant(occurrence))
            if override is not None:
                o_start, o_end = _ical_times(override)
                found.add((uid, instant(o_start), instant(o_end)))
            else:
                found.add((uid, instant(occurrence), instant(_add(occurrence, span))))
    return found


def icalendar_items(text: str) -> list[dict]:
    """Each VEVENT as written: UID, SEQUENCE, METHOD of its calendar, STATUS."""
    calendar = icalendar.Calendar.from_ical(text)
    return [{"uid": str(c["UID"]), "sequence": int(c.get("SEQUENCE", 0)),
             "method": str(calendar.get("METHOD", "")), "status": str(c.get("STATUS", "")),
             "summary": str(c.get("SUMMARY", "")), "attendees": c.get("ATTENDEE"),
             "transp": str(c.get("TRANSP", "OPAQUE"))}
            for c in calendar.walk("VEVENT")]


# --- vobject -------------------------------------------------------------------------------

def _vobject_times(vevent):
    start = vevent.dtstart.value
    if hasattr(vevent, "dtend"):
        end = vevent.dtend.value
    elif hasattr(vevent, "duration"):
        end = _add(start, vevent.duration.value)
    else:
        end = start
    return start, end


def vobject_occurrences(text: str) -> set[tuple[str, str, str]]:
    found = set()
    for calendar in vobject.readComponents(text):
        by_uid = defaultdict(list)
        for vevent in calendar.contents.get("vevent", []):
            by_uid[vevent.uid.value].append(vevent)
        for uid, vevents in by_uid.items():
            master = next((v for v in vevents if not hasattr(v, "recurrence_id")), None)
            overrides = {instant(v.recurrence_id.value): v for v in vevents
                         if hasattr(v, "recurrence_id")}
            if master is None or not hasattr(master, "rrule"):
                for vevent in vevents:
                    start, end = _vobject_times(vevent)
                    found.add((uid, instant(start), instant(end)))
                continue
            start, end = _vobject_times(master)
            span = _exact_end(start, end)
            for occurrence in master.getrruleset(addRDate=True):
                if occurrence > HORIZON:
                    break
                override = overrides.get(instant(occurrence))
                if override is not None:
                    o_start, o_end = _vobject_times(override)
                    found.add((uid, instant(o_start), instant(o_end)))
                else:
                    found.add((uid, instant(occurrence), instant(_add(occurrence, span))))
    return found


# --- ical.js ---------------------------------------------------------------------------------

def icaljs_missing() -> str | None:
    """Why ical.js cannot be run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed: ical.js (Thunderbird's parser) was not compared"
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        return f"ical.js is not installed: run `{INSTALL}` to compare Thunderbird's parser"
    return None


def icaljs_read(paths: list[Path]) -> list[dict]:
    """ical.js's reading of each file: {"method", "items": [...], "occurrences": [...]}."""
    done = subprocess.run(
        ["node", str(JS_READER), HORIZON.strftime("%Y-%m-%dT%H:%M:%SZ"),
         *[str(path) for path in paths]],
        capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise AssertionError(f"ical.js failed: {done.stderr}")
    return json.loads(done.stdout)


def icaljs_occurrences(reading: dict) -> set[tuple[str, str, str]]:
    return {(o["uid"], o["start"], o["end"]) for o in reading["occurrences"]}


def utc(value: datetime) -> str:
    return instant(value)


def span_of(start: datetime, minutes: int) -> tuple[str, str]:
    return utc(start), utc(start + timedelta(minutes=minutes))


# --- a CalDAV server ------------------------------------------------------------------------

class CalDAVServer:
    """Radicale on loopback: each item is stored as a calendar object resource (one UID per
    resource, as RFC 4791 requires) and read back expanded by the server itself
    (``calendar-query`` with ``expand``), as a CalDAV client syncing our feed would see it."""

    AUTH = {"Authorization": "Basic " + base64.b64encode(b"roundtable:x").decode()}
    QUERY = (
        '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data>'
        '<C:expand start="20000101T000000Z" end="20400101T000000Z"/></C:calendar-data>'
        '</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        '<C:time-range start="20000101T000000Z" end="20400101T000000Z"/></C:comp-filter>'
        "</C:comp-filter></C:filter></C:calendar-query>")

    def __init__(self, folder: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
             "--auth-type", "none", "--storage-filesystem-folder", str(folder),
             "--logging-level", "error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.request("OPTIONS", "/")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("radicale did not start")

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers={**self.AUTH, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def store_and_expand(self, name: str, text: str) -> set[tuple[str, str, str]]:
        """PUT every UID of ``text`` into a new calendar; the occurrences the server expands."""
        calendar = f"/roundtable/{hashlib.sha1(name.encode()).hexdigest()[:16]}/"  # noqa: S324
        status, _ = self.request("MKCALENDAR", calendar)
        assert status == 201, (name, status)
        parsed = icalendar.Calendar.from_ical(text)
        zones = [c for c in parsed.subcomponents if c.name == "VTIMEZONE"]
        by_uid = defaultdict(list)
        for component in parsed.walk("VEVENT"):
            by_uid[str(component["UID"])].append(component)
        for uid, components in by_uid.items():
            resource = icalendar.Calendar()
            resource.add("PRODID", "-//Roundtable interop test//EN")
            resource.add("VERSION", "2.0")
            for component in [*zones, *components]:
                resource.add_component(component)
            path = calendar + hashlib.sha1(uid.encode()).hexdigest()[:16] + ".ics"  # noqa: S324
            status, body = self.request("PUT", path, resource.to_ical(),
                                        {"Content-Type": "text/calendar; charset=utf-8"})
            assert status == 201, (name, uid, status, body[:500])
        status, body = self.request("REPORT", calendar, self.QUERY.encode(),
                                    {"Content-Type": "application/xml", "Depth": "1"})
        assert status == 207, (name, status)
        found = set()
        for data in ElementTree.fromstring(body).iter(  # noqa: S314 (our own loopback server)
                "{urn:ietf:params:xml:ns:caldav}calendar-data"):
            for component in icalendar.Calendar.from_ical(data.text).walk("VEVENT"):
                start, end = _ical_times(component)
                found.add((str(component["UID"]), instant(start), instant(end)))
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
