"""Participation across the years, as funders and the ASEAN Regional Plan of Action ask for it:
by country, by kind of organisation, in person or online, first-time or returning, and how
many sessions people attended.

The counting rule (one for every table, so the tables agree):

* An event counts when it has started (``start_date`` on or before ``today``), was neither a
  draft nor cancelled, and started in ``FIRST_YEAR`` or later. It counts in the calendar year
  it started.
* A person *took part* in an event when they attended at least one of its sessions (an
  ``Attendance`` row: checked in at the door or listed in the video platform's report). For
  an event where nobody's attendance was recorded at all (the older meetings, kept on paper),
  a confirmed registration stands in for attendance. An event with attendance recorded does
  not count registered people who never came.
* A table counts *people*, not visits: someone at three events in a year is one person in
  that year's row. Country and organisation are the person's current ones (the platform does
  not keep a history of them).
* First-time means the year is the first year the person took part in any counted event
  (whatever the filters show); returning, a later year.

Small numbers: every count of 1 or 2 people reads "fewer than 3" (``Cell.small``). A table
whose columns split a year's people (country, organisation kind, first-time or returning,
sessions attended) shows the year's total, so a lone "fewer than 3" could be worked out from
it; such rows get secondary suppression (``protect_row``): more cells are hidden until no hidden
cell can be worked out from the total and the cells shown. A year whose total is itself
under 3 hides the whole row. The in-person/online table has no total (one person may be both
in one year), so it needs primary suppression only.

Every breakdown is one GROUP BY query, whatever the number of people."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select

from app.attendance.models import Attendance
from app.attendance.models import AttendanceSource
from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.auth.models import User
from app.core.visibility import SMALL_COUNT
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.extensions import db
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus

FIRST_YEAR = 2019  # the platform's first roundtable (Bangkok, November 2019)
NO_VALUE = ""  # a person without a country or an organisation on record
COUNTRY_ORDER = ("AU", "ID", "MY", "NZ", "TH")  # the platform's five, then any others
KIND_ORDER = tuple(kind.value for kind in OrganisationKind)
SESSION_BUCKETS = ("1", "2", "3-4", "5+")


class Shown(enum.StrEnum):
    NUMBER = "number"
    SMALL = "small"  # 1 or 2 people: reads "fewer than 3"
    HIDDEN = "hidden"  # withheld so that a "fewer than 3" beside it cannot be worked out


@dataclass(frozen=True)
class Cell:
    """One count as the page shows it: ``value`` is read only when ``shown`` is NUMBER."""

    value: int
    shown: Shown = Shown.NUMBER

    @property
    def suppressed(self) -> bool:
        return self.shown != Shown.NUMBER


@dataclass
class Row:
    year: int
    cells: dict[str, Cell]
    total: Cell | None = None  # the year's people, for tables whose columns split them


@dataclass
class Table:
    """Rows by year; ``columns`` keys in order (a country code, an organisation kind...)."""

    name: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def has_total(self) -> bool:
        return any(row.total is not None for row in self.rows)


@dataclass(frozen=True)
class Filters:
    first_year: int = FIRST_YEAR
    last_year: int | None = None  # None: up to this year
    kind: EventKind | None = None  # None: every kind of event


def _counted_events(filters: Filters | None, today: date):
    """Ids and years of the events counted (see the module's rule), as a subquery."""
    year = sa.extract("year", Event.start_date)
    query = select(Event.id.label("event_id"), sa.cast(year, sa.Integer).label("year")).where(
        Event.status.not_in((EventStatus.DRAFT, EventStatus.CANCELLED)),
        Event.start_date <= today, year >= FIRST_YEAR)
    if filters is not None:
        query = query.where(year >= filters.first_year)
        if filters.last_year is not None:
            query = query.where(year <= filters.last_year)
        if filters.kind is not None:
            query = query.where(Event.kind == filters.kind)
    return query.subquery("counted")


def _took_part():
    """(event_id, user_id) of everyone who took part in an event: attended a session, or
    holds a confirmed registration for an event without any attendance recorded."""
    attended = (select(EventSession.event_id, Attendance.user_id)
                .join(Attendance, Attendance.session_id == EventSession.id))
    recorded = select(EventSession.event_id).join(
        Attendance, Attendance.session_id == EventSession.id)
    registered = select(Registration.event_id, Registration.user_id).where(
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.event_id.not_in(recorded))
    return sa.union(attended, registered).subquery("took_part")


def _people_by_year(filters: Filters | None, today: date):
    """Distinct (year, user_id) pairs of participation under ``filters``."""
    counted, took_part = _counted_events(filters, today), _took_part()
    return (select(counted.c.year, took_part.c.user_id)
            .join(took_part, took_part.c.event_id == counted.c.event_id)
            .distinct().subquery("people"))


def _counts(query) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for year, key, n in db.session.execute(query):
        found.setdefault(int(year), {})[NO_VALUE if key is None else str(key)] = n
    return found


def _grouped(pairs) -> dict[int, dict[str, int]]:
    """Counts of ``pairs``' rows (columns ``year`` and ``key``) by year and key. Grouped in
    an outer query, so a computed key (a CASE) is grouped by its column, not repeated."""
    inner = pairs.subquery("pairs")
    return _counts(select(inner.c.year, inner.c.key, sa.func.count())
                   .group_by(inner.c.year, inner.c.key))


def _ordered(keys, order) -> list[str]:
    known = [key for key in order if key in keys]
    return known + sorted(k for k in keys if k not in order and k != NO_VALUE) + (
        [NO_VALUE] if NO_VALUE in keys else [])


def _partition(name: str, counts: dict[int, dict[str, int]], order) -> Table:
    columns = _ordered({key for cells in counts.values() for key in cells}, order)
    table = Table(name, columns)
    for year in sorted(counts):
        cells = {column: counts[year].get(column, 0) for column in columns}
        table.rows.append(protect_row(year, cells, sum(cells.values())))
    return table


def by_country(filters: Filters | None = None, today: date | None = None) -> Table:
    """People who took part each year, by their country."""
    people = _people_by_year(filters, today or date.today())
    return _partition("country", _counts(
        select(people.c.year, User.country_code, sa.func.count())
        .join(User, User.id == people.c.user_id)
        .group_by(people.c.year, User.country_code)), COUNTRY_ORDER)


def by_organisation_kind(filters: Filters | None = None, today: date | None = None) -> Table:
    """People who took part each year, by the kind of their organisation (government, civil
    society, international, other; none on record is a column of its own)."""
    people = _people_by_year(filters, today or date.today())
    return _partition("kind", _counts(
        select(people.c.year, Organisation.kind, sa.func.count())
        .join(User, User.id == people.c.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .group_by(people.c.year, Organisation.kind)), KIND_ORDER)


def first_time_or_returning(filters: Filters | None = None, today: date | None = None
                            ) -> Table:
    """People who took part each year: for the first time, or back from an earlier year.
    The first year is found over every counted event, whatever ``filters`` show (someone who
    came to a roundtable in 2019 is returning at a 2021 virtual session)."""
    today = today or date.today()
    people = _people_by_year(filters, today)
    everyone = _people_by_year(None, today)
    first = (select(everyone.c.user_id, sa.func.min(everyone.c.year).label("first_year"))
             .group_by(everyone.c.user_id).subquery("first"))
    kind = sa.case((people.c.year == first.c.first_year, "first"), else_="returning")
    return _partition("returning", _grouped(
        select(people.c.year, kind.label("key"))
        .join(first, first.c.user_id == people.c.user_id)), ("first", "returning"))


def sessions_attended(filters: Filters | None = None, today: date | None = None) -> Table:
    """How many sessions each person attended in a year (recorded attendance only: a
    confirmed registration says nothing about sessions), in groups 1, 2, 3-4 and 5+."""
    counted = _counted_events(filters, today or date.today())
    per_person = (select(counted.c.year, Attendance.user_id, sa.func.count().label("n"))
                  .join(EventSession, EventSession.event_id == counted.c.event_id)
                  .join(Attendance, Attendance.session_id == EventSession.id)
                  .group_by(counted.c.year, Attendance.user_id).subquery("per_person"))
    bucket = sa.case((per_person.c.n == 1, "1"), (per_person.c.n == 2, "2"),
                     (per_person.c.n <= 4, "3-4"), else_="5+")
    return _partition("sessions", _grouped(select(per_person.c.year, bucket.label("key"))),
                      SESSION_BUCKETS)


MODE_COLUMNS = ("in_person_registered", "in_person_attended", "online_registered",
                "online_attended")


def by_attendance_mode(filters: Filters | None = None, today: date | None = None) -> Table:
    """Registered against attended, in person and online, each year. Registered: a confirmed
    registration's way of attending. Attended: checked in at the door (in person) or listed
    in the video platform's report (online); an event without attendance recorded adds to
    the registered columns only. One person may count in several columns (in person at the
    roundtable, online at a virtual session), so the row has no total."""
    counted = _counted_events(filters, today or date.today())
    registered = (select(counted.c.year, sa.cast(Registration.attend_as, sa.String)
                         .label("mode"), Registration.user_id,
                         sa.literal_column("'registered'").label("what"))
                  .join(Registration, Registration.event_id == counted.c.event_id)
                  .where(Registration.status == RegistrationStatus.CONFIRMED))
    mode = sa.case((Attendance.source == AttendanceSource.CHECKED_IN,
                    sa.literal_column(f"'{AttendAs.IN_PERSON.value}'")),
                   else_=sa.literal_column(f"'{AttendAs.ONLINE.value}'"))
    attended = (select(counted.c.year, mode.label("mode"), Attendance.user_id,
                       sa.literal_column("'attended'").label("what"))
                .join(EventSession, EventSession.event_id == counted.c.event_id)
                .join(Attendance, Attendance.session_id == EventSession.id))
    both = sa.union(registered, attended).subquery("modes")  # union: distinct people
    counts = _grouped(select(both.c.year, (both.c.mode + "_" + both.c.what).label("key")))
    table = Table("mode", list(MODE_COLUMNS))
    for year in sorted(counts):
        table.rows.append(Row(year, {column: primary(counts[year].get(column, 0))
                                     for column in MODE_COLUMNS}))
    return table


def primary(n: int) -> Cell:
    return Cell(n, Shown.SMALL if 0 < n < SMALL_COUNT else Shown.NUMBER)


def _bounds(cell: Cell, total_if_known: int) -> tuple[int, int]:
    """What a reader knows of a cell: exactly its number, 1 to 2, or anything."""
    if cell.shown == Shown.NUMBER:
        return cell.value, cell.value
    if cell.shown == Shown.SMALL:
        return 1, SMALL_COUNT - 1
    return 0, total_if_known


def works_out(cells: list[Cell], total: int) -> bool:
    """Could a reader who sees ``total`` and the shown cells work out a suppressed cell's
    number? Each suppressed cell lies between its bounds and they all add up to what the
    shown ones leave; a cell is worked out when those bounds leave it one possible value
    (exact for a sum of bounded whole numbers)."""
    bounds = [_bounds(cell, total) for cell in cells]
    low, high = sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    for cell, (lo, hi) in zip(cells, bounds, strict=True):
        if not cell.suppressed:
            continue
        least = max(lo, total - (high - hi))
        most = min(hi, total - (low - lo))
        if least >= most:
            return True
    return False


def protect_row(year: int, counts: dict[str, int], total: int) -> Row:
    """A row of a table whose columns split the year's ``total`` people: 1s and 2s read
    "fewer than 3", then the smallest other cells (non-zero first) are hidden one by one
    until no suppressed cell can be worked out from the total. A total under 3 reads "fewer
    than 3" and hides every cell (a row of "fewer than 3"s under it would be 1s)."""
    if 0 < total < SMALL_COUNT:
        return Row(year, {key: Cell(n, Shown.HIDDEN) for key, n in counts.items()},
                   Cell(total, Shown.SMALL))
    cells = {key: primary(n) for key, n in counts.items()}
    candidates = sorted((key for key, cell in cells.items() if not cell.suppressed),
                        key=lambda key: (counts[key] == 0, counts[key], key))
    while works_out(list(cells.values()), total):
        if not candidates:  # nothing left to hide behind: hide the whole row
            cells = {key: Cell(n, Shown.HIDDEN) for key, n in counts.items()}
            break
        key = candidates.pop(0)
        cells[key] = Cell(counts[key], Shown.HIDDEN)
    return Row(year, cells, Cell(total))


BREAKDOWNS = {
    "country": by_country,
    "kind": by_organisation_kind,
    "mode": by_attendance_mode,
    "returning": first_time_or_returning,
    "sessions": sessions_attended,
}


def last_year_to_choose(today: date | None = None) -> int:
    """The filter's last year: this year, or a later one with an event planned (asking for
    2019-2027 shows the years so far; a planned meeting counts once held)."""
    today = today or date.today()
    latest = db.session.scalar(select(sa.func.max(Event.start_date)))
    return max(today.year, latest.year if latest else FIRST_YEAR)
