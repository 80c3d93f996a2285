"""The contract between every form page and its handler (issue 13).

A person only ever sends what a page renders. So every ``<form method="post">`` of every page
(found by walking the URL map, as each role the page lets in) is checked as a browser uses it:

1. filled in only through the fields the page renders, with valid answers, and posted with
   the page's CSRF token, it succeeds: a redirect to a page that reports no error, or a page
   that says what was done. A form of an event page is checked in each kind of event when its
   fields depend on the kind (the session form once hid a field its handler required);
2. posted with a field the page marks required left empty (a text field where there is one),
   or with an answer a rule refuses (``Form.bad``), it is refused (4xx) on a page that marks
   that field ``aria-invalid="true"``, says why beside it, and links to it from the error
   summary at the top.

``FORMS`` says who uses each form and what a person would type where the page's default is
no valid answer; ``ONE_CLICK`` lists the one-button forms (pressing them must work, nothing
can be left empty). The walk fails when a page renders a form that is not listed, or when a
listed one no longer renders: a new form cannot ship without its contract. ``SKIPPED`` would
list forms deliberately left out, with why; there are none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter

from app.core.access import rule_of
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventStatus
from app.extensions import db
from tests.core import test_access
from tests.fixtures.people import PASSWORD
from tests.fixtures.people import login_as
from tests.forms import RenderedForm
from tests.forms import parse_forms
from tests.forms import refusal

_expand = test_access._expand  # a rule's URL with sample values
world = test_access.world  # the fixture: one object of each kind a URL can name

# The header's two tiny forms, on every page: the language switcher and signing out.
HEADER_ACTIONS = {"core.switch_language", "auth.logout"}
TEXT_LIKE = ("text", "email", "password", "url", "search", "tel", "textarea")
DATE_LIKE = ("date", "time", "datetime-local", "number")
NEW_PASSWORD = "another long passphrase"


# --- the world every form page is rendered in --------------------------------------------

@pytest.fixture
def event_kind():
    return EventKind.VIRTUAL


@pytest.fixture
def make_event(make_event, event_kind):
    """The world's event is of the kind the test asks for (virtual unless parametrised)."""

    def make(**fields):
        fields.setdefault("kind", event_kind)
        return make_event(**fields)

    return make


@dataclass
class Contract:
    users: dict  # role (or "newcomer", "colleague") -> user
    values: dict  # URL values: one object of each kind, a usable invitation token
    variants: dict  # name -> other URL values under which more forms render


@pytest.fixture
def contract(world, make_user, make_event, make_session, app):
    """``world`` (tests/core/test_access.py), plus what makes every form render: a pending
    and a waitlisted registration, an invitation-only event, a past event its participant
    may give feedback on, a usable invitation and password-reset link, a dead letter, a
    calendar link, a vote, a deactivated account, a check-in."""
    from app.attendance.services import check_in
    from app.auth.services import invite
    from app.auth.services import issue_password_reset
    from app.calendar.services import issue_feed_token
    from app.core.models import OutboxMessage
    from app.core.time import now_utc
    from app.feedback.models import Reflection
    from app.holidays.services import set_override
    from app.registrations.models import RegistrationStatus
    from app.registrations.services import RegistrationInput
    from app.registrations.services import invite_to_event
    from app.registrations.services import register
    from app.topics.services import cast_vote
    from app.topics.services import propose_topic

    users, values = world
    users = {**users, "newcomer": make_user(("participant",), country="ID")}
    event = db.session.get(Event, values["event_id"])
    consent = RegistrationInput(consent_chatham=True, consent_data=True)
    for status in (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED):
        register(event, make_user(("participant",), country="MY"), consent).status = status
    event.is_invitation_only = True
    for country in ("NZ", "ID", "TH"):
        invite_to_event(event, country_code=country)
    topic = propose_topic(event, users["organiser"], "Alternatives to detention")
    cast_vote(topic, users["participant"])
    held = make_event(title="Held roundtable", start_date=date(2025, 3, 10),
                      end_date=date(2025, 3, 11), is_invitation_only=False)
    held_session = make_session(held, datetime(2025, 3, 10, 3, tzinfo=UTC),
                                datetime(2025, 3, 10, 4, tzinfo=UTC))
    came = register(held, users["participant"], consent)
    held.status = EventStatus.HELD
    check_in(held_session, came, users["organiser"])  # a check-in to undo
    _invitation, token = invite("joiner@example.org", ["participant"], users["organiser"])
    dead = db.session.get(OutboxMessage, values["message_id"])
    dead.dead_dt, dead.attempts, dead.last_error = now_utc(), 5, "550 no such user"
    issue_feed_token(users["participant"])
    users["colleague"] = _second_interpreter(make_user, event)
    _relay_wanted(make_user, make_session, event)
    db.session.add(Reflection(event_id=event.id, text="Quoted already.", is_for_report=True))
    set_override("ID", "", now_utc().date() + timedelta(days=30), "Extra day", True, "public",
                 users["organiser"])  # on the holiday page as it opens: it can be undone
    reset_token = issue_password_reset(users["participant"])
    make_user(("participant",), country="NZ").deactivated_dt = now_utc()  # to reactivate
    # The New Zealand participant's colleague, who may replace them in a registration.
    users["nz_colleague"] = make_user(("participant",), country="NZ")
    _reports(event, held, users["participant"])
    db.session.commit()
    return Contract(users, {**values, "token": token},
                    {"held": {"event_id": held.id, "session_id": held_session.id},
                     "reset": {"token": reset_token},
                     "call_held": {"call_id": _held_call_id(values)}})


def _reports(event, held, registrant):
    """A draft report of the world's event naming its registrant (the check offers to
    acknowledge the name) and the held roundtable's, published (withdrawn or published
    again)."""
    from app.core.time import now_utc
    from app.reports.models import ReportStatus
    from app.reports.models import SummaryReport

    db.session.add_all([
        SummaryReport(event_id=event.id,
                      texts={"en": {"overview": f"Thanks to {registrant.display_name}."}}),
        SummaryReport(event_id=held.id, status=ReportStatus.PUBLISHED, published_dt=now_utc(),
                      texts={"en": {"overview": "Government and civil society met."}})])


def _held_call_id(values) -> int:
    """The world's scheduled call (its action's): where the outcome's forms render."""
    from app.bilaterals.models import CallAction

    return db.session.get(CallAction, values["action_id"]).call_id


def _second_interpreter(make_user, event):
    """An interpreter free to join the world's Thai channel (the first one is on it)."""
    from app.interpretation.models import Availability
    from app.interpretation.models import Grade
    from app.interpretation.services import save_profile

    colleague = make_user(("interpreter",), country="TH")
    save_profile(colleague, timezone="Asia/Bangkok", works_remote=True, works_on_site=True,
                 grades={"th": Grade.A, "en": Grade.B})
    session = event.sessions[0]
    db.session.add(Availability(interpreter_id=colleague.id, start_dt=session.start_dt,
                                end_dt=session.end_dt))
    return colleague


def _relay_wanted(make_user, make_session, event):
    """A Thai channel of an Indonesian-floor session: nobody interprets Indonesian into Thai,
    two interpreters give relay into English, so the assignments page offers relay."""
    from app.interpretation.models import Grade
    from app.interpretation.models import SessionChannel
    from app.interpretation.services import save_profile

    session = make_session(event, datetime(2027, 3, 10, 6, tzinfo=UTC),
                           datetime(2027, 3, 10, 7, tzinfo=UTC), floor_language="id")
    db.session.add(SessionChannel(session=session, language_code="th"))
    for _giver in range(2):
        save_profile(make_user(("interpreter",), country="ID"), timezone="Asia/Jakarta",
                     works_remote=True, works_on_site=True,
                     grades={"en": Grade.A, "id": Grade.C})


# --- what each form expects ---------------------------------------------------------------

Value = str | list | bool | Callable[[Contract], str | list | bool]


@dataclass(frozen=True)
class Form:
    """A form of a page: who uses it, what they type beyond the page's defaults."""

    user: str  # a key of Contract.users, or "anonymous"
    button: str | None = None  # the submit button to press, where the form has several
    fill: dict[str, Value] = field(default_factory=dict)
    kinds: bool = False  # the page differs by event kind: checked in each kind of event
    variant: str | None = None  # URL values from Contract.variants
    query: str = ""  # the page's query string, where it says what the form offers
    upload: tuple[str, bytes, str] | None = None  # (field, content, filename)
    # Answers a person could give that a rule refuses: each must be refused naming its field.
    bad: dict[str, Value] = field(default_factory=dict)
    xfail: str | None = None  # a known failure of code this work may not change, and why
    one_click: bool = False  # a button and nothing to fill in (see ONE_CLICK)


# Valid answers for fields a person must fill in, by field name (the part after a form's
# prefix); used only where the page leaves the field empty.
VALID = {
    "title": "Community-based alternatives",
    "topic": "Case management across borders",
    "name": "Case managers' circle",
    "display_name": "Nok Srisai",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "venue": "Bangkok, UN Conference Centre",
    "start_date": "2027-03-10",
    "end_date": "2027-03-11",
    "first_date": "2099-01-05",
    "last_date": "2099-01-20",
    "day": "2099-04-01",
    "start_time": "10:00",
    "end_time": "11:00",
    "new_date": "2099-01-21",
    "new_time": "11:00",
    "capacity": "40",
    "max_in_person": "5",
    "consent_chatham": True,
    "consent_data": True,
    "agree_privacy": True,
}


def _email_of(who):
    return lambda contract: contract.users[who].email


def _resource(title):
    from sqlalchemy import select

    from app.library.models import Resource

    return lambda contract: str(db.session.scalar(select(Resource.id).where(
        Resource.title == title)))


def _user_id(who):
    return lambda contract: str(contract.users[who].id)


def _invitees(contract):
    return [str(contract.users["participant"].id), str(contract.users["newcomer"].id)]


# (page endpoint, endpoint the form posts to) -> the form's use. A form posting to a route
# with a fixed choice in its URL (accept or decline...) is named endpoint[choice].
FORMS: dict[tuple[str, str], Form] = {
    ("auth.login", "auth.login"): Form(
        "anonymous", fill={"email": _email_of("participant"), "password": PASSWORD}),
    ("auth.join", "auth.join"): Form("anonymous", bad={"confirm": "not the same passphrase"}),
    ("auth.profile", "auth.profile"): Form("participant"),
    ("auth.profile", "auth.change_password"): Form(
        "participant", fill={"pw-current": PASSWORD, "pw-new": NEW_PASSWORD,
                             "pw-confirm": NEW_PASSWORD}, bad={"pw-current": "not my password"}),
    ("auth.invitations", "auth.invitations"): Form(
        "organiser", fill={"email": "colleague@example.org"},
        bad={"email": _email_of("participant")}),  # already has an account
    ("auth.forgot_password", "auth.forgot_password"): Form(
        "anonymous", fill={"email": _email_of("participant")}, bad={"email": "not an address"}),
    ("auth.reset_password", "auth.reset_password"): Form(
        "anonymous", variant="reset", bad={"confirm": "not the same passphrase"}),
    ("auth.accounts", "auth.change_roles"): Form("organiser"),
    # The world's Malaysian account handed over to their colleague (organisers may also
    # deactivate it: left unticked).
    ("delegations.handover", "delegations.handover"): Form(
        "organiser", fill={"successor": lambda contract: str(contract.users["successor"].id)},
        bad={"successor": ""}),
    # The world's Thai focal point registers a Thai delegate (here: themselves, the one not
    # registered) on My delegation; an organiser replaces the New Zealander's registration
    # by their colleague.
    ("delegations.mine", "delegations.register_delegate"): Form(
        "focal_point", fill={"delegate": lambda contract: str(contract.users["focal_point"].id)}),
    ("delegations.replace", "delegations.replace"): Form(
        "organiser", fill={"successor": lambda contract: str(contract.users["nz_colleague"].id)},
        bad={"successor": ""}),
    ("core.preferences", "core.preferences"): Form("anonymous", fill={"locale": "th"}),
    ("events.create_event", "events.create_event"): Form(
        "organiser", bad={"end_date": "2027-03-01"}),
    ("events.edit_event", "events.edit_event"): Form("organiser", kinds=True),
    ("events.create_session", "events.create_session"): Form(
        "organiser", button="Save session", kinds=True, bad={"end_time": "09:00"}),
    ("events.edit_session", "events.edit_session"): Form(
        "organiser", button="Save session", kinds=True, bad={"end_time": "02:00"}),
    # Every translation is optional; the event's title always has an original to translate.
    ("events.edit_translations", "events.edit_translations"): Form(
        "organiser", button="Save translations", bad={"event-title-th": "ก" * 201}),
    ("registrations.register", "registrations.register"): Form("newcomer", kinds=True),
    ("registrations.edit", "registrations.edit"): Form(
        "participant", fill={"dietary_needs": "Halal"}, kinds=True),
    ("registrations.roster", "registrations.set_capacity"): Form(
        "organiser", bad={"capacity-capacity": "-1"}),
    ("registrations.roster", "registrations.set_quota"): Form(
        "organiser", fill={"quota-country": "TH"}, bad={"quota-max_in_person": "-1"}),
    ("registrations.roster", "registrations.add_invitee"): Form(
        "organiser", fill={"invitee-country": "MY"},
        bad={"invitee-email": "nobody@example.org"}),  # no account uses it
    ("registrations.members", "registrations.members"): Form("organiser", kinds=True),
    # The world's registrant moved into its first small group (nobody is in one yet).
    ("registrations.small_groups", "registrations.move_to_group"): Form("organiser"),
    ("registrations.messages", "registrations.messages"): Form(
        "organiser", fill={"message-subject_en": "Pre-reading",
                           "message-body_en": "Please read the case studies before we meet."},
        bad={"message-subject_th": "ก" * 201}),
    ("topics.list_topics", "topics.propose"): Form("participant"),
    ("topics.schedule", "topics.schedule"): Form(
        "organiser", kinds=True, bad={"end_time": "09:00"}),
    ("feedback.give", "feedback.give"): Form(
        "participant", variant="held", fill={"rating": "5", "reflection": "We learnt a lot."}),
    # Surveys: a new one titled in the event's language; the world's open survey retitled,
    # a choice question added (a translation must give every choice), its rating reworded,
    # and answered by the participant (every question optional).
    ("surveys.index", "surveys.index"): Form(
        "organiser", fill={"title-en": "After the roundtable"}, bad={"title-th": "ก" * 201}),
    ("surveys.build", "surveys.build"): Form("organiser", bad={"title-th": "ก" * 201}),
    ("surveys.add_question", "surveys.add_question"): Form(
        "organiser", fill={"kind": "single", "text-en": "Which format worked best?",
                           "choices-en": "Small groups\nPlenaries"},
        bad={"choices-th": "กลุ่มย่อย"}),
    ("surveys.edit_question", "surveys.edit_question"): Form(
        "organiser", fill={"low_label-en": "Not useful"}, bad={"text-th": "ก" * 501}),
    ("surveys.answer", "surveys.answer"): Form("participant"),
    ("interpretation.requests", "interpretation.requests"): Form("participant"),
    ("interpretation.demand", "interpretation.not_provided"): Form(
        "organiser", fill={"not_provided-language": "ms"},
        bad={"not_provided-reason": "x" * 301}),
    ("interpretation.profile", "interpretation.profile"): Form("interpreter"),
    # Declining is confirmed on a page of its own, which asks why (for the organisers).
    ("interpretation.decline", "interpretation.decline"): Form(
        "interpreter", fill={"reason": "I am booked at another conference that week."},
        bad={"reason": "x" * 501}),
    ("interpretation.profile", "interpretation.add_availability"): Form(
        "interpreter", fill={"window-start_date": "2099-02-01", "window-start_time": "09:00",
                             "window-end_date": "2099-02-01", "window-end_time": "17:00"}),
    ("interpretation.assignments", "interpretation.assign"): Form(
        "organiser", fill={"interpreter_id": lambda contract: str(contract.users["colleague"].id)}),
    ("interpretation.demand", "interpretation.open_channel"): Form("organiser"),
    # The managed list of interpretation languages: a code it knows is refused beside it.
    ("interpretation.languages", "interpretation.languages"): Form(
        "organiser", fill={"code": "my", "name_en": "Burmese"}, bad={"code": "th"}),
    ("attendance.import_report", "attendance.import_report"): Form(
        "organiser", upload=("report", b"Name,Email,Duration\nNok,nok@example.org,40\n",
                             "attendance.csv")),
    # Preparation: the organisers' briefing on a session; a glossary term (the world's
    # interpreter works English to Thai; "Child protection" is in that glossary already).
    ("interpretation.preparation_page", "interpretation.save_briefing"): Form(
        "organiser", fill={"text": "Expect acronyms: ATD, IDC, MOU."},
        bad={"text": "x" * 20_001}),
    ("interpretation.glossary", "interpretation.glossary"): Form(
        "interpreter", fill={"term": "Case management", "equivalent": "การจัดการรายกรณี"},
        bad={"term": "child protection"}),
    ("interpretation.edit_term", "interpretation.edit_term"): Form(
        "interpreter", fill={"note": "Preferred by the ministry"}, bad={"equivalent": ""}),
    # The summary report's sections, in the event's language (one box per section).
    ("reports.builder", "reports.builder"): Form(
        "organiser", fill={"overview": "Government and civil society met."},
        bad={"overview": "x" * 20_001}),
    ("reports.builder", "reports.downloads"): Form("organiser"),
    ("library.upload", "library.upload"): Form(
        "participant", upload=("file", b"%PDF-1.4 contract", "brief.pdf")),
    ("planning.workspace", "planning.add_candidate"): Form(
        "organiser", fill={"candidate-country": "TH", "candidate-start_date": "2027-03-10",
                           "candidate-end_date": "2027-03-11"},
        bad={"candidate-end_date": "2027-03-01"}),
    ("planning.workspace", "planning.add_task"): Form("organiser"),
    ("planning.workspace", "planning.save_letter_settings"): Form(
        "organiser", fill={"letter-contact_email": "visas@example.org"},
        bad={"letter-contact_email": "visas at example", "letter-contact_phone": "ring us"}),
    ("bilaterals.ask_for_call", "bilaterals.ask_for_call"): Form("participant"),
    # The page lists (and ticks) the two countries' delegates once they are chosen.
    ("bilaterals.create_call", "bilaterals.create_call"): Form(
        "organiser", query="country_a=NZ&country_b=ID", button="Find slots and open the poll",
        fill={"invitees": _invitees, "timezone": "Asia/Jakarta"}),
    ("bilaterals.show_call", "bilaterals.vote"): Form("participant"),
    ("bilaterals.show_call", "bilaterals.save_outcome"): Form(
        "organiser", variant="call_held", fill={"notes": "Agreed to share the toolkit."},
        bad={"notes": "x" * 10001}),
    ("bilaterals.show_call", "bilaterals.add_action"): Form(
        "organiser", variant="call_held", fill={"text": "Send the checklist",
                                                "due_date": "2099-05-01"},
        bad={"due_date": "2099-02-30"}),
    ("bilaterals.edit_action", "bilaterals.edit_action"): Form(
        "organiser", bad={"due_date": "2099-02-30"}),
    ("bilaterals.show_call", "bilaterals.mark_action[done]"): Form(
        "organiser", variant="call_held", one_click=True),
    ("holidays.holidays", "holidays.holidays"): Form(
        "organiser", fill={"override-country": "TH", "override-name": "Extra day"}),
    ("holidays.blocked_times", "holidays.blocked_times"): Form(
        "organiser", fill={"block-country": "TH", "block-weekday": "2", "block-start": "15:00",
                           "block-end": "16:00", "block-label": "Team meeting"},
        bad={"block-end": "14:30"}),
    ("holidays.blocked_times", "holidays.set_ramadan"): Form(
        "organiser", fill={"ramadan-country": "MY", "ramadan-year": "2027",
                           "ramadan-first_day": "2027-02-08", "ramadan-last_day": "2027-03-09"},
        bad={"ramadan-last_day": "2027-02-01"}),
    ("workinggroups.create_group", "workinggroups.create_group"): Form(
        "organiser", fill={"repeat": "weekly", "weekday": "2", "interval": "2"},
        bad={"interval": "0"}),
    ("workinggroups.edit_group", "workinggroups.edit_group"): Form(
        "organiser", fill={"name": "Access group, renamed", "repeat": "weekly", "weekday": "2",
                           "interval": "2", "start_time": "11:00"},
        bad={"interval": "", "until_date": "2098-12-31"}),
    ("workinggroups.show_group", "workinggroups.change_occurrence"): Form(
        "organiser", button="Move", bad={"new_date": ""}),
    ("workinggroups.show_group", "workinggroups.set_members"): Form("organiser"),
    ("workinggroups.show_meeting", "workinggroups.save_minutes"): Form(
        "organiser", fill={"minutes": "Updates shared; guidance discussed."}),
    ("workinggroups.show_meeting", "workinggroups.add_action"): Form(
        "organiser", fill={"text": "Send the figures", "owner": _user_id("participant"),
                           "due_date": "2099-02-01"}),
    ("notices.index", "notices.email_choices"): Form("participant"),
    # The session page's programme panel: a guest speaker added (who agreed to be named), a
    # linked video, the library's case study as material.
    ("events.show_session", "programme.add_role"): Form(
        "organiser", fill={"role-guest_name": "Aroha Ngata", "role-guest_country": "NZ",
                           "role-named": True},
        bad={"role-guest_organisation": "x" * 201}),
    ("events.show_session", "programme.add_recording"): Form(
        "organiser", fill={"recording-video_url": "https://video.example.org/advocates",
                           "recording-subtitles": ["en", "th"]},
        bad={"recording-video_url": "javascript:alert(1)"}),
    ("events.show_session", "programme.add_material"): Form(
        "organiser", fill={"material-resource": _resource("Case study")},
        bad={"material-resource": ""}),
    ("privacy.requests", "privacy.requests"): Form(
        "organiser", fill={"email": _email_of("participant")},
        bad={"email": "nobody@example.org"}),  # no account uses it
}

# One-button forms: nothing for a person to fill in (a hidden value at most, written by the
# page), so pressing the button must do what it says; no field can be refused.
ONE_CLICK: dict[tuple[str, str], str] = {
    ("attendance.check_in_list", "attendance.check_in"): "organiser",
    ("auth.invitations", "auth.revoke_invitation"): "organiser",
    ("auth.invitations", "auth.resend_invitation"): "organiser",
    ("auth.accounts", "auth.reactivate_account"): "organiser",
    # The world's Thai focal point can be removed; every other participant with a country
    # can be appointed.
    ("auth.accounts", "auth.appoint_focal_point"): "organiser",
    ("auth.accounts", "auth.remove_focal_point"): "organiser",
    # Deactivating is confirmed on a page of its own (app.core.confirm): its one button acts.
    ("auth.deactivate_account", "auth.deactivate_account"): "organiser",
    ("bilaterals.confirm_pick", "bilaterals.pick"): "organiser",
    ("bilaterals.show_call", "bilaterals.cancel_call"): "organiser",
    # The owner marks their action done from their list of calls (organisers from the call's
    # page: FORMS, as it renders under the scheduled call's variant).
    ("bilaterals.list_calls", "bilaterals.mark_action[done]"): "participant",
    ("holidays.holidays", "holidays.delete_override"): "organiser",
    ("holidays.blocked_times", "holidays.delete_blocked_time"): "organiser",
    # The meeting's move is offered on its button ("Move to Tue 20 Jan 2099, 10:00").
    ("workinggroups.show_group", "workinggroups.move_off_holiday"): "organiser",
    ("workinggroups.show_meeting", "workinggroups.mark_action"): "participant",
    ("calendar.manage", "calendar.new_feed"): "participant",
    ("calendar.manage", "calendar.revoke_feed"): "participant",
    ("core.outbox", "core.retry_message"): "organiser",
    # Cancelling is confirmed on a page of its own (app.core.confirm): its one button acts.
    ("events.cancel_event", "events.cancel_event"): "organiser",
    ("events.cancel_session", "events.cancel_session"): "organiser",
    ("surveys.build", "surveys.set_status[close]"): "organiser",
    ("surveys.build", "surveys.change_question[up]"): "organiser",
    ("surveys.build", "surveys.change_question[down]"): "organiser",
    ("surveys.build", "surveys.change_question[remove]"): "organiser",
    ("feedback.summary", "feedback.choose_for_report[include]"): "organiser",
    ("feedback.summary", "feedback.choose_for_report[exclude]"): "organiser",
    ("interpretation.assignments", "interpretation.auto_assign"): "organiser",
    ("interpretation.assignments", "interpretation.release"): "organiser",
    ("interpretation.assignments", "interpretation.use_relay"): "organiser",
    ("interpretation.my_assignments", "interpretation.accept"): "interpreter",
    ("interpretation.profile", "interpretation.delete_availability"): "interpreter",
    ("interpretation.languages", "interpretation.retire_language"): "organiser",
    ("interpretation.glossary", "interpretation.remove_term"): "interpreter",
    ("library.index", "library.delete"): "organiser",
    ("planning.workspace", "planning.choose_candidate"): "organiser",
    ("planning.workspace", "planning.delete_candidate"): "organiser",
    ("planning.workspace", "planning.toggle_task"): "organiser",
    ("registrations.mine", "registrations.cancel"): "participant",
    ("registrations.roster", "registrations.act[approve]"): "organiser",
    ("registrations.roster", "registrations.act[decline]"): "organiser",
    ("registrations.roster", "registrations.act[promote]"): "organiser",
    ("registrations.roster", "registrations.act[cancel]"): "organiser",
    # A message is written on one page and sent from the next, which shows how many receive it.
    ("registrations.message", "registrations.send_message"): "organiser",
    # The preview's one button applies the groups it shows (hidden: which, and its name).
    ("registrations.preview_groups", "registrations.apply_groups"): "organiser",
    ("topics.list_topics", "topics.vote"): "participant",
    ("topics.list_topics", "topics.unvote"): "participant",
    ("notices.index", "notices.mark_read"): "participant",
    ("notices.index", "notices.mark_all_read"): "participant",
    ("privacy.my_data", "privacy.agree"): "participant",
    ("privacy.my_data", "privacy.ask_for_erasure"): "participant",
    # Erasing is confirmed on a page of its own (app.core.confirm): its one button acts.
    ("privacy.erase", "privacy.erase"): "organiser",
    ("events.show_session", "programme.remove_role"): "organiser",
    ("events.show_session", "programme.move_role[up]"): "organiser",
    ("events.show_session", "programme.move_role[down]"): "organiser",
    ("events.show_session", "programme.remove_recording"): "organiser",
    ("events.show_session", "programme.remove_material"): "organiser",
    ("reports.builder", "reports.draft"): "organiser",
    # The world's draft names its registrant: the check offers "It may stand".
    ("reports.builder", "reports.acknowledge"): "organiser",
}
FORMS.update({key: Form(user, one_click=True) for key, user in ONE_CLICK.items()})
# The held roundtable's report is published: published again (the check passes) or withdrawn.
FORMS[("reports.builder", "reports.publish")] = Form("organiser", one_click=True,
                                                     variant="held")
FORMS[("reports.builder", "reports.unpublish")] = Form("organiser", one_click=True,
                                                       variant="held")
# Taking a check-in back: the held roundtable's session has one.
FORMS[("attendance.check_in_list", "attendance.undo_check_in")] = Form(
    "organiser", one_click=True, variant="held")

# Forms deliberately left out, with why (none at present: every form a page renders has its
# contract above).
SKIPPED: dict[tuple[str, str], str] = {}


# --- walking the app -------------------------------------------------------------------

def _roles_allowed(declared) -> list[str]:
    if declared[0] in ("public", "token"):
        return ["anonymous", "participant", "interpreter", "organiser", "focal_point"]
    if declared[0] == "login":
        return ["participant", "interpreter", "organiser", "focal_point"]
    if declared[0] == "delegation":
        return ["organiser", "focal_point"]
    return sorted(str(role) for role in declared[1])


def _client(app, contract, who):
    client = app.test_client()
    if who != "anonymous":
        login_as(client, contract.users[who])
    return client


def _page_url(app, endpoint, values):
    rules = [r for r in app.url_map.iter_rules(endpoint) if "GET" in r.methods]
    assert len(rules) == 1, endpoint
    return _expand(rules[0], values)


def _target(app, page_url, action) -> str:
    """The endpoint a form posts to, with any fixed choice of its URL: ``act[approve]``."""
    path = urlsplit(urljoin(page_url, action or page_url)).path
    try:
        endpoint, args = app.url_map.bind("localhost").match(path, method="POST")
    except HTTPException as error:
        raise AssertionError(f"{page_url} has a form posting to {path}: {error}") from None
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "POST" in r.methods)
    choices = [str(args[name]) for name, converter in rule._converters.items()
               if isinstance(converter, AnyConverter) or name == "action"]
    return endpoint + "".join(f"[{choice}]" for choice in choices)


def _is_page(rule) -> bool:
    return ("GET" in rule.methods and not rule.endpoint.endswith("static")
            and not rule.rule.endswith((".ics", ".csv")))


def _walk(app, contract):
    """{(page endpoint, target): the roles that see that form}, over every GET page of the
    URL map, as every role it lets in, under each set of URL values."""
    found: dict[tuple[str, str], set[str]] = {}
    for values in (contract.values, *({**contract.values, **v}
                                      for v in contract.variants.values())):
        for rule in app.url_map.iter_rules():
            if not _is_page(rule):
                continue
            url = _expand(rule, values)
            for who in _roles_allowed(rule_of(app.view_functions[rule.endpoint])):
                response = _client(app, contract, who).get(url)
                assert response.status_code < 500, f"GET {url} as {who}"
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in parse_forms(response.get_data(as_text=True)):
                    if form.method != "post":
                        continue
                    target = _target(app, url, form.action)
                    if target in HEADER_ACTIONS:
                        assert not form.in_main, f"{url}: a header form inside <main>"
                        continue
                    assert form.in_main, f"{url}: a form outside <main> posts to {target}"
                    found.setdefault((rule.endpoint, target), set()).add(who)
    return found


def test_every_form_page_is_covered(app, contract, capsys):
    found = _walk(app, contract)
    unknown = sorted(set(found) - set(FORMS) - set(SKIPPED))
    assert not unknown, f"forms with no contract: add them to FORMS (or SKIPPED): {unknown}"
    gone = sorted((set(FORMS) | set(SKIPPED)) - set(found))
    assert not gone, f"FORMS or SKIPPED name forms no page renders: {gone}"
    for key, form in FORMS.items():
        role = "participant" if form.user == "newcomer" else form.user
        assert role in found[key], f"{key} is not rendered for {form.user}"
    # And every route that takes a POST is reached through a form some page renders.
    reached = {target.split("[")[0] for _page, target in found} | HEADER_ACTIONS
    unreachable = sorted(rule.rule for rule in app.url_map.iter_rules()
                         if "POST" in rule.methods and rule.endpoint not in reached)
    assert not unreachable, f"no page renders a form for {unreachable}"
    pages = {page for page, _target in FORMS}
    with capsys.disabled():
        print(f"\nform contract: {len(pages)} form pages, {len(FORMS)} forms "
              f"({len(FORMS) - len(ONE_CLICK)} to fill in, {len(ONE_CLICK)} one-click), "
              f"{len(SKIPPED)} skipped")
    assert len(pages) >= 35 and len(FORMS) >= 55


# --- filling and posting -----------------------------------------------------------------

def _cases(with_faults=False):
    """(form, event kind[, the field given a bad answer: None for a required one emptied])."""
    for key, form in FORMS.items():
        kinds = (EventKind.VIRTUAL, EventKind.IN_PERSON, EventKind.HYBRID) if form.kinds \
            else (EventKind.VIRTUAL,)
        for kind in kinds:
            name = f"{key[0]}->{key[1]}" + (f"-{kind.value}" if form.kinds else "")
            marks = [pytest.mark.xfail(strict=True, reason=form.xfail)] if form.xfail else []
            if not with_faults:
                yield pytest.param(key, kind, id=name, marks=marks)
                continue
            for fault in ((None,) if not form.one_click else ()) + tuple(form.bad):
                yield pytest.param(key, kind, fault, id=f"{name}-{fault or 'required'}")


def _open(app, contract, key) -> tuple[str, RenderedForm]:
    page, target = key
    spec = FORMS[key]
    values = {**contract.values, **contract.variants.get(spec.variant, {})}
    url = _page_url(app, page, values) + (f"?{spec.query}" if spec.query else "")
    client = _client(app, contract, spec.user)
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} as {spec.user}: {response.status_code}"
    html = response.get_data(as_text=True)
    forms = [f for f in parse_forms(html) if f.in_main and f.method == "post"
             and _target(app, url, f.action) == target]
    assert forms, f"{url} renders no form posting to {target} for {spec.user}"
    return url, RenderedForm(client, url, forms[0], html)


def _valid(form: RenderedForm, spec: Form, contract: Contract) -> RenderedForm:
    """The page's defaults, with what a person would type where the page leaves a field
    empty, a choice in each radio group, required boxes ticked, and the form's own values."""
    for name, control in form.parsed.controls.items():
        if any(form.values[name]):
            continue
        short = name.rsplit("-", 1)[-1]
        if short in VALID:
            form.fill(**{name: VALID[short]})
        elif control.kind == "radio" or (control.kind == "checkbox" and control.required):
            form.fill(**{name: control.options[0]})
    # A field of a form rendered once per object has its prefix (``event7-delegate``): the
    # contract names it by its own name when only one rendered field ends with it.
    suffixed = {}
    for rendered in form.parsed.controls:
        suffixed.setdefault(rendered.rsplit("-", 1)[-1], []).append(rendered)
    form.fill(**{(name if name in form.parsed.controls or len(suffixed.get(name, ())) != 1
                  else suffixed[name][0]): value(contract) if callable(value) else value
                 for name, value in spec.fill.items()})
    if spec.upload:
        form.attach(*spec.upload)
    return form


def _problems(html: str) -> list[str]:
    """What a page reports as wrong: error messages, marked fields, an error summary."""
    found = refusal(html)
    flashed = [line for line in html.splitlines() if 'class="flash error"' in line]
    return [*flashed, *(f"invalid: {name}" for name in found.invalid),
            *([f"summary: {found.summary}"] if found.summary else [])]


@pytest.mark.parametrize(("key", "event_kind"), list(_cases()))
def test_a_form_filled_as_rendered_succeeds(app, contract, key, event_kind, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the page's token goes along
    spec = FORMS[key]
    _url, form = _open(app, contract, key)
    if spec.one_click:
        filled = [c.name for c in form.parsed.controls.values()
                  if c.kind != "hidden"] + list(form.parsed.files)
        assert not filled, f"{key} is no one-click form: it asks for {filled}; move it to FORMS"
    response = _valid(form, spec, contract).submit(spec.button)
    where = f"{key} ({event_kind.value}) posted {form.data()}"
    html = response.get_data(as_text=True)
    assert response.status_code < 400, f"{where}: {response.status_code} {_problems(html)}"
    if response.status_code in (301, 302, 303):
        landing = form.client.get(response.headers["Location"])
        assert landing.status_code == 200, where
        html = landing.get_data(as_text=True)
        assert not _problems(html), f"{where}: redirected to {_problems(html)}"
    else:
        assert not _problems(html), f"{where}: {_problems(html)}"
        assert 'class="flash success"' in html, f"{where}: 200 without saying what was done"


def _required(form: RenderedForm):
    """A field the page marks required that a person can leave empty: a text field, else a
    date, time or number, else a group of radios (none chosen yet) or checkboxes."""
    controls = [c for c in form.parsed.controls.values() if c.required]
    for kinds in (TEXT_LIKE, DATE_LIKE):
        for control in controls:
            if control.kind in kinds:
                return control
    for control in controls:
        if control.kind == "checkbox" or (control.kind == "radio" and not any(control.values)):
            return control
    return None


@pytest.mark.parametrize(("key", "event_kind", "fault"), list(_cases(with_faults=True)))
def test_a_refusal_names_the_field_at_fault(app, contract, key, event_kind, fault, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    spec = FORMS[key]
    _url, form = _open(app, contract, key)
    if fault is None:
        control = _required(form)
        if control is None:
            pytest.skip(f"{key}: the page marks no field a person could leave empty required")
        _valid(form, spec, contract).fill(**{control.name: None})
        what = f"without {control.name}"
    else:
        control = form.parsed.controls[fault]
        value = spec.bad[fault]
        _valid(form, spec, contract).fill(**{fault: value(contract) if callable(value)
                                             else value})
        what = f"with {fault}={form.values[fault]}"
    response = form.submit(spec.button)
    where = f"{key} ({event_kind.value}) {what}"
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, \
        f"{where}: {response.status_code} {_problems(html)}"
    found = refusal(html)
    assert control.ids, f"{where}: the field has no id, so no error summary can link to it"
    field_id = control.ids[0]
    assert field_id in found.invalid, \
        f"{where}: #{field_id} not marked invalid ({_problems(html)})"
    assert field_id in found.summary_links, \
        f"{where}: the error summary does not link to #{field_id} ({found.summary_links})"
    assert found.errors.get(field_id.removesuffix("-0")), \
        f"{where}: no message beside #{field_id} ({found.errors})"
    main = html[html.index("<main"):]
    assert main.index('class="error-summary"') < main.index("<form"), \
        f"{where}: the error summary is not at the top, before the page's forms"
