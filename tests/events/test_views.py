import html
import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from app.core.time import localize
from app.core.time import now_utc
from app.core.time import to_zone
from app.core.time import zone_label
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from tests.fixtures.people import login_as
from tests.formatting import clock_range
from tests.formatting import country
from tests.formatting import day as babel_day
from tests.formatting import holiday_name
from tests.forms import form_in
from tests.forms import refusal
from tests.forms import rendered_form


@pytest.fixture
def workshop(make_event, make_session):
    """The 5 April 2022 virtual workshop, run from Sydney."""
    event = make_event(title="Partnerships workshop", kind=EventKind.VIRTUAL,
                       timezone="Australia/Sydney", start_date=date(2022, 4, 5),
                       online_url="https://meet.example.org/secret-room",
                       joining_instructions="Use your full name.")
    make_session(event, datetime(2022, 4, 5, 3, 0, tzinfo=UTC),
                 datetime(2022, 4, 5, 5, 30, tzinfo=UTC), title="Plenary")
    return event


def test_participant_sees_agenda_in_their_zone_with_the_strip(client, participant, workshop):
    login_as(client, participant)  # Pacific/Auckland
    page = client.get(f"/events/{workshop.id}").get_data(as_text=True)
    locale = participant.formatting_locale  # a New Zealander reads New Zealand English
    assert clock_range((15, 0), (17, 30), locale) in page and "your time" in page
    assert f"{clock_range((13, 0), (15, 30), locale)} in Sydney" in page
    for city in ("Bangkok", "Jakarta", "Makassar", "Jayapura", "Kuala Lumpur", "Perth",
                 "Sydney", "Auckland"):
        assert f"<strong>{city}</strong>" in page
    assert "Chatham House Rule" in page
    assert "secret-room" not in page  # online link: organisers and confirmed only


def test_organiser_sees_the_online_link(client, organiser, workshop):
    login_as(client, organiser)
    assert "secret-room" in client.get(f"/events/{workshop.id}").get_data(as_text=True)


def test_drafts_are_for_organisers_only(client, participant, organiser, make_event):
    draft = make_event(status=EventStatus.DRAFT, title="Secret draft")
    login_as(client, participant)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert "Secret draft" not in client.get("/events").get_data(as_text=True)
    assert "Secret draft" not in client.get("/").get_data(as_text=True)
    login_as(client, organiser)
    assert client.get(f"/events/{draft.id}").status_code == 200


def test_anonymous_must_sign_in_for_event_pages(client, workshop):
    assert client.get(f"/events/{workshop.id}").status_code == 302
    assert client.get("/").status_code == 200


def _event_form(**overrides):
    data = {"title": "Jakarta 2027", "description": "", "kind": "hybrid", "status": "open",
            "timezone": "Asia/Jakarta", "start_date": "2027-06-22", "end_date": "2027-06-24",
            "host_country": "ID", "countries": ["AU", "ID", "MY", "NZ", "TH"],
            "co_hosts": "", "venue": "Jakarta", "address": "", "online_url": "",
            "joining_instructions": "", "topics": "Screening\nReferral",
            "is_chatham_house": "y", "is_invitation_only": "y"}
    data.update(overrides)
    return data


def test_organiser_creates_and_edits_an_event(client, organiser):
    login_as(client, organiser)
    response = client.post("/events/new", data=_event_form())
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Jakarta 2027"))
    assert event.topics == ["Screening", "Referral"] and event.kind == EventKind.HYBRID
    response = client.post(f"/events/{event.id}/edit", data=_event_form(title="Jakarta"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title == "Jakarta"


@pytest.mark.parametrize("overrides, message", [
    ({"end_date": "2027-06-01"}, "cannot be before the first day"),
    ({"timezone": "Asia/Atlantis"}, "Choose a timezone"),
    ({"start_date": "not a date"}, "Not a valid date value"),
    ({"kind": "party"}, "Not a valid choice"),
])
def test_bad_event_input_is_a_4xx_and_saves_nothing(client, organiser, overrides, message):
    login_as(client, organiser)
    before = db.session.scalar(select(func.count()).select_from(Event))
    response = client.post("/events/new", data=_event_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == before


OPENING = {"title": "Opening", "start_time": "13:00", "end_time": "14:00"}


def _new_session(client, event, **values):
    """The event's add-a-session page with ``values`` typed in: only fields it renders."""
    return rendered_form(client, f"/events/{event.id}/sessions/new").fill(**values)


def test_organiser_adds_previews_and_edits_a_session(client, organiser, workshop):
    login_as(client, organiser)
    preview = _new_session(client, workshop, **{**OPENING, "start_time": "17:00",
                                                "end_time": "18:00"}).submit("preview")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Preview: the time for every delegation" in page and "outside working hours" in page
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 1
    assert _new_session(client, workshop, **OPENING).submit("submit").status_code == 302
    session = db.session.scalar(select(EventSession).where(EventSession.title == "Opening"))
    assert session.start_dt == datetime(2022, 4, 5, 3, 0, tzinfo=UTC)
    edit = rendered_form(client, f"/events/{workshop.id}/sessions/{session.id}/edit")
    assert edit.values["title"] == ["Opening"] and edit.values["start_time"] == ["13:00"]
    assert edit.fill(start_time="14:00", end_time="15:00").submit("submit").status_code == 302
    db.session.refresh(session)
    assert session.start_dt == datetime(2022, 4, 5, 4, 0, tzinfo=UTC) and session.sequence == 1


@pytest.mark.parametrize("kind, mode, asks_mode, online", [
    (EventKind.VIRTUAL, AttendanceMode.ONLINE, False, True),
    (EventKind.IN_PERSON, AttendanceMode.IN_PERSON, False, False),
    (EventKind.HYBRID, AttendanceMode.BOTH, True, True),
])
def test_sessions_are_added_and_edited_through_the_page_in_every_kind_of_event(
        client, organiser, make_event, kind, mode, asks_mode, online):
    """The page asks "Who attends how" in hybrid events only; elsewhere the kind says it."""
    event = make_event(kind=kind, timezone="Asia/Jakarta", start_date=date(2027, 6, 22),
                       end_date=date(2027, 6, 24))
    login_as(client, organiser)
    form = rendered_form(client, f"/events/{event.id}/sessions/new")
    assert ("attendance_mode" in form.names) is asks_mode
    assert ("online_url" in form.names) is online
    assert ("preview" in {button.name for button in form.parsed.buttons}) is online
    assert "occurrence" not in form.names and '="None"' not in form.html
    response = form.fill(title="Opening", day="2027-06-23", start_time="09:00",
                         end_time="10:30", room="Hall A").submit("submit")
    assert response.status_code == 302
    session = db.session.scalar(select(EventSession).where(EventSession.event_id == event.id))
    assert session.attendance_mode == mode and session.room == "Hall A"
    assert session.start_dt == datetime(2027, 6, 23, 2, tzinfo=UTC)

    session.online_url = "https://meet.example.org/kept"  # say, from when it was hybrid
    db.session.commit()
    edit = rendered_form(client, f"/events/{event.id}/sessions/{session.id}/edit")
    assert edit.names == form.names
    assert edit.values["day"] == ["2027-06-23"] and edit.values["start_time"] == ["09:00"]
    if asks_mode:
        assert edit.values["attendance_mode"] == ["both"]
        edit.fill(attendance_mode="online")
    assert edit.fill(start_time="11:00", end_time="12:00").submit("submit").status_code == 302
    db.session.refresh(session)
    assert session.start_dt == datetime(2027, 6, 23, 4, tzinfo=UTC) and session.sequence == 1
    assert session.attendance_mode == (AttendanceMode.ONLINE if asks_mode else mode)
    assert session.room == "Hall A" and session.online_url == "https://meet.example.org/kept"


@pytest.mark.parametrize("kind", list(EventKind))
def test_a_time_the_clocks_skip_is_refused_beside_its_field(client, organiser, make_event,
                                                             kind):
    """02:30 on 4 October 2026 does not exist in Sydney (02:00 becomes 03:00)."""
    event = make_event(kind=kind, timezone="Australia/Sydney", start_date=date(2026, 10, 3),
                       end_date=date(2026, 10, 5))
    login_as(client, organiser)
    url = f"/events/{event.id}/sessions/new"
    response = rendered_form(client, url).fill(
        title="Early", day="2026-10-04", start_time="02:30", end_time="03:30").submit("submit")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    shown = refusal(page)
    assert shown.errors["start_time"].startswith(
        "02:30 does not exist on 2026-10-04 in Australia/Sydney")
    assert "daylight saving" in shown.errors["start_time"]
    assert shown.invalid == {"start_time"} and shown.summary_links == ["start_time"]
    assert "Please correct the highlighted fields." in shown.summary
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 0

    again = form_in(client, url, page)  # the refused page keeps what was typed
    assert again.values["start_time"] == ["02:30"] and again.values["title"] == ["Early"]
    assert again.fill(start_time="03:00", end_time="04:00").submit("submit").status_code == 302
    session = db.session.scalar(select(EventSession).where(EventSession.event_id == event.id))
    assert session.start_dt == datetime(2026, 10, 3, 16, tzinfo=UTC)  # 03:00 AEDT (+11)


def test_an_end_the_clocks_skip_marks_the_end(client, organiser, make_event):
    event = make_event(kind=EventKind.VIRTUAL, timezone="Australia/Sydney",
                       start_date=date(2026, 10, 4))
    login_as(client, organiser)
    response = _new_session(client, event, title="Night", start_time="01:00",
                            end_time="02:15").submit("submit")
    assert response.status_code == 400
    shown = refusal(response.get_data(as_text=True))
    assert shown.invalid == {"end_time"} and "02:15 does not exist" in shown.errors["end_time"]


def test_a_time_that_happens_twice_asks_which_one(client, organiser, make_event):
    """02:30 on 2 April 2023 happens twice in Auckland (03:00 NZDT becomes 02:00 NZST)."""
    event = make_event(kind=EventKind.IN_PERSON, timezone="Pacific/Auckland",
                       start_date=date(2023, 4, 2))
    login_as(client, organiser)
    url = f"/events/{event.id}/sessions/new"
    response = _new_session(client, event, title="Late", start_time="02:30",
                            end_time="03:30").submit("submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    shown = refusal(page)
    assert "happens twice" in shown.errors["occurrence"]
    assert shown.invalid == {"occurrence-0", "occurrence-1"}
    assert shown.summary_links == ["occurrence-0"]
    chosen = form_in(client, url, page).fill(occurrence="later").submit("submit")
    assert chosen.status_code == 302
    session = db.session.scalar(select(EventSession).where(EventSession.event_id == event.id))
    assert session.start_dt == datetime(2023, 4, 1, 14, 30, tzinfo=UTC)  # 02:30 NZST (+12)


def test_session_bad_input_marks_the_field_at_fault(client, organiser, workshop):
    login_as(client, organiser)
    for values, field, status in [
        ({"end_time": "12:00"}, "end_time", 400),  # before it starts
        ({"start_time": "25:00"}, "start_time", 400),
        ({"capacity": "0"}, "capacity", 400),
    ]:
        response = _new_session(client, workshop, **{**OPENING, **values}).submit("submit")
        assert response.status_code == status, values
        shown = refusal(response.get_data(as_text=True))
        assert shown.invalid == {field} and shown.summary_links == [field], values
        assert shown.errors[field], values
    for day in ("2022-04-09", "garbage"):  # a stale or tampered page
        response = _new_session(client, workshop, **OPENING).forge(day=day).submit("submit")
        assert response.status_code == 400
        assert refusal(response.get_data(as_text=True)).invalid == {"day"}
    assert _new_session(client, workshop, **OPENING, room="Zoom A").submit(
        "submit").status_code == 302
    clash = _new_session(client, workshop, **{**OPENING, "title": "Clash"},
                         room="Zoom A").submit("submit")
    assert clash.status_code == 409
    shown = refusal(clash.get_data(as_text=True))
    assert shown.invalid == {"room"} and "already used" in shown.errors["room"]


def test_a_refusal_of_no_one_field_is_shown_at_the_top(client, organiser, workshop):
    login_as(client, organiser)
    form = _new_session(client, workshop, **OPENING)
    workshop.status = EventStatus.CANCELLED
    db.session.commit()
    response = form.submit("submit")
    assert response.status_code == 409
    shown = refusal(response.get_data(as_text=True))
    assert "This event is cancelled." in shown.summary
    assert shown.invalid == set() and shown.summary_links == []


def test_the_form_helper_refuses_fields_the_page_does_not_render(client, organiser,
                                                                 make_event):
    event = make_event(kind=EventKind.VIRTUAL)
    login_as(client, organiser)
    form = rendered_form(client, f"/events/{event.id}/sessions/new")
    with pytest.raises(KeyError, match="attendance_mode"):
        form.fill(attendance_mode="online")
    with pytest.raises(ValueError, match="offers"):
        form.fill(kind="party")


def test_session_of_another_event_is_404(client, participant, workshop, make_event):
    other = make_event()
    session_id = workshop.sessions[0].id
    login_as(client, participant)
    assert client.get(f"/events/{other.id}/sessions/{session_id}").status_code == 404
    assert client.get(f"/events/{workshop.id}/sessions/{session_id}").status_code == 200


def test_parallel_sessions_share_a_slot(client, participant, make_event, make_session):
    event = make_event(kind=EventKind.IN_PERSON, start_date=date(2027, 3, 10))
    start = datetime(2027, 3, 10, 3, tzinfo=UTC)
    for name in ("Group A", "Group B"):
        make_session(event, start, start + timedelta(hours=1), title=name,
                     kind=SessionKind.SMALL_GROUP)
    login_as(client, participant)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    slot = page.split('<div class="slot">')[1].split("</div>")[0]
    assert "Group A" in slot and "Group B" in slot


def test_cancel_event_and_session(client, organiser, workshop):
    """Each through its confirmation page (tests/events/test_cancelling.py has the rest)."""
    login_as(client, organiser)
    session = workshop.sessions[0]
    confirm = rendered_form(client, f"/events/{workshop.id}/sessions/{session.id}/cancel")
    assert confirm.submit().status_code == 302
    assert rendered_form(client, f"/events/{workshop.id}/cancel").submit().status_code == 302
    db.session.refresh(workshop)
    assert workshop.status == EventStatus.CANCELLED


def _add_sessions(event, count):
    start = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
    rows = [{"event_id": event.id, "title": f"S{n}", "kind": SessionKind.PLENARY,
             "start_dt": start + timedelta(minutes=n % 600),
             "end_dt": start + timedelta(minutes=n % 600 + 45)} for n in range(count)]
    db.session.execute(insert(EventSession), rows)
    db.session.commit()


@pytest.mark.parametrize("path", ["/events/{id}", "/events", "/"])
def test_pages_run_a_constant_number_of_queries(app, client, participant, make_event,
                                                query_counter, path):
    small, large = make_event(start_date=date(2027, 3, 10)), make_event(
        start_date=date(2027, 3, 10))
    _add_sessions(small, 10)
    _add_sessions(large, 2000)
    login_as(client, participant)
    counts = []
    for url in (path.format(id=small.id), path.format(id=large.id)):
        with query_counter() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    # 11: the header's count of unread notices, and one row each for the surveys and the
    # summary report panels.
    assert counts[0] == counts[1] <= 11, counts


# --- the event form's timezone and its holiday warnings (issue 13) ---------------------------

VESAK = date(2027, 5, 20)  # Vesak Day in Indonesia (checked by holiday_name)


def _optgroups(page: str) -> list[tuple[str, list[str]]]:
    """The timezone select's groups in order, each with its zones."""
    select = page[page.index('name="timezone"'):]
    select = select[:select.index("</select>")]
    return [(label, re.findall(r'<option[^>]*value="([^"]*)"', body))
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select,
                                          re.S)]


def test_the_timezone_list_starts_automatic_then_the_platform_countries(client, organiser):
    login_as(client, organiser)
    form = rendered_form(client, "/events/new")
    assert form.values["timezone"] == [""]  # automatic, not Africa/Abidjan
    groups = _optgroups(form.html)
    labels = [label for label, _zones in groups]
    platform = sorted(country(code, "en") for code in ("AU", "ID", "MY", "NZ", "TH"))
    assert labels == ["Automatic", *platform, "Every other timezone"]
    zones = dict(groups)
    assert zones["Automatic"] == [""]
    # Each group west to east by today's offset, then by name; the values stay IANA ids.
    assert zones[country("ID", "en")] == ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar",
                                          "Asia/Jayapura"]
    assert {"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane",
            "Australia/Adelaide", "Australia/Darwin", "Australia/Perth"} <= set(
        zones[country("AU", "en")])
    assert zones[country("NZ", "en")] == ["Pacific/Auckland", "Pacific/Chatham"]
    assert "Asia/Kuala_Lumpur" in zones[country("MY", "en")]
    assert zones[country("TH", "en")] == ["Asia/Bangkok"]
    assert "Africa/Abidjan" in zones["Every other timezone"]
    assert "Asia/Jakarta" not in zones["Every other timezone"]
    # Each zone reads as the organiser knows it, the offset today's (the list is for now).
    labels = _option_labels(form.html)
    assert labels["Asia/Jakarta"] == zone_label("Asia/Jakarta", organiser.formatting_locale)
    assert labels["Asia/Jakarta"].startswith("Jakarta (")
    assert labels["Asia/Jakarta"].endswith(", UTC+7)")
    rest = zones["Every other timezone"]
    offsets = [to_zone(now_utc(), zone).utcoffset() for zone in rest]
    assert offsets == sorted(offsets)


def _option_labels(page: str) -> dict[str, str]:
    select = page[page.index('name="timezone"'):]
    select = select[:select.index("</select>")]
    return {value: html.unescape(label) for value, label in
            re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)}


@pytest.mark.parametrize(("host", "chosen", "expected"), [
    ("ID", "", "Asia/Jakarta"),  # automatic: the host country's main zone
    ("", "", "Australia/Sydney"),  # automatic without a host: the organiser's own
    ("ID", "Asia/Makassar", "Asia/Makassar"),  # a zone chosen is kept
])
def test_an_automatic_timezone_is_the_host_countrys_else_the_organisers(
        client, make_user, host, chosen, expected):
    organiser = make_user(("organiser",), country="AU", timezone="Australia/Sydney")
    login_as(client, organiser)
    form = rendered_form(client, "/events/new").fill(
        title="Jakarta 2027", start_date="2027-06-22", end_date="2027-06-24",
        host_country=host, timezone=chosen)
    response = form.submit()
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Jakarta 2027"))
    assert event.timezone == expected
    landing = client.get(response.location).get_data(as_text=True)
    # Named as the organiser knows it, with its offset on the meeting's first day.
    midday = localize(datetime(2027, 6, 22, 12), expected)
    said = f"Timezone of the meeting: {zone_label(expected, organiser.formatting_locale, midday)}."
    assert (said in landing) == (chosen == "")


def test_saving_an_event_on_a_holiday_warns_and_the_edit_page_lists_it(client, organiser):
    login_as(client, organiser)
    form = rendered_form(client, "/events/new").fill(
        title="Vesak week", start_date=VESAK.isoformat(), end_date=VESAK.isoformat(),
        host_country="ID", countries=["ID"])
    response = form.submit()
    assert response.status_code == 302  # a warning, never a refusal
    event = db.session.scalar(select(Event).where(Event.title == "Vesak week"))
    locale = organiser.formatting_locale
    warning = (f"{babel_day(VESAK, locale)} is {holiday_name('ID', VESAK)} "
               f"in {country('ID', locale)}.")
    landing = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "Event created." in landing and warning in landing
    assert 'class="flash warning"' in landing
    edit = rendered_form(client, f"/events/{event.id}/edit")
    assert warning in html.unescape(edit.html)
    saved = edit.fill(start_date="2027-06-22", end_date="2027-06-22").submit()
    assert saved.status_code == 302
    quiet = html.unescape(client.get(saved.location).get_data(as_text=True))
    assert "Event saved." in quiet and "public holidays" not in quiet
    assert "public holidays" not in client.get(f"/events/{event.id}/edit").get_data(as_text=True)
