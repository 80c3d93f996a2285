"""The report builder (organisers), the public report page and PDF, key downloads through
a published report, and the platform's public timeline."""

from __future__ import annotations

import io
import re
from datetime import UTC
from datetime import date
from datetime import datetime

import pypdfium2
import pytest

from app.core.time import now_utc
from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from app.library.models import ResourceKind
from app.library.services import ResourceInput
from app.library.services import add_resource
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.reports import services
from tests.fixtures.people import login_as

THAI_OVERVIEW = "การประชุมเชิงปฏิบัติการว่าด้วยความร่วมมือ"


@pytest.fixture
def meeting(make_event, make_session):
    event = make_event(title="Partnerships workshop", kind=EventKind.HYBRID,
                       status=EventStatus.HELD, start_date=date(2025, 3, 10),
                       end_date=date(2025, 3, 10), venue="Putrajaya", host_country_code="MY",
                       online_url="https://meet.example.org/secret-room",
                       translations={"th": {"title": "การประชุมเรื่องความร่วมมือ"}})
    make_session(event, datetime(2025, 3, 10, 3, tzinfo=UTC),
                 datetime(2025, 3, 10, 4, tzinfo=UTC), title="Country updates",
                 online_url="https://meet.example.org/secret-session")
    return event


@pytest.fixture
def attendee(meeting, make_user):
    person = make_user(display_name="Ayu Wulandari", email="ayu@example.org")
    db.session.add(Registration(event_id=meeting.id, user_id=person.id,
                                status=RegistrationStatus.CONFIRMED,
                                attend_as=AttendAs.ONLINE, consented_dt=now_utc()))
    db.session.commit()
    return person


def _published(event, **texts_by_language):
    for language, sections in texts_by_language.items():
        services.save_sections(event, language, sections,
                               services.fingerprint(services.report_or_blank(event), language))
    services.publish(event)
    db.session.commit()
    return _report(event)


def _report(event):
    """The report as the requests left it (they ran in their own transactions)."""
    db.session.expire_all()
    return services.report_of(event)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


# --- the public page ------------------------------------------------------------------------

def test_anyone_reads_a_published_report_without_names_or_links(client, meeting, attendee):
    assert client.get(f"/reports/{meeting.id}").status_code == 404  # nothing published yet
    _published(meeting, en={"overview": "Government and civil society met.",
                            "highlights": "- Collaboration\n- Evidence",
                            "reflections": "No country is perfect.\n\nWe learn together."})
    page = _text(client.get(f"/reports/{meeting.id}"))
    assert "Government and civil society met." in page
    assert "<li>Collaboration</li>" in page and "<blockquote><p>We learn together." in page
    assert "Chatham House Rule" in page
    for secret in ("Ayu", "ayu@example.org", "secret-room", "secret-session"):
        assert secret not in page
    assert f'href="/reports/{meeting.id}.pdf?lang=en"' in page


def test_a_report_reads_in_the_language_asked_for_with_the_original_marked(client, meeting):
    _published(meeting, en={"overview": "English overview", "highlights": "- English only"},
               th={"overview": THAI_OVERVIEW})
    page = _text(client.get(f"/reports/{meeting.id}?lang=th"))
    assert '<html lang="th"' in page  # the whole page, headings too
    assert THAI_OVERVIEW in page and "การประชุมเรื่องความร่วมมือ" in page
    assert re.search(r'<div lang="en">\s*<ul><li>English only</li>', page)
    assert 'class="untranslated"' in page  # the highlights are the original, said so
    english = _text(client.get(f"/reports/{meeting.id}"))
    assert f'href="/reports/{meeting.id}?lang=th" lang="th"' in english
    assert client.get(f"/reports/{meeting.id}?lang=xx").status_code == 400


def test_the_report_pdf_in_thai_is_shaped_text_naming_nobody(client, meeting, attendee):
    _published(meeting, en={"overview": "English overview"},
               th={"overview": THAI_OVERVIEW, "next_steps": "- ประชุมทุกปี"})
    response = client.get(f"/reports/{meeting.id}.pdf?lang=th")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"report-{meeting.id}-th.pdf" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    assert THAI_OVERVIEW in text and "ประชุมทุกปี" in text
    assert "Ayu" not in text and "secret" not in text
    english = _pdf_text(client.get(f"/reports/{meeting.id}.pdf").data)
    assert "English overview" in english and "Chatham House Rule" in english


@pytest.mark.parametrize("change", [{"status": EventStatus.CANCELLED}, {"is_private": True}])
def test_a_report_of_a_cancelled_or_private_meeting_is_not_public(client, meeting, change):
    _published(meeting, en={"overview": "Held."})
    for name, value in change.items():
        setattr(meeting, name, value)
    db.session.commit()
    assert client.get(f"/reports/{meeting.id}").status_code == 404
    assert client.get(f"/reports/{meeting.id}.pdf").status_code == 404


def test_key_downloads_only_through_a_published_report(client, app, meeting, organiser,
                                                       tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    toolkit = add_resource(ResourceInput(title="Toolkit", kind=ResourceKind.TOOLKIT,
                                         filename="toolkit.pdf",
                                         stream=io.BytesIO(b"%PDF-1.4 toolkit")), organiser)
    other = add_resource(ResourceInput(title="Other", kind=ResourceKind.TOOLKIT,
                                       filename="other.pdf",
                                       stream=io.BytesIO(b"%PDF-1.4 other")), organiser)
    services.set_downloads(meeting, [toolkit.id])
    db.session.commit()
    url = f"/reports/{meeting.id}/downloads/{toolkit.id}"
    assert client.get(url).status_code == 404  # the report is a draft
    _published(meeting, en={"overview": "Held."})
    assert f'href="{url}"' in _text(client.get(f"/reports/{meeting.id}"))
    download = client.get(url)
    assert download.status_code == 200 and download.data == b"%PDF-1.4 toolkit"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # Public, so not marked private; revalidated on every use all the same.
    assert download.headers["Cache-Control"] == "no-cache, max-age=0"
    assert client.get(f"/reports/{meeting.id}/downloads/{other.id}").status_code == 404
    # The library itself stays for members.
    assert client.get(f"/library/{toolkit.id}/download").status_code == 302


# --- the builder ----------------------------------------------------------------------------

def test_builder_is_for_organisers(client, meeting, participant, organiser):
    url = f"/events/{meeting.id}/report/builder"
    assert "/login" in client.get(url).headers["Location"]
    login_as(client, participant)
    assert client.get(url).status_code == 403
    assert client.post(f"/events/{meeting.id}/report/publish").status_code == 403
    login_as(client, organiser)
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in _text(client.get(f"/events/{meeting.id}"))


def _save(client, event, language="en", **sections):
    page = _text(client.get(f"/events/{event.id}/report/builder?lang={language}"))
    seen = re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"', page).group(1)
    return client.post(f"/events/{event.id}/report/builder?lang={language}",
                       data={"seen": seen, **sections})


def test_organiser_sees_a_planted_name_flagged_and_publishing_refused(client, meeting,
                                                                     attendee, organiser):
    login_as(client, organiser)
    assert _save(client, meeting, overview="Thanks to ayu  WULANDARI.").status_code == 302
    page = _text(client.get(f"/events/{meeting.id}/report/builder"))
    assert "<mark>ayu  WULANDARI</mark>" in page and "an attendee's name" in page
    refused = client.post(f"/events/{meeting.id}/report/publish")
    assert refused.status_code == 409 and "ayu  WULANDARI" in _text(refused)
    report = _report(meeting)
    assert not report.is_published and "WULANDARI" in report.texts["en"]["overview"]
    assert _save(client, meeting, overview="Thanks to everyone.").status_code == 302
    assert client.post(f"/events/{meeting.id}/report/publish").status_code == 302
    assert _report(meeting).is_published
    assert client.post(f"/events/{meeting.id}/report/unpublish").status_code == 302
    assert client.get(f"/reports/{meeting.id}").status_code == 404


def test_an_acknowledged_flag_lets_the_report_publish(client, meeting, attendee, organiser):
    login_as(client, organiser)
    _save(client, meeting, overview="Hosted with Ayu Wulandari's agreement.")
    response = client.post(f"/events/{meeting.id}/report/acknowledge",
                           data={"words": "Ayu Wulandari"})
    assert response.status_code == 302
    assert "Acknowledged" in _text(client.get(f"/events/{meeting.id}/report/builder"))
    assert client.post(f"/events/{meeting.id}/report/publish").status_code == 302
    refused = client.post(f"/events/{meeting.id}/report/acknowledge", data={"words": "Nobody"})
    assert refused.status_code == 400


def test_the_builders_forms_say_what_is_wrong_at_the_top_or_what_was_done(
        client, meeting, organiser, tmp_path, monkeypatch, app):
    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    toolkit = add_resource(ResourceInput(title="Toolkit", kind=ResourceKind.TOOLKIT,
                                         filename="toolkit.pdf",
                                         stream=io.BytesIO(b"%PDF-1.4 toolkit")), organiser)
    db.session.commit()
    login_as(client, organiser)
    builder = f"/events/{meeting.id}/report/builder?lang=en"
    unfilled = client.post(f"/events/{meeting.id}/report/acknowledge?lang=en", data={})
    assert unfilled.status_code == 400
    assert "Choose a flag to acknowledge." in _text(unfilled)
    unlisted = client.post(f"/events/{meeting.id}/report/downloads?lang=en",
                           data={"resources": ["999999"]})
    assert unlisted.status_code == 400
    assert "Choose resources from the library&#39;s list." in _text(unlisted)
    saved = client.post(f"/events/{meeting.id}/report/downloads?lang=en",
                        data={"resources": [str(toolkit.id)]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(builder)
    assert "Key downloads saved." in _text(client.get(builder))
    assert [r.id for r in _report(meeting).downloads] == [toolkit.id]
    acknowledged = client.post(f"/events/{meeting.id}/report/acknowledge?lang=en",
                               data={"words": "Nobody"})
    assert acknowledged.status_code == 400  # not flagged: refused, said at the top
    refused = client.post(f"/events/{meeting.id}/report/publish?lang=th")
    assert refused.status_code == 400  # a refusal: its reason at the top of the builder
    assert "Write the overview before publishing." in _text(refused)


def test_a_stale_save_is_refused_with_the_typed_text_kept(client, meeting, organiser):
    login_as(client, organiser)
    page = _text(client.get(f"/events/{meeting.id}/report/builder"))
    seen = re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"', page).group(1)
    _save(client, meeting, overview="Someone else's words.")
    response = client.post(f"/events/{meeting.id}/report/builder",
                           data={"seen": seen, "overview": "My words."})
    assert response.status_code == 409 and "My words." in _text(response)
    assert _report(meeting).texts["en"]["overview"] == "Someone else's words."


def test_draft_button_fills_from_the_agenda(client, meeting, organiser):
    login_as(client, organiser)
    response = client.post(f"/events/{meeting.id}/report/draft", follow_redirects=True)
    assert response.status_code == 200 and "Country updates" in _text(response)
    assert _report(meeting).texts["en"]["sessions"] == "- Country updates"


def test_old_report_address_redirects(client, meeting, participant, organiser):
    login_as(client, participant)
    assert client.get(f"/events/{meeting.id}/report").headers["Location"].endswith(
        f"/reports/{meeting.id}")
    login_as(client, organiser)
    assert client.get(f"/events/{meeting.id}/report").headers["Location"].endswith(
        f"/events/{meeting.id}/report/builder")


# --- the timeline ---------------------------------------------------------------------------

def test_timeline_is_public_and_links_published_reports(client, meeting, attendee,
                                                        make_event):
    make_event(title="Coming roundtable", start_date=date(2099, 6, 1))
    _published(meeting, en={"overview": "Held."})
    page = _text(client.get("/platform"))
    assert "Partnerships workshop" in page and "Coming roundtable" in page
    assert "Upcoming" in page and f'href="/reports/{meeting.id}"' in page
    assert "Ayu" not in page and "secret" not in page
    assert 'href="/platform"' in _text(client.get("/"))  # the footer links it for everyone
