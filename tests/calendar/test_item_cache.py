"""Personal feeds assembled from stored VEVENT bytes (app/calendar/itemcache.py): the same
calendar as serialising every item, every change shown, nobody's items in another's feed,
a constant number of statements, concurrent fills and an idempotent cleanup."""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import icalendar
import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from app.calendar import itemcache
from app.calendar import services
from app.calendar.ical import CalendarItem
from app.calendar.ical import build_calendar
from app.calendar.models import CalendarItemCache
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.translations import set_translations
from app.extensions import db
from app.registrations import services as registrations

NOW = datetime(2027, 3, 1, tzinfo=UTC)
FIRST = datetime(2027, 4, 6, 3, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def series(make_event):
    """An open online event of ``count`` sessions, an hour each, a day apart."""

    def make(count: int = 3, **fields):
        fields.setdefault("title", "Learning series")
        event = make_event(kind=EventKind.VIRTUAL, timezone="Asia/Jakarta",
                           start_date=FIRST.date(),
                           end_date=FIRST.date() + timedelta(days=count),
                           is_invitation_only=False, online_url="https://meet.example.org/s",
                           **fields)
        db.session.add_all([EventSession(
            event=event, title=f"Session {n + 1}", kind=SessionKind.PLENARY,
            start_dt=FIRST + timedelta(days=n), end_dt=FIRST + timedelta(days=n, hours=1))
            for n in range(count)])
        db.session.commit()
        return event

    return make


def _register(event, user):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    return registration


def _feed_url(user) -> str:
    token = services.issue_feed_token(user)
    db.session.commit()
    return f"/calendar/{token}.ics"


def _fetch(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return response.data


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(CalendarItemCache))


def _vevent(body: bytes, uid: str):
    found = [c for c in icalendar.Calendar.from_ical(body).walk("VEVENT") if c["UID"] == uid]
    assert len(found) == 1
    return found[0]


def _serialised_in_full(user) -> bytes:
    """The feed as every item serialised afresh would be: what the cache must equal."""
    with force_locale(user.formatting_locale):
        return build_calendar(
            services._feed_items(user), method="PUBLISH", organiser=services.organiser_address(),
            stamp=NOW, name=services._("Roundtable: %(name)s", name=user.public_name))


def test_feed_from_stored_items_is_byte_for_byte_the_serialised_feed(
        app, client, participant, series, query_counter):
    event = series(3)
    _register(event, participant)
    url = _feed_url(participant)
    first = _fetch(client, url)  # nothing stored yet: every item written and kept
    assert _rows() == 3
    with app.test_request_context():
        assert first == _serialised_in_full(participant)
    with query_counter() as statements:
        again = _fetch(client, url)
    assert again == first and _rows() == 3
    # Unchanged: the kept list and the stored bytes, no feature asked for its sessions.
    assert not any("FROM sessions" in statement for statement in statements)


def test_an_item_shared_by_two_feeds_is_stored_once(client, participant, make_user, series):
    event = series(3)
    other = make_user(("participant",), country="AU")
    for person in (participant, other):
        _register(event, person)
        _fetch(client, _feed_url(person))
    assert _rows() == 3  # the same items, written once


def _set(row, **values):
    def change(event, session):
        for name, value in values.items():
            setattr(event if row == "event" else session, name, value)
    return change


CHANGES = {
    "session title": (_set("session", title="Renamed plenary"),
                      lambda v: v["SUMMARY"] == "Renamed plenary"),
    "session description": (_set("session", description="Bring your case notes"),
                            lambda v: "Bring your case notes" in v["DESCRIPTION"]),
    "room": (_set("session", room="Room 7"), lambda v: "Room 7" in v["LOCATION"]),
    "times": (_set("session", start_dt=FIRST + timedelta(hours=2),
                   end_dt=FIRST + timedelta(hours=4)),
              lambda v: v.decoded("DTSTART") == FIRST + timedelta(hours=2)
              and v.decoded("DTEND") == FIRST + timedelta(hours=4)),
    "session cancelled": (_set("session", status=SessionStatus.CANCELLED),
                          lambda v: v["STATUS"] == "CANCELLED"),
    "session link": (_set("session", online_url="https://meet.example.org/breakout"),
                     lambda v: v["URL"] == "https://meet.example.org/breakout"),
    "event title": (_set("event", title="Renamed series"),
                    lambda v: "Renamed series" in v["DESCRIPTION"]
                    and "Renamed series" in v["CATEGORIES"].to_ical().decode()),
    "event venue": (_set("event", venue="Jakarta office"),
                    lambda v: "Jakarta office" in v["LOCATION"]),
    "Chatham House Rule": (_set("event", is_chatham_house=False),
                           lambda v: "Chatham" not in v["DESCRIPTION"]),
    "joining instructions": (_set("event", joining_instructions="Dial 12345 for audio"),
                             lambda v: "Dial 12345 for audio" in v["DESCRIPTION"]),
    "translation only": (lambda event, session: set_translations(
        session, {"th": {"title": "การประชุมใหญ่"}}),
        lambda v: v["SUMMARY"] == "การประชุมใหญ่"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_field_an_item_shows_reaches_the_feed(client, make_user, series, change):
    """Changed directly on the rows (no SEQUENCE moved, no email sent): the item's key is
    its content, so the feed shows the change all the same."""
    reader = make_user(("participant",), country="TH", locale="th")
    event = series(2)
    _register(event, reader)
    url = _feed_url(reader)
    session = event.sessions[0]
    before = _vevent(_fetch(client, url), session.uid)
    _fetch(client, url)  # kept: the next fetch would be served from the kept list
    mutate, shows = CHANGES[change]
    mutate(event, session)
    db.session.commit()
    assert not shows(before)
    after = _vevent(_fetch(client, url), session.uid)
    assert shows(after)
    assert _vevent(_fetch(client, url), session.uid).to_ical() == after.to_ical()


def test_a_registration_given_up_shows_cancelled_without_the_link(
        client, participant, series):
    event = series(2)
    registration = _register(event, participant)
    url = _feed_url(participant)
    uid = event.sessions[0].uid
    assert _vevent(_fetch(client, url), uid)["URL"] == "https://meet.example.org/s"
    registrations.cancel_registration(registration, participant)
    db.session.commit()
    gone = _vevent(_fetch(client, url), uid)
    assert gone["STATUS"] == "CANCELLED" and "URL" not in gone


def test_two_peoples_feeds_never_show_each_others_items(client, make_user, series):
    """One reads English and holds a place (the link shows); the other reads Thai and gave
    their place up. Fetched in turns, cold and warm, neither feed says anything of the other,
    and nothing stored names either of them."""
    event = series(2)
    english = make_user(("participant",), country="AU", display_name="Ada Lovelace",
                        email="ada@example.org")
    thai = make_user(("participant",), country="TH", locale="th", display_name="Somchai Dee",
                     email="somchai@example.org")
    set_translations(event.sessions[0], {"th": {"title": "เปิดการประชุม"}})
    _register(event, english)
    registrations.cancel_registration(_register(event, thai), thai)
    db.session.commit()
    urls = {"en": _feed_url(english), "th": _feed_url(thai)}
    uid = event.sessions[0].uid
    for _round in range(2):
        for language in ("en", "th", "en", "th"):
            body = _fetch(client, urls[language])
            item = _vevent(body, uid)
            calendar_name = str(icalendar.Calendar.from_ical(body)["X-WR-CALNAME"])
            if language == "en":
                assert item["SUMMARY"] == "Session 1" and item["STATUS"] == "CONFIRMED"
                assert item["URL"] == "https://meet.example.org/s"
                assert "Ada Lovelace" in calendar_name
                assert b"Somchai" not in body and b"somchai@" not in body
            else:
                assert item["SUMMARY"] == "เปิดการประชุม" and item["STATUS"] == "CANCELLED"
                assert "URL" not in item and b"meet.example.org" not in body
                assert "Somchai Dee" in calendar_name
                assert b"Ada" not in body and b"ada@" not in body
    stored = "".join(db.session.scalars(select(CalendarItemCache.body)))
    for name in ("Ada", "ada@", "Somchai", "somchai@"):
        assert name not in stored


def test_an_item_naming_an_attendee_is_never_stored(app):
    item = CalendarItem(uid="itip@roundtable", sequence=1, summary="Call", start=FIRST,
                        end=FIRST + timedelta(hours=1),
                        attendees=[services.Attendee("ada@example.org", "Ada")])
    with app.test_request_context():
        serialised = itemcache.serialise([item], services.organiser_address(), NOW)
    assert b"ada@example.org" in serialised.vevents[0]
    assert serialised.fresh == []


def _statements_per_fetch(client, query_counter, url) -> int:
    with query_counter() as statements:
        _fetch(client, url)
    return len(statements)


def test_a_feed_costs_the_same_statements_for_20_or_200_sessions(
        client, make_user, series, query_counter):
    counts = {}
    for size in (20, 200):
        person = make_user(("participant",), country="NZ")
        event = series(size, title=f"Series of {size}")
        _register(event, person)
        url = _feed_url(person)
        cold = _statements_per_fetch(client, query_counter, url)
        warm = _statements_per_fetch(client, query_counter, url)
        event.sessions[0].title = "Moved on"  # the feed changes: its list is built again
        db.session.commit()
        changed = _statements_per_fetch(client, query_counter, url)
        counts[size] = (cold, warm, changed)
    assert counts[20] == counts[200]
    assert counts[200][1] < counts[200][2]


def test_prune_removes_old_rows_once_and_the_feed_writes_them_again(
        client, participant, series, frozen_now):
    event = series(3)
    _register(event, participant)
    url = _feed_url(participant)
    first = _fetch(client, url)
    assert itemcache.prune(NOW + timedelta(days=1)) == 0  # still fresh
    later = frozen_now(NOW + itemcache.KEEP + timedelta(days=1))
    assert itemcache.prune(later) == 3
    assert itemcache.prune(later) == 0  # idempotent
    again = _fetch(client, url)
    assert _rows() == 3
    assert again.replace(b"20270316T", b"20270301T") == first  # only DTSTAMP moved


def test_the_cleanup_command_says_what_it_removed(app, db_session):
    assert app.test_cli_runner().invoke(args=["prune-calendar-cache"]).output == "removed=0\n"


# --- two hosts filling the same items at once --------------------------------------------------

def test_two_workers_filling_the_same_items_at_once_both_succeed(race_app):
    items = [CalendarItem(uid=f"race-{n}@roundtable", sequence=n % 3, summary=f"Meeting {n}",
                          start=FIRST + timedelta(days=n), end=FIRST + timedelta(days=n, hours=1),
                          timezone="Asia/Jakarta") for n in range(60)]
    for attempt in range(5):
        batch = [CalendarItem(**{**item.__dict__, "summary": f"{item.summary} ({attempt})"})
                 for item in items]
        barrier = threading.Barrier(2, timeout=30)
        outcomes = []

        def fill(batch=batch, barrier=barrier, outcomes=outcomes):
            with race_app.test_request_context():
                try:
                    serialised = itemcache.serialise(batch, services.organiser_address(), NOW)
                    barrier.wait()  # both read before either writes: both must write all
                    itemcache.keep(serialised.fresh)
                    db.session.commit()
                    outcomes.append(len(serialised.fresh))
                except Exception as error:
                    db.session.rollback()
                    outcomes.append(repr(error))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=fill) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes == [60, 60]
        with race_app.test_request_context():
            keys = [itemcache.item_key(item, services.organiser_address()) for item in batch]
            stored = db.session.scalar(select(func.count()).select_from(CalendarItemCache)
                                       .where(CalendarItemCache.digest.in_(keys)))
            assert stored == 60
            db.session.remove()


def test_stored_rows_are_dated_and_keyed_by_uid_and_sequence(client, participant, series):
    event = series(1)
    _register(event, participant)
    _fetch(client, _feed_url(participant))
    session = event.sessions[0]
    row = db.session.scalars(select(CalendarItemCache)).one()
    assert (row.uid, row.sequence, row.created_dt) == (session.uid, session.sequence, NOW)
    assert row.body.startswith("BEGIN:VEVENT\r\n") and row.body.endswith("END:VEVENT\r\n")
    assert date(1970, 1, 1).strftime("%Y%m%d") in row.body  # DTSTAMP placeholder
