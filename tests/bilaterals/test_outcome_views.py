"""The call pages over HTTP, posting exactly what they render: the two delegations offered
and ticked, answers by person for organisers only, notes and actions after the call, and who
may see and do what (invitee, another participant, organiser, interpreter)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.bilaterals import outcomes
from app.bilaterals import services
from app.bilaterals.models import Answer
from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallAction
from app.core.time import fmt_day
from app.extensions import db
from tests.bilaterals.test_outcomes import make_call
from tests.forms import refusal
from tests.forms import rendered_form


def test_the_call_form_lists_and_ticks_the_two_delegations(client, login, delegations):
    people = delegations
    login(client, people["organiser"])
    blank = client.get("/bilaterals/new").get_data(as_text=True)
    assert "Aroha" not in blank and "Nok" not in blank  # no delegation before a pair
    form = rendered_form(client, "/bilaterals/new")
    form.fill(country_a="NZ", country_b="TH")
    shown = form.submit("show_delegates")
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "Dana" not in page and "Gone" not in page  # another country; deactivated
    form = rendered_form(client, "/bilaterals/new?country_a=NZ&country_b=TH")
    ticked = set(form.values["invitees"])
    assert ticked == {str(people[k].id) for k in ("nz", "nz2", "th")}
    assert str(people["interpreter"].id) in form.parsed.controls["invitees"].options
    form.fill(topic="Screening at the border", first_date="2027-04-01",
              last_date="2027-04-09", invitees=[*ticked, str(people["interpreter"].id)])
    response = form.submit("Find slots and open the poll")
    assert response.status_code == 302, refusal(response.get_data(as_text=True))
    call = db.session.scalar(select(BilateralCall))
    assert {i.user_id for i in call.invitees} == {
        people[k].id for k in ("nz", "nz2", "th", "interpreter")}


def test_a_call_without_the_second_delegation_is_refused_on_the_form(client, login,
                                                                     delegations):
    people = delegations
    login(client, people["organiser"])
    form = rendered_form(client, "/bilaterals/new?country_a=NZ&country_b=TH")
    form.fill(topic="One-sided", first_date="2027-04-01", last_date="2027-04-09",
              invitees=[str(people["nz"].id), str(people["organiser"].id)])
    response = form.submit("Find slots and open the poll")
    assert response.status_code == 422
    assert db.session.scalar(select(BilateralCall.id)) is None


@pytest.fixture
def polled(delegations):
    people = delegations
    call = make_call(people, people["nz"].id, people["th"].id, people["nz2"].id)
    services.vote(call, people["nz"], {slot.id: Answer.YES for slot in call.slots})
    db.session.commit()
    return call


def test_only_organisers_read_answers_by_person(client, login, delegations, polled):
    people = delegations
    login(client, people["organiser"])
    page = client.get(f"/bilaterals/{polled.id}").get_data(as_text=True)
    assert "Answers by person" in page
    not_answered = page.split('class="not-answered"')[1].split("</ul>")[0]
    assert "Bruce" in not_answered and "Nok" in not_answered and "Aroha" not in not_answered
    login(client, people["th"])
    page = client.get(f"/bilaterals/{polled.id}").get_data(as_text=True)
    assert "Answers by person" not in page
    assert "Aroha" not in page and "Bruce" not in page


@pytest.fixture
def held(delegations, polled):
    services.pick_slot(polled, polled.slots[0].id, delegations["organiser"])
    db.session.commit()
    return polled


def test_organiser_records_notes_and_an_action_the_owner_marks_done(client, login,
                                                                    delegations, held):
    people = delegations
    login(client, people["organiser"])
    url = f"/bilaterals/{held.id}"
    notes = rendered_form(client, url, action=f"/bilaterals/{held.id}/outcome")
    notes.fill(notes="Agreed to compare screening tools.")
    assert notes.submit().status_code == 302
    action = rendered_form(client, url, action=f"/bilaterals/{held.id}/actions")
    assert set(action.parsed.controls["owner"].options) >= {
        str(people[k].id) for k in ("nz", "nz2", "th", "organiser")}
    action.fill(text="Send the screening checklist", owner=str(people["th"].id),
                due_date="2027-05-03")
    assert action.submit().status_code == 302
    bad = rendered_form(client, url, action=f"/bilaterals/{held.id}/actions")
    bad.fill(text="", owner=str(people["th"].id), due_date="2027-05-03")
    response = bad.submit()
    assert response.status_code == 422
    assert "text" in refusal(response.get_data(as_text=True)).invalid
    created = db.session.scalar(select(CallAction))
    # The owner reads it on their list of calls and on the call, and marks it done there.
    login(client, people["th"])
    listing = client.get("/bilaterals").get_data(as_text=True)
    assert "Send the screening checklist" in listing
    assert fmt_day(date(2027, 5, 3), people["th"].formatting_locale) in listing
    page = client.get(url).get_data(as_text=True)
    assert "Agreed to compare screening tools." in page
    done = rendered_form(client, "/bilaterals",
                         action=f"/bilaterals/actions/{created.id}/done")
    response = done.submit()
    assert response.status_code == 302 and response.location.endswith("/bilaterals")
    db.session.refresh(created)
    assert created.is_done


def test_another_invitee_sees_the_action_but_not_who_owns_it_and_cannot_mark_it(
        client, login, delegations, held):
    people = delegations
    action = outcomes.add_action(held, outcomes.ActionInput(
        "Send the screening checklist", people["th"].id, date(2027, 5, 3)), people["organiser"])
    db.session.commit()
    login(client, people["nz"])
    page = client.get(f"/bilaterals/{held.id}").get_data(as_text=True)
    assert "Send the screening checklist" in page and "Another invitee" in page
    assert "Nok" not in page
    assert f"/bilaterals/actions/{action.id}/done" not in page  # no button offered
    assert client.post(f"/bilaterals/actions/{action.id}/done").status_code == 403
    db.session.refresh(action)
    assert not action.is_done


@pytest.mark.parametrize("role", ["invitee", "organiser", "participant", "interpreter"])
def test_role_matrix_for_the_outcome(client, login, make_user, delegations, held, role):
    people = delegations
    action = outcomes.add_action(held, outcomes.ActionInput(
        "Share the toolkit", people["nz"].id, date(2027, 5, 3)), people["organiser"])
    db.session.commit()
    viewer = {"invitee": people["nz"], "organiser": people["organiser"],
              "participant": make_user(("participant",), country="TH"),
              "interpreter": people["interpreter"]}[role]
    login(client, viewer)
    reads = role in ("invitee", "organiser")
    assert client.get(f"/bilaterals/{held.id}").status_code == (200 if reads else 404)
    marked = client.post(f"/bilaterals/actions/{action.id}/done")
    assert marked.status_code == (302 if reads else 404)
    edit = client.get(f"/bilaterals/actions/{action.id}/edit")
    assert edit.status_code == (200 if role == "organiser" else 403)
    add = client.post(f"/bilaterals/{held.id}/actions",
                      data={"text": "x", "owner": str(viewer.id), "due_date": "2027-05-03"})
    assert add.status_code in ((302,) if role == "organiser" else (403,))


def test_an_edited_action_changes_owner_on_its_own_page(client, login, delegations, held):
    people = delegations
    action = outcomes.add_action(held, outcomes.ActionInput(
        "Share the toolkit", people["nz"].id, date(2027, 5, 3)), people["organiser"])
    db.session.commit()
    login(client, people["organiser"])
    form = rendered_form(client, f"/bilaterals/actions/{action.id}/edit")
    assert form.values["text"] == ["Share the toolkit"]
    form.fill(owner=str(people["nz2"].id), due_date="2027-05-17")
    assert form.submit().status_code == 302
    db.session.refresh(action)
    assert (action.owner_id, action.due_date) == (people["nz2"].id, date(2027, 5, 17))
