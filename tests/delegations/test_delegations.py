"""Delegation focal points: appointed by organisers for their own country, they see their
delegation's registrations and needs (only theirs) and hand a departing delegate over."""

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.services import AccountError
from app.auth.services import set_focal_point
from app.bilaterals.models import Answer
from app.bilaterals.models import CallInvitee
from app.bilaterals.models import SlotVote
from app.core.models import AuditRecord
from app.core.visibility import Seen
from app.core.visibility import can_see_needs
from app.core.visibility import visible_name
from app.delegations import services
from app.extensions import db
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus
from app.registrations.services import RegistrationConflict
from app.registrations.services import RegistrationInput
from app.registrations.services import cancel_registration
from app.registrations.services import register
from app.workinggroups.models import WorkingGroupMember
from tests.delegations.seats import seat_and_poll
from tests.fixtures.people import login_as


def _register(event, user, **details):
    return register(event, user, RegistrationInput(consent_chatham=True, consent_data=True,
                                                   **details))


@pytest.fixture
def thai(make_user, organiser, make_event):
    """A Thai focal point, a departing Thai delegate with a registration (needs and all), a
    working-group seat, a call invitation and poll answers, and a successor."""
    focal = make_user(("participant",), country="TH", display_name="Focal Thai")
    set_focal_point(focal, True, organiser)
    departing = make_user(("participant",), country="TH", display_name="Departing Thai")
    successor = make_user(("participant",), country="TH", display_name="Successor Thai")
    malaysian = make_user(("participant",), country="MY", display_name="Malaysian Delegate")
    event = make_event(title="Bangkok roundtable", is_invitation_only=False,
                       start_date=date(2099, 3, 10))
    registration = _register(event, departing, dietary_needs="Halal",
                             access_needs="Step-free access")
    _register(event, malaysian, dietary_needs="No peanuts", access_needs="Large print")
    group, call = seat_and_poll(departing, malaysian, organiser)
    db.session.commit()
    return {"focal": focal, "departing": departing, "successor": successor,
            "malaysian": malaysian, "event": event, "registration": registration,
            "group": group, "call": call, "organiser": organiser}


def test_only_a_participant_with_a_country_is_appointed(make_user, organiser):
    stateless = make_user(("participant",), country=None)
    with pytest.raises(AccountError):
        set_focal_point(stateless, True, organiser)
    interpreter = make_user(("interpreter",), country="TH")
    with pytest.raises(AccountError):
        set_focal_point(interpreter, True, organiser)
    thai = make_user(("participant",), country="TH")
    set_focal_point(thai, True, organiser)
    assert thai.focal_country == "TH"
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "focal_point_appointed", AuditRecord.subject_id == thai.id))
    assert record.detail == {"country": "TH"}
    set_focal_point(thai, False, organiser)
    assert thai.focal_country is None


def test_a_focal_point_of_th_sees_nothing_of_my(thai):
    focal, malaysian, departing = thai["focal"], thai["malaysian"], thai["departing"]
    assert visible_name(focal, departing, Seen.DELEGATION) == "Departing Thai"
    assert can_see_needs(focal, departing)
    assert visible_name(focal, malaysian, Seen.DELEGATION) is None
    assert not can_see_needs(focal, malaysian)
    # The roster stays the organisers': a delegation context names nobody elsewhere.
    assert visible_name(focal, departing, Seen.ATTENDEE) is None


def test_my_delegation_page_shows_their_delegation_only(app, thai):
    client = app.test_client()
    login_as(client, thai["focal"])
    page = client.get("/delegation").get_data(as_text=True)
    for seen in ("Bangkok roundtable", "Departing Thai", "Halal", "Step-free access"):
        assert seen in page
    for unseen in ("Malaysian Delegate", "No peanuts", "Large print",
                   thai["departing"].email):
        assert unseen not in page
    # Another delegation cannot be asked for.
    assert "Malaysian Delegate" not in client.get("/delegation?country=MY").get_data(
        as_text=True)


def test_others_are_refused(app, thai, make_user):
    client = app.test_client()
    login_as(client, thai["malaysian"])
    assert client.get("/delegation").status_code == 403
    focal_my = make_user(("participant",), country="MY")
    set_focal_point(focal_my, True, thai["organiser"])
    db.session.commit()
    login_as(client, focal_my)
    assert client.get(f"/delegation/{thai['departing'].id}/handover").status_code == 404
    with pytest.raises(services.DelegationRefusal):
        services.hand_over(thai["departing"], thai["successor"], focal_my)


def test_handover_moves_everything_once_with_one_audit_record(thai):
    departing, successor = thai["departing"], thai["successor"]
    result = services.hand_over(departing, successor, thai["focal"])
    db.session.commit()
    slots = len(thai["call"].slots)
    assert dict(result.moved) == {"registrations": 1, "invitations": 1, "answers": slots,
                                  "groups": 1}
    registration = db.session.get(Registration, thai["registration"].id)
    assert registration.user_id == successor.id
    assert registration.status == RegistrationStatus.CONFIRMED
    # The departing delegate's needs are theirs: they do not move.
    assert (registration.dietary_needs, registration.access_needs) == ("", "")
    assert db.session.scalar(select(WorkingGroupMember.user_id).where(
        WorkingGroupMember.group_id == thai["group"].id)) == successor.id
    assert db.session.scalar(select(CallInvitee.id).where(
        CallInvitee.user_id == departing.id)) is None
    assert len(db.session.scalars(select(SlotVote).where(
        SlotVote.user_id == successor.id)).all()) == slots
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "delegate_handed_over")).all()
    assert len(records) == 1 and records[0].detail["moved"] == dict(result.moved)
    # Both are told, each by a notice of their own.
    from app.notices.models import Notice

    told = dict(db.session.execute(select(Notice.recipient_id, Notice.kind).where(
        Notice.kind.in_(("registration_handed_over", "registration_received")))).all())
    assert told == {departing.id: "registration_handed_over",
                    successor.id: "registration_received"}
    # A second handover finds nothing left.
    again = services.hand_over(departing, successor, thai["focal"])
    assert not any(again.moved.values())


def test_the_successors_own_answers_and_registration_win(thai):
    departing, successor, call = thai["departing"], thai["successor"], thai["call"]
    db.session.add(CallInvitee(call_id=call.id, user_id=successor.id))
    db.session.add(SlotVote(slot_id=call.slots[0].id, user_id=successor.id, answer=Answer.NO))
    own = _register(thai["event"], successor)
    db.session.commit()
    result = services.hand_over(departing, successor, thai["focal"])
    db.session.commit()
    assert result.kept["registrations"] == 1 and result.kept["answers"] == 1
    assert result.kept["invitations"] == 1
    assert db.session.get(Registration, thai["registration"].id).user_id == departing.id
    assert db.session.get(Registration, own.id).user_id == successor.id
    answer = db.session.scalar(select(SlotVote.answer).where(
        SlotVote.slot_id == call.slots[0].id, SlotVote.user_id == successor.id))
    assert answer == Answer.NO


def test_a_cancelled_registration_does_not_move_and_a_moved_one_is_not_cancelled(thai):
    departing, successor = thai["departing"], thai["successor"]
    services.hand_over(departing, successor, thai["focal"])
    db.session.commit()
    with pytest.raises(RegistrationConflict):
        cancel_registration(db.session.get(Registration, thai["registration"].id), departing)


def test_handover_confirmation_then_post(app, thai):
    client = app.test_client()
    login_as(client, thai["focal"])
    url = f"/delegation/{thai['departing'].id}/handover"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bangkok roundtable" in text and "Thai working group" in text
    assert 'name="deactivate"' not in text  # organisers only
    assert db.session.get(Registration, thai["registration"].id).user_id == thai["departing"].id
    from tests.forms import parse_forms

    form = next(f for f in parse_forms(text) if f.method == "post" and "successor" in f.controls)
    assert str(thai["successor"].id) in form.controls["successor"].options
    assert "Malaysian" not in text
    data = {name: control.values[0] if control.values else ""
            for name, control in form.controls.items()}
    data["successor"] = str(thai["successor"].id)
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, thai["registration"].id).user_id == thai["successor"].id


def test_an_organiser_may_deactivate_the_departing_account(app, thai):
    services.hand_over(thai["departing"], thai["successor"], thai["organiser"], deactivate=True)
    db.session.commit()
    assert not thai["departing"].is_active
    with pytest.raises(services.DelegationRefusal):
        services.hand_over(thai["successor"], thai["focal"], thai["focal"], deactivate=True)


def test_the_successor_must_be_of_the_same_delegation(thai):
    with pytest.raises(services.DelegationRefusal):
        services.hand_over(thai["departing"], thai["malaysian"], thai["organiser"])


def test_organisers_appoint_from_the_accounts_page(app, thai, make_user):
    client = app.test_client()
    login_as(client, thai["organiser"])
    person = make_user(("participant",), country="ID")
    page = client.get("/accounts").get_data(as_text=True)
    assert f"/accounts/{person.id}/focal-point/appoint" in page
    from tests.forms import parse_forms

    form = next(f for f in parse_forms(page)
                if f.action and f.action.startswith(f"/accounts/{person.id}/focal-point"))
    data = {name: control.values[0] if control.values else ""
            for name, control in form.controls.items()}
    assert client.post(form.action, data=data).status_code == 302
    db.session.expire_all()
    assert person.focal_country == "ID"


def test_a_private_meeting_of_the_delegation_stays_unseen(app, thai, make_event):
    """A scheduled bilateral call is seen by its audience only: a focal point outside it
    reads neither its title on My delegation nor on the handover page."""
    private = make_event(title="Private follow-up call", is_private=True,
                         is_invitation_only=False, start_date=date(2099, 4, 1))
    db.session.add(Registration(event_id=private.id, user_id=thai["departing"].id,
                                status=RegistrationStatus.CONFIRMED,
                                attend_as=thai["registration"].attend_as,
                                consented_dt=thai["registration"].consented_dt))
    db.session.commit()
    client = app.test_client()
    login_as(client, thai["focal"])
    assert "Private follow-up call" not in client.get("/delegation").get_data(as_text=True)
    page = client.get(f"/delegation/{thai['departing'].id}/handover").get_data(as_text=True)
    assert "Private follow-up call" not in page and "a private meeting" in page
