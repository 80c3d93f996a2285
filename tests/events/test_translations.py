"""Texts organisers write about a meeting, read in each reader's language, with the original
marked where a translation is missing (issue 20)."""

import html
import re
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.i18n import language_name
from app.events import services as events
from app.events import translations
from app.events.models import EventKind
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.extensions import db
from app.notices import services as notices
from app.notices.models import Notice
from app.registrations import services as registrations
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form

THAI_PLENARY = "การประชุมใหญ่"
THAI_EVENT = "การประชุมโต๊ะกลมประจำปี"


@pytest.fixture
def roundtable(make_event, make_session):
    event = make_event(title="Annual roundtable", description="Two days in Bangkok.",
                       kind=EventKind.VIRTUAL, timezone="Asia/Bangkok",
                       start_date=date(2027, 3, 10), is_invitation_only=False)
    make_session(event, datetime(2027, 3, 10, 2, tzinfo=UTC), datetime(2027, 3, 10, 3, tzinfo=UTC),
                 title="Plenary", description="Opening words.")
    make_session(event, datetime(2027, 3, 10, 4, tzinfo=UTC), datetime(2027, 3, 10, 5, tzinfo=UTC),
                 title="Site visit", kind=SessionKind.SITE_VISIT, meeting_point="Hotel lobby")
    return event


def _sessions(event):
    plenary, visit = sorted(event.sessions, key=lambda s: s.start_dt)
    return plenary, visit


def _marked(page: str, text: str, lang: str = "en") -> bool:
    """``text`` shown as the original in ``lang``, with its visible note."""
    return re.search(rf'<span lang="{lang}">{re.escape(html.escape(text))}</span> '
                     r'<small class="untranslated">', page) is not None


# --- the service --------------------------------------------------------------------------

def test_a_reader_gets_their_language_else_the_original_marked(app, roundtable):
    plenary, visit = _sessions(roundtable)
    translations.set_translations(plenary, {"th": {"title": THAI_PLENARY}, "en": {"title": "X"},
                                            "id": {"room": "not a text of ours"}})
    db.session.commit()
    assert plenary.translations == {"th": {"title": THAI_PLENARY}}  # only others, only ours
    shown = translations.translated(plenary, "title", "th")
    assert (shown.text, shown.lang, shown.is_fallback) == (THAI_PLENARY, "th", False)
    fallback = translations.translated(visit, "title", "th")
    assert (fallback.text, fallback.lang, fallback.is_fallback) == ("Site visit", "en", True)
    assert not translations.translated(plenary, "title", "en").is_fallback
    assert translations.translated(visit, "transport", "th").text == ""  # nothing to translate
    with app.test_request_context("/"), force_locale("th"):
        note = language_name("en", "th")
        assert note in fallback.__html__() and 'lang="en"' in fallback.__html__()
        assert translations.translated(plenary, "title").__html__() == THAI_PLENARY
    assert translations.in_every_language(plenary, "title") == {
        "en": "Plenary", "id": "Plenary", "ms": "Plenary", "th": THAI_PLENARY}


def test_missing_counts_each_text_and_language_of_scheduled_sessions(app, roundtable):
    plenary, visit = _sessions(roundtable)
    # event: title, description; plenary: title, description; visit: title, meeting point
    assert translations.missing_count(roundtable, roundtable.sessions) == 6 * 3
    translations.set_translations(plenary, {"th": {"title": THAI_PLENARY}})
    translations.set_translations(roundtable, {"th": {"title": THAI_EVENT},
                                               "id": {"title": "Meja bundar tahunan"}})
    visit.status = SessionStatus.CANCELLED
    db.session.commit()
    assert translations.missing_count(roundtable, roundtable.sessions) == 4 * 3 - 3
    assert translations.missing_counts([roundtable]) == {roundtable.id: 9}


def test_an_event_written_in_thai_falls_back_to_thai(app, make_event):
    event = make_event(title=THAI_EVENT, language="th")
    translations.set_translations(event, {"th": {"title": "ignored"},
                                          "en": {"title": "Annual roundtable"}})
    db.session.commit()
    assert event.translations == {"en": {"title": "Annual roundtable"}}
    assert translations.translated(event, "title", "en").text == "Annual roundtable"
    shown = translations.translated(event, "title", "ms")
    assert (shown.text, shown.lang, shown.is_fallback) == (THAI_EVENT, "th", True)


def test_saving_over_someone_elses_newer_translations_is_refused(app, roundtable):
    plenary, _visit = _sessions(roundtable)
    seen = translations.fingerprint([roundtable, *roundtable.sessions])
    translations.set_translations(plenary, {"id": {"title": "Pleno"}})  # someone else, first
    db.session.commit()
    with app.test_request_context("/"), pytest.raises(events.ConflictError):
        translations.save_translations(roundtable, {plenary: {"th": {"title": THAI_PLENARY}}},
                                       seen)
    db.session.rollback()
    assert plenary.translations == {"id": {"title": "Pleno"}}


# --- the pages ----------------------------------------------------------------------------

def _translations_page(client, event):
    return rendered_form(client, f"/events/{event.id}/translations")


def test_organiser_adds_a_thai_title_and_a_thai_reader_reads_it(client, organiser, make_user,
                                                                roundtable):
    plenary, _visit = _sessions(roundtable)
    login_as(client, organiser)
    event_page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert "18 missing" in event_page
    assert ">18</a>" in client.get("/events").get_data(as_text=True)
    form = _translations_page(client, roundtable)
    name = f"session-{plenary.id}-title-th"
    assert form.values[name] == [""]
    assert name.replace("-th", "-en") not in form.values  # the original's own language
    assert f"session-{plenary.id}-transport-th" not in form.values  # no original text
    response = form.fill(**{name: THAI_PLENARY}).submit("submit")
    assert response.status_code == 302
    db.session.refresh(plenary)
    assert plenary.translations == {"th": {"title": THAI_PLENARY}}
    assert _translations_page(client, roundtable).values[name] == [THAI_PLENARY]

    thai = make_user(country="TH", locale="th")
    login_as(client, thai)
    page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert THAI_PLENARY in page and not _marked(page, "Plenary")
    assert _marked(page, "Site visit") and _marked(page, "Annual roundtable")
    assert language_name("en", "th") in page
    assert "missing" not in page  # organisers only
    session_page = client.get(f"/events/{roundtable.id}/sessions/{plenary.id}")
    assert f"<title>{THAI_PLENARY}" in session_page.get_data(as_text=True)
    assert _marked(session_page.get_data(as_text=True), "Opening words.")
    ics = client.get(f"/events/{roundtable.id}/sessions/{plenary.id}.ics")
    assert f"SUMMARY:{THAI_PLENARY}" in ics.get_data(as_text=True)


def test_the_cached_event_page_is_kept_per_language_and_shows_a_new_translation(
        client, organiser, participant, make_user, roundtable):
    plenary, _visit = _sessions(roundtable)
    thai = make_user(country="TH", locale="th")
    url = f"/events/{roundtable.id}"
    login_as(client, thai)
    assert _marked(client.get(url).get_data(as_text=True), "Plenary")
    login_as(client, organiser)
    _translations_page(client, roundtable).fill(
        **{f"session-{plenary.id}-title-th": THAI_PLENARY}).submit("submit")
    login_as(client, thai)
    assert THAI_PLENARY in client.get(url).get_data(as_text=True)
    login_as(client, participant)  # English: the original, unmarked
    page = client.get(url).get_data(as_text=True)
    assert THAI_PLENARY not in page and "Plenary" in page and not _marked(page, "Plenary")


def test_a_translation_too_long_is_refused_beside_its_box(client, organiser, roundtable):
    plenary, _visit = _sessions(roundtable)
    login_as(client, organiser)
    name = f"session-{plenary.id}-title-ms"
    response = _translations_page(client, roundtable).fill(**{name: "x" * 201}).submit("submit")
    assert response.status_code == 400
    assert name in refusal(response.get_data(as_text=True)).invalid
    db.session.refresh(plenary)
    assert plenary.translations == {}


def test_saving_after_someone_else_saved_is_a_409_that_keeps_the_typed_text(
        client, organiser, roundtable):
    plenary, _visit = _sessions(roundtable)
    login_as(client, organiser)
    form = _translations_page(client, roundtable)
    translations.set_translations(plenary, {"id": {"title": "Pleno"}})
    db.session.commit()
    name = f"session-{plenary.id}-title-th"
    response = form.fill(**{name: THAI_PLENARY}).submit("submit")
    assert response.status_code == 409
    assert THAI_PLENARY in response.get_data(as_text=True)
    db.session.refresh(plenary)
    assert plenary.translations == {"id": {"title": "Pleno"}}


def test_pages_for_organisers_run_a_constant_number_of_queries(client, organiser, make_event,
                                                              query_counter):
    from tests.events.test_views import _add_sessions

    small, large = make_event(start_date=date(2027, 3, 10)), make_event(
        start_date=date(2027, 3, 10))
    _add_sessions(small, 10)
    _add_sessions(large, 300)
    login_as(client, organiser)
    for path in ("/events/{id}", "/events"):
        counts = []
        for event in (small, large):
            with query_counter() as statements:
                assert client.get(path.format(id=event.id)).status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)


def test_notices_name_the_session_in_the_readers_language(app, make_user, roundtable):
    plenary, _visit = _sessions(roundtable)
    translations.set_translations(plenary, {"th": {"title": THAI_PLENARY}})
    thai, kiwi = make_user(country="TH", locale="th"), make_user(country="NZ")
    for person in (thai, kiwi):
        registrations.register(roundtable, person, registrations.RegistrationInput(
            consent_chatham=True, consent_data=True))
    db.session.commit()
    events.cancel_session(plenary)
    events.announce_session_change(plenary)
    db.session.commit()
    for person, title in ((thai, THAI_PLENARY), (kiwi, "Plenary")):
        notice = db.session.scalars(select(Notice).where(
            Notice.recipient_id == person.id, Notice.kind == "session_cancelled")).one()
        with app.test_request_context("/"), force_locale(person.formatting_locale):
            line, _detail = notices.notice_text(notice, person, zone=person.timezone,
                                                locale=person.formatting_locale, people={})
        assert title in line
