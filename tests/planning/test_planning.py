import html
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy import select

from app.auth.models import User
from app.core.i18n import formatting_locale
from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from app.planning import services
from app.registrations import services as registrations
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from tests.fixtures.people import login_as
from tests.formatting import country
from tests.formatting import day
from tests.formatting import holiday_name
from tests.formatting import long_day
from tests.forms import refusal
from tests.forms import rendered_form


@pytest.fixture
def roundtable(make_event):
    return make_event(title="Annual roundtable", kind=EventKind.HYBRID, timezone="Asia/Jakarta",
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                      is_invitation_only=False, host_country_code="ID", venue="Jakarta")


def _register(event, user, **fields):
    registration = registrations.register(event, user, registrations.RegistrationInput(
        consent_chatham=True, consent_data=True, **fields))
    db.session.commit()
    return registration


def test_date_check_finds_holidays_of_every_country_and_other_meetings(roundtable, make_event):
    songkran = services.holiday_clashes(date(2027, 4, 13), date(2027, 4, 15))
    assert {(c.country_code, c.day) for c in songkran} >= {("TH", date(2027, 4, 13)),
                                                          ("TH", date(2027, 4, 14))}
    anzac = services.holiday_clashes(date(2027, 4, 25), date(2027, 4, 26))
    assert {c.country_code for c in anzac} >= {"AU", "NZ"}
    assert services.holiday_clashes(date(2027, 6, 22), date(2027, 6, 24)) == []
    other = make_event(title="Virtual session", start_date=date(2027, 6, 23))
    assert services.meeting_clashes(date(2027, 6, 22), date(2027, 6, 24),
                                    excluding=roundtable.id) == [other]
    make_event(title="Cancelled", start_date=date(2027, 6, 23), status=EventStatus.CANCELLED)
    assert len(services.meeting_clashes(date(2027, 6, 22), date(2027, 6, 24),
                                        excluding=roundtable.id)) == 1


def test_candidates_and_choosing_one(roundtable, make_session):
    candidate = services.add_candidate(roundtable, "TH", "Bangkok", date(2027, 7, 6),
                                       date(2027, 7, 8))
    with pytest.raises(services.PlanningError):
        services.add_candidate(roundtable, "TH", "Bangkok", date(2027, 7, 8), date(2027, 7, 6))
    services.choose_candidate(roundtable, candidate)
    assert (roundtable.host_country_code, roundtable.venue, roundtable.start_date) == (
        "TH", "Bangkok", date(2027, 7, 6))
    make_session(roundtable, datetime(2027, 7, 7, 2, tzinfo=UTC),
                 datetime(2027, 7, 7, 3, tzinfo=UTC))
    later = services.add_candidate(roundtable, "MY", "Putrajaya", date(2027, 8, 3),
                                   date(2027, 8, 5))
    with pytest.raises(services.PlanningConflict, match="outside the new dates"):
        services.choose_candidate(roundtable, later)


def test_overdue_tasks(roundtable, organiser):
    task = services.add_task(roundtable, "Book the venue", organiser.id, date(2027, 3, 1))
    assert services.is_overdue(task, date(2027, 3, 2))
    assert not services.is_overdue(task, date(2027, 3, 1))
    services.toggle_task(task)
    assert not services.is_overdue(task, date(2027, 3, 2))
    with pytest.raises(services.PlanningError):
        services.add_task(roundtable, "  ", None, None)


def test_manifest_rooming_needs_and_badges(roundtable, make_user):
    late = make_user(display_name="Zed", country="NZ")
    early = make_user(display_name="Ana", country="TH", pseudonym="Youth advocate")
    online = make_user(display_name="Olu", country="MY")
    _register(roundtable, late, arrival_date=date(2027, 6, 21), arrival_time=time(22, 5),
              departure_date=date(2027, 6, 25), needs_room=True, dietary_needs="halal")
    _register(roundtable, early, arrival_date=date(2027, 6, 21), arrival_time=time(7, 30),
              departure_date=date(2027, 6, 24), needs_room=True, dietary_needs="Halal",
              access_needs="Wheelchair")
    _register(roundtable, online, attend_as=AttendAs.ONLINE, arrival_date=date(2027, 6, 1))
    movements = services.manifest(roundtable)
    assert [(m.registration.user.display_name, m.direction) for m in movements] == [
        ("Ana", "arrival"), ("Zed", "arrival"), ("Ana", "departure"), ("Zed", "departure")]
    rooms = services.rooming(roundtable)
    assert [(r.user.display_name, services.nights(r)) for r in rooms] == [("Ana", 3), ("Zed", 4)]
    dietary, access, people = services.needs_summary(roundtable)
    assert dietary == {"Halal": 2} and access == {"Wheelchair": 1} and len(people) == 2
    names = [r.user.public_name for r in services.badges(roundtable)]
    assert "Youth advocate" in names and "Ana" not in names and "Olu" in names


SIGNED = services.LetterDetails(
    signatory_name="Ayu Lestari", signatory_title="Head of Secretariat",
    signatory_organisation="Regional Peer-Learning Platform", contact_name="Budi Santoso",
    contact_email="visas@example.org", contact_phone="+62 21 555 0100",
    costs_covered="return flights and four nights' accommodation")
PASSPORT = {"passport_name": "DEWI SARTIKA", "nationality": "TH", "passport_number": "AB1234567"}


def test_letters_only_for_confirmed_in_person_participants(roundtable, make_user, make_event):
    ready = _register(roundtable, make_user(), passport_name="DEWI SARTIKA")
    assert services.letter_registration(roundtable, ready.id) == ready
    remote = _register(roundtable, make_user(), attend_as=AttendAs.ONLINE, passport_name="X")
    with pytest.raises(services.PlanningConflict, match="in person"):
        services.letter_registration(roundtable, remote.id)
    other = _register(make_event(is_invitation_only=False), make_user(), passport_name="Y")
    with pytest.raises(services.PlanningError, match="not registered"):
        services.letter_registration(roundtable, other.id)


def test_a_letter_names_every_missing_detail_then_carries_them_all(roundtable, make_user):
    bare = _register(roundtable, make_user(), passport_name="DEWI SARTIKA")
    with pytest.raises(services.LetterIncomplete) as refused:
        services.visa_letter(roundtable, bare.id, date(2027, 3, 1), "en")
    assert refused.value.status == 409
    assert refused.value.missing == [
        "the participant's nationality", "the participant's passport number",
        "the signatory's name", "the signatory's title", "the signatory's organisation",
        "the embassy contact's name", "the embassy contact's email"]
    assert "passport number" in str(refused.value)

    services.save_letter_settings(roundtable, SIGNED)
    ready = _register(roundtable, make_user(), **PASSPORT)
    letter = services.visa_letter(roundtable, ready.id, date(2027, 3, 1), "en")
    assert letter.issued == date(2027, 3, 1) and letter.details == SIGNED
    assert (letter.registration.nationality, letter.registration.passport_number) == (
        "TH", "AB1234567")
    roundtable.venue = ""
    with pytest.raises(services.LetterIncomplete) as refused:
        services.visa_letter(roundtable, ready.id, date(2027, 3, 1), "en")
    assert refused.value.missing == ["the venue"]


def test_letter_details_fall_back_to_the_configuration(app, roundtable, monkeypatch):
    for key, value in (("VISA_LETTER_SIGNATORY_NAME", "Default Signer"),
                       ("VISA_LETTER_SIGNATORY_TITLE", "Director"),
                       ("VISA_LETTER_CONTACT_EMAIL", ""),
                       ("ORGANISER_EMAIL", "organisers@example.org")):
        monkeypatch.setitem(app.config, key, value)
    details = services.letter_details(roundtable)
    assert (details.signatory_name, details.signatory_title, details.contact_email) == (
        "Default Signer", "Director", "organisers@example.org")
    services.save_letter_settings(roundtable, services.LetterDetails(
        signatory_name="Ayu Lestari", contact_phone="+62 21 555 0100"))
    details = services.letter_details(roundtable)
    # The event's own details win; the ones it leaves empty keep the defaults.
    assert (details.signatory_name, details.signatory_title, details.contact_phone) == (
        "Ayu Lestari", "Director", "+62 21 555 0100")


@pytest.mark.parametrize(("field", "value"), [("contact_email", "visas at example"),
                                              ("contact_phone", "call me")])
def test_letter_details_refuse_an_unusable_contact(roundtable, field, value):
    with pytest.raises(services.PlanningError) as refused:
        services.save_letter_settings(roundtable, services.LetterDetails(**{field: value}))
    assert refused.value.field == field


# Vesak Day 2027 in Indonesia (the holidays package's premise, checked by holiday_name).
VESAK = date(2027, 5, 20)


def test_holiday_warnings_name_the_day_the_holiday_and_the_country(make_event, organiser):
    from app.holidays.services import set_override

    event = make_event(host_country_code="ID", country_codes=["ID"], start_date=VESAK,
                       end_date=VESAK + timedelta(days=1))
    clashes = services.event_holiday_clashes(event)
    assert services.Clash(VESAK, "ID", holiday_name("ID", VESAK)) in clashes
    for locale in ("en", "th"):  # the date and the country in the reader's language
        assert any(day(VESAK, locale) in warning and holiday_name("ID", VESAK) in warning
                   and country("ID", locale) in warning
                   for warning in services.holiday_warnings(event, locale)), locale
    expected = f"{day(VESAK, 'en')} is {holiday_name('ID', VESAK)} in {country('ID', 'en')}."
    assert expected in services.holiday_warnings(event, "en")
    # The organisers' holiday calendar decides: a day they struck off warns no more.
    set_override("ID", "", VESAK, "", False, "public", organiser)
    assert all(c.day != VESAK for c in services.event_holiday_clashes(event))


def test_holiday_warnings_cover_host_participants_and_invited_delegations(make_event):
    from app.registrations.services import invite_to_event

    event = make_event(country_codes=["NZ"], start_date=VESAK, end_date=VESAK)
    assert services.event_countries(event) == ["NZ"]
    invite_to_event(event, country_code="ID")
    event.host_country_code = "TH"
    assert services.event_countries(event) == ["ID", "NZ", "TH"]
    assert "ID" in {c.country_code for c in services.event_holiday_clashes(event)}
    quiet = make_event(country_codes=["ID"], start_date=date(2027, 6, 22),
                       end_date=date(2027, 6, 24))
    assert services.event_holiday_clashes(quiet) == []
    assert services.holiday_warnings(quiet, "en") == []


def test_organisers_only(client, participant, roundtable):
    login_as(client, participant)
    for path in ("planning", "logistics/manifest", "logistics/rooming", "logistics/needs",
                 "logistics/badges", "logistics/manifest.csv", "letters/1"):
        assert client.get(f"/events/{roundtable.id}/{path}").status_code == 403, path


def test_workspace_and_letter_pages(client, organiser, roundtable, make_user):
    login_as(client, organiser)
    client.post(f"/events/{roundtable.id}/planning/candidates",
                data={"candidate-country": "TH", "candidate-venue": "Bangkok",
                      "candidate-start_date": "2027-04-13", "candidate-end_date": "2027-04-15"})
    client.post(f"/events/{roundtable.id}/planning/tasks",
                data={"task-title": "Book interpreters", "task-due_date": "2020-01-01"})
    page = client.get(f"/events/{roundtable.id}/planning").get_data(as_text=True)
    assert holiday_name("TH", date(2027, 4, 13)) in page and "Overdue" in page
    bad = client.post(f"/events/{roundtable.id}/planning/candidates",
                      data={"candidate-country": "TH", "candidate-venue": "X",
                            "candidate-start_date": "2027-04-15",
                            "candidate-end_date": "2027-04-13"})
    assert bad.status_code == 400  # the page again, the last day marked and linked
    refused = refusal(bad.get_data(as_text=True))
    assert "candidate-end_date" in refused.invalid
    assert "candidate-end_date" in refused.summary_links
    registration = _register(roundtable, make_user(), passport_name="SOMCHAI JAIDEE")
    letter = client.get(f"/events/{roundtable.id}/letters/{registration.id}")
    assert letter.status_code == 409  # no nationality, passport number, signatory...
    assert client.get(f"/events/{roundtable.id}/letters/999999").status_code == 404
    csv = client.get(f"/events/{roundtable.id}/logistics/rooming.csv")
    assert csv.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("kind", ["manifest", "rooming", "needs", "badges", "manifest.csv"])
def test_lists_run_a_constant_number_of_queries(client, organiser, make_event, query_counter,
                                                kind):
    counts = []
    for size in (35, 3500):
        event = make_event(kind=EventKind.IN_PERSON, is_invitation_only=False)
        db.session.execute(insert(User), [
            {"email": f"p{size}-{n}@example.org", "display_name": f"P{n}", "password_hash": "!",
             "country_code": "ID", "timezone": "Asia/Jakarta"} for n in range(size)])
        ids = db.session.scalars(select(User.id).where(User.email.like(f"p{size}-%"))).all()
        db.session.execute(insert(Registration), [
            {"event_id": event.id, "user_id": uid, "status": RegistrationStatus.CONFIRMED,
             "attend_as": AttendAs.IN_PERSON, "needs_room": True, "dietary_needs": "Vegan",
             "arrival_date": date(2027, 3, 9), "departure_date": date(2027, 3, 11),
             "consented_dt": datetime(2027, 1, 1, tzinfo=UTC)} for uid in ids])
        db.session.commit()
        login_as(client, organiser)
        with query_counter() as statements:
            assert client.get(f"/events/{event.id}/logistics/{kind}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts


def test_letter_details_are_saved_from_the_planning_page(client, organiser, roundtable):
    login_as(client, organiser)
    url = f"/events/{roundtable.id}/planning"
    form = rendered_form(client, url, action=f"/events/{roundtable.id}/planning/letters")
    form.fill(**{f"letter-{name}": value for name, value in vars(SIGNED).items()})
    response = form.submit()
    assert response.status_code == 302 and response.location.endswith("#letters")
    assert services.letter_details(roundtable) == SIGNED
    again = rendered_form(client, url, action=f"/events/{roundtable.id}/planning/letters")
    assert again.values["letter-contact_email"] == ["visas@example.org"]  # shown as saved
    bad = again.fill(**{"letter-contact_phone": "ring the office"}).submit()
    assert bad.status_code == 400
    refused = refusal(bad.get_data(as_text=True))
    assert "letter-contact_phone" in refused.invalid
    assert "letter-contact_phone" in refused.summary_links
    assert services.letter_details(roundtable).contact_phone == SIGNED.contact_phone


def test_the_letter_page_says_everything_an_embassy_needs(client, organiser, roundtable,
                                                          make_user, frozen_now):
    frozen_now(datetime(2027, 3, 1, 20, tzinfo=UTC))  # 2 March already in Sydney
    organiser.timezone = "Australia/Sydney"
    roundtable.address = "Jl. Jenderal Sudirman 1\nJakarta 10220"
    services.save_letter_settings(roundtable, SIGNED)
    registration = _register(roundtable, make_user(), **PASSPORT,
                             arrival_date=date(2027, 6, 21), departure_date=date(2027, 6, 25))
    login_as(client, organiser)
    url = f"/events/{roundtable.id}/letters/{registration.id}"
    page = html.unescape(client.get(url).get_data(as_text=True))
    # Written from the host country: an English letter for Jakarta in Indonesia's English.
    en = formatting_locale("en", roundtable.host_country_code)
    for text in ("DEWI SARTIKA", "AB1234567", country("TH", en), country("ID", en),
                 long_day(date(2027, 3, 2), en), long_day(date(2027, 6, 22), en),
                 long_day(date(2027, 6, 24), en), long_day(date(2027, 6, 21), en),
                 "Jakarta 10220", *vars(SIGNED).values()):
        assert text in page, text
    # The letter in Thai for the Thai embassy: its dates and countries written in Thai.
    thai = client.get(f"{url}?lang=th").get_data(as_text=True)
    for text in (country("TH", "th"), long_day(date(2027, 3, 2), "th"), "AB1234567"):
        assert text in thai, text
    assert 'lang="th"' in thai
    assert client.get(f"{url}?lang=xx").status_code == 404


def test_an_incomplete_letter_is_refused_saying_what_is_missing(client, organiser, roundtable,
                                                                 make_user):
    registration = _register(roundtable, make_user(), passport_name="DEWI SARTIKA")
    login_as(client, organiser)
    response = client.get(f"/events/{roundtable.id}/letters/{registration.id}")
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "the participant's passport number" in page and "the signatory's name" in page
    assert f"/events/{roundtable.id}/planning#letters" in page
