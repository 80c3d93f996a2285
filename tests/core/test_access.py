"""Every route declares its access rule, and each role gets exactly what its rule allows."""

import re

import pytest
from flask import Flask
from werkzeug.routing import AnyConverter

from app.core.access import public
from app.core.access import require_declared_rules
from app.core.access import rule_of
from app.extensions import db
from app.workinggroups import services as groups
from tests.fixtures.people import login_as

ROLES = ("anonymous", "participant", "interpreter", "organiser", "focal_point")
# What each role is allowed by a ("delegation",) rule (app.core.access.delegation_required).
DELEGATION_ROLES = {"organiser", "focal_point"}


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
    from datetime import UTC
    from datetime import datetime

    from app.auth.services import invite

    users = {
        "participant": make_user(("participant",), country="NZ"),
        "interpreter": make_user(("interpreter",), country="TH"),
        "organiser": make_user(("organiser",), country="AU"),
        # A participant organisers appointed focal point of the Thai delegation.
        "focal_point": make_user(("participant",), country="TH"),
    }
    users["focal_point"].is_focal_point = True
    event = make_event()
    session = make_session(event, datetime(2027, 3, 10, 3, tzinfo=UTC),
                           datetime(2027, 3, 10, 4, tzinfo=UTC))
    invitation, _token = invite("new@example.org", ["participant"], users["organiser"])
    from app.events.models import SessionKind

    # Two small groups at one time: the small-group pages balance and move people in them.
    for name in ("A", "B"):
        make_session(event, datetime(2027, 3, 10, 5, tzinfo=UTC),
                     datetime(2027, 3, 10, 6, tzinfo=UTC), title=f"Small group {name}",
                     kind=SessionKind.SMALL_GROUP, capacity=3)
    from app.registrations.services import RegistrationInput
    from app.registrations.services import register

    event.is_invitation_only = False
    registration = register(event, users["participant"],
                            RegistrationInput(consent_chatham=True, consent_data=True))
    from app.topics.services import propose_topic

    topic = propose_topic(event, users["participant"], "Screening and referral")
    import io

    from app.library.models import ResourceKind
    from app.library.services import ResourceInput
    from app.library.services import add_resource

    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path))
    resource = add_resource(ResourceInput(title="Toolkit", kind=ResourceKind.TOOLKIT,
                                          filename="toolkit.pdf",
                                          stream=io.BytesIO(b"%PDF-1.4 toolkit")),
                            users["organiser"])
    from app.feedback.models import Reflection

    reflection = Reflection(event_id=event.id, text="Children belong in communities.")
    db.session.add(reflection)
    db.session.flush()
    survey, question = _survey(event)
    from app.interpretation.models import Assignment
    from app.interpretation.models import Availability
    from app.interpretation.models import Grade
    from app.interpretation.models import SessionChannel
    from app.interpretation.services import save_profile

    profile = save_profile(users["interpreter"], timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    channel = SessionChannel(session=session, language_code="th")
    assignment = Assignment(channel=channel, interpreter=profile)
    window = Availability(interpreter_id=profile.user_id, start_dt=session.start_dt,
                          end_dt=session.end_dt)
    db.session.add_all([channel, assignment, window])
    db.session.flush()
    from app.interpretation.preparation import add_term

    term = add_term(("en", "th"), "Child protection", "การคุ้มครองเด็ก")
    from app.planning.services import add_candidate
    from app.planning.services import add_task

    candidate = add_candidate(event, "TH", "Bangkok", event.start_date, event.end_date)
    task = add_task(event, "Book the venue", None, None)
    call, group, override, meeting = _bilaterals(users,
                                                 make_user(("participant",), country="TH"))
    action = _held_call_action(users, make_user(("participant",), country="TH"))
    from app.holidays.services import add_blocked_time

    block = add_blocked_time("TH", None, 12 * 60, 13 * 60, "Lunch", users["organiser"])
    from app.core.mail import queue_email

    outbox_message = queue_email("someone@example.org", "Hello", "Body")
    # An account other than the role users': the accounts page's actions on one person, and
    # someone an organiser may erase (not one of the roles: they sign in afterwards).
    account = make_user(("participant",), country="MY")
    from app.registrations.services import audience_of
    from app.registrations.services import draft_message

    # A message to the registrants, written and waiting to be confirmed and sent.
    event_message = draft_message(event, users["organiser"], audience_of(),
                                  {"en": ("Pre-reading", "Please read the case studies.")})
    from app.programme import services as programme
    from app.programme.models import RoleKind

    # The session's programme: two guest speakers (to reorder), a linked video, the toolkit
    # as material (a case study in the library is left to add).
    role = programme.add_role(session, programme.RoleInput(
        role=RoleKind.SPEAKER, guest_name="Guest speaker"))
    programme.add_role(session, programme.RoleInput(
        role=RoleKind.MODERATOR, guest_name="Guest moderator", named=True))
    add_resource(ResourceInput(title="Case study", kind=ResourceKind.CASE_STUDY,
                               filename="case.pdf", stream=io.BytesIO(b"%PDF-1.4 case")),
                 users["organiser"])
    recording = programme.add_recording(session, programme.RecordingInput(
        title="Video", video_url="https://video.example.org/v"))
    material = programme.add_material(session, resource.id)
    # Their colleague in the Malaysian delegation: whom the account is handed over to.
    users["successor"] = make_user(("participant",), country="MY")
    db.session.flush()
    from sqlalchemy import select

    from app.notices.models import Notice

    # The participant was told of the poll and the working group: a notice of theirs.
    notice_id = db.session.scalar(select(Notice.id).where(
        Notice.recipient_id == users["participant"].id).order_by(Notice.id).limit(1))
    values = {
        "reflection_id": reflection.id,
        "survey_id": survey.id,
        "question_id": question.id,
        "choice": "include",
        "topic_id": topic.id,
        "resource_id": resource.id,
        "channel_id": channel.id,
        "assignment_id": assignment.id,
        "decision": "accept",
        "availability_id": window.id,
        "candidate_id": candidate.id,
        "task_id": task.id,
        "call_id": call.id,
        "slot_id": call.slots[0].id,
        "action_id": action.id,
        "group_id": group.id,
        **meeting,
        "override_id": override.id,
        "block_id": block.id,
        "registration_id": registration.id,
        "action": "approve",
        "event_id": event.id,
        "session_id": session.id,
        "invitation_id": invitation.id,
        "token": "not-a-real-token",
        "filename": "style.css",
        "message_id": outbox_message.id,
        "event_message_id": event_message.id,
        "notice_id": notice_id,
        "user_id": account.id,
        "language_code": "mi",
        # The glossary of the interpreter's channel (English floor, Thai booth).
        "code_a": "en",
        "code_b": "th",
        "term_id": term.id,
        "role_id": role.id,
        "recording_id": recording.id,
        "material_id": material.id,
    }
    return users, values


def _survey(event):
    """An open survey of the event (its participant may answer it) with a rating and a
    written question, and the first of them (to edit, move, remove)."""
    from app.surveys import services as surveys
    from app.surveys.models import QuestionKind
    from app.surveys.models import SurveyStatus

    survey = surveys.create_survey(event, {"en": {"title": "After the roundtable"}})
    first = surveys.add_question(survey, surveys.QuestionInput(
        QuestionKind.RATING, {"en": {"text": "How useful was it?"}}))
    surveys.add_question(survey, surveys.QuestionInput(
        QuestionKind.TEXT, {"en": {"text": "One thing to change"}}))
    surveys.set_status(survey, SurveyStatus.OPEN)
    return survey, first


def _bilaterals(users, thai):
    """A call, a working group and a holiday override (participant: invited, member), and
    the URL values of the group's first meeting (minutes written) and of an action of it."""
    from datetime import date
    from datetime import time

    from app.bilaterals import services as bilaterals
    from app.holidays import services as holiday_calendar

    participant, organiser = users["participant"], users["organiser"]
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Access check", duration_minutes=60,
        first_date=date(2099, 3, 1), last_date=date(2099, 3, 10), timezone="Asia/Bangkok",
        invitee_ids=[participant.id, thai.id]), organiser)
    group = groups.create_working_group(groups.GroupInput(
        name="Access group", country_code="ID", timezone="Asia/Jakarta",
        rrule="FREQ=MONTHLY;BYDAY=2TU", first_date=date(2099, 1, 1), start_time=time(10),
        duration_minutes=60, member_ids=[participant.id]), organiser)
    override = holiday_calendar.set_override("TH", "", date(2099, 3, 2), "Extra", True, "public",
                                       organiser)
    # The group's first meeting, on a holiday (flagged, with its move offered), with
    # minutes and an action of the participant's.
    from app.workinggroups import minutes

    holiday_calendar.set_override("ID", "", date(2099, 1, 13), "Founders' day", True, "public",
                                  organiser)

    first = groups.group_occurrences(group, after=group.first_start_dt, limit=1)[0]
    minutes.save_minutes(group, first.original_start_dt, "Updates shared.", organiser)
    action = minutes.add_action(group, first.original_start_dt, "Share the figures",
                                participant.id, None, organiser)
    return call, group, override, {"key": minutes.meeting_key(first.original_start_dt),
                                   "group_action_id": action.id}


def _held_call_action(users, thai):
    """A second call, scheduled, with a follow-up action the participant owns."""
    from datetime import date

    from app.bilaterals import outcomes
    from app.bilaterals import services as bilaterals

    participant, organiser = users["participant"], users["organiser"]
    call = bilaterals.create_call(bilaterals.CallInput(
        country_a="NZ", country_b="TH", topic="Held check", duration_minutes=60,
        first_date=date(2099, 4, 1), last_date=date(2099, 4, 10), timezone="Asia/Bangkok",
        invitee_ids=[participant.id, thai.id]), organiser)
    bilaterals.pick_slot(call, call.slots[0].id, organiser)
    return outcomes.add_action(call, outcomes.ActionInput(
        "Share the toolkit", participant.id, date(2099, 5, 1)), organiser)


def _expand(rule, values):
    # A fixed set of choices (<any(a, b):kind>) takes its first choice.
    values = {**values, **{arg: sorted(converter.items)[0]
                           for arg, converter in rule._converters.items()
                           if isinstance(converter, AnyConverter)}}
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"add sample values for {missing} (route {rule.rule})"
    return re.sub(r"<(?:[^<>]+:)?([^<>:]+)>", lambda m: str(values[m.group(1)]), rule.rule)


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
    if kind == "delegation":
        return None if role in DELEGATION_ROLES else 403
    allowed = {str(r) for r in rule_decl[1]}
    # A focal point is a participant with a designation: a role rule treats them as one.
    return None if ("participant" if role == "focal_point" else role) in allowed else 403


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
                    # Let in: whatever the page then says (404 for another person's object,
                    # 409 for a letter nobody may have yet) is not a refusal of access.
                    assert response.status_code < 500, where
                    assert response.status_code not in (401, 403), where
                    assert "/login" not in response.headers.get("Location", ""), where
                else:
                    assert response.status_code == expected, where
                    if expected == 302:
                        assert "/login" in response.headers["Location"], where
                checked += 1
    assert checked > 10
