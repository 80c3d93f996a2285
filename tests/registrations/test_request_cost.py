"""What one registration costs the database: the statements a registration rush repeats
hundreds of times a second (bench/registration_rush.py). Each one spared is CPU in the worker
and in PostgreSQL, and those after the event's lock are time every other registration for
the event waits."""

import pytest
from flask_babel import gettext
from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlalchemy import select

from app.events.models import EventKind
from app.extensions import db
from app.registrations import services
from app.registrations.models import Registration
from tests.fixtures.people import login_as
from tests.forms import rendered_form


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        seen.append(" ".join(statement.split()))

    sa_event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa_event.remove(db.engine, "before_cursor_execute", record)


def _reading(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.startswith("SELECT") and f" FROM {table}" in s]


def test_a_registration_choosing_nothing_reads_no_list_it_could_have_chosen_from(
        client, participant, make_event, statements):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    statements.clear()
    response = form.fill(consent_chatham="y", consent_data="y").submit()
    assert response.status_code == 302
    assert len(_reading(statements, "users")) == 1  # signed in; not again for the log line
    # No language, nationality or session chosen: none of their lists is read.
    assert _reading(statements, "languages") == []
    assert _reading(statements, "countries") == []
    assert _reading(statements, "sessions") == []
    assert _reading(statements, "session_places") == []  # a new registration holds none
    # The registration and the seats taken are read in one statement, under the lock (a
    # confirmed place has no waitlist position to read).
    assert len(_reading(statements, "registrations")) == 1


def test_a_chosen_language_and_nationality_are_checked_against_their_lists_once(
        client, participant, make_event, statements):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    language = next(code for code in form._control("interpretation_language").options if code)
    statements.clear()
    response = form.fill(consent_chatham="y", consent_data="y",
                         interpretation_language=language).submit()
    assert response.status_code == 302
    assert len(_reading(statements, "languages")) == 1  # the choices and their names
    assert db.session.scalar(select(Registration.interpretation_language)) == language


def test_a_language_the_list_does_not_offer_is_refused_and_nothing_is_saved(
        client, participant, make_event):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    data = {**form.fill(consent_chatham="y", consent_data="y").data(),
            "interpretation_language": "xx"}
    response = client.post(form.action, data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_the_log_line_names_who_signed_in_without_reloading_them(
        app, client, participant, make_event, statements, caplog):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    statements.clear()
    level = app.logger.level
    app.logger.setLevel("INFO")
    app.logger.propagate = True  # to caplog's handler
    try:
        with caplog.at_level("INFO", logger=app.logger.name):
            form.fill(consent_chatham="y", consent_data="y").submit()
    finally:
        app.logger.propagate = False
        app.logger.setLevel(level)
    assert any(f"user={participant.id}" in r.getMessage() for r in caplog.records)
    assert len(_reading(statements, "users")) == 1


def test_a_waitlisted_registration_reads_its_place_in_the_queue_with_the_seats(
        client, participant, make_user, make_event, statements):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    services.register(virtual, make_user(), services.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    statements.clear()
    response = form.fill(consent_chatham="y", consent_data="y").submit()
    assert response.status_code == 302
    # One statement read the registration, the seats and the queue, under the lock.
    assert len(_reading(statements, "registrations")) == 1
    registration = db.session.scalar(select(Registration).where(
        Registration.user_id == participant.id))
    assert services.waitlist_position(registration) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert gettext("The event is full: you are number %(n)d on the waitlist.", n=1) in page
