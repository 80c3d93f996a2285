"""The organisers' accounts page: who has which role, deactivating and reactivating, and
invitations sent again (one live invitation per address)."""

import re

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import Invitation
from app.auth.models import User
from app.core.models import AuditRecord
from app.core.models import OutboxMessage
from app.extensions import db
from tests.fixtures.people import login_as
from tests.formatting import country


def _roles(client, person, *roles, **query):
    return client.post(f"/accounts/{person.id}/roles", data={f"u{person.id}-roles": list(roles)},
                       query_string=query)


def _audit(person) -> list[tuple[str, dict]]:
    return [(record.action, record.detail) for record in db.session.scalars(
        select(AuditRecord).where(AuditRecord.subject_type == "user",
                                  AuditRecord.subject_id == person.id).order_by(AuditRecord.id))]


def test_the_page_lists_people_with_their_roles_country_and_status(client, organiser,
                                                                   make_user):
    thai = make_user(("participant", "interpreter"), country="TH", display_name="Nok Srisai",
                     pseudonym="Youth advocate B")
    gone = make_user(("participant",), country="ID", display_name="Left Already")
    gone.deactivated_dt = gone.created_dt
    db.session.commit()
    login_as(client, organiser)
    page = client.get("/accounts").get_data(as_text=True)
    card = page[page.index(f'id="account-{thai.id}"'):]
    card = card[:card.index("</li>\n")]
    for text in ("Nok Srisai", "Youth advocate B", thai.email, "Participant, Interpreter",
                 country("TH", "en"), "Active"):
        assert text in card, text
    assert f'href="/accounts/{thai.id}/deactivate"' in card
    assert "Deactivated" in page and f"/accounts/{gone.id}/reactivate" in page

    only = client.get("/accounts?status=deactivated").get_data(as_text=True)
    assert gone.email in only and thai.email not in only
    interpreters = client.get("/accounts?role=interpreter").get_data(as_text=True)
    assert thai.email in interpreters and organiser.email not in interpreters
    # Nonsense in the filter is ignored, not an error.
    assert client.get("/accounts?role=king&status=x&page=-3").status_code == 200


@pytest.mark.parametrize("role", ["participant", "interpreter"])
def test_only_organisers_see_the_accounts_page(client, make_user, role):
    login_as(client, make_user((role,)))
    assert client.get("/accounts").status_code == 403


def test_the_page_runs_the_same_queries_for_3_or_120_people_and_is_paged(
        client, organiser, make_user, query_counter):
    login_as(client, organiser)
    for _n in range(2):
        make_user(("participant",))
    client.get("/accounts")  # warm: the viewer's own loading

    def reads():
        with query_counter() as statements:
            assert client.get("/accounts").status_code == 200
        return len(statements)

    few = reads()
    for _n in range(117):
        make_user(("participant",))
    assert reads() == few
    first = client.get("/accounts").get_data(as_text=True)
    assert first.count('class="card"') == services.ACCOUNTS_PER_PAGE
    assert "120 accounts" in first and 'href="/accounts?page=2"' in first
    last = client.get("/accounts?page=3").get_data(as_text=True)
    assert last.count('class="card"') == 120 - 2 * services.ACCOUNTS_PER_PAGE


def test_making_a_participant_an_interpreter_shows_at_their_next_page(app, client, organiser,
                                                                      participant):
    theirs = login_as(app.test_client(), participant)
    assert "My assignments" not in theirs.get("/").get_data(as_text=True)
    login_as(client, organiser)
    response = _roles(client, participant, "participant", "interpreter", status="active")
    assert response.status_code == 302 and response.location == "/accounts?status=active"
    assert "My assignments" in theirs.get("/").get_data(as_text=True)  # same session
    assert _audit(participant) == [("roles_changed", {"before": ["participant"],
                                                      "after": ["participant",
                                                                "interpreter"]})]
    # Saving the same roles again changes nothing and audits nothing.
    assert _roles(client, participant, "participant", "interpreter").status_code == 302
    assert len(_audit(participant)) == 1


def test_a_removed_role_stops_working_at_the_next_click_without_a_sign_out(
        app, client, organiser, make_user):
    colleague = make_user(("organiser",))
    theirs = login_as(app.test_client(), colleague)
    assert theirs.get("/accounts").status_code == 200
    login_as(client, organiser)
    assert _roles(client, colleague, "participant").status_code == 302
    assert theirs.get("/accounts").status_code == 403
    assert theirs.get("/profile").status_code == 200  # still signed in


def test_an_organiser_cannot_remove_their_own_organiser_role(client, organiser):
    login_as(client, organiser)
    response = _roles(client, organiser, "participant")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You cannot remove your own organiser role" in page
    assert f'id="u{organiser.id}-roles-0"' in page and 'aria-invalid="true"' in page
    assert db.session.get(User, organiser.id).is_organiser
    # Adding a role to oneself is fine.
    assert _roles(client, organiser, "organiser", "interpreter").status_code == 302


def test_at_least_one_role_is_needed(client, organiser, participant):
    login_as(client, organiser)
    response = _roles(client, participant)
    assert response.status_code == 400 and b"Choose at least one role" in response.data
    assert db.session.get(User, participant.id).roles == ["participant"]


def test_an_organiser_demoted_meanwhile_can_no_longer_change_accounts(organiser, make_user):
    colleague = make_user(("organiser",))
    services.change_roles(colleague, ["participant"], organiser)
    db.session.commit()
    # The colleague's page was loaded before: acting now is refused, so the last active
    # organiser keeps their role.
    with pytest.raises(services.AccountConflict):
        services.change_roles(organiser, ["participant"], colleague)
    with pytest.raises(services.AccountConflict):
        services.set_active(organiser, False, colleague)
    db.session.rollback()
    assert db.session.get(User, organiser.id).is_organiser


def test_deactivation_is_confirmed_first_and_reactivation_is_one_click(app, client,
                                                                        organiser, participant):
    theirs = login_as(app.test_client(), participant)
    login_as(client, organiser)
    confirm = client.get(f"/accounts/{participant.id}/deactivate")
    assert confirm.status_code == 200
    assert b"signed out on every device" in confirm.data
    assert db.session.get(User, participant.id).is_active  # asking changed nothing
    done = client.post(f"/accounts/{participant.id}/deactivate?status=active")
    assert done.status_code == 302 and done.location == "/accounts?status=active"
    assert theirs.get("/profile").status_code == 302
    again = client.get(f"/accounts/{participant.id}/deactivate")
    assert again.status_code == 409 and b"already deactivated" in again.data
    assert client.post(f"/accounts/{participant.id}/reactivate").status_code == 302
    assert db.session.get(User, participant.id).is_active
    assert [action for action, _detail in _audit(participant)] == [
        "account_deactivated", "account_reactivated"]
    # A second press of reactivate changes nothing and audits nothing.
    assert client.post(f"/accounts/{participant.id}/reactivate").status_code == 302
    assert len(_audit(participant)) == 2


def _invite(client, email, roles=("participant",)):
    response = client.post("/invitations", data={"email": email, "roles": list(roles),
                                                 "country": "TH"})
    assert response.status_code == 302
    body = db.session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/join/([\w-]+)", body).group(1)


def test_inviting_an_address_again_replaces_the_pending_invitation(client, organiser):
    login_as(client, organiser)
    first = _invite(client, "twice@example.org")
    second = _invite(client, "twice@example.org", roles=("interpreter",))
    refused = client.get(f"/join/{first}")
    assert refused.status_code == 410 and b"A newer invitation was sent" in refused.data
    assert client.get(f"/join/{second}").status_code == 200
    page = client.get("/invitations").get_data(as_text=True)
    assert page.count(">twice@example.org</td>") == 1  # one row: the latest


def test_send_again_gives_a_new_link_with_the_same_roles(client, organiser):
    login_as(client, organiser)
    first = _invite(client, "again@example.org", roles=("interpreter",))
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.email == "again@example.org"))
    response = client.post(f"/invitations/{invitation.id}/resend")
    assert response.status_code == 302
    assert b"Invitation sent to again@example.org" in client.get("/invitations").data
    latest = db.session.scalars(select(Invitation).where(
        Invitation.email == "again@example.org").order_by(Invitation.id.desc())).first()
    assert latest.id != invitation.id and latest.roles == ["interpreter"]
    assert latest.country_code == "TH"
    assert client.get(f"/join/{first}").status_code == 410
    assert len(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "again@example.org")).all()) == 2
