"""Pages: who sees what, refusals that change nothing, constant queries, CSV safety."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from app.events.models import EventKind
from app.extensions import db
from app.interpretation import services
from app.interpretation.models import Assignment
from app.interpretation.models import AssignmentStatus
from app.interpretation.models import SessionChannel
from tests.fixtures.people import login_as
from tests.formatting import clock
from tests.interpretation.conftest import at


def test_interpreter_sees_only_their_own_assignments_in_their_time(
        app, client, make_event, make_channel, make_interpreter):
    event = make_event(kind=EventKind.IN_PERSON, venue="Bangkok", timezone="Asia/Bangkok")
    channel = make_channel(event, at(3), at(3, 40), room="Room 2")  # 10:00 Bangkok
    auckland = make_interpreter(timezone="Pacific/Auckland", name="Aroha")
    other = make_interpreter(name="Somsak")
    mine = services.assign_interpreter(channel, auckland)
    theirs = services.assign_interpreter(make_channel(event, at(5), at(5, 40)), other)
    db.session.commit()
    login_as(client, auckland.user)
    page = client.get("/interpretation/assignments").get_data(as_text=True)
    nzdt = clock(16, 0, auckland.user.formatting_locale)
    assert channel.session.title in page and nzdt in page
    assert "Room 2, Bangkok" in page and "English → Thai" in page
    assert theirs.channel.session.title not in page
    assert client.post(f"/interpretation/assignments/{theirs.id}/accept").status_code == 404
    assert db.session.get(Assignment, theirs.id).status == AssignmentStatus.PROPOSED
    response = client.post(f"/interpretation/assignments/{mine.id}/accept")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.ACCEPTED


def test_partners_appear_by_public_name(app, client, make_event, make_channel,
                                        make_interpreter):
    channel = make_channel(make_event(), at(3), at(4))  # 60 minutes: a team of two
    first = make_interpreter(name="Real Name", pseudonym="Booth partner B")
    second = make_interpreter()
    services.assign_interpreter(channel, first)
    services.assign_interpreter(channel, second)
    db.session.commit()
    page = login_as(client, second.user).get("/interpretation/assignments").get_data(
        as_text=True)
    assert "Booth partner B" in page and "Real Name" not in page


def test_refused_assignment_says_which_rule_and_keeps_nothing(
        app, client, organiser, make_event, make_channel, make_interpreter):
    event = make_event()
    channel = make_channel(event, at(3), at(3, 40), "id")
    person = make_interpreter({"th": "A", "en": "B"})
    login_as(client, organiser)
    response = client.post(f"/interpretation/channels/{channel.id}/assign",
                           data={"interpreter_id": str(person.user_id)})
    assert response.status_code == 409
    assert "Rule: direction" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    bad = client.post(f"/interpretation/channels/{channel.id}/assign",
                      data={"interpreter_id": "999999"})
    assert bad.status_code == 400


def test_open_channel_from_the_demand_grid(app, client, organiser, make_event, make_session):
    event = make_event()
    session = make_session(event, at(3), at(4))
    login_as(client, organiser)
    assert "Open channel" in client.get(f"/events/{event.id}/interpretation").get_data(
        as_text=True)
    response = client.post(f"/events/{event.id}/interpretation/channels",
                           data={"session_id": str(session.id), "language": "th"})
    assert response.status_code == 302
    again = client.post(f"/events/{event.id}/interpretation/channels",
                        data={"session_id": str(session.id), "language": "th"})
    assert again.status_code == 409
    floor = client.post(f"/events/{event.id}/interpretation/channels",
                        data={"session_id": str(session.id), "language": "en"})
    assert floor.status_code == 400
    assert db.session.scalar(select(func.count(SessionChannel.id)).where(
        SessionChannel.session_id == session.id)) == 1


def test_auto_assign_button_reports_unfilled(app, client, organiser, make_event, make_channel,
                                             make_interpreter):
    event = make_event()
    make_channel(event, at(3), at(3, 40))
    make_channel(event, at(5), at(5, 40), "mi")
    make_interpreter()
    login_as(client, organiser)
    response = client.post(f"/events/{event.id}/interpretation/auto-assign",
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "1 channel filled." in text and "1 channel not filled." in text  # singular
    assert "Rule: direction" in text


def test_cli_assigns(app, make_event, make_channel, make_interpreter):
    from app.interpretation.cli import assign_interpreters_command

    event = make_event()
    make_channel(event, at(3), at(3, 40))
    make_interpreter()
    result = app.test_cli_runner().invoke(assign_interpreters_command, [str(event.id)])
    assert "filled=1 unfilled=0" in result.output
    missing = app.test_cli_runner().invoke(assign_interpreters_command, ["999999"])
    assert missing.exit_code != 0


def _world(make_event, make_channel, make_interpreter, sessions: int):
    event = make_event()
    people = [make_interpreter(name=f"=cmd|' /C calc'!A{n}") for n in range(2)]
    for n in range(sessions):
        channel = make_channel(event, at(1 + n // 6, (n % 6) * 10, day=10 + n // 60),
                               at(1 + n // 6, (n % 6) * 10 + 5, day=10 + n // 60))
        if n < 4:
            services.assign_interpreter(channel, people[n % 2])
    db.session.commit()
    return event, people


def test_organiser_pages_run_constant_queries(app, client, organiser, make_event, make_channel,
                                              make_interpreter, query_counter):
    small, _people = _world(make_event, make_channel, make_interpreter, 2)
    large, _others = _world(make_event, make_channel, make_interpreter, 12)
    login_as(client, organiser)
    for page in ("interpretation", "interpretation/assignments", "interpretation/coverage",
                 "interpretation/coverage.csv"):
        counts = []
        for event in (small, large):
            with query_counter() as statements:
                assert client.get(f"/events/{event.id}/{page}").status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1], page


def test_my_assignments_runs_constant_queries(app, client, make_event, make_channel,
                                              make_interpreter, query_counter):
    person = make_interpreter()
    event = make_event()
    counts = []
    for n in range(3):
        services.assign_interpreter(make_channel(event, at(2 * n), at(2 * n, 30)), person)
        db.session.commit()
        login_as(client, person.user)
        with query_counter() as statements:
            client.get("/interpretation/assignments")
        counts.append(len(statements))
    assert counts[0] == counts[-1]


def test_coverage_csv_neutralises_formulas_and_shows_gaps(
        app, client, organiser, make_event, make_channel, make_interpreter):
    event, _people = _world(make_event, make_channel, make_interpreter, 2)
    login_as(client, organiser)
    text = client.get(f"/events/{event.id}/interpretation/coverage.csv").get_data(as_text=True)
    assert "'=cmd" in text and "\n=cmd" not in text and ",=cmd" not in text
    page = client.get(f"/events/{event.id}/interpretation/coverage").get_data(as_text=True)
    # Proposed only: nobody has accepted, so nothing is covered yet.
    assert "Proposed, awaiting replies: 0 of 1 accepted." in page and "Covered<" not in page


def test_participant_asks_for_a_session_language(app, client, participant, make_event,
                                                 make_session):
    from app.registrations.services import RegistrationInput
    from app.registrations.services import register

    event = make_event(is_invitation_only=False)
    session = make_session(event, at(3), at(4))
    register(event, participant, RegistrationInput(consent_chatham=True, consent_data=True))
    db.session.commit()
    login_as(client, participant)
    response = client.post(f"/events/{event.id}/interpretation/requests",
                           data={"session_id": str(session.id), "language": "mi"})
    assert response.status_code == 302
    assert services.demand(event).counts[(session.id, "mi")] == 1
    bad = client.post(f"/events/{event.id}/interpretation/requests",
                      data={"session_id": str(session.id), "language": "xx"})
    assert bad.status_code == 400


def test_interpreter_edits_profile_and_availability(app, client, interpreter):
    login_as(client, interpreter)
    response = client.post("/interpretation/profile", data={
        "a_languages": ["th"], "b_languages": ["en"], "timezone": "Asia/Bangkok",
        "works_remote": "y"})
    assert response.status_code == 302
    profile = services.profile_of(interpreter)
    assert profile.grades() == {"th": "A", "en": "B"} and not profile.works_on_site
    both = client.post("/interpretation/profile", data={
        "a_languages": ["th"], "b_languages": ["th"], "timezone": "Asia/Bangkok",
        "works_remote": "y"})
    assert both.status_code == 400
    window = client.post("/interpretation/profile/availability", data={
        "window-kind": "off", "window-start_date": "2027-03-10", "window-start_time": "00:00",
        "window-end_date": "2027-03-09", "window-end_time": "00:00"})
    assert window.status_code == 400
    assert services.profile_of(interpreter).availability == []


def test_declining_goes_through_a_page_that_asks_why(app, client, organiser, participant,
                                                     make_event, make_channel,
                                                     make_interpreter):
    from app.core.models import OutboxMessage
    from tests.forms import refusal
    from tests.forms import rendered_form

    event = make_event(title="Jakarta roundtable")
    channel = make_channel(event, at(3), at(4), title="Next steps")  # a team of two
    leaving = make_interpreter(name="Ingrid Interpreter")
    staying = make_interpreter(name="Kanya Interpreter")
    mine = services.assign_interpreter(channel, leaving)
    services.assign_interpreter(channel, staying)
    db.session.commit()
    login_as(client, leaving.user)
    page = client.get("/interpretation/assignments").get_data(as_text=True)
    decline_url = f"/interpretation/assignments/{mine.id}/decline"
    assert f'href="{decline_url}"' in page  # a link to the confirmation, not a form posting
    assert f'action="{decline_url}"' not in page
    form = rendered_form(client, decline_url)
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.PROPOSED
    assert "Decline interpreting “Next steps”?" in form.html
    assert form.names == {"reason"}  # and the CSRF token, off in these tests
    assert [b.label for b in form.parsed.buttons] == ["Decline the assignment"]
    assert 'href="/interpretation/assignments">Go back</a>' in form.html
    # Empty, and too long: refused beside the field, nothing declined.
    empty = form.fill(reason="").submit()
    assert empty.status_code == 400
    assert "reason" in refusal(empty.get_data(as_text=True)).invalid
    long = form.fill(reason="x" * 501).submit()
    assert long.status_code == 400
    assert "500 characters or fewer" in long.get_data(as_text=True)
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.PROPOSED
    response = form.fill(reason="Booked at another conference that week.").submit()
    assert response.status_code == 302
    db.session.expire_all()
    declined = db.session.get(Assignment, mine.id)
    assert declined.status == AssignmentStatus.DECLINED
    assert declined.decline_reason == "Booked at another conference that week."
    to_organiser = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == organiser.email)).all()
    assert len(to_organiser) == 1
    assert "Booked at another conference that week." in to_organiser[0].body
    # A stale page pressed again: refused, said why, no second email.
    again = form.submit()
    assert again.status_code == 409 and "no longer open" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.recipient == organiser.email)) == 1
    # Organisers read who declined and why, on the coverage and assignments pages.
    login_as(client, organiser)
    for path in ("coverage", "assignments"):
        text = client.get(f"/events/{event.id}/interpretation/{path}").get_data(as_text=True)
        assert "Ingrid Interpreter" in text, path
        assert "Booked at another conference that week." in text, path
    # The booth partner and participants never do.
    login_as(client, staying.user)
    text = client.get("/interpretation/assignments").get_data(as_text=True)
    assert "Ingrid Interpreter" not in text and "another conference" not in text
    assert client.get(decline_url).status_code == 404  # not theirs
    login_as(client, participant)
    for url in (f"/events/{event.id}", f"/events/{event.id}/sessions/{channel.session_id}",
                f"/events/{event.id}/interpretation/coverage"):
        assert "another conference" not in client.get(url).get_data(as_text=True), url


def test_a_cancelled_session_offers_nothing_to_decline(app, client, make_event, make_channel,
                                                       make_interpreter):
    from app.events.services import cancel_session

    channel = make_channel(make_event(), at(3), at(3, 40))
    person = make_interpreter()
    assignment = services.assign_interpreter(channel, person)
    db.session.commit()  # one request; cancelling is another (locks go event first)
    cancel_session(channel.session)
    db.session.commit()
    login_as(client, person.user)
    page = client.get("/interpretation/assignments").get_data(as_text=True)
    assert "/decline" not in page and "/accept" not in page and "Cancelled" in page
    response = client.get(f"/interpretation/assignments/{assignment.id}/decline")
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "This session is cancelled" in text and "<textarea" not in text
    posted = client.post(f"/interpretation/assignments/{assignment.id}/decline",
                         data={"reason": "Too late"})
    assert posted.status_code == 409
    assert db.session.get(Assignment, assignment.id).status == AssignmentStatus.PROPOSED
