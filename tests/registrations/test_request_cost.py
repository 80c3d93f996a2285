"""What one registration costs the database: the statements a registration rush repeats
hundreds of times a second (bench/registration_rush.py). Each one spared is CPU in the worker
and in PostgreSQL, and those after the event's lock are time every other registration for
the event waits."""

import pytest
from sqlalchemy import event as sa_event

from app.events.models import EventKind
from app.extensions import db
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


def test_a_registration_reads_the_person_languages_and_places_once_at_most(
        client, participant, make_event, statements):
    virtual = make_event(kind=EventKind.VIRTUAL, capacity=1, is_invitation_only=False)
    login_as(client, participant)
    form = rendered_form(client, f"/events/{virtual.id}/register")
    statements.clear()
    response = form.fill(consent_chatham="y", consent_data="y").submit()
    assert response.status_code == 302
    assert len(_reading(statements, "users")) == 1  # signed in; not again for the log line
    assert len(_reading(statements, "languages")) == 1  # the choices and their names
    assert _reading(statements, "session_places") == []  # a new registration holds none


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
