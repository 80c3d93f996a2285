"""One managed list of interpretation languages (requests, channels, profiles, the grid) and
the modes of interpreting, each staffed by its own rule."""

from __future__ import annotations

import pytest
from babel import Locale
from sqlalchemy import func
from sqlalchemy import select

from app.core import languages
from app.core.models import AuditRecord
from app.core.models import Language
from app.events.models import EventKind
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation import rules
from app.interpretation import services
from app.interpretation.models import Mode
from app.interpretation.models import SessionChannel
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form
from tests.interpretation.conftest import at

CONSENT = dict(consent_chatham=True, consent_data=True)


def _burmese():
    language = services.add_language("my", name="မြန်မာ", names={"en": "Burmese"},
                                     is_sign=False)
    db.session.commit()
    return language


@pytest.mark.parametrize(("mode", "minutes", "listeners", "needed"), [
    (Mode.SIMULTANEOUS, 40, 0, 1), (Mode.SIMULTANEOUS, 90, 0, 2),
    (Mode.CONSECUTIVE, 60, 0, 1), (Mode.CONSECUTIVE, 61, 0, 2),
    (Mode.WHISPERED, 40, 1, 1), (Mode.WHISPERED, 40, 2, 1), (Mode.WHISPERED, 40, 3, 2),
    (Mode.WHISPERED, 41, 2, 2), (Mode.WHISPERED, 41, 3, 4),
    (Mode.SIGN, 60, 0, 1), (Mode.SIGN, 61, 0, 2),
    (Mode.CONSECUTIVE, 481, 0, None), (Mode.SIGN, 481, 0, None),
])
def test_each_mode_has_its_staffing_rule(app, mode, minutes, listeners, needed):
    limits = rules.Limits.from_config(app.config)
    assert rules.mode_team_size(mode, minutes, False, False, listeners, limits) == needed


def test_every_mode_has_a_rule_and_a_name(app):
    from app.interpretation.labels import MODES

    assert set(rules.STAFFING) == set(Mode) == set(MODES)
    assert rules.STAFFING[Mode.SIGN].turn_minutes <= 20  # sign language: 15-20 minute turns


def test_a_burmese_request_reaches_the_grid_and_gets_a_consecutive_channel(
        app, participant, make_event, make_session):
    event = make_event(kind=EventKind.IN_PERSON, venue="Bangkok", is_invitation_only=False)
    visit = make_session(event, at(3), at(4), kind=SessionKind.SITE_VISIT, title="Site visit")
    with pytest.raises(services.InterpretationError, match="from the list"):
        services.open_channel(visit, "my")  # not on the list yet
    _burmese()
    assert ("my", "Burmese") in languages.choices("en")
    register(event, participant, RegistrationInput(interpretation_language="my", **CONSENT))
    db.session.commit()
    found = services.demand(event)
    assert "my" in found.languages and found.counts[(visit.id, "my")] == 1
    channel = services.open_channel(visit, "my", mode=Mode.CONSECUTIVE)
    db.session.commit()
    (row,) = [r for r in services.coverage(event) if r.language == "my"]
    assert row.channel.mode == Mode.CONSECUTIVE and row.needed == 1  # 60 minutes: one
    assert services.turns(channel) == []
    # Still offered while its channel is open: retiring it is refused and changes nothing.
    with pytest.raises(services.RuleBroken, match="1 open channel"):
        services.retire_language(db.session.get(Language, "my"))
    db.session.rollback()
    assert db.session.get(Language, "my").retired_dt is None


def test_sign_languages_are_on_the_list_and_staffed_as_sign(app, make_event, make_session):
    assert {code for code, in db.session.execute(
        select(Language.code).where(Language.is_sign))} >= {"asf", "inl", "xml", "tsq", "nzs"}
    assert languages.label("tsq", "th") == "ภาษามือไทย"
    assert languages.label("nzs", "en") == "New Zealand Sign Language"
    session = make_session(make_event(), at(3), at(4, 30))  # 90 minutes
    channel = services.open_channel(session, "asf", mode=Mode.CONSECUTIVE)
    assert channel.mode == Mode.SIGN
    assert rules.slot_team_size(services.slot_of(channel), services.limits()) == 2
    turns = rules.turn_schedule(services.slot_of(channel), ["A", "B"], services.limits())
    assert max(end - start for start, end, _name in turns).seconds == 20 * 60
    with pytest.raises(services.InterpretationError, match="not a sign language"):
        services.open_channel(session, "th", mode=Mode.SIGN)


def test_whispering_is_on_site_and_counts_its_listeners(app, make_user, make_event,
                                                       make_session):
    online = make_session(make_event(), at(3), at(3, 30))
    with pytest.raises(services.RuleBroken, match="Rule: whispering"):
        services.open_channel(online, "th", mode=Mode.WHISPERED)
    event = make_event(kind=EventKind.IN_PERSON, venue="Kuala Lumpur", is_invitation_only=False)
    visit = make_session(event, at(3), at(3, 30))  # 30 minutes: no partner needed
    for _n in range(3):
        register(event, make_user(country="TH"),
                 RegistrationInput(interpretation_language="th", **CONSENT))
    channel = services.open_channel(visit, "th", mode=Mode.WHISPERED)
    db.session.commit()
    assert services.listeners_of(channel) == 3
    assert rules.slot_team_size(services.slot_of(channel), services.limits()) == 2


def test_the_list_refuses_bad_codes_and_names_and_retires_and_restores(app, organiser):
    def refused(field, **values):
        fields = {"code": "my", "name": "", "names": {"en": "Burmese"}, "is_sign": False,
                  **values}
        with pytest.raises(services.LanguageError) as caught:
            services.add_language(fields.pop("code"), **fields)
        db.session.rollback()
        assert caught.value.field == field

    refused("code", code="Burmese")
    refused("code", code="th")  # on the list already
    refused("name_en", code="zzz", names={})  # nobody knows a name for it
    refused(None, names={"en": "x" * 81})
    language = _burmese()
    assert languages.label("my", "th") == Locale.parse("th").languages["my"]  # CLDR's Thai
    services.retire_language(language, actor=organiser)
    db.session.commit()
    assert "my" not in dict(languages.choices("en"))
    assert "my" in dict(languages.choices("en", keep=["my"]))  # a choice already made
    with pytest.raises(services.InterpretationError, match="retired already"):
        services.retire_language(language)
    db.session.rollback()
    with pytest.raises(services.InterpretationError, match="pivot"):
        services.retire_language(db.session.get(Language, "en"))
    db.session.rollback()
    services.add_language("my", name="", names={"en": "Myanmar"}, is_sign=False)
    db.session.commit()
    assert db.session.get(Language, "my").retired_dt is None
    assert languages.label("my", "en") == "Myanmar"  # the organisers' name wins
    assert db.session.scalar(select(func.count(AuditRecord.id)).where(
        AuditRecord.subject_type == "language")) == 3


# --- through the pages ----------------------------------------------------------------------

def test_organiser_adds_burmese_a_participant_asks_for_it_a_channel_opens(
        app, client, organiser, participant, make_event, make_session):
    event = make_event(kind=EventKind.IN_PERSON, venue="Bangkok", is_invitation_only=False)
    visit = make_session(event, at(3), at(4), kind=SessionKind.SITE_VISIT,
                         title="Visit to a community shelter")
    login_as(client, organiser)
    form = rendered_form(client, "/interpretation/languages", action="/interpretation/languages")
    assert {"code", "name", "name_en", "name_id", "name_ms", "name_th", "is_sign"} <= form.names
    bad = form.fill(code="not a code").submit()
    assert bad.status_code == 400 and "code" in refusal(bad.get_data(as_text=True)).invalid
    done = form.fill(code="my", name_en="Burmese", name="မြန်မာ").submit()
    assert done.status_code == 302
    page = client.get("/interpretation/languages").get_data(as_text=True)
    assert "Burmese" in page and "မြန်မာ" in page
    # The participant registers, then asks for Burmese in the site visit.
    register(event, participant, RegistrationInput(**CONSENT))
    db.session.commit()
    login_as(client, participant)
    request_form = rendered_form(client, f"/events/{event.id}/interpretation/requests")
    response = request_form.fill(session_id=str(visit.id), language="my").submit()
    assert response.status_code == 302
    # The organiser sees it on the grid and opens a consecutive channel with the full form.
    login_as(client, organiser)
    url = f"/events/{event.id}/interpretation"
    grid = client.get(url).get_data(as_text=True)
    assert "Burmese" in grid
    channel_form = rendered_form(client, url, action=f"{url}/channels", index=-1)
    assert {"session_id", "language", "mode", "is_retour"} <= channel_form.names
    opened = channel_form.fill(session_id=str(visit.id), language="my",
                               mode="consecutive").submit()
    assert opened.status_code == 302
    channel = db.session.scalar(select(SessionChannel).where(
        SessionChannel.session_id == visit.id))
    assert channel.language_code == "my" and channel.mode == Mode.CONSECUTIVE
    assert "Consecutive" in client.get(url).get_data(as_text=True)


def test_retiring_from_the_page(app, client, organiser, make_event, make_session):
    session = make_session(make_event(), at(3), at(4))
    services.open_channel(session, "th")
    db.session.commit()
    login_as(client, organiser)
    page = client.get("/interpretation/languages").get_data(as_text=True)
    assert "/interpretation/languages/mi/retire" in page
    assert "/interpretation/languages/th/retire" not in page  # an open channel
    assert "/interpretation/languages/en/retire" not in page  # the pivot
    form = rendered_form(client, "/interpretation/languages",
                         action="/interpretation/languages/mi/retire")
    assert form.submit().status_code == 302
    assert db.session.get(Language, "mi").retired_dt is not None
    refused = client.post("/interpretation/languages/th/retire")
    assert refused.status_code == 409 and "open channel" in refused.get_data(as_text=True)
    assert db.session.get(Language, "th").retired_dt is None
    assert client.post("/interpretation/languages/zz/retire").status_code == 404
