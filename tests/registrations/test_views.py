import csv
import io
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from babel.support import Translations
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from app.auth.models import User
from app.core.mail import OutboxResult
from app.core.mail import send_outbox
from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from tests.fixtures.browser import ROOT
from tests.fixtures.people import login_as
from tests.formatting import country as cldr_country
from tests.forms import form_in
from tests.forms import refusal
from tests.forms import rendered_form

FORM = {"attend_as": "in_person", "consent_chatham": "y", "consent_data": "y",
        "dietary_needs": "Halal", "access_needs": "Step-free access",
        "arrival_date": "2027-06-21", "arrival_flight": "GA 123",
        "departure_date": "2027-06-25", "departure_flight": "GA 456"}


@pytest.fixture
def roundtable(make_event):
    return make_event(title="Jakarta 2027", kind=EventKind.HYBRID, capacity=2,
                      is_invitation_only=False, timezone="Asia/Jakarta",
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 24),
                      online_url="https://meet.example.org/private")


def _count(model=Registration):
    return db.session.scalar(select(func.count()).select_from(model))


def test_register_see_it_and_cancel(client, participant, roundtable):
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/register", data=FORM)
    assert response.status_code == 302
    page = client.get("/registrations").get_data(as_text=True)
    assert "Jakarta 2027" in page and "Confirmed" in page
    registration = db.session.scalar(select(Registration))
    assert registration.dietary_needs == "Halal" and registration.arrival_flight == "GA 123"
    # Confirmed registrants now see the online link.
    assert "meet.example.org/private" in client.get(
        f"/events/{roundtable.id}").get_data(as_text=True)
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 302
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize("change", [{"is_invitation_only": True},
                                    {"status": EventStatus.CLOSED}],
                         ids=["not invited", "closed"])
def test_a_form_that_cannot_be_accepted_is_not_offered(client, participant, roundtable,
                                                       change):
    """Reached by its address, the registration form of an event this person may not
    register for now sends them to the event's page, with the reason ``register`` gives."""
    for name, value in change.items():
        setattr(roundtable, name, value)
    db.session.commit()
    login_as(client, participant)
    response = client.get(f"/events/{roundtable.id}/register")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{roundtable.id}")
    with pytest.raises(services.RegistrationConflict) as refused:
        services.check_may_register(roundtable, participant)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert str(escape(str(refused.value))) in page
    assert 'name="consent_chatham"' not in page


def test_registering_twice_is_a_409(client, participant, roundtable):
    login_as(client, participant)
    client.post(f"/events/{roundtable.id}/register", data=FORM)
    again = client.post(f"/events/{roundtable.id}/register", data=FORM)
    assert again.status_code == 409
    assert "already registered" in again.get_data(as_text=True)
    assert _count() == 1


def test_missing_consent_is_a_400(client, participant, roundtable):
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/register",
                           data={**FORM, "consent_chatham": ""})
    assert response.status_code == 400
    assert "Please agree to the Chatham House Rule" in response.get_data(as_text=True)
    assert _count() == 0


def test_tampered_fields_are_refused_and_nothing_changes(client, participant, roundtable):
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/register",
                           data={**FORM, "capacity": "1000", "status": "confirmed"})
    assert response.status_code == 400
    assert "fields it does not offer" in response.get_data(as_text=True)
    db.session.refresh(roundtable)
    assert roundtable.capacity == 2 and _count() == 0


def test_session_of_another_event_is_a_400(client, participant, roundtable, make_event,
                                           make_session):
    other = make_event()
    start = datetime(2027, 3, 10, 3, tzinfo=UTC)
    foreign = make_session(other, start, start + timedelta(hours=1), capacity=3)
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/register",
                           data={**FORM, "session_ids": [str(foreign.id)]})
    assert response.status_code == 400
    assert _count() == 0


def test_after_the_window_and_full_quota_are_409(client, participant, roundtable, organiser,
                                                 make_user, frozen_now):
    frozen_now(datetime(2027, 6, 1, tzinfo=UTC))
    roundtable.registration_closes_dt = datetime(2027, 5, 1, tzinfo=UTC)
    db.session.commit()
    login_as(client, participant)
    response = client.post(f"/events/{roundtable.id}/register", data=FORM)
    assert response.status_code == 409 and "closed on" in response.get_data(as_text=True)
    roundtable.registration_closes_dt = None
    services.set_quota(roundtable, "NZ", 0, organiser)
    db.session.commit()
    response = client.post(f"/events/{roundtable.id}/register", data=FORM)
    assert response.status_code == 409 and "delegation" in response.get_data(as_text=True)
    assert _count() == 0


def test_others_registrations_are_404(client, participant, make_user, roundtable):
    other = make_user()
    registration = services.register(roundtable, other, services.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    login_as(client, participant)
    assert client.post(f"/registrations/{registration.id}/cancel").status_code == 404
    assert client.get(f"/registrations/{registration.id}/edit").status_code == 404
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_chatham_house_roster(client, participant, organiser, make_user, roundtable):
    hidden = make_user(display_name="Real Name Hidden", pseudonym="Youth advocate",
                       country="MY")
    services.register(roundtable, hidden, services.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    login_as(client, participant)
    page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert "Real Name Hidden" not in page and "Youth advocate" not in page
    assert "Malaysia: fewer than 3" in page and "Malaysia: 1" not in page
    for url in (f"/events/{roundtable.id}/registrations",
                f"/events/{roundtable.id}/registrations/roster.csv"):
        assert client.get(url).status_code == 403
    login_as(client, organiser)
    roster = client.get(f"/events/{roundtable.id}/registrations").get_data(as_text=True)
    assert "Real Name Hidden" in roster and "Youth advocate" in roster


def _confirmed(event, make_user, *countries):
    for country in countries:
        services.register(event, make_user(country=country), services.RegistrationInput(
            consent_chatham=True, consent_data=True))
    db.session.commit()


def test_small_numbers_are_suppressed_for_all_but_organisers(client, participant, organiser,
                                                             make_user, interpreter,
                                                             make_event):
    roundtable = make_event(title="Big roundtable", kind=EventKind.HYBRID,
                            is_invitation_only=False, start_date=date(2027, 6, 22))
    _confirmed(roundtable, make_user, "TH", "TH", "TH", "MY", "ID", "ID")
    for viewer in (participant, interpreter):
        login_as(client, viewer)
        page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
        assert "6 people confirmed" in page and "Thailand: 3" in page
        assert "Malaysia: fewer than 3" in page and "Indonesia: fewer than 3" in page
        assert "Malaysia: 1" not in page and "Indonesia: 2" not in page
    login_as(client, organiser)
    page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert "Malaysia: 1" in page and "Indonesia: 2" in page and "Thailand: 3" in page


def test_numbers_that_could_be_worked_out_are_left_out(client, participant, organiser,
                                                       make_user, make_event):
    # Four people, three from Thailand: "Malaysia: fewer than 3" would be Malaysia: 1.
    roundtable = make_event(title="Roundtable", is_invitation_only=False)
    _confirmed(roundtable, make_user, "TH", "TH", "TH", "MY")
    login_as(client, participant)
    page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert "4 people confirmed" in page
    assert "Malaysia:" not in page and "Thailand: 3" not in page
    assert "left out" in page
    login_as(client, organiser)
    assert "Malaysia: 1" in client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    # One person: the total too is "fewer than 3".
    lonely = make_event(title="Small call", is_invitation_only=False)
    _confirmed(lonely, make_user, "MY")
    login_as(client, participant)
    page = client.get(f"/events/{lonely.id}").get_data(as_text=True)
    assert "Fewer than 3 people confirmed" in page and "1 person confirmed" not in page
    assert "Malaysia: fewer than 3" in page


def test_interpreter_only_accounts_cannot_register(client, interpreter, make_user, roundtable):
    login_as(client, interpreter)
    page = client.get(f"/events/{roundtable.id}").get_data(as_text=True)
    assert f"/events/{roundtable.id}/register" not in page
    assert "Interpreters do not register as participants." in page
    assert client.get(f"/events/{roundtable.id}/register").status_code == 403
    assert client.post(f"/events/{roundtable.id}/register", data=FORM).status_code == 403
    assert _count() == 0
    # One who also takes part (both roles) registers as anyone else does.
    both = make_user(("participant", "interpreter"), country="TH")
    login_as(client, both)
    assert client.post(f"/events/{roundtable.id}/register", data=FORM).status_code == 302
    assert _count() == 1


def test_csv_exports_have_the_columns_logistics_needs(client, organiser, participant,
                                                      roundtable, make_user):
    login_as(client, participant)
    client.post(f"/events/{roundtable.id}/register", data=FORM)
    sneaky = make_user(display_name="=HYPERLINK(\"http://x\")")
    services.register(roundtable, sneaky, services.RegistrationInput(
        consent_chatham=True, consent_data=True, dietary_needs="Vegan"))
    db.session.commit()
    login_as(client, organiser)
    travel = list(csv.reader(io.StringIO(client.get(  # UTF-8 with a byte-order mark
        f"/events/{roundtable.id}/registrations/travel.csv").get_data().decode("utf-8-sig"))))
    assert travel[0][:3] == ["Arrival date", "Arrival flight", "Name"]
    assert travel[1][:3] == ["2027-06-21", "GA 123", participant.display_name]
    needs = client.get(f"/events/{roundtable.id}/registrations/needs.csv").get_data(
        as_text=True)
    assert "Step-free access" in needs and "'=HYPERLINK" in needs
    roster = client.get(f"/events/{roundtable.id}/registrations/roster.csv")
    assert roster.headers["Content-Type"].startswith("text/csv")
    assert participant.email in roster.get_data(as_text=True)


def test_organiser_actions(client, organiser, make_user, roundtable):
    people = [make_user() for _ in range(3)]
    registrations = [services.register(roundtable, p, services.RegistrationInput(
        consent_chatham=True, consent_data=True)) for p in people]
    db.session.commit()
    login_as(client, organiser)
    base = f"/events/{roundtable.id}/registrations"
    refused = client.post(f"{base}/{registrations[2].id}/promote")
    assert refused.status_code == 303
    assert client.post(f"{base}/{registrations[0].id}/cancel").status_code == 302
    db.session.refresh(registrations[2])
    assert registrations[2].status == RegistrationStatus.CONFIRMED
    assert client.post(f"{base}/{registrations[0].id}/explode").status_code == 404
    assert client.post(f"/events/{roundtable.id}/quotas",
                       data={"quota-country": "TH", "quota-max_in_person": "0"}
                       ).status_code == 302
    low = client.post(f"/events/{roundtable.id}/capacity", data={"capacity-capacity": "0"})
    assert low.status_code == 409  # the roster again, the capacity marked and linked
    assert "capacity-capacity" in refusal(low.get_data(as_text=True)).summary_links
    db.session.refresh(roundtable)
    assert roundtable.capacity == 2


def test_emails_arrive_in_the_participants_language(client, make_user, roundtable,
                                                    smtp_server):
    thai = make_user(locale="th", country="TH")
    login_as(client, thai)
    client.post(f"/events/{roundtable.id}/register", data=FORM)
    assert send_outbox() == OutboxResult(sent=1)
    [message] = smtp_server.messages
    expected = Translations.load(str(ROOT / "translations"), ["th"]).gettext(
        "Your place is confirmed: %(event)s") % {"event": "Jakarta 2027"}
    assert message["Subject"] == expected
    assert message["To"] == thai.email
    assert "/registrations" in message.get_body(("plain",)).get_content()


def test_pages_keep_a_constant_number_of_queries(client, organiser, roundtable,
                                                 query_counter):
    counts = []
    for size in (5, 300):
        users = [{"email": f"bulk{size}-{n}@example.org", "display_name": f"P{n}",
                  "password_hash": "x", "country_code": "TH", "timezone": "Asia/Bangkok"}
                 for n in range(size)]
        db.session.execute(insert(User), users)
        ids = db.session.scalars(select(User.id).where(User.email.like(f"bulk{size}-%"))).all()
        event = roundtable if size == 5 else type(roundtable)(
            title="Big", kind=EventKind.HYBRID, timezone="Asia/Jakarta",
            start_date=date(2027, 6, 22), end_date=date(2027, 6, 24), status="open")
        db.session.add(event)
        db.session.flush()
        db.session.execute(insert(Registration), [
            {"event_id": event.id, "user_id": uid, "status": RegistrationStatus.CONFIRMED,
             "attend_as": "in_person", "consented_dt": datetime(2027, 1, 1, tzinfo=UTC)}
            for uid in ids])
        db.session.commit()
        login_as(client, organiser)
        row = []
        for path in (f"/events/{event.id}/registrations", f"/events/{event.id}",
                     f"/events/{event.id}/registrations/travel.csv"):
            with query_counter() as statements:
                assert client.get(path).status_code == 200
            row.append(len(statements))
        counts.append(row)
    assert counts[0] == counts[1], counts
    assert max(counts[1]) <= 10, counts  # the event page: its surveys' and report's rows too


def test_in_person_registration_asks_for_passport_details(client, participant, roundtable,
                                                          make_event):
    login_as(client, participant)
    form = rendered_form(client, f"/events/{roundtable.id}/register")
    nationalities = form.parsed.controls["nationality"].options
    assert nationalities == ["", *sorted(("AU", "ID", "MY", "NZ", "TH"),
                                         key=lambda code: cldr_country(code, "en"))]
    bad = form.fill(attend_as="in_person", consent_chatham="y", consent_data="y",
                    passport_name="PITA PARTICIPANT", nationality="NZ",
                    passport_number="LA-12").submit()
    assert bad.status_code == 400 and _count() == 0
    refused = refusal(bad.get_data(as_text=True))
    assert "passport_number" in refused.invalid and "passport_number" in refused.summary_links
    assert "5 to 20 letters and digits" in refused.errors["passport_number"]
    response = form_in(client, form.page_url, bad.get_data(as_text=True)).fill(
        passport_number="la 123 4567").submit()
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert (registration.passport_name, registration.nationality,
            registration.passport_number) == ("PITA PARTICIPANT", "NZ", "LA1234567")
    # The person reads their own details back; no field asks them in a virtual event.
    edit = rendered_form(client, f"/registrations/{registration.id}/edit")
    assert edit.values["passport_number"] == ["LA1234567"]
    assert edit.values["nationality"] == ["NZ"]
    virtual = make_event(kind=EventKind.VIRTUAL, is_invitation_only=False)
    names = rendered_form(client, f"/events/{virtual.id}/register").names
    assert not names & {"passport_name", "nationality", "passport_number"}


def test_a_place_on_the_waitlist_is_said_once_with_its_number(client, organiser, make_user,
                                                              roundtable):
    """Not "On the waitlist · number 2 on the waitlist": the number in the queue says it."""
    people = [make_user() for _ in range(4)]
    for person in people:
        services.register(roundtable, person, services.RegistrationInput(
            consent_chatham=True, consent_data=True))
    db.session.commit()

    def standing(number):
        return str(escape(gettext("On the waitlist: number %(n)d", n=number)))

    login_as(client, people[3])
    for url in (f"/events/{roundtable.id}", "/registrations"):
        page = client.get(url).get_data(as_text=True)
        assert f"<strong>{standing(2)}</strong>" in page, url
        assert "number 2 on the waitlist" not in page
    login_as(client, organiser)
    roster = client.get(f"/events/{roundtable.id}/registrations").get_data(as_text=True)
    assert f">{standing(1)}</td>" in roster and f">{standing(2)}</td>" in roster
