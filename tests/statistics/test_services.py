"""Participation statistics: the counting rule, each breakdown, small-number suppression
(secondary too), and a constant number of queries whatever the number of people."""

from __future__ import annotations

import itertools
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.attendance.models import Attendance
from app.attendance.models import AttendanceSource
from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.auth.models import User
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.statistics import services
from app.statistics.services import Cell
from app.statistics.services import Shown
from app.statistics.services import protect_row
from app.statistics.services import works_out

TODAY = date(2026, 11, 30)
_serial = itertools.count(1)


def _event(year, kind=EventKind.VIRTUAL, sessions=1, status=EventStatus.HELD, month=6):
    event = Event(title=f"Meeting {next(_serial)}", kind=kind, status=status,
                  timezone="Asia/Bangkok", start_date=date(year, month, 10),
                  end_date=date(year, month, 10))
    event.sessions = [EventSession(title=f"Session {n}", kind=SessionKind.PLENARY,
                                   start_dt=datetime(year, month, 10, 2 + n, tzinfo=UTC),
                                   end_dt=datetime(year, month, 10, 3 + n, tzinfo=UTC))
                      for n in range(sessions)]
    db.session.add(event)
    db.session.flush()
    return event


def _people(n, country="TH", kind=OrganisationKind.GOVERNMENT):
    organisation = Organisation(name=f"Organisation {next(_serial)}", kind=kind,
                                country_code=country)
    people = [User(email=f"stat{next(_serial)}@example.org", display_name="Someone",
                   password_hash="!", country_code=country, organisation=organisation)
              for _n in range(n)]
    db.session.add_all(people)
    db.session.flush()
    return people


def _register(event, people, attend_as=AttendAs.ONLINE, status=RegistrationStatus.CONFIRMED):
    db.session.add_all(Registration(event=event, user=person, status=status,
                                    attend_as=attend_as,
                                    consented_dt=datetime(2019, 1, 1, tzinfo=UTC))
                       for person in people)
    db.session.flush()


def _attend(event, people, sessions=1, source=AttendanceSource.IMPORTED):
    db.session.add_all(Attendance(session_id=session.id, user_id=person.id, source=source)
                       for person in people for session in event.sessions[:sessions])
    db.session.flush()


def _values(table):
    """{year: {column: number or "<3"/"hidden"}, "total": ...} as a reader reads the table."""
    def read(cell):
        return {Shown.NUMBER: cell.value, Shown.SMALL: "<3", Shown.HIDDEN: "hidden"}[cell.shown]
    return {row.year: {**{key: read(cell) for key, cell in row.cells.items()},
                       **({"total": read(row.total)} if row.total else {})}
            for row in table.rows}


def test_attended_counts_and_registered_only_stands_in_where_nobody_was_recorded(db_session):
    recorded = _event(2021)
    on_paper = _event(2020)
    came, stayed_away = _people(4), _people(3)
    _register(recorded, came + stayed_away)
    _attend(recorded, came)
    _register(on_paper, stayed_away)
    _register(on_paper, came, status=RegistrationStatus.CANCELLED)
    assert _values(services.by_country(today=TODAY)) == {
        2020: {"TH": 3, "total": 3},  # confirmed registrations: no attendance recorded
        2021: {"TH": 4, "total": 4},  # the three who never came do not count
    }


def test_drafts_cancelled_and_future_events_do_not_count(db_session):
    people = _people(3)
    for event in (_event(2026, status=EventStatus.DRAFT),
                  _event(2026, status=EventStatus.CANCELLED),
                  _event(2027, status=EventStatus.OPEN), _event(2018)):
        _register(event, people)
    assert services.by_country(today=TODAY).rows == []


def test_a_person_counts_once_a_year_and_in_each_year(db_session):
    first, second, next_year = _event(2021, month=3), _event(2021, month=9), _event(2022)
    people = _people(3, "ID")
    for event in (first, second, next_year):
        _register(event, people)
        _attend(event, people)
    assert _values(services.by_country(today=TODAY)) == {
        2021: {"ID": 3, "total": 3}, 2022: {"ID": 3, "total": 3}}


def test_by_country_and_by_kind_suppress_small_numbers_and_what_reveals_them(db_session):
    event = _event(2022)
    thai = _people(10, "TH", OrganisationKind.GOVERNMENT)
    kiwis = _people(6, "NZ", OrganisationKind.CIVIL_SOCIETY)
    malaysian = _people(1, "MY", OrganisationKind.INTERNATIONAL)
    nobody = [User(email="no.org@example.org", display_name="No org", password_hash="!")]
    db.session.add_all(nobody)
    db.session.flush()
    _register(event, thai + kiwis + malaysian + nobody)
    countries = _values(services.by_country(today=TODAY))[2022]
    # One "fewer than 3" (Malaysia) and one without a country: the total (18) would give
    # them away, so the smallest other number (New Zealand's 6) is hidden as well.
    assert countries == {"NZ": "hidden", "MY": "<3", "TH": 10, "": "<3", "total": 18}
    kinds = _values(services.by_organisation_kind(today=TODAY))[2022]
    assert kinds == {"government": 10, "civil_society": "hidden", "international": "<3",
                     "": "<3", "total": 18}


def test_first_time_or_returning_across_years_whatever_the_filter(db_session):
    roundtable = _event(2019, kind=EventKind.IN_PERSON)
    webinar = _event(2021)
    veterans, newcomers = _people(4), _people(5)
    _register(roundtable, veterans, AttendAs.IN_PERSON)
    _attend(roundtable, veterans, source=AttendanceSource.CHECKED_IN)
    _register(webinar, veterans + newcomers)
    _attend(webinar, veterans + newcomers)
    everything = _values(services.first_time_or_returning(today=TODAY))
    assert everything == {2019: {"first": 4, "returning": 0, "total": 4},
                          2021: {"first": 5, "returning": 4, "total": 9}}
    # Only virtual meetings shown: those back from the 2019 roundtable still return.
    virtual = services.Filters(kind=EventKind.VIRTUAL)
    assert _values(services.first_time_or_returning(virtual, today=TODAY)) == {
        2021: {"first": 5, "returning": 4, "total": 9}}


def test_registered_against_attended_in_person_and_online(db_session):
    hybrid = _event(2022, kind=EventKind.HYBRID, sessions=2)
    in_room, online, no_show = _people(5), _people(4), _people(3)
    _register(hybrid, in_room + no_show, AttendAs.IN_PERSON)
    _register(hybrid, online, AttendAs.ONLINE)
    _attend(hybrid, in_room, source=AttendanceSource.CHECKED_IN)
    _attend(hybrid, online[:3], source=AttendanceSource.IMPORTED)
    assert _values(services.by_attendance_mode(today=TODAY)) == {2022: {
        "in_person_registered": 8, "in_person_attended": 5,
        "online_registered": 4, "online_attended": 3}}


def test_sessions_attended_per_person(db_session):
    event = _event(2022, sessions=5)
    once, twice, thrice, all_five = _people(3), _people(4), _people(3), _people(6)
    for people, n in ((once, 1), (twice, 2), (thrice, 3), (all_five, 5)):
        _register(event, people)
        _attend(event, people, sessions=n)
    assert _values(services.sessions_attended(today=TODAY)) == {
        2022: {"1": 3, "2": 4, "3-4": 3, "5+": 6, "total": 16}}


def test_filters_choose_years_and_kind_of_event(db_session):
    people = _people(3)
    for year, kind in ((2019, EventKind.IN_PERSON), (2021, EventKind.VIRTUAL),
                       (2022, EventKind.HYBRID)):
        _register(_event(year, kind=kind), people)
    years = services.Filters(first_year=2020, last_year=2021)
    assert list(_values(services.by_country(years, today=TODAY))) == [2021]
    hybrid = services.Filters(kind=EventKind.HYBRID)
    assert list(_values(services.by_country(hybrid, today=TODAY))) == [2022]
    assert services.last_year_to_choose(today=TODAY) == 2026  # this year: none planned later
    _event(2028, status=EventStatus.OPEN)
    assert services.last_year_to_choose(today=TODAY) == 2028


@pytest.mark.parametrize(("counts", "expected"), [
    # No small number: everything shows.
    ({"a": 5, "b": 7}, {"a": Shown.NUMBER, "b": Shown.NUMBER}),
    # A lone small number is hidden behind the smallest other one.
    ({"a": 1, "b": 3, "c": 9}, {"a": Shown.SMALL, "b": Shown.HIDDEN, "c": Shown.NUMBER}),
    # Two small numbers of 2 in 4: each would be 2; a zero is hidden with them.
    ({"a": 2, "b": 2, "c": 0}, {"a": Shown.SMALL, "b": Shown.SMALL, "c": Shown.HIDDEN}),
    # Nothing to hide behind: the whole row is hidden.
    ({"a": 2, "b": 2}, {"a": Shown.HIDDEN, "b": Shown.HIDDEN}),
])
def test_secondary_suppression(counts, expected):
    row = protect_row(2022, counts, sum(counts.values()))
    assert {key: cell.shown for key, cell in row.cells.items()} == expected
    assert not works_out(list(row.cells.values()), row.total.value)


def test_a_total_under_three_hides_its_row():
    row = protect_row(2022, {"a": 1, "b": 1, "c": 0}, 2)
    assert row.total.shown == Shown.SMALL
    assert {cell.shown for cell in row.cells.values()} == {Shown.HIDDEN}


def test_works_out_finds_a_number_a_reader_could_recover():
    small, hidden = Cell(1, Shown.SMALL), Cell(5, Shown.HIDDEN)
    assert works_out([small, Cell(9)], 10)  # 10 - 9: the small one is 1
    assert works_out([small, Cell(1, Shown.SMALL), Cell(5)], 7)  # two that add up to 2: 1 each
    assert not works_out([small, Cell(2, Shown.SMALL), Cell(5)], 8)  # 1 and 2, or 2 and 1
    assert not works_out([small, hidden, Cell(9)], 15)


def _count_queries(run) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_a_constant_number_of_queries_whatever_the_number_of_people(db_session):
    def every_table():
        for build in services.BREAKDOWNS.values():
            build(today=TODAY)

    event = _event(2021, sessions=2)
    few = _people(3)
    _register(event, few)
    _attend(event, few)
    before = _count_queries(every_table)
    for year, country in ((2019, "AU"), (2022, "ID"), (2022, "MY")):
        event = _event(year, sessions=3)
        many = _people(40, country)
        _register(event, many)
        _attend(event, many, sessions=3)
    assert _count_queries(every_table) == before == len(services.BREAKDOWNS)
