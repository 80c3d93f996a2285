"""An invitation-only event and an account that names no country: a person's invitation is
theirs alone, and a delegation's is for those who name its country."""

from app.extensions import db
from app.registrations import services
from tests.fixtures.people import login_as


def consent():
    return services.RegistrationInput(consent_chatham=True, consent_data=True)


def test_someone_elses_invitation_does_not_let_a_person_without_a_country_in(
        make_event, make_user):
    event = make_event(is_invitation_only=True)
    invited, stateless = make_user(country="NZ"), make_user(country=None)
    services.invite_to_event(event, user=invited)
    assert services.may_register(event, invited)
    assert not services.may_register(event, stateless)


def test_a_delegation_invitation_lets_in_its_participants_only(make_event, make_user):
    event = make_event(is_invitation_only=True)
    services.invite_to_event(event, country_code="TH")
    assert services.may_register(event, make_user(country="TH"))
    assert not services.may_register(event, make_user(country="NZ"))
    assert not services.may_register(event, make_user(country=None))


def test_the_event_page_offers_registration_to_the_invited_only(
        client, make_event, make_user, query_counter):
    """What the page says agrees with what ``register`` allows; the viewer's registration
    and their invitation are read in one statement."""
    event = make_event(is_invitation_only=True)
    invited, uninvited, stateless = (make_user(country="NZ"), make_user(country="TH"),
                                     make_user(country=None))
    services.invite_to_event(event, user=invited)
    services.invite_to_event(event, country_code="AU")
    db.session.commit()
    for person, offered in ((invited, True), (uninvited, False), (stateless, False),
                            (make_user(country="AU"), True)):
        login_as(client, person)
        with query_counter() as statements:
            page = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert (f'href="/events/{event.id}/register"' in page) is offered, person.country_code
        assert ("This event is by invitation only." in page) is not offered
        reading = [s for s in statements if "event_invitees" in s]
        assert len(reading) == 1 and "registrations" in reading[0]


def test_pages_other_than_the_event_page_read_the_same_invitation(app, make_event, make_user):
    """Outside the event page (which reads it with the event), the viewer's registration and
    invitation come from one statement beside the event, by the same rule."""
    event = make_event(is_invitation_only=True)
    invited, delegate, uninvited, stateless = (make_user(country="NZ"), make_user(country="AU"),
                                               make_user(country="TH"), make_user(country=None))
    services.invite_to_event(event, user=invited)
    services.invite_to_event(event, country_code="AU")
    services.register(event, invited, consent())
    db.session.commit()
    for person, may, registered in ((invited, True, True), (delegate, True, False),
                                    (uninvited, False, False), (stateless, False, False)):
        with app.test_request_context():
            assert services.viewer_may_register(event, person) is may, person.country_code
            assert (services.viewer_registration(event, person) is not None) is registered
