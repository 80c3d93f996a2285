"""Builders for interpreters and channels (the app, users and events come from tests/)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest

from app.extensions import db
from app.interpretation import services
from app.interpretation.models import Grade


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def make_interpreter(make_user):
    def make(grades=None, *, remote=True, on_site=True, timezone="Asia/Bangkok", name=None,
             **user_fields):
        user = make_user(("interpreter",), country="TH", timezone=timezone,
                         display_name=name, **user_fields)
        grades = {code: Grade(value) for code, value in (grades or {"th": "A",
                                                                     "en": "B"}).items()}
        profile = services.save_profile(user, timezone=timezone, works_remote=remote,
                                        works_on_site=on_site, grades=grades)
        db.session.commit()
        return profile

    return make


@pytest.fixture
def make_channel(make_session):
    def make(event, start, end, language="th", *, is_retour=False, **session_fields):
        session = make_session(event, start, end, **session_fields)
        channel = services.open_channel(session, language, is_retour=is_retour)
        db.session.commit()
        return channel

    return make
