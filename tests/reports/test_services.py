"""Summary reports: drafted from the agenda without overwriting, checked against every
attendee's names in every language, published only when nothing flagged stands."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select

from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.core.time import now_utc
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.feedback.models import Reflection
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.reports import services
from app.reports.models import ReportAcknowledgement
from app.reports.models import ReportStatus

HELD_DAY = date(2025, 3, 10)


@pytest.fixture
def meeting(make_event, make_session):
    event = make_event(title="Partnerships workshop", kind=EventKind.VIRTUAL,
                       status=EventStatus.HELD, start_date=HELD_DAY, end_date=HELD_DAY,
                       description="A workshop on partnerships between government and "
                                   "civil society.",
                       translations={"th": {"description": "การประชุมเชิงปฏิบัติการ"}})
    make_session(event, datetime(2025, 3, 10, 3, tzinfo=UTC),
                 datetime(2025, 3, 10, 4, tzinfo=UTC), title="Country updates",
                 description="Each country on what changed.",
                 translations={"th": {"title": "ความคืบหน้าของแต่ละประเทศ"}})
    make_session(event, datetime(2025, 3, 10, 4, tzinfo=UTC),
                 datetime(2025, 3, 10, 5, tzinfo=UTC), title="Coffee", kind=SessionKind.BREAK)
    return event


def _attend(event, person, status=RegistrationStatus.CONFIRMED):
    db.session.add(Registration(event_id=event.id, user_id=person.id, status=status,
                                attend_as=AttendAs.ONLINE, consented_dt=now_utc()))
    db.session.commit()
    return person


@pytest.fixture
def people(meeting, make_user):
    """An attendee with an organisation, a pseudonym holder, a Thai attendee and one who
    cancelled: all of them part of the meeting's circle."""
    organisation = Organisation(name="Ministry of Social Welfare",
                                kind=OrganisationKind.GOVERNMENT, country_code="MY")
    db.session.add(organisation)
    db.session.commit()
    named = make_user(display_name="Ayu Wulandari", email="ayu@example.org")
    named.organisation = organisation
    hidden = make_user(display_name="Amina Rahman", pseudonym="Youth advocate A")
    thai = make_user(display_name="สมชาย ใจดี", country="TH")
    gone = make_user(display_name="Pita Cancelled")
    for person in (named, hidden, thai):
        _attend(meeting, person)
    _attend(meeting, gone, RegistrationStatus.CANCELLED)
    return {"named": named, "hidden": hidden, "thai": thai, "gone": gone}


def _write(event, language="en", **sections):
    report = services.report_or_blank(event)
    services.save_sections(event, language, sections, services.fingerprint(report, language))
    db.session.commit()
    return services.report_of(event)


# --- drafting -------------------------------------------------------------------------------

def test_draft_fills_empty_sections_from_the_agenda_and_chosen_reflections(meeting):
    db.session.add_all([Reflection(event_id=meeting.id, text="No  country is perfect.",
                                   is_for_report=True),
                        Reflection(event_id=meeting.id, text="Not for the report.")])
    db.session.commit()
    filled = services.draft_from_agenda(meeting)
    db.session.commit()
    report = services.report_of(meeting)
    english = report.texts["en"]
    assert english["overview"].startswith("A workshop on partnerships")
    assert english["sessions"] == "- Country updates: Each country on what changed."
    assert "Coffee" not in english["sessions"]  # a break is not what a meeting discussed
    assert english["reflections"] == "No country is perfect."
    assert "Not for the report" not in str(report.texts)
    # Thai: the description and every session's title are translated, so Thai is drafted.
    assert report.texts["th"] == {"overview": "การประชุมเชิงปฏิบัติการ",
                                  "sessions": "- ความคืบหน้าของแต่ละประเทศ"}
    assert ("en", "overview") in filled and ("th", "sessions") in filled
    assert "id" not in report.texts  # nothing in Indonesian: no mix of languages


def test_draft_never_overwrites_what_an_organiser_wrote(meeting):
    _write(meeting, overview="Our own words.")
    filled = services.draft_from_agenda(meeting)
    db.session.commit()
    report = services.report_of(meeting)
    assert report.texts["en"]["overview"] == "Our own words."
    assert ("en", "overview") not in filled and ("en", "sessions") in filled
    assert services.draft_from_agenda(meeting) == []  # again: nothing left to fill


def test_saving_over_someone_elses_newer_text_is_refused(meeting):
    seen = services.fingerprint(services.report_or_blank(meeting), "en")
    services.save_sections(meeting, "en", {"overview": "First"}, seen)
    db.session.commit()
    with pytest.raises(services.ReportConflict):
        services.save_sections(meeting, "en", {"overview": "Second"}, seen)
    db.session.rollback()
    assert services.report_of(meeting).texts["en"]["overview"] == "First"


def test_translation_falls_back_to_the_original_marked(meeting):
    report = _write(meeting, overview="English overview", highlights="English highlights")
    _write(meeting, "th", overview="ภาพรวม")
    assert services.section_text(report, "overview", "th").text == "ภาพรวม"
    shown = services.section_text(report, "highlights", "th")
    assert (shown.text, shown.lang, shown.is_fallback) == ("English highlights", "en", True)
    assert services.given_languages(report) == ["en", "th"]


def test_blocks_read_paragraphs_lists_and_quotes():
    text = "First paragraph\ncontinues.\n\n- one\n- two\n\nLast."
    assert services.blocks(text) == [
        services.Block("paragraph", ("First paragraph continues.",)),
        services.Block("list", ("one", "two")), services.Block("paragraph", ("Last.",))]
    assert services.blocks("Said once.\n\nSaid twice.", quotes=True)[1].kind == "quote"


# --- the Chatham House check ----------------------------------------------------------------

def _flags(event, texts):
    return services.chatham_flags(texts, services.attendee_identifiers(event)).flags


def test_check_flags_names_emails_and_organisations_in_any_case_and_spacing(meeting, people):
    flags = _flags(meeting, {"en": {
        "overview": "Thanks to AYU   wulandari and the ministry of social welfare.",
        "highlights": "Write to ayu@example.org.",
        "next_steps": "Ayu Wulandarism is not a name; Pita Cancelled took part too."}})
    found = {(f.section, f.words, f.kind) for f in flags}
    assert ("overview", "AYU   wulandari", "name") in found
    assert ("overview", "ministry of social welfare", "organisation") in found
    # The email is one flag (not also "ayu" inside it, which is too short to be a name).
    assert [f.kind for f in flags if f.section == "highlights"] == ["email"]
    # Whole words only; someone who cancelled was still registered.
    assert [f.words for f in flags if f.section == "next_steps"] == ["Pita Cancelled"]


def test_check_finds_a_pseudonym_holders_real_name_and_pseudonym(meeting, people):
    flags = _flags(meeting, {"ms": {"reflections": "Amina Rahman berkata... Youth advocate A"}})
    assert {(f.words, f.kind) for f in flags} == {("Amina Rahman", "real_name"),
                                                  ("Youth advocate A", "name")}


def test_check_finds_a_thai_name_inside_unspaced_thai_text(meeting, people):
    # Thai runs words together: the name is found with no space before or after it.
    flags = _flags(meeting, {"th": {"overview": "ขอขอบคุณคุณสมชาย ใจดีที่เข้าร่วม"}})
    assert [(f.words, f.language, f.section) for f in flags] == [
        ("สมชาย ใจดี", "th", "overview")]
    pieces = services.highlighted("ขอขอบคุณคุณสมชาย ใจดีที่เข้าร่วม", flags)
    assert ("สมชาย ใจดี", True) in pieces


def test_check_names_nobody_when_no_attendee_is_named(meeting, people):
    assert _flags(meeting, {"en": {"overview": "Government and civil society met."}}) == []


def test_acknowledged_words_no_longer_stand_and_the_acknowledgement_is_recorded(
        meeting, people, organiser):
    _write(meeting, overview="Hosted by the Ministry of Social Welfare.")
    report = services.report_of(meeting)
    assert len(services.check_report(report).standing) == 1
    services.acknowledge(meeting, "Ministry of  Social Welfare", organiser)
    db.session.commit()
    ack = db.session.scalar(select(ReportAcknowledgement))
    assert (ack.words, ack.acknowledged_by_id) == ("ministry of social welfare", organiser.id)
    check = services.check_report(services.report_of(meeting))
    assert check.flags and not check.standing


def test_an_email_or_unflagged_words_cannot_be_acknowledged(meeting, people, organiser):
    _write(meeting, overview="Contact ayu@example.org.")
    with pytest.raises(services.ReportError, match="email"):
        services.acknowledge(meeting, "ayu@example.org", organiser)
    with pytest.raises(services.ReportError, match="not flagged"):
        services.acknowledge(meeting, "Somebody Else", organiser)


# --- publishing -----------------------------------------------------------------------------

def test_publishing_is_refused_while_a_flag_stands_and_nothing_is_lost(meeting, people):
    _write(meeting, overview="A good meeting.")
    _write(meeting, "th", overview="ขอบคุณสมชาย ใจดี")
    with pytest.raises(services.PublishRefused, match="สมชาย ใจดี") as refused:
        services.publish(meeting)
    assert refused.value.status == 409
    db.session.rollback()
    report = services.report_of(meeting)
    assert report.status == ReportStatus.DRAFT and report.texts["th"]["overview"]
    _write(meeting, "th", overview="ขอบคุณผู้เข้าร่วมทุกคน")
    services.publish(meeting)
    db.session.commit()
    report = services.report_of(meeting)
    assert report.is_published and report.published_dt is not None
    assert services.published_report(meeting.id) == report


def test_a_published_report_refuses_a_save_that_names_someone(meeting, people):
    _write(meeting, overview="A good meeting.")
    services.publish(meeting)
    db.session.commit()
    with pytest.raises(services.PublishRefused):
        _write(meeting, overview="A good meeting with Ayu Wulandari.")
    db.session.rollback()
    assert services.report_of(meeting).texts["en"]["overview"] == "A good meeting."


@pytest.mark.parametrize("change", [
    {"status": EventStatus.OPEN, "start_date": date(2099, 1, 1), "end_date": date(2099, 1, 1)},
    {"status": EventStatus.CANCELLED}, {"is_private": True}])
def test_only_a_held_meeting_everyone_sees_is_published(meeting, change):
    _write(meeting, overview="A good meeting.")
    for name, value in change.items():
        setattr(meeting, name, value)
    db.session.commit()
    with pytest.raises(services.ReportError):
        services.publish(meeting)


def test_publishing_needs_an_overview(meeting):
    _write(meeting, highlights="- one")
    with pytest.raises(services.ReportError, match="overview"):
        services.publish(meeting)


def test_key_downloads_are_public_only_through_a_published_report(meeting, make_user,
                                                                  tmp_path, app, monkeypatch):
    import io

    from app.library.models import ResourceKind
    from app.library.services import ResourceInput
    from app.library.services import add_resource

    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    uploader = make_user(("organiser",))
    chosen, other = (add_resource(ResourceInput(title=title, kind=ResourceKind.TOOLKIT,
                                                filename="t.pdf",
                                                stream=io.BytesIO(b"%PDF-1.4 t")), uploader)
                     for title in ("Chosen", "Other"))
    _write(meeting, overview="A good meeting.")
    services.set_downloads(meeting, [chosen.id])
    db.session.commit()
    assert services.public_download(meeting.id, chosen.id) is None  # a draft: not yet
    services.publish(meeting)
    db.session.commit()
    assert services.public_download(meeting.id, chosen.id) == chosen
    assert services.public_download(meeting.id, other.id) is None
    with pytest.raises(services.ReportError):
        services.set_downloads(meeting, [chosen.id, 999_999])


# --- the timeline ---------------------------------------------------------------------------

def test_timeline_groups_by_year_with_topics_or_session_titles_and_reports(
        meeting, make_event):
    make_event(title="Draft", status=EventStatus.DRAFT, start_date=date(2024, 1, 1))
    make_event(title="Called off", status=EventStatus.CANCELLED, start_date=date(2024, 1, 2))
    make_event(title="Private call", is_private=True, start_date=date(2024, 1, 3))
    make_event(title="Before the platform", start_date=date(2018, 5, 1))
    coming = make_event(title="Coming", start_date=date(2099, 6, 1), topics=["Screening"])
    _write(meeting, overview="A good meeting.")
    services.publish(meeting)
    db.session.commit()
    years = services.platform_timeline(today=date(2026, 1, 1))
    assert [year for year, _entries in years] == [2099, 2025]
    (_y, [upcoming]), (_y2, [held]) = years
    assert (upcoming.event, upcoming.is_upcoming, upcoming.topics, upcoming.has_report) == (
        coming, True, ["Screening"], False)
    assert (held.event, held.is_upcoming, held.topics, held.has_report) == (
        meeting, False, ["Country updates"], True)
