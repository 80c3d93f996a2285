"""A focal point registers a delegate of their own delegation on the delegate's behalf, or
replaces one delegate in one registration by another (issue #19)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.services import set_focal_point
from app.core.models import AuditRecord
from app.delegations import services
from app.events.models import EventKind
from app.extensions import db
from app.notices.models import Notice
from app.registrations.models import AttendAs
from app.registrations.models import DelegationQuota
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.services import RegistrationConflict
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form


@pytest.fixture
def thai(make_user, organiser, make_event):
    """A Thai focal point, three Thai delegates (one registered), a Malaysian, an open
    hybrid event."""
    focal = make_user(("participant",), country="TH", display_name="Focal Thai")
    set_focal_point(focal, True, organiser)
    people = {name: make_user(("participant",), country="TH", display_name=f"{name} Thai")
              for name in ("Registered", "Newcomer", "Successor")}
    malaysian = make_user(("participant",), country="MY", display_name="Malaysian Delegate")
    event = make_event(title="Bangkok roundtable", is_invitation_only=False,
                       kind=EventKind.HYBRID, start_date=date(2099, 3, 10))
    registration = register(event, people["Registered"], RegistrationInput(
        consent_chatham=True, consent_data=True, dietary_needs="Halal"))
    db.session.commit()
    return {"focal": focal, **people, "malaysian": malaysian, "event": event,
            "registration": registration, "organiser": organiser}


def _on_behalf(thai, person, actor=None, attend_as=AttendAs.ONLINE, **agreed):
    return services.register_on_behalf(
        thai["event"], person, actor or thai["focal"], attend_as,
        agreed_chatham=agreed.get("chatham", True), agreed_data=agreed.get("data", True))


def test_registering_on_behalf_records_who_and_tells_the_delegate(thai):
    newcomer = thai["Newcomer"]
    registration = _on_behalf(thai, newcomer)
    db.session.commit()
    assert registration.user_id == newcomer.id
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.attend_as == AttendAs.ONLINE
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "registration_made_on_behalf"))
    assert record.actor_id == thai["focal"].id and record.subject_id == registration.id
    assert record.detail["delegate_id"] == newcomer.id
    assert record.detail["affirmed_by_actor"] == ["chatham_house_rule", "data_use"]
    assert db.session.scalar(select(Notice.recipient_id).where(
        Notice.kind == "registration_made_on_behalf")) == newcomer.id


def test_the_focal_point_must_affirm_the_delegates_agreement(thai):
    with pytest.raises(services.DelegationRefusal):
        _on_behalf(thai, thai["Newcomer"], chatham=False)
    with pytest.raises(services.DelegationRefusal):
        _on_behalf(thai, thai["Newcomer"], data=False)
    assert db.session.scalar(select(Registration.id).where(
        Registration.user_id == thai["Newcomer"].id)) is None


def test_only_their_own_delegation_and_not_twice(thai, make_user):
    with pytest.raises(services.DelegationRefusal):
        _on_behalf(thai, thai["malaysian"])
    with pytest.raises(services.DelegationRefusal):
        _on_behalf(thai, thai["Registered"])
    focal_my = make_user(("participant",), country="MY")
    set_focal_point(focal_my, True, thai["organiser"])
    with pytest.raises(services.DelegationRefusal):
        _on_behalf(thai, thai["Newcomer"], actor=focal_my)
    # Organisers act for every delegation.
    assert _on_behalf(thai, thai["malaysian"], actor=thai["organiser"]).user_id == \
        thai["malaysian"].id


def test_capacity_and_quota_stay_the_services(thai):
    event = thai["event"]
    event.capacity = 1  # the registered delegate holds the one place in person
    db.session.commit()
    waiting = _on_behalf(thai, thai["Newcomer"], attend_as=AttendAs.IN_PERSON)
    assert waiting.status == RegistrationStatus.WAITLISTED
    event.capacity = None
    db.session.add(DelegationQuota(event_id=event.id, country_code="TH", max_in_person=1))
    db.session.commit()
    with pytest.raises(RegistrationConflict):
        _on_behalf(thai, thai["Successor"], attend_as=AttendAs.IN_PERSON)


def test_replacing_moves_one_registration_and_tells_both(thai):
    registration, successor = thai["registration"], thai["Successor"]
    services.replace_delegate(registration, successor, thai["focal"])
    db.session.commit()
    moved = db.session.get(Registration, registration.id)
    assert moved.user_id == successor.id and moved.status == RegistrationStatus.CONFIRMED
    assert moved.dietary_needs == ""
    assert db.session.scalar(select(AuditRecord.detail).where(
        AuditRecord.action == "registration_handed_over")) == {
            "to": "confirmed", "successor_id": successor.id}
    told = dict(db.session.execute(select(Notice.recipient_id, Notice.kind).where(
        Notice.kind.in_(("registration_handed_over", "registration_received")))).all())
    assert told == {thai["Registered"].id: "registration_handed_over",
                    successor.id: "registration_received"}


def test_replacing_is_refused_across_delegations_and_to_the_registered(thai, make_user):
    with pytest.raises(services.DelegationRefusal):
        services.replace_delegate(thai["registration"], thai["malaysian"], thai["focal"])
    db.session.rollback()  # as the request's unit of work does after a refusal
    _on_behalf(thai, thai["Newcomer"])
    db.session.commit()
    with pytest.raises(services.DelegationRefusal):
        services.replace_delegate(thai["registration"], thai["Newcomer"], thai["focal"])
    db.session.rollback()
    focal_my = make_user(("participant",), country="MY")
    set_focal_point(focal_my, True, thai["organiser"])
    with pytest.raises(services.DelegationRefusal):
        services.replace_delegate(thai["registration"], thai["Successor"], focal_my)


def test_register_through_the_rendered_form(app, thai):
    client = app.test_client()
    login_as(client, thai["focal"])
    action = f"/delegation/events/{thai['event'].id}/register"
    form = rendered_form(client, "/delegation", action=action)
    prefix = f"event{thai['event'].id}-"
    offered = form.parsed.controls[prefix + "delegate"].options
    assert str(thai["Newcomer"].id) in offered and str(thai["Registered"].id) not in offered
    assert str(thai["malaysian"].id) not in offered
    # Without the affirmation: refused beside the box, nothing registered.
    form.fill(**{prefix + "delegate": str(thai["Newcomer"].id), prefix + "attend_as": "online"})
    response = form.submit()
    assert response.status_code == 400
    assert prefix + "agreed_chatham" in refusal(response.get_data(as_text=True)).invalid
    form.fill(**{prefix + "agreed_chatham": True, prefix + "agreed_data": True})
    assert form.submit().status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Registration.status).where(
        Registration.user_id == thai["Newcomer"].id)) == RegistrationStatus.CONFIRMED


def test_replace_through_the_confirmation_page(app, thai):
    client = app.test_client()
    login_as(client, thai["focal"])
    page = client.get("/delegation").get_data(as_text=True)
    url = f"/delegation/registrations/{thai['registration'].id}/replace"
    assert url in page
    form = rendered_form(client, url)
    assert str(thai["malaysian"].id) not in form.parsed.controls["successor"].options
    assert db.session.get(Registration, thai["registration"].id).user_id == \
        thai["Registered"].id  # the GET changed nothing
    form.fill(successor=str(thai["Successor"].id))
    assert form.submit().status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, thai["registration"].id).user_id == \
        thai["Successor"].id


def test_another_delegations_focal_point_and_participants_are_kept_out(app, thai, make_user):
    focal_my = make_user(("participant",), country="MY")
    set_focal_point(focal_my, True, thai["organiser"])
    db.session.commit()
    client = app.test_client()
    login_as(client, focal_my)
    url = f"/delegation/registrations/{thai['registration'].id}/replace"
    assert client.get(url).status_code == 404
    assert "Newcomer Thai" not in client.get("/delegation").get_data(as_text=True)
    login_as(client, thai["Newcomer"])
    assert client.get(url).status_code == 403
