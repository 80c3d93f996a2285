"""Fixtures the bilateral call tests share."""

from datetime import UTC
from datetime import datetime

import pytest

from app.extensions import db

NOW = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture
def delegations(make_user, organiser, interpreter, frozen_now):
    """Two New Zealand and one Thai delegate, an Australian participant (another country),
    an organiser, an interpreter, and an account deactivated in New Zealand."""
    frozen_now(NOW)
    people = {
        "organiser": organiser,
        "interpreter": interpreter,
        "nz": make_user(("participant",), country="NZ", display_name="Aroha"),
        "nz2": make_user(("participant",), country="NZ", display_name="Bruce"),
        "th": make_user(("participant",), country="TH", locale="th", display_name="Nok"),
        "au": make_user(("participant",), country="AU", display_name="Dana"),
        "gone": make_user(("participant",), country="NZ", display_name="Gone"),
    }
    people["gone"].deactivated_dt = NOW
    db.session.commit()
    return people
