"""The printed agenda and a registrant's programme: Thai shaped and readable, times in the
reader's zone with the meeting's beside them, nobody named, and a fixed number of queries."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pypdfium2
import pytest

from app.events.models import AttendanceMode
from app.events.models import EventKind
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation.models import InterpretationRequest
from app.interpretation.models import LanguageNotProvided
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel
from app.printing import services
from app.printing.pdf import Line
from app.printing.pdf import Printout
from app.printing.services import Hearing
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from tests.fixtures.people import login_as

THAI_TITLE = "การประชุมโต๊ะกลมประจำปี ผู้ที่ได้รับเชิญ"
START = datetime(2027, 3, 10, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.fixture
def roundtable(make_event, make_session):
    event = make_event(title=THAI_TITLE, kind=EventKind.IN_PERSON, venue="Bangkok",
                       timezone="Asia/Bangkok")
    plenary = make_session(event, START, START + timedelta(hours=1), title="เปิดการประชุม",
                           floor_language="th")
    visit = make_session(event, START + timedelta(hours=3), START + timedelta(hours=6),
                         title="Site visit: Baan Kredtrakarn", kind=SessionKind.SITE_VISIT,
                         room="บ้านเครดิตระการ",
                         capacity=12, meeting_point="Hotel lobby", transport="Bus")
    small = make_session(event, START + timedelta(days=1), START + timedelta(days=1, hours=1),
                         title="Small group: case management", kind=SessionKind.SMALL_GROUP,
                         capacity=8)
    online_only = make_session(event, START + timedelta(days=1, hours=2),
                               START + timedelta(days=1, hours=3), title="Online briefing",
                               attendance_mode=AttendanceMode.ONLINE)
    return event, plenary, visit, small, online_only


def _register(event, user, *, language="", status=RegistrationStatus.CONFIRMED,
              attend_as=AttendAs.IN_PERSON, places=()):
    registration = Registration(event_id=event.id, user_id=user.id, status=status,
                                attend_as=attend_as, interpretation_language=language,
                                consented_dt=START)
    db.session.add(registration)
    db.session.flush()
    for session in places:
        db.session.add(SessionPlace(registration_id=registration.id, session_id=session.id,
                                    status=RegistrationStatus.CONFIRMED))
    db.session.commit()
    return registration


def test_the_programme_holds_the_registrants_sessions_and_how_they_hear_them(
        roundtable, make_user):
    event, plenary, visit, *_others = roundtable
    user = make_user(country="ID", locale="id")
    _register(event, user, language="id", places=[visit])
    db.session.add(SessionChannel(session_id=plenary.id, language_code="id",
                                  mode=Mode.SIMULTANEOUS))
    db.session.add(InterpretationRequest(user_id=user.id, session_id=visit.id,
                                         language_code="ms"))
    # Malay will not be provided anywhere in the event
    db.session.add(LanguageNotProvided(event_id=event.id, session_id=None,
                                       language_code="ms"))
    db.session.commit()
    programme = services.programme_of(event, user, "Asia/Jakarta", "id", False)
    sessions = [entry.session for _day, entries in programme.days for entry in entries]
    # the site visit where they hold a place; not the small group nor the online-only item
    assert sessions == [plenary, visit]
    heard = {entry.session.id: entry.listening for _d, es in programme.days for entry in es}
    assert heard[plenary.id].hearing == Hearing.CHANNEL
    assert heard[plenary.id].mode == Mode.SIMULTANEOUS
    assert (heard[visit.id].language, heard[visit.id].hearing) == ("ms", Hearing.NOT_PROVIDED)


def test_listening_says_floor_and_asked(roundtable, make_user):
    event, plenary, visit, *_rest = roundtable
    user = make_user(country="TH", locale="th")
    registration = _register(event, user, language="th", places=[visit])
    heard = services.listening_for(registration, [plenary, visit])
    assert heard[plenary.id].hearing == Hearing.FLOOR  # held in Thai
    assert heard[visit.id].hearing == Hearing.ASKED  # English floor, no Thai channel


def test_no_programme_without_an_active_registration(roundtable, make_user):
    event = roundtable[0]
    user = make_user()
    assert services.programme_of(event, user, "UTC", "en", False) is None
    _register(event, user, status=RegistrationStatus.CANCELLED)
    assert services.programme_of(event, user, "UTC", "en", False) is None


def test_the_thai_agenda_pdf_carries_the_thai_title_and_renders(app, client, roundtable,
                                                                make_user, tmp_path):
    event = roundtable[0]
    reader = make_user(country="TH", locale="th")
    login_as(client, reader)
    response = client.get(f"/events/{event.id}/agenda.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith('-th.pdf"')
    text = pdf_text(response.data)
    assert THAI_TITLE.split()[0] in text
    assert "เปิดการประชุม" in text
    document = pypdfium2.PdfDocument(response.data)
    image = document[0].render(scale=1).to_pil()
    image.save(io.BytesIO(), format="PNG")
    # ink on the page: the text was drawn, not only stored
    assert image.convert("L").getextrema()[0] < 100


def test_the_agenda_pdf_is_for_those_who_see_the_event(client, make_event, make_user):
    draft = make_event(status="draft")
    login_as(client, make_user())
    assert client.get(f"/events/{draft.id}/agenda.pdf").status_code == 404


def test_the_programme_page_and_pdf(client, roundtable, make_user):
    event, _plenary, visit, *_rest = roundtable
    user = make_user(country="NZ", locale="en")
    login_as(client, user)
    page = client.get(f"/events/{event.id}/my-programme")
    assert page.status_code == 200
    assert f"/events/{event.id}/my-programme.pdf" not in page.get_data(as_text=True)
    assert client.get(f"/events/{event.id}/my-programme.pdf").status_code == 404
    _register(event, user, language="en", places=[visit])
    shown = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/my-programme" in shown
    page = client.get(f"/events/{event.id}/my-programme").get_data(as_text=True)
    assert "Hotel lobby" in page and f"/events/{event.id}/my-programme.pdf" in page
    printed = client.get(f"/events/{event.id}/my-programme.pdf")
    assert printed.status_code == 200
    text = pdf_text(printed.data)
    assert "Hotel lobby" in text and "Small group" not in text
    assert "Held in" in text and "no interpretation needed." in text


def test_a_latin_line_after_a_thai_one_keeps_its_own_font(app):
    """fpdf2 took the page's font as set after a line that began in the Thai fallback font,
    and drew the next line's Latin letters from the wrong font (garbage text)."""
    with app.test_request_context():
        pdf = Printout(title="t", language="th", footer="f")
        pdf.paragraphs([Line("การประชุมใหญ่ · Main hall", 9.5, muted=True),
                        Line("Held in English: no interpretation needed.", 9.5)])
        text = pdf_text(pdf.bytes())
    assert "Held in English: no interpretation needed." in text


@pytest.mark.parametrize("path", ["agenda.pdf", "my-programme", "my-programme.pdf"])
def test_a_constant_number_of_queries(client, make_event, make_session, make_user,
                                      query_counter, path):
    """As many statements for 20 sessions as for 2. (This once also asserted a CPU time,
    which failed on a busy worker: speed is measured in bench/, never in a test.)"""
    user = make_user(country="TH", locale="th")
    counts = []
    for size in (2, 20):
        event = make_event(kind=EventKind.IN_PERSON)
        sessions = [make_session(event, START + timedelta(hours=n), START +
                                 timedelta(hours=n, minutes=45), title=f"การประชุมที่ {n}")
                    for n in range(size)]
        _register(event, user, language="en")
        db.session.add(SessionChannel(session_id=sessions[0].id, language_code="en"))
        db.session.commit()
        login_as(client, user)
        with query_counter() as statements:
            assert client.get(f"/events/{event.id}/{path}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
