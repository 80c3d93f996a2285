"""Interpreters' preparation: glossaries per language pair, briefings, the preparation page,
who reaches them, the glossary CSV, and the notice when a session's materials change."""

from __future__ import annotations

import csv
import io
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.events.models import SessionStatus
from app.events.signals import session_materials_changed
from app.extensions import db
from app.interpretation import preparation
from app.interpretation import services
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import Briefing
from app.interpretation.models import GlossaryTerm
from app.notices.models import Notice
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form
from tests.interpretation.conftest import at

EN_TH = ("en", "th")


@pytest.fixture
def booked(make_event, make_channel, make_interpreter):
    """An English-floor session with a Thai booth and its proposed interpreter."""
    channel = make_channel(make_event(), at(3), at(4), "th")  # 60 minutes: a team of two
    interpreter = make_interpreter(name="Ingrid Interpreter")
    assignment = services.assign_interpreter(channel, interpreter)
    db.session.commit()
    return channel.session, interpreter.user, assignment


# --- services -------------------------------------------------------------------------------

def test_a_pair_is_one_glossary_whichever_way_the_booth_works(app, db_session):
    assert preparation.pair_of("th", "en") == preparation.pair_of("en", "th") == EN_TH
    preparation.add_term(EN_TH, "  Birth   registration ", "การจดทะเบียนการเกิด",
                         "Civil registration of a birth")
    db.session.commit()
    [term] = preparation.glossary(EN_TH)
    assert (term.term_a, term.term_b, term.note) == (
        "Birth   registration", "การจดทะเบียนการเกิด", "Civil registration of a birth")
    assert term.term_key == "birth registration"
    assert preparation.glossary(("en", "id")) == []


def test_the_same_term_twice_is_refused_whatever_its_case_and_blanks(app, db_session):
    preparation.add_term(EN_TH, "Online safety", "ความปลอดภัยออนไลน์")
    db.session.commit()
    with pytest.raises(preparation.DuplicateTerm) as refused:
        preparation.add_term(EN_TH, "online  SAFETY", "ความปลอดภัยทางออนไลน์")
    assert refused.value.field == "term"
    assert "“online  SAFETY” is already in this glossary" in str(refused.value)
    db.session.rollback()
    # The same words in another pair are another glossary's.
    preparation.add_term(("en", "id"), "Online safety", "Keamanan daring")
    db.session.commit()
    assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 2


def test_the_unique_constraint_refuses_a_term_added_a_moment_earlier(app, db_session,
                                                                      monkeypatch):
    """Two people add the same term at once: the check before the insert sees nothing (the
    other's row is not committed yet), the constraint refuses the second, and the
    transaction goes on (only the savepoint is undone)."""
    preparation.add_term(EN_TH, "Case management", "การจัดการรายกรณี")
    db.session.commit()
    real_scalar = db.session.scalar
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: None)  # the race: unseen
    with pytest.raises(preparation.DuplicateTerm):
        preparation.add_term(EN_TH, "case management", "การบริหารจัดการรายกรณี")
    monkeypatch.setattr(db.session, "scalar", real_scalar)
    preparation.add_term(EN_TH, "Child protection", "การคุ้มครองเด็ก")
    db.session.commit()
    assert [t.term_a for t in preparation.glossary(EN_TH)] == ["Case management",
                                                               "Child protection"]


def test_editing_keeps_the_entry_and_refuses_another_entrys_term(app, db_session):
    first = preparation.add_term(EN_TH, "Alternative care", "การดูแลทางเลือก")
    second = preparation.add_term(EN_TH, "Foster care", "ครอบครัวอุปถัมภ์")
    db.session.commit()
    preparation.edit_term(first, "Alternative Care", "การดูแลทดแทน", "Not institutional")
    db.session.commit()
    with pytest.raises(preparation.DuplicateTerm):
        preparation.edit_term(second, "alternative care", "x")
    db.session.rollback()
    assert db.session.get(GlossaryTerm, second.id).term_a == "Foster care"
    assert db.session.get(GlossaryTerm, first.id).note == "Not institutional"
    preparation.remove_term(db.session.get(GlossaryTerm, second.id))
    db.session.commit()
    assert [t.id for t in preparation.glossary(EN_TH)] == [first.id]


@pytest.mark.parametrize(("term", "equivalent", "note", "field"), [
    ("", "x", "", "term"), ("x", " ", "", "equivalent"), ("x" * 201, "x", "", "term"),
    ("x", "x", "n" * 501, "note")])
def test_an_incomplete_or_too_long_entry_is_refused_beside_its_field(
        app, db_session, term, equivalent, note, field):
    with pytest.raises(services.InterpretationError) as refused:
        preparation.add_term(EN_TH, term, equivalent, note)
    assert refused.value.field == field


def test_who_may_prepare_and_use_a_glossary(app, booked, organiser, participant,
                                            make_interpreter):
    session, interpreter, assignment = booked
    stranger = make_interpreter(name="Somsak")
    assert preparation.may_prepare(interpreter, session)
    assert preparation.may_prepare(organiser, session)
    assert not preparation.may_prepare(stranger.user, session)
    assert not preparation.may_prepare(participant, session)
    assert preparation.may_use_glossary(interpreter, EN_TH)
    assert not preparation.may_use_glossary(interpreter, ("en", "id"))
    assert not preparation.may_use_glossary(stranger.user, EN_TH)
    assert preparation.session_pairs(session, interpreter) == [EN_TH]
    # Declined: no longer theirs.
    assignment.status = AssignmentStatus.DECLINED
    db.session.commit()
    assert not preparation.may_prepare(interpreter, session)
    assert not preparation.may_use_glossary(interpreter, EN_TH)


def test_a_briefing_is_written_changed_and_removed(app, booked):
    session, _interpreter, _assignment = booked
    assert preparation.save_briefing(session, "   ") is None
    preparation.save_briefing(session, "Speakers from the Ministry; expect acronyms.")
    db.session.commit()
    preparation.save_briefing(session, "Second version.\nTwo lines.")
    db.session.commit()
    assert preparation.briefing_of(session).text == "Second version.\nTwo lines."
    with pytest.raises(services.InterpretationError) as refused:
        preparation.save_briefing(session, "x" * 20_001)
    assert refused.value.field == "text"
    db.session.rollback()
    preparation.save_briefing(session, "")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Briefing)) == 0


# --- the materials-changed signal -----------------------------------------------------------

def _materials_notices(user):
    return db.session.scalars(select(Notice).where(
        Notice.recipient_id == user.id, Notice.kind == "session_materials_changed")).all()


def test_materials_changed_tells_each_booked_interpreter_once_per_transaction(
        app, booked, make_interpreter, organiser):
    session, interpreter, assignment = booked
    partner = make_interpreter(name="Kanya Interpreter")
    services.assign_interpreter(assignment.channel, partner)
    declined = make_interpreter(name="Dewi Interpreter")
    db.session.add(Assignment(channel=assignment.channel, interpreter=declined,
                              status=AssignmentStatus.DECLINED))
    db.session.commit()
    session_materials_changed.send(session)
    session_materials_changed.send(session)  # a second change in the same batch
    db.session.commit()
    for person in (interpreter, partner.user):
        [notice] = _materials_notices(person)
        assert notice.link == f"/interpretation/sessions/{session.id}/preparation"
        assert notice.params["title"] == session.title
    assert _materials_notices(declined.user) == []
    assert _materials_notices(organiser) == []
    session_materials_changed.send(session)  # a later change: told again
    db.session.commit()
    assert len(_materials_notices(interpreter)) == 2


def test_materials_changed_says_nothing_once_the_session_started_or_was_cancelled(
        app, booked, frozen_now):
    session, interpreter, _assignment = booked
    frozen_now(datetime(2027, 3, 10, 3, 10, tzinfo=UTC))  # ten minutes in
    session_materials_changed.send(session)
    db.session.commit()
    assert _materials_notices(interpreter) == []
    frozen_now(datetime(2027, 3, 1, tzinfo=UTC))
    session.status = SessionStatus.CANCELLED
    session_materials_changed.send(session)
    db.session.commit()
    assert _materials_notices(interpreter) == []


# --- pages ----------------------------------------------------------------------------------

def test_organiser_writes_a_briefing_and_adds_terms_the_interpreter_reads(
        app, client, booked, organiser):
    session, interpreter, _assignment = booked
    page_url = f"/interpretation/sessions/{session.id}/preparation"
    login_as(client, organiser)
    form = rendered_form(client, page_url)
    assert form.names == {"text"}
    too_long = form.fill(text="x" * 20_001).submit()
    assert too_long.status_code == 400
    assert "text" in refusal(too_long.get_data(as_text=True)).invalid
    assert form.fill(text="Expect: CRVS, OSAEC.\nSpeaker reads fast.").submit(
        ).status_code == 302
    page = client.get(page_url).get_data(as_text=True)
    assert "Expect: CRVS, OSAEC." in page
    glossary_url = "/interpretation/glossaries/en/th"
    assert f'href="{glossary_url}"' in page
    form = rendered_form(client, glossary_url)
    assert form.names == {"term", "equivalent", "note"}
    assert "Term in English" in form.html and "Equivalent in Thai" in form.html
    assert form.fill(term="Birth registration", equivalent="การจดทะเบียนการเกิด",
                     note="CRVS").submit().status_code == 302
    # The same term again: refused beside the field, said plainly, nothing added.
    again = form.fill(term="birth registration", equivalent="ทะเบียนเกิด").submit()
    assert again.status_code == 400
    told = refusal(again.get_data(as_text=True))
    assert "term" in told.invalid
    assert "“birth registration” is already in this glossary" in told.errors["term"]
    assert len(preparation.glossary(EN_TH)) == 1
    # The interpreter reads it all on their preparation page, reached from their list.
    login_as(client, interpreter)
    mine = client.get("/interpretation/assignments").get_data(as_text=True)
    assert f'href="{page_url}"' in mine
    page = client.get(page_url).get_data(as_text=True)
    assert "Expect: CRVS, OSAEC." in page and "การจดทะเบียนการเกิด" in page
    assert 'action="/interpretation/sessions' not in page  # reads, does not write, it
    assert client.post(f"/interpretation/sessions/{session.id}/briefing",
                       data={"text": "Mine now"}).status_code == 403


def test_interpreter_adds_edits_and_removes_a_term(app, client, booked):
    _session, interpreter, _assignment = booked
    login_as(client, interpreter)
    glossary_url = "/interpretation/glossaries/en/th"
    assert rendered_form(client, glossary_url).fill(
        term="Online safety", equivalent="ความปลอดภัยออนไลน์").submit().status_code == 302
    [term] = preparation.glossary(EN_TH)
    page = client.get(glossary_url).get_data(as_text=True)
    edit_url = f"/interpretation/glossary-terms/{term.id}/edit"
    assert f'href="{edit_url}"' in page
    form = rendered_form(client, edit_url)
    assert form.values["term"] == ["Online safety"]
    empty = form.fill(equivalent="").submit()
    assert empty.status_code == 400
    assert "equivalent" in refusal(empty.get_data(as_text=True)).invalid
    assert form.fill(equivalent="ความปลอดภัยบนโลกออนไลน์", note="Preferred by MSDHS"
                     ).submit().status_code == 302
    db.session.expire_all()
    assert db.session.get(GlossaryTerm, term.id).note == "Preferred by MSDHS"
    remove = rendered_form(client, glossary_url,
                           action=f"/interpretation/glossary-terms/{term.id}/remove")
    assert remove.submit().status_code == 302
    assert preparation.glossary(EN_TH) == []


def test_nobody_else_learns_a_preparation_page_or_glossary_exists(
        app, client, booked, make_interpreter, participant):
    session, _interpreter, _assignment = booked
    term = preparation.add_term(EN_TH, "Child marriage", "การแต่งงานในวัยเด็ก")
    db.session.commit()
    stranger = make_interpreter(name="Somsak")
    urls = [f"/interpretation/sessions/{session.id}/preparation",
            "/interpretation/glossaries/en/th", "/interpretation/glossaries/en/th/glossary.csv",
            f"/interpretation/glossary-terms/{term.id}/edit"]
    login_as(client, stranger.user)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post("/interpretation/glossaries/en/th",
                       data={"term": "x", "equivalent": "y"}).status_code == 404
    assert client.post(f"/interpretation/glossary-terms/{term.id}/remove").status_code == 404
    login_as(client, participant)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert len(preparation.glossary(EN_TH)) == 1
    # Not a glossary URL: unknown, the same language twice, or the pair the other way round.
    for url in ("/interpretation/glossaries/en/xx", "/interpretation/glossaries/th/th",
                "/interpretation/glossaries/th/en"):
        assert client.get(url).status_code in (403, 404)


def test_glossary_csv_reads_back_with_thai_and_neutralised_formulas(app, client, booked,
                                                                    organiser):
    preparation.add_term(EN_TH, "=HYPERLINK(\"http://x\")", "การคุ้มครองเด็ก", "+note")
    preparation.add_term(EN_TH, "Birth registration", "การจดทะเบียนการเกิด", "")
    db.session.commit()
    login_as(client, organiser)
    response = client.get("/interpretation/glossaries/en/th/glossary.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="glossary-en-th.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Thai
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["English", "Thai", "Note"]
    assert sorted(rows[1:]) == [["'=HYPERLINK(\"http://x\")", "การคุ้มครองเด็ก", "'+note"],
                                ["Birth registration", "การจดทะเบียนการเกิด", ""]]
