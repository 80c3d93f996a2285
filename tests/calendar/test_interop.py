"""Every kind of calendar Roundtable hands out, read by independent parsers that must agree.

One scenario produces them all: an event in Auckland with sessions at both 02:30s of the
night the clocks go back (3 April 2022) and one across that change; a participant who
registers, cancels and registers again; an interpreter; a session moved twice and then
cancelled; the event cancelled; a scheduled bilateral call, then its event cancelled; working
groups whose meetings fall in a DST gap (02:30 on 3 October 2027 in Sydney), in a fold, across
a clock change, one whose first date is off its rule (a Friday, for second Tuesdays), and
one whose meeting on the Eid al-Fitr joint leave day is moved off it with its one button.

Collected: agenda and session downloads, each role's personal feed (participant,
interpreter, organiser, group member) at each stage, each working group's download, and the
calendar of every iTIP email (REQUEST, update, CANCEL, registration cancel, event cancel).
Each is read by icalendar (series expanded with dateutil), vobject and, where node and the
package are installed, ical.js (Thunderbird's parser): the UTC start and end of every
occurrence must be the same for all of them, and the same as the app's own. Across the
email history, SEQUENCE only grows per recipient and UID, and no feed shows a SEQUENCE below
the last email for that UID.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.bilaterals import services as bilaterals
from app.calendar import services as calendar
from app.core.models import OutboxMessage
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation.models import Grade
from app.interpretation.services import assign_interpreter
from app.interpretation.services import open_channel
from app.interpretation.services import save_profile
from app.registrations import services as registrations
from app.workinggroups import services as groups
from app.workinggroups.models import WorkingGroup
from tests.calendar import interop
from tests.fixtures.people import login_as
from tests.forms import rendered_form

BEFORE_2022 = datetime(2022, 3, 1, tzinfo=UTC)
BEFORE_2027 = datetime(2027, 3, 1, tzinfo=UTC)
AUCKLAND, SYDNEY = "Pacific/Auckland", "Australia/Sydney"


@dataclass
class Scenario:
    files: dict[str, str] = field(default_factory=dict)  # name -> iCalendar text
    truth: dict[str, set] = field(default_factory=dict)  # name -> the app's occurrences
    emails: list[tuple[str, str, str]] = field(default_factory=list)  # (to, method, text)
    # feed name -> the SEQUENCE last emailed to its owner, per UID, when it was read
    emailed: dict[str, dict[str, int]] = field(default_factory=dict)


def _keep(scenario: Scenario, name: str, text: str, truth: set | None = None) -> None:
    scenario.files[name] = text
    if truth is not None:
        scenario.truth[name] = truth


def _feed(scenario: Scenario, name: str, client, user, truth: set | None = None) -> None:
    token = calendar.issue_feed_token(user)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    _keep(scenario, name, response.get_data(as_text=True), truth)
    scenario.emailed[name] = calendar.delivered_sequences(user.id)


def _download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _register(event, user):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    return registration


def _session_truth(session: EventSession) -> set:
    return {(session.uid, interop.utc(session.start_dt), interop.utc(session.end_dt))}


def _group_truth(group: WorkingGroup) -> set:
    """The app's own meetings of the series (moved ones where they moved to)."""
    found = set()
    for occurrence in groups.group_occurrences(
            group, after=group.first_start_dt - timedelta(days=1), limit=500):
        if not occurrence.is_cancelled:
            found.add((group.uid, interop.utc(occurrence.start_dt),
                       interop.utc(occurrence.end_dt)))
    return found


def _create_group(client, organiser, member, **fields) -> WorkingGroup:
    login_as(client, organiser)
    form = rendered_form(client, "/working-groups/new")
    form.fill(members=[str(member.id)], online_url="", **fields)
    response = form.submit("submit")
    assert response.status_code == 302, response.get_data(as_text=True)
    group_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return db.session.get(WorkingGroup, group_id)


@pytest.fixture
def scenario(client, organiser, participant, interpreter, make_user, make_event, make_session,
             frozen_now) -> Scenario:
    seen = Scenario()
    frozen_now(BEFORE_2022)
    event = make_event(title="Auckland roundtable", kind=EventKind.VIRTUAL, timezone=AUCKLAND,
                       start_date=date(2022, 4, 1), end_date=date(2022, 4, 3),
                       is_invitation_only=False, online_url="https://meet.example.org/r")
    first_0230 = make_session(event, datetime(2022, 4, 2, 13, 30, tzinfo=UTC),
                              datetime(2022, 4, 2, 14, 30, tzinfo=UTC), title="First 02:30")
    second_0230 = make_session(event, datetime(2022, 4, 2, 14, 30, tzinfo=UTC),
                               datetime(2022, 4, 2, 15, 30, tzinfo=UTC), title="Second 02:30")
    across = make_session(event, datetime(2022, 4, 2, 12, 30, tzinfo=UTC),
                          datetime(2022, 4, 2, 16, 0, tzinfo=UTC), title="Across the change")
    moved = make_session(event, datetime(2022, 4, 1, 22, tzinfo=UTC),
                         datetime(2022, 4, 1, 23, tzinfo=UTC), title="Plenary",
                         kind=SessionKind.BILATERAL)
    sessions = [first_0230, second_0230, across, moved]

    registration = _register(event, participant)
    registrations.cancel_registration(registration, participant)
    db.session.commit()
    _register(event, participant)
    profile = save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    for session in (moved, second_0230):
        assign_interpreter(open_channel(session, "th"), profile)
        db.session.commit()

    login_as(client, participant)
    _keep(seen, "agenda", _download(client, f"/events/{event.id}/agenda.ics"),
          set().union(*(_session_truth(s) for s in sessions)))
    for session in sessions:
        _keep(seen, f"session {session.title}",
              _download(client, f"/events/{event.id}/sessions/{session.id}.ics"),
              _session_truth(session))
    _feed(seen, "participant feed", client, participant,
          set().union(*(_session_truth(s) for s in sessions)))
    _feed(seen, "interpreter feed", client, interpreter,
          _session_truth(moved) | _session_truth(second_0230))

    login_as(client, organiser)
    url = f"/events/{event.id}/sessions/{moved.id}"
    for start, end in (("12:00", "13:00"), ("15:00", "16:30")):  # moved twice
        form = rendered_form(client, f"{url}/edit").fill(start_time=start, end_time=end)
        assert form.submit("submit").status_code == 302
    db.session.refresh(moved)
    _feed(seen, "interpreter feed, moved", client, interpreter,
          _session_truth(moved) | _session_truth(second_0230))
    assert client.post(f"{url}/cancel").status_code == 302
    assert client.post(f"/events/{event.id}/cancel").status_code == 302
    _feed(seen, "participant feed, cancelled", client, participant,
          set().union(*(_session_truth(s) for s in sessions)))
    _feed(seen, "interpreter feed, cancelled", client, interpreter)
    _feed(seen, "organiser feed, cancelled", client, organiser)

    frozen_now(BEFORE_2027)
    thai = make_user(("participant",), country="TH", locale="th", languages=("th",))
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Case management follow-up",
        duration_minutes=60, first_date=date(2027, 4, 1), last_date=date(2027, 4, 9),
        timezone="Asia/Bangkok", invitee_ids=[participant.id, thai.id]), organiser)
    call_session = bilaterals.pick_slot(call, call.slots[0].id, organiser)
    db.session.commit()
    _feed(seen, "bilateral invitee feed", client, thai, _session_truth(call_session))
    login_as(client, organiser)
    assert client.post(f"/events/{call_session.event_id}/cancel").status_code == 302

    gap = _create_group(client, organiser, participant, name="Gap", timezone=SYDNEY,
                        repeat="weekly", weekday="6", first_date="2027-09-19",
                        start_time="02:30", duration="60", until_date="2027-10-31")
    groups.change_occurrence(gap, datetime(2027, 10, 9, 15, 30, tzinfo=UTC))  # 10 Oct
    groups.change_occurrence(gap, datetime(2027, 10, 16, 15, 30, tzinfo=UTC),
                                 new_start=datetime(2027, 10, 17, 23, tzinfo=UTC))
    phantom = _create_group(client, organiser, participant, name="Second Tuesdays",
                            timezone=SYDNEY, repeat="monthly", weekday="1", position="2",
                            first_date="2027-03-05", start_time="10:00", duration="60",
                            until_date="2027-12-31")
    fold = _create_group(client, organiser, participant, name="Fold", timezone=AUCKLAND,
                         repeat="weekly", weekday="6", first_date="2028-03-19",
                         start_time="02:30", duration="60", until_date="2028-04-16")
    # A count of meetings: a rule set up as RRULE text before the form asked in plain
    # words, which stored groups may still have (only the service takes one now).
    spanning = groups.create_working_group(groups.GroupInput(
        name="Across", country_code=None, timezone=SYDNEY, rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=6",
        first_date=date(2027, 9, 19), start_time=time(1, 30), duration_minutes=120,
        member_ids=[participant.id]), organiser)
    # The Eid al-Fitr joint leave day (9 March 2027, a second Tuesday) in Jakarta: moved
    # off it with the group page's one button, an override with a higher SEQUENCE.
    eid = _create_group(client, organiser, participant, name="Eid", timezone="Asia/Jakarta",
                        country="ID", repeat="monthly", weekday="1", position="2",
                        first_date="2027-03-01", start_time="10:00", duration="60",
                        until_date="2027-06-30")
    move = rendered_form(client, f"/working-groups/{eid.id}",
                         action=f"/working-groups/{eid.id}/move-off-holiday")
    assert move.submit().status_code == 302
    db.session.refresh(eid)
    assert len(eid.exceptions) == 1 and eid.sequence == 1
    db.session.commit()
    made = [gap, phantom, fold, spanning, eid]
    for group in made:
        _keep(seen, f"group {group.name}",
              _download(client, f"/working-groups/{group.id}/calendar.ics"),
              _group_truth(group))
    _feed(seen, "member feed", client, participant,
          set().union(*(_group_truth(g) for g in made)))

    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.calendar.is_not(None)).order_by(OutboxMessage.id)):
        seen.emails.append((message.recipient, message.calendar_method, message.calendar))
        seen.files[f"email {len(seen.emails)} {message.calendar_method} to "
                   f"{message.recipient}"] = message.calendar
    return seen


def _only(occurrences: set, uids: set[str]) -> set:
    return {o for o in occurrences if o[0] in uids}


def _check_truth(name: str, readings: dict[str, set], truth: set) -> None:
    uids = {uid for uid, _start, _end in truth}
    for parser, found in readings.items():
        assert _only(found, uids) == truth, f"{parser} reads {name} differently from the app"


def test_python_parsers_agree_with_each_other_and_the_app(scenario):
    checked = 0
    for name, text in scenario.files.items():
        readings = {"icalendar": interop.icalendar_occurrences(text),
                    "vobject": interop.vobject_occurrences(text)}
        assert readings["icalendar"] == readings["vobject"], name
        if name in scenario.truth:
            _check_truth(name, readings, scenario.truth[name])
        checked += 1
    assert checked >= 25


def test_icaljs_agrees_with_icalendar(scenario, tmp_path):
    missing = interop.icaljs_missing()
    if missing:
        pytest.skip(missing)
    names = list(scenario.files)
    paths = []
    for index, name in enumerate(names):
        path = tmp_path / f"{index}.ics"
        path.write_text(scenario.files[name], encoding="utf-8")
        paths.append(path)
    for name, reading in zip(names, interop.icaljs_read(paths), strict=True):
        text = scenario.files[name]
        found = interop.icaljs_occurrences(reading)
        assert found == interop.icalendar_occurrences(text), f"ical.js reads {name} otherwise"
        if name in scenario.truth:
            _check_truth(name, {"ical.js": found}, scenario.truth[name])
        sequences = [(i["uid"], i["sequence"]) for i in reading["items"]]
        assert sequences == [(i["uid"], i["sequence"])
                             for i in interop.icalendar_items(text)], name


def test_a_caldav_server_stores_every_item_and_expands_it_the_same_way(scenario, tmp_path):
    """What a CalDAV client syncing our calendars sees: Radicale accepts each item (one
    resource per UID) and its own expansion agrees with icalendar's and with the app."""
    server = interop.CalDAVServer(tmp_path / "caldav")
    stored = 0
    try:
        for name, text in scenario.files.items():
            if name.startswith("email"):
                continue  # iTIP messages are for inboxes; the feeds carry the same items
            found = server.store_and_expand(name, text)
            stored += 1
            assert found == interop.icalendar_occurrences(text), f"CalDAV reads {name} otherwise"
            if name in scenario.truth:
                _check_truth(name, {"CalDAV": found}, scenario.truth[name])
    finally:
        server.stop()
    assert stored >= 15


def test_sequence_only_grows_per_uid_across_the_email_history(scenario):
    last: dict[tuple[str, str], int] = {}
    history = defaultdict(list)
    for recipient, method, text in scenario.emails:
        [item] = interop.icalendar_items(text)
        assert item["method"] == method
        key = (recipient, item["uid"])
        if key in last:
            assert item["sequence"] > last[key], f"{method} to {recipient}: {history[key]}"
        last[key] = item["sequence"]
        history[key].append((method, item["sequence"]))
    # The scenario's histories, as each person's calendar saw them.
    methods = {key: [m for m, _s in steps] for key, steps in history.items()}
    assert ["REQUEST", "CANCEL", "REQUEST", "CANCEL"] in methods.values()  # registration
    assert ["REQUEST", "REQUEST", "REQUEST", "CANCEL"] in methods.values()  # moved twice
    assert ["REQUEST", "CANCEL"] in methods.values()  # interpreter, event cancelled
    # A feed (METHOD:PUBLISH) names no ATTENDEE, and says what the last email said.
    for name, emailed in scenario.emailed.items():
        for item in interop.icalendar_items(scenario.files[name]):
            assert item["method"] == "PUBLISH" and item["attendees"] is None, name
            if item["uid"] in emailed:
                assert item["sequence"] == emailed[item["uid"]], (name, item["summary"])


def test_every_export_kind_was_read(scenario):
    kinds = {name.split(" ")[0] for name in scenario.files}
    assert {"agenda", "session", "participant", "interpreter", "organiser", "bilateral",
            "member", "group", "email"} <= kinds
    methods = {method for _to, method, _text in scenario.emails}
    assert methods == {"REQUEST", "CANCEL"}
    event = db.session.scalar(select(Event).where(Event.title == "Auckland roundtable"))
    assert event is not None
