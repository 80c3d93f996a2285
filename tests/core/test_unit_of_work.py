"""One unit of work per request: a writer's changes are committed once, after its view
answered without an error, and an error answer keeps none of them."""

from __future__ import annotations

import pytest
from flask import Response
from sqlalchemy import select

from app.core.db import after_the_response
from app.core.db import finish_unit_of_work
from app.core.models import Country
from app.extensions import db


def _renamed(app, status: int, method: str = "POST") -> str:
    with app.test_request_context("/", method=method):
        db.session.get(Country, "TH").name = "Renamed"
        finish_unit_of_work(Response(status=status))
        db.session.expire_all()
        return db.session.scalar(select(Country.name).where(Country.code == "TH"))


@pytest.mark.parametrize("status", [200, 302, 303])
def test_an_answer_without_error_keeps_the_change(app, db_session, status):
    assert _renamed(app, status) == "Renamed"


@pytest.mark.parametrize("status", [400, 403, 409, 422, 500])
def test_an_error_answer_keeps_nothing(app, db_session, status):
    assert _renamed(app, status) != "Renamed"


def test_a_reader_is_left_alone(app, db_session):
    """GET requests do not write (they read, on PostgreSQL without a transaction): the
    hook neither commits nor expires what they loaded."""
    with app.test_request_context("/", method="GET"):
        country = db.session.get(Country, "TH")
        country.name = "Renamed"
        finish_unit_of_work(Response(status=200))
        assert country in db.session.dirty  # not committed, not rolled back
        db.session.rollback()


def _answered(app, work) -> Response:
    """A request that leaves ``work`` for after its response; the response as the server
    holds it once the view and the after-request hooks have run, not yet closed."""
    with app.test_request_context("/", method="GET"):
        after_the_response(work)
        return app.process_response(Response("sent"))


def _country_name() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Country.name).where(Country.code == "TH"))


def test_work_after_the_response_runs_when_it_has_gone_out_and_is_kept(app, db_session):
    def rename():
        db.session.get(Country, "TH").name = "Renamed after"

    with app.app_context():
        response = _answered(app, rename)
        assert _country_name() != "Renamed after"  # the person is not kept waiting for it
        response.close()  # what the server does after the last byte
        assert _country_name() == "Renamed after"


def test_failed_work_after_the_response_keeps_nothing_and_is_logged(app, db_session, caplog):
    def rename_then_fail():
        db.session.get(Country, "TH").name = "Half done"
        db.session.flush()
        raise RuntimeError("the cache could not be written")

    with app.app_context():
        response = _answered(app, rename_then_fail)
        response.close()  # the answer has gone: nothing to tell the person, nothing raised
        assert _country_name() != "Half done"
    assert "work after the response failed" in caplog.text
