"""Working days and blocked times: the defaults, the organisers' page, and the slot finder
keeping an Indonesia-Thailand call off lunch and Friday prayers, with each slot's fairness."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from app.bilaterals import services as bilaterals
from app.bilaterals.labels import DAY_PLACES
from app.core.models import AuditRecord
from app.core.time import to_zone
from app.events.display import city_name
from app.events.display import time_range
from app.extensions import db
from app.holidays import services
from app.holidays.models import BlockedTime
from tests.formatting import clock
from tests.formatting import weekday_name
from tests.forms import refusal
from tests.forms import rendered_form

NOW = datetime(2027, 1, 25, tzinfo=UTC)
PAGE = "/holidays/blocked-times"


@pytest.fixture
def defaults(db_session):
    services.seed_default_blocked_times()
    db.session.commit()


def blocks_of(country):
    return db.session.scalars(select(BlockedTime).where(
        BlockedTime.country_code == country).order_by(BlockedTime.id)).all()


def test_every_country_gets_lunch_and_indonesia_and_malaysia_friday_prayers(defaults):
    ramadan = {"ID": {(None, 900, 1440, "Ramadan hours", True),
                      (None, 1065, 1140, "Iftar", True)},
               "MY": {(None, 990, 1440, "Ramadan hours", True),
                      (None, 1140, 1230, "Iftar", True)}}
    for code in ("AU", "ID", "MY", "NZ", "TH"):
        found = {(b.weekday, b.start_minute, b.end_minute, b.label, b.ramadan_only)
                 for b in blocks_of(code)}
        lunch = {(None, 720, 780, "Lunch", False)}
        prayers = {(4, 690, 810, "Friday prayers", False)} if code in ("ID", "MY") else set()
        assert found == lunch | prayers | ramadan.get(code, set()), code
    assert services.seed_default_blocked_times() == 0  # seeded once, never twice


@pytest.fixture
def id_th_call(make_user, organiser, frozen_now, defaults):
    frozen_now(NOW)
    jakarta = make_user(("participant",), country="ID", timezone="Asia/Jakarta")
    makassar = make_user(("participant",), country="ID", timezone="Asia/Makassar")
    bangkok = make_user(("participant",), country="TH", locale="th")
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="ID", country_b="TH", topic="Case management follow-up",
        duration_minutes=60, first_date=date(2027, 2, 1), last_date=date(2027, 2, 26),
        timezone="Asia/Jakarta", invitee_ids=[jakarta.id, makassar.id, bangkok.id]),
        organiser)
    db.session.commit()
    return organiser, (jakarta, makassar, bangkok), call


def test_no_proposed_slot_at_lunch_or_friday_prayers_on_either_side(id_th_call):
    _organiser, people, call = id_th_call
    assert len(call.slots) == bilaterals.PROPOSED_SLOTS
    for slot in call.slots:
        for person in people:
            start, end = to_zone(slot.start_dt, person.timezone), to_zone(slot.end_dt,
                                                                          person.timezone)
            begin, finish = start.hour * 60 + start.minute, end.hour * 60 + end.minute
            assert finish <= 12 * 60 or begin >= 13 * 60, (person.timezone, start)
            if start.weekday() == 4 and person.country_code == "ID":
                assert finish <= 11 * 60 + 30 or begin >= 13 * 60 + 30, start


def test_each_slot_says_where_it_falls_in_each_sides_day(id_th_call):
    _organiser, _people, call = id_th_call
    for slot in call.slots:
        sides = bilaterals.slot_fairness(call, slot)
        assert [s.zone for s in sides] == ["Asia/Jakarta", "Asia/Makassar", "Asia/Bangkok"]
        for side in sides:
            minute = side.start.hour * 60 + side.start.minute
            expected = ("early" if minute < 8 * 60 + 90 else
                        "late" if minute + 60 > 18 * 60 - 90 else "midday")
            assert side.place == expected
            assert side.start == to_zone(slot.start_dt, side.zone)


def test_the_call_page_shows_each_sides_local_time_and_place_in_their_day(client, login,
                                                                          id_th_call):
    """The organiser choosing and the invitees answering read, for every slot, each zone's
    local time and whether it is early or late there."""
    organiser, (jakarta, _makassar, _bangkok), call = id_th_call
    slot = call.slots[0]
    for viewer in (organiser, jakarta):
        login(client, viewer)
        page = client.get(f"/bilaterals/{call.id}").get_data(as_text=True)
        locale = viewer.formatting_locale
        for side in bilaterals.slot_fairness(call, slot):
            times = time_range(slot.start_dt, slot.end_dt, side.zone, locale)
            with force_locale(locale):
                phrase = (f"{times} in {city_name(side.zone, locale)} — "
                          f"{DAY_PLACES[side.place]}")
            assert phrase in page, viewer


def test_organisers_see_add_and_delete_blocked_times(client, login, organiser, defaults):
    login(client, organiser)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Friday prayers" in page and weekday_name(4, "en") in page
    locale = organiser.formatting_locale
    assert f"{clock(11, 30, locale)}–{clock(13, 30, locale)}" in page
    assert 'href="/holidays/blocked-times"' in client.get("/holidays").get_data(as_text=True)
    form = rendered_form(client, PAGE, action=PAGE).fill(**{
        "block-country": "TH", "block-weekday": "0", "block-start": "09:00",
        "block-end": "09:30", "block-label": "Staff meeting"})
    response = form.submit()
    assert response.status_code == 302
    added = blocks_of("TH")[-1]
    added_id = added.id
    assert (added.weekday, added.start_minute, added.end_minute, added.label) == (
        0, 540, 570, "Staff meeting")
    assert "Staff meeting" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = rendered_form(client, PAGE,
                             action=f"/holidays/blocked-times/{added.id}/delete").submit()
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BlockedTime, added_id) is None
    actions = set(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.subject_type == "blocked_time", AuditRecord.subject_id == added_id)))
    assert actions == {"blocked_time.add", "blocked_time.delete"}


def test_an_end_before_the_start_is_refused_beside_the_end(client, login, organiser,
                                                          defaults):
    login(client, organiser)
    before = db.session.scalar(select(func.count()).select_from(BlockedTime))
    response = rendered_form(client, PAGE, action=PAGE).fill(**{
        "block-country": "ID", "block-start": "14:00", "block-end": "13:00"}).submit()
    assert response.status_code == 400
    assert refusal(response.get_data(as_text=True)).invalid == {"block-end"}
    assert db.session.scalar(select(func.count()).select_from(BlockedTime)) == before


def test_participants_cannot_see_or_change_blocked_times(client, login, participant,
                                                        defaults):
    login(client, participant)
    block = blocks_of("ID")[0]
    assert client.get(PAGE).status_code == 403
    assert client.post(f"/holidays/blocked-times/{block.id}/delete").status_code == 403
    assert db.session.get(BlockedTime, block.id) is not None
