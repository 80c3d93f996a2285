"""Issue 14's findings about hostile input: what a form keeps of a line break, NUL bytes,
ids past the database's integer, dates in year 1 or 9999, and forms that re-save."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.routing import IntegerConverter
from wtforms import DateField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField

import app as app_package
from app.core.forms import MAX_INT
from app.core.forms import Form
from app.core.forms import single_line
from app.events.models import Event
from app.extensions import db
from app.topics.models import Topic
from tests.core.test_access import _expand
from tests.core.test_access import world  # noqa: F401 (the fixture)
from tests.fixtures.people import login_as
from tests.forms import refusal
from tests.forms import rendered_form

# --- every form derives from the hardened base ---------------------------------------------


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_app_is_hardened(app):
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    from app.bilaterals.forms import poll_form

    with app.test_request_context():
        poll_form([], {})  # built per poll: its class must derive from Form too
    forms = [cls for cls in _all_subclasses(FlaskForm) if cls.__module__.startswith("app.")]
    assert len(forms) > 30
    unhardened = [f"{cls.__module__}.{cls.__qualname__}" for cls in forms
                  if not issubclass(cls, Form)]
    assert unhardened == [], "derive these from app.core.forms.Form"


class Sample(Form):
    title = StringField()
    email = EmailField()
    link = URLField()
    hidden = HiddenField()
    notes = TextAreaField()
    password = PasswordField()
    day = DateField()
    count = IntegerField()


def _bound(app, **data):
    with app.test_request_context(method="POST", data=data):
        form = Sample(meta={"csrf": False})
        form.validate()
        return form


def test_single_line_fields_lose_line_breaks_and_control_characters(app):
    form = _bound(app, title="Topic\r\nBcc: x@example.org", email=" a@example.org\n",
                  hidden="1\x00", notes="Line one\r\nLine two\x00", password="pass\nword",
                  link="https://meet.example/a\n")
    assert form.title.data == "Topic Bcc: x@example.org"
    assert form.email.data == "a@example.org"
    assert form.hidden.data == "1"
    assert form.link.data == "https://meet.example/a"
    assert form.notes.data == "Line one\r\nLine two"  # a text area keeps its lines
    assert form.password.data == "pass\nword"  # a password is never altered
    assert "link" not in form.errors


@pytest.mark.parametrize("text", ["a\u2028b", "a\u2029b", "a\x85b", "a\x0bb", "a\x0cb",
                                  "a\tb", "a\x1b[31mb", " a  b "])
def test_single_line_is_one_line_whatever_the_break(text):
    value = single_line(text)
    assert len(value.splitlines()) == 1 and value == value.strip()
    assert all(ord(c) >= 0x20 for c in value)


@pytest.mark.parametrize("link", ["https://meet.example/a b", "https://meet.example/\u200bx",
                                  "javascript:alert(1)", "meet.example/x", "https://",
                                  "ftp://meet.example/x"])
def test_links_must_be_plain_web_links(app, link):
    assert _bound(app, link=link).errors["link"] == [
        "Enter a web link that starts with https:// and has no spaces."]


@pytest.mark.parametrize(("day", "valid"), [("0001-01-01", False), ("9999-12-31", False),
                                            ("1999-12-31", False), ("2000-01-01", True),
                                            ("2100-12-31", True), ("2101-01-01", False)])
def test_dates_are_bounded_with_a_clear_message(app, day, valid):
    errors = _bound(app, day=day).errors
    if valid:
        assert "day" not in errors
    else:
        assert errors["day"] == ["Enter a date between the years 2000 and 2100."]


@pytest.mark.parametrize("count", [str(MAX_INT + 1), str(-MAX_INT - 1), "9" * 30])
def test_whole_numbers_fit_the_database(app, count):
    assert _bound(app, count=count).errors["count"] == ["That number is out of range."]


# --- through the app ---------------------------------------------------------------------

def test_a_line_break_in_a_topic_never_reaches_a_saved_title(client, participant, make_event):
    event = make_event(is_invitation_only=False)
    login_as(client, participant)
    response = client.post(f"/events/{event.id}/topics",
                           data={"title": "Screening\r\nBcc: everyone@example.org"})
    assert response.status_code == 302
    assert db.session.scalar(select(Topic.title)) == "Screening Bcc: everyone@example.org"


DATE_FORMS = [
    ("/events/new", "start_date", {"title": "X", "kind": "virtual", "status": "open",
                                   "timezone": "UTC", "end_date": "2027-01-02"}),
    ("/working-groups/new", "until_date", {"name": "G", "timezone": "UTC",
                                           "repeat": "weekly", "weekday": "4",
                                           "interval": "1", "first_date": "2027-01-01",
                                           "start_time": "10:00", "duration": "60"}),
    ("/holidays", "override-day", {"override-country": "TH",
                                              "override-is_holiday": "yes"}),
]


@pytest.mark.parametrize(("url", "name", "rest"), DATE_FORMS)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_year_1_or_9999_gets_a_clear_message(client, organiser, url, name, rest, day):
    login_as(client, organiser)
    response = client.post(url, data={**rest, name: day})
    assert 400 <= response.status_code < 500
    said = refusal(response.get_data(as_text=True))
    assert name in said.invalid
    assert "between the years 2000 and 2100" in said.errors[name]


def test_huge_ids_in_every_url_are_404(app, world):  # noqa: F811
    users, values = world
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [arg for arg, conv in rule._converters.items()
                if isinstance(conv, IntegerConverter)]
        for arg in ints:
            url = _expand(rule, {**values, arg: 2**31})
            for method in sorted(rule.methods & {"GET", "POST"}):
                client = login_as(app.test_client(), users["organiser"])
                response = client.open(url, method=method)
                assert response.status_code == 404, f"{method} {url}"
                checked += 1
            largest = _expand(rule, {**values, arg: MAX_INT})
            assert login_as(app.test_client(), users["organiser"]).get(
                largest).status_code < 500, largest
    assert checked > 40


def test_nul_bytes_are_refused_with_400(client, participant, make_event):
    event = make_event(is_invitation_only=False)
    before = db.session.scalar(select(Event.title).where(Event.id == event.id))
    assert client.get("/events", query_string={"q": "a\x00"}).status_code == 400
    assert client.get("/join/abc%00def").status_code == 400
    assert client.get("/calendar/%00.ics").status_code == 400
    assert client.post("/login", data={"email": "a\x00@example.org",
                                       "password": "x"}).status_code == 400
    login_as(client, participant)
    for data in ({"title": "Topic\x00"}, {"title\x00": "x"}):
        assert client.post(f"/events/{event.id}/topics", data=data).status_code == 400
    assert db.session.scalar(select(Topic.id)) is None
    assert db.session.scalar(select(Event.title).where(Event.id == event.id)) == before
    response = client.get("/events", query_string={"q": "a\x00"})
    assert b"not allowed" in response.data


def test_a_blank_choice_is_no_choice(client, organiser, make_event):
    """Found by the fuzz test: " " as a delegation passed Optional() (which also clears the
    "not a valid choice" error) and reached the database as a country code: a 500."""
    from app.registrations.models import EventInvitee

    event = make_event()
    login_as(client, organiser)
    for country in (" ", "\t", " \r\n"):
        response = client.post(f"/events/{event.id}/invitees",
                               data={"invitee-country": country, "invitee-email": ""})
        assert response.status_code == 422, country
    assert db.session.scalar(select(EventInvitee.id)) is None


@pytest.mark.parametrize("url", ["/profile", "/interpretation/profile"])
def test_an_interpreter_re_saves_an_unchanged_profile(client, interpreter, url):
    """It once failed every time: interpreters could not edit their profile at all."""
    from app.interpretation.models import Grade
    from app.interpretation.services import save_profile

    save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True, works_on_site=True,
                 grades={"th": Grade.A, "en": Grade.B})
    db.session.commit()
    login_as(client, interpreter)
    for _ in range(2):
        form = rendered_form(client, url, action=url)
        response = form.submit(form.parsed.buttons[0].label or None)
        assert response.status_code == 302, re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_int_pattern_is_exactly_the_databases_integer():
    from app.core.hardening import _at_most

    pattern = re.compile(_at_most(MAX_INT) + r"\Z")
    for number in [0, 7, 10, 99, 1000, 999_999_999, 1_000_000_000, 2_000_000_000,
                   2_147_483_639, 2_147_483_646, MAX_INT]:
        assert pattern.match(str(number)), number
    for text in [str(MAX_INT + 1), "2147483650", "2147483700", "2200000000", "9999999999",
                 "10000000000", "01", "-1", "1.0", ""]:
        assert not pattern.match(text), text
    small = re.compile(_at_most(509) + r"\Z")
    assert [n for n in range(2000) if small.match(str(n))] == list(range(510))
