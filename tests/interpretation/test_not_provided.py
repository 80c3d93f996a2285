"""A language asked for that will not be provided: organisers mark it for a session or the
whole event, everyone who asked is told (and reads it on their registration), opening a
channel later undoes it and tells them it will be provided; every step is audited."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import gettext
from sqlalchemy import select

from app.core.i18n import language_name
from app.core.models import AuditRecord
from app.extensions import db
from app.interpretation import services
from app.interpretation.models import LanguageNotProvided
from app.notices import services as notices
from app.notices.models import Notice
from app.registrations import services as registrations
from tests.fixtures.people import login_as
from tests.forms import rendered_form
from tests.interpretation.conftest import at


@pytest.fixture
def meeting(make_event, make_session, make_user):
    """An open event with two sessions; a Thai participant asking for Thai at registration,
    an Indonesian asking for Thai for the plenary only, a New Zealander asking for nothing."""
    event = make_event(title="Online meeting", is_invitation_only=False)
    plenary = make_session(event, at(3), at(4), title="Plenary")
    panel = make_session(event, at(5), at(6), title="Panel")
    people = {"thai": make_user(country="TH", locale="th"), "sari": make_user(country="ID"),
              "kiwi": make_user(country="NZ")}
    for name, language in (("thai", "th"), ("sari", ""), ("kiwi", "")):
        registrations.register(event, people[name], registrations.RegistrationInput(
            consent_chatham=True, consent_data=True, interpretation_language=language))
    services.request_interpretation(people["sari"], plenary, "th")
    db.session.query(Notice).delete()
    db.session.flush()
    return event, plenary, panel, people


def told(user, kind) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(
        Notice.recipient_id == user.id, Notice.kind == kind)))


def test_marked_for_a_session_tells_who_asked_and_shows_on_their_registration(
        meeting, organiser):
    event, plenary, _panel, people = meeting
    services.mark_not_provided(event, plenary, "th", "No Thai interpreter is free that day.",
                               organiser)
    assert {n.recipient_id for n in db.session.scalars(select(Notice))} == {
        people["thai"].id, people["sari"].id}
    thai = people["thai"]
    with force_locale(thai.formatting_locale):
        line, detail = notices.notice_text(told(thai, "interpretation_not_provided")[0], thai,
                                           zone=thai.timezone, locale=thai.formatting_locale,
                                           people={})
    assert "Plenary" in line and language_name("th", thai.formatting_locale) in line
    assert detail == "No Thai interpreter is free that day."
    for name in ("thai", "sari"):
        registration = registrations.registration_for(event, people[name])
        assert services.not_provided_for(registration) == [
            ("th", "Plenary", "No Thai interpreter is free that day.")]
    assert services.not_provided_for(registrations.registration_for(event, people["kiwi"])) == []
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "interpretation_not_provided")).one()
    assert record.actor_id == organiser.id and record.detail["session"] == plenary.id


def test_for_the_whole_event_and_not_twice(meeting, organiser):
    event, _plenary, _panel, people = meeting
    services.mark_not_provided(event, None, "th", "", organiser)
    assert len(told(people["thai"], "interpretation_not_provided")) == 1
    assert len(told(people["sari"], "interpretation_not_provided")) == 1
    with pytest.raises(services.RuleBroken):
        services.mark_not_provided(event, None, "th", "", organiser)
    assert len(told(people["thai"], "interpretation_not_provided")) == 1


def test_opening_a_channel_undoes_it_and_says_it_will_be_provided(meeting, organiser):
    event, plenary, _panel, people = meeting
    services.mark_not_provided(event, plenary, "th", "", organiser)
    services.open_channel(plenary, "th")
    assert db.session.scalars(select(LanguageNotProvided)).all() == []
    assert len(told(people["thai"], "interpretation_provided")) == 1
    assert services.not_provided_for(registrations.registration_for(event, people["thai"])) == []
    assert db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "interpretation_not_provided_cleared")).one()
    with pytest.raises(services.RuleBroken):  # it has a channel now
        services.mark_not_provided(event, plenary, "th", "", organiser)


def test_through_the_demand_page_and_my_registrations(client, meeting, organiser):
    event, plenary, _panel, people = meeting
    login_as(client, organiser)
    form = rendered_form(client, f"/events/{event.id}/interpretation",
                         action=f"/events/{event.id}/interpretation/not-provided")
    response = form.fill(**{"not_provided-scope": str(plenary.id),
                            "not_provided-language": "th",
                            "not_provided-reason": "No booth in that room."}).submit()
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}/interpretation").get_data(as_text=True)
    assert "No booth in that room." in page
    login_as(client, people["sari"])
    mine = client.get("/registrations").get_data(as_text=True)
    with force_locale("en"):
        expected = gettext("%(language)s interpretation will not be provided for %(where)s.",
                           language=language_name("th", "en"), where="Plenary")
    assert expected in mine and "No booth in that room." in mine
    login_as(client, people["kiwi"])
    assert "will not be provided" not in client.get("/registrations").get_data(as_text=True)
    assert client.post(f"/events/{event.id}/interpretation/not-provided").status_code == 403
