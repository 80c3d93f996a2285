// Reads iCalendar files with ical.js (the parser Thunderbird uses) and prints what a client
// would show, as JSON on stdout: for each file, its METHOD, every VEVENT as written (UID,
// SEQUENCE, STATUS, TRANSP, RECURRENCE-ID, start and end) and every occurrence a calendar
// would show (series expanded with their RRULE, EXDATEs and RECURRENCE-ID overrides).
// Times are UTC instants ("2027-04-06T03:00:00Z"); all-day values stay dates ("2027-04-06").
//
// Usage: node read_ics.mjs HORIZON FILE...   (HORIZON: an ISO instant; series stop there)
// Used by tests/calendar/test_interop.py; install with `npm ci --ignore-scripts` here.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_OCCURRENCES = 1000;

function instant(time) {
  if (!time) return null;
  if (time.isDate) return time.toString(); // YYYY-MM-DD
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

function readFile(path, horizon) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const vevents = root.getAllSubcomponents("vevent");
  const items = vevents.map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      transp: vevent.getFirstPropertyValue("transp"),
      recurrence_id: event.recurrenceId ? instant(event.recurrenceId) : null,
      start: instant(event.startDate),
      end: instant(event.endDate),
      attendees: vevent.getAllProperties("attendee").length,
    };
  });
  const occurrences = [];
  const byUid = new Map();
  for (const vevent of vevents) {
    const uid = vevent.getFirstPropertyValue("uid");
    if (!byUid.has(uid)) byUid.set(uid, []);
    byUid.get(uid).push(vevent);
  }
  for (const [uid, components] of byUid) {
    const master = components.find((c) => !c.hasProperty("recurrence-id"));
    const overrides = components.filter((c) => c.hasProperty("recurrence-id"));
    if (!master) {
      for (const c of overrides) {
        const e = new ICAL.Event(c);
        occurrences.push({ uid, start: instant(e.startDate), end: instant(e.endDate) });
      }
      continue;
    }
    const event = new ICAL.Event(master, { exceptions: overrides });
    if (!event.isRecurring()) {
      occurrences.push({ uid, start: instant(event.startDate), end: instant(event.endDate) });
      continue;
    }
    const iterator = event.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next()) && count < MAX_OCCURRENCES) {
      count += 1;
      const details = event.getOccurrenceDetails(next);
      if (next.toUnixTime() * 1000 > horizon && details.startDate.toUnixTime() * 1000 > horizon) {
        break;
      }
      occurrences.push({
        uid, start: instant(details.startDate), end: instant(details.endDate),
      });
    }
  }
  return {
    path,
    method: root.getFirstPropertyValue("method"),
    items,
    occurrences,
  };
}

const [horizonText, ...paths] = process.argv.slice(2);
const horizon = Date.parse(horizonText);
if (Number.isNaN(horizon) || paths.length === 0) {
  process.stderr.write("usage: node read_ics.mjs HORIZON FILE...\n");
  process.exit(2);
}
process.stdout.write(JSON.stringify(paths.map((path) => readFile(path, horizon))));
