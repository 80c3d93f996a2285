"""Every route declares its access rule, and each role gets exactly what its rule allows."""

import re

import pytest
from flask import Flask

from app.core.access import public, require_declared_rules, rule_of
from tests.conftest import login_as

ROLES = ("anonymous", "participant", "interpreter", "organiser")


def test_app_refuses_an_endpoint_without_a_rule():
    app = Flask(__name__)
    app.add_url_rule("/open", "open", public(lambda: "ok"))
    app.add_url_rule("/forgot", "forgot", lambda: "oops")
    with pytest.raises(RuntimeError, match="forgot"):
        require_declared_rules(app)


def test_every_endpoint_declares_a_rule(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static" or endpoint.endswith(".static"):
            continue
        assert rule_of(view) is not None, endpoint


@pytest.fixture
def world(make_user, make_event, make_session, app, tmp_path, monkeypatch):
    """One object of each kind a URL can name, so every route can be called."""
    from datetime import UTC, datetime

    from app.auth.services import invite

    users = {
        "participant": make_user(("participant",), country="NZ"),
        "interpreter": make_user(("interpreter",), country="TH"),
        "organiser": make_user(("organiser",), country="AU"),
    }
    event = make_event()
    session = make_session(event, datetime(2027, 3, 10, 3, tzinfo=UTC),
                           datetime(2027, 3, 10, 4, tzinfo=UTC))
    invitation, _token = invite("new@example.org", ["participant"], users["organiser"])
    from app.registrations.services import RegistrationInput, register

    event.is_invitation_only = False
    registration = register(event, users["participant"],
                            RegistrationInput(consent_chatham=True, consent_data=True))
    from app.topics.services import propose_topic

    topic = propose_topic(event, users["participant"], "Screening and referral")
    import io

    from app.library.models import ResourceKind
    from app.library.services import ResourceInput, add_resource

    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    resource = add_resource(ResourceInput(title="Toolkit", kind=ResourceKind.TOOLKIT,
                                          filename="toolkit.pdf",
                                          stream=io.BytesIO(b"%PDF-1.4 toolkit")),
                            users["organiser"])
    from app.extensions import db
    from app.feedback.models import Reflection

    reflection = Reflection(event_id=event.id, text="Children belong in communities.")
    db.session.add(reflection)
    db.session.flush()
    values = {
        "reflection_id": reflection.id,
        "choice": "include",
        "topic_id": topic.id,
        "resource_id": resource.id,
        "registration_id": registration.id,
        "action": "approve",
        "kind": "roster",
        "event_id": event.id,
        "session_id": session.id,
        "invitation_id": invitation.id,
        "token": "not-a-real-token",
        "filename": "style.css",
    }
    return users, values


def _expand(rule, values):
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"add sample values for {missing} (route {rule.rule})"
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _expected(rule_decl, role, method):
    """None means any non-error answer; otherwise the exact status expected."""
    kind = rule_decl[0]
    if kind == "public":
        return None
    if kind == "token":
        return "token"
    if role == "anonymous":
        return 302
    if kind == "login":
        return None
    allowed = {str(r) for r in rule_decl[1]}
    return None if role in allowed else 403


def test_role_matrix_over_all_routes(app, client, world):
    users, values = world
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        declared = rule_of(app.view_functions[rule.endpoint])
        url = _expand(rule, values)
        for role in ROLES:
            for method in sorted(rule.methods & {"GET", "POST"}):
                expected = _expected(declared, role, method)
                if method == "POST" and expected is None:
                    continue  # allowed writes are covered by each feature's own tests
                test_client = app.test_client()
                if role != "anonymous":
                    login_as(test_client, users[role])
                response = test_client.open(url, method=method)
                where = f"{method} {url} as {role}"
                if expected == "token":
                    assert response.status_code in (404, 410), where
                elif expected is None:
                    # 404: an object that is not theirs (another person's registration).
                    assert response.status_code < 400 or response.status_code == 404, where
                else:
                    assert response.status_code == expected, where
                    if expected == 302:
                        assert "/login" in response.headers["Location"], where
                checked += 1
    assert checked > 10
