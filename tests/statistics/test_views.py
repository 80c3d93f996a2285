"""The statistics page and its CSV downloads: organisers only, accessible charts drawn on the
server, small numbers in words, nobody named; and the demo's history behind them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from babel.numbers import format_decimal
from sqlalchemy import func
from sqlalchemy import select

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
from tests.fixtures.people import login_as

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def history(db_session):
    """A 2021 roundtable: 12 Thai government officials and one Malaysian from civil society
    (a "fewer than 3"), everyone checked in; named so a leak would show."""
    event = Event(title="Roundtable 2021", kind=EventKind.IN_PERSON, status=EventStatus.HELD,
                  timezone="Asia/Bangkok", start_date=date(2021, 11, 1),
                  end_date=date(2021, 11, 1))
    event.sessions = [EventSession(title="Opening", kind=SessionKind.PLENARY,
                                   start_dt=datetime(2021, 11, 1, 2, tzinfo=UTC),
                                   end_dt=datetime(2021, 11, 1, 3, tzinfo=UTC))]
    ministry = Organisation(name="Ministry of Leaks", kind=OrganisationKind.GOVERNMENT,
                            country_code="TH")
    ngo = Organisation(name="Lone NGO", kind=OrganisationKind.CIVIL_SOCIETY, country_code="MY")
    people = [User(email=f"thai{n}@example.org", display_name=f"Thai Official {n}",
                   password_hash="!", country_code="TH", organisation=ministry)
              for n in range(12)]
    people.append(User(email="lone@example.org", display_name="Lone Malaysian",
                       password_hash="!", country_code="MY", organisation=ngo))
    db.session.add_all([event, *people])
    db.session.flush()
    for person in people:
        db.session.add(Registration(event=event, user=person,
                                    status=RegistrationStatus.CONFIRMED,
                                    attend_as=AttendAs.IN_PERSON,
                                    consented_dt=datetime(2021, 10, 1, tzinfo=UTC)))
        db.session.add(Attendance(session_id=event.sessions[0].id, user_id=person.id,
                                  source=AttendanceSource.CHECKED_IN))
    db.session.commit()
    return people


def _names_in(text, people):
    return [p.display_name for p in people if p.display_name in text] + [
        p.email for p in people if p.email in text] + [
        p.organisation.name for p in people if p.organisation.name in text]


@pytest.mark.parametrize("role", ["participant", "interpreter"])
def test_only_organisers_read_statistics(client, make_user, role):
    login_as(client, make_user((role,), country="TH"))
    assert client.get("/statistics").status_code == 403
    assert client.get("/statistics.csv?table=country").status_code == 403


def test_a_focal_point_does_not_read_their_countrys_statistics(client, make_user):
    """The explicit rule (app.statistics.views): organisers only, focal points too are
    refused, even for their own country."""
    focal = make_user(("participant",), country="TH")
    focal.is_focal_point = True
    db.session.commit()
    login_as(client, focal)
    assert client.get("/statistics").status_code == 403


def test_the_page_shows_tables_and_accessible_charts_and_names_nobody(client, organiser,
                                                                      history):
    login_as(client, organiser)
    response = client.get("/statistics")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _names_in(page, history) == []
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) == 3  # by country, by kind of organisation, first-time or returning
    for chart in charts:
        root = ET.fromstring(chart)  # noqa: S314 (our own page): well-formed XML
        assert root.get("role") == "img"
        assert root.get("viewBox")  # scales to the page's width
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.text and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Each chart has its table, with a caption, and the Malaysian reads "fewer than 3".
    assert page.count("<caption>") == len(services.BREAKDOWNS)
    assert page.count('class="number suppressed"') >= 2
    assert "fewer than 3" in page
    assert format_decimal(12, locale="en") in page


def test_csv_download_is_utf8_with_bom_and_writes_small_numbers_as_less_than_three(
        client, organiser, history):
    login_as(client, organiser)
    response = client.get("/statistics.csv?table=country&first_year=2019&last_year=2022")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    assert _names_in(body, history) == []
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["Year", "Malaysia", "Thailand", "People in all"]
    # Malaysia's 1 reads "<3", and Thailand's 12 is hidden (13 - 12 would give it away).
    assert rows[1] == ["2021", "<3", "hidden", "13"]


def test_bad_filters_and_unknown_tables_are_refused_with_a_message(client, organiser):
    login_as(client, organiser)
    response = client.get("/statistics?first_year=2022&last_year=2019")
    assert response.status_code == 400
    assert "The last year cannot be before the first year." in response.get_data(as_text=True)
    assert client.get("/statistics?kind=party").status_code == 400
    assert client.get("/statistics.csv?table=people").status_code == 400
    assert client.get("/statistics.csv?table=country&first_year=1900").status_code == 400


def test_the_organisers_navigation_links_the_page(client, organiser):
    login_as(client, organiser)
    assert 'href="/statistics"' in client.get("/events").get_data(as_text=True)


def test_the_demo_history_fills_the_tables_and_seeds_once(app, db_session, tmp_path,
                                                         monkeypatch):
    from app.demo import seed_demo

    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    seed_demo()
    db.session.commit()
    people = db.session.scalar(select(func.count(User.id)))
    attendance = db.session.scalar(select(func.count(Attendance.id)))
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(User.id))) == people  # idempotent
    assert db.session.scalar(select(func.count(Attendance.id))) == attendance
    by_country = {row.year: row for row in services.by_country().rows}
    # The annual roundtables: 35 in Bangkok in 2019; 2022 the most, every country there.
    assert by_country[2019].total.value == 35
    assert by_country[2022].total.value > by_country[2021].total.value > 35
    assert all(not cell.suppressed for cell in by_country[2022].cells.values())
    returning = {row.year: row.cells for row in services.first_time_or_returning().rows}
    assert returning[2022]["returning"].value > 0
