"""A participant asks for a bilateral call; organisers are told and plan it from the request."""

from sqlalchemy import select

from app.bilaterals.models import BilateralCall
from app.bilaterals.models import CallRequest
from app.core.models import OutboxMessage
from app.extensions import db
from tests.fixtures.people import login_as


def test_participant_asks_and_the_organiser_plans_from_it(client, participant, organiser):
    login_as(client, participant)  # New Zealand
    response = client.post("/bilaterals/ask", data={"country": "TH", "topic": "Guardianship",
                                                    "note": "After the April workshop"})
    assert response.status_code == 302
    request = db.session.scalar(select(CallRequest))
    assert (request.country_a, request.country_b, request.call_id) == ("NZ", "TH", None)
    told = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == organiser.email)).all()
    assert any("asks for a bilateral call" in subject for subject in told)
    assert "Requests from participants" not in client.get("/bilaterals").get_data(as_text=True)

    login_as(client, organiser)
    listing = client.get("/bilaterals").get_data(as_text=True)
    assert "Guardianship" in listing and participant.display_name in listing
    form = client.get(f"/bilaterals/new?request={request.id}").get_data(as_text=True)
    assert 'value="Guardianship"' in form


def test_asking_refuses_bad_input_and_other_roles(client, participant, interpreter):
    login_as(client, participant)
    same = client.post("/bilaterals/ask", data={"country": "NZ", "topic": "X"})
    assert same.status_code == 422
    empty = client.post("/bilaterals/ask", data={"country": "TH", "topic": ""})
    assert empty.status_code == 422
    assert db.session.scalar(select(CallRequest)) is None
    assert db.session.scalar(select(BilateralCall)) is None
    login_as(client, interpreter)
    assert client.post("/bilaterals/ask", data={"country": "AU", "topic": "X"}
                       ).status_code == 403
