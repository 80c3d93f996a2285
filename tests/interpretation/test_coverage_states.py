"""Coverage counts only accepted teams; the feed pencils proposals in (TENTATIVE) and
confirms them on acceptance with a new SEQUENCE; the two-way booth follows the AIIC table."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from app.extensions import db
from app.interpretation import services
from app.interpretation.models import AssignmentStatus
from app.interpretation.rules import AIIC_ONE_WAY_BOOTH
from app.interpretation.rules import AIIC_TWO_WAY_BOOTH
from app.interpretation.rules import Limits
from app.interpretation.rules import team_size
from app.interpretation.services import CoverageState
from tests.fixtures.people import login_as
from tests.interpretation.conftest import at


def _commit(result):
    db.session.commit()
    return result


def _state(event):
    (row,) = services.coverage(event)
    return row.state


@pytest.mark.parametrize("minutes", [41, 90, 180, 240])
def test_a_two_way_booth_gets_the_published_aiic_team(app, minutes):
    """AIIC Professional Standards, Article 6: into both languages of a two-language
    meeting (a two-way booth), 3 interpreters; into one of them, 2."""
    limits = Limits.from_config(app.config)
    assert team_size(minutes, True, False, limits) == AIIC_TWO_WAY_BOOTH == 3
    assert team_size(minutes, False, False, limits) == AIIC_ONE_WAY_BOOTH == 2


def test_covered_only_once_the_whole_team_has_accepted(app, make_event, make_channel,
                                                       make_interpreter):
    event = make_event()
    channel = make_channel(event, at(3), at(4))  # 60 minutes: a team of two
    first, second = make_interpreter(), make_interpreter()
    assert _state(event) == CoverageState.SHORT
    one = _commit(services.assign_interpreter(channel, first))
    assert _state(event) == CoverageState.SHORT
    two = _commit(services.assign_interpreter(channel, second))
    assert _state(event) == CoverageState.AWAITING  # enough proposed, nobody has said yes
    _commit(services.accept_assignment(one))
    assert _state(event) == CoverageState.AWAITING  # one of two accepted
    _commit(services.accept_assignment(two))
    assert _state(event) == CoverageState.COVERED
    assert services.coverage_state(False, None, 0, 0) == CoverageState.GAP
    assert services.coverage_state(True, None, 0, 0) == CoverageState.GAP  # too long


def test_a_decline_reopens_the_gap(app, make_event, make_channel, make_interpreter):
    event = make_event()
    channel = make_channel(event, at(3), at(3, 40))  # one interpreter
    assignment = _commit(services.assign_interpreter(channel, make_interpreter()))
    _commit(services.accept_assignment(assignment))
    assert _state(event) == CoverageState.COVERED
    # Accepted work can still be given back; the channel is short again.
    _commit(services.decline_assignment(assignment, "Taken ill."))
    assert _state(event) == CoverageState.SHORT


def test_the_coverage_page_and_csv_say_awaiting_until_accepted(
        app, client, organiser, make_event, make_channel, make_interpreter):
    event = make_event()
    channel = make_channel(event, at(3), at(3, 40))
    person = make_interpreter()
    assignment = _commit(services.assign_interpreter(channel, person))
    login_as(client, organiser)
    page = client.get(f"/events/{event.id}/interpretation/coverage").get_data(as_text=True)
    assert "Proposed, awaiting replies: 0 of 1 accepted." in page and "Covered<" not in page
    csv = client.get(f"/events/{event.id}/interpretation/coverage.csv").get_data(as_text=True)
    assert csv.splitlines()[0].endswith(",Status")
    assert csv.splitlines()[1].endswith(",\"Proposed, awaiting replies\"")
    # The interpreter accepts through their page's button.
    login_as(client, person.user)
    assert client.post(f"/interpretation/assignments/{assignment.id}/accept"
                       ).status_code == 302
    login_as(client, organiser)
    page = client.get(f"/events/{event.id}/interpretation/coverage").get_data(as_text=True)
    assert "Covered<" in page and "awaiting replies" not in page
    csv = client.get(f"/events/{event.id}/interpretation/coverage.csv").get_data(as_text=True)
    assert csv.splitlines()[1].endswith(",Covered")


def _feed_event(user, uid):
    from app.calendar.services import feed_calendar

    found = [c for c in Calendar.from_ical(feed_calendar(user)).walk("VEVENT")
             if str(c["UID"]) == uid]
    assert len(found) == 1
    return found[0]


def test_the_feed_pencils_in_a_proposal_and_confirms_it_on_acceptance(
        app, make_event, make_channel, make_interpreter):
    from app.core.models import OutboxMessage

    channel = make_channel(make_event(), at(3), at(3, 40))
    person = make_interpreter()
    assignment = _commit(services.assign_interpreter(channel, person))
    proposed = _feed_event(person.user, channel.session.uid)
    assert str(proposed["STATUS"]) == "TENTATIVE"
    emailed = db.session.query(OutboxMessage).filter_by(recipient=person.user.email).one()
    (invitation,) = Calendar.from_ical(emailed.calendar).walk("VEVENT")
    assert str(invitation["STATUS"]) == "TENTATIVE"
    _commit(services.accept_assignment(assignment))
    assert assignment.status == AssignmentStatus.ACCEPTED
    accepted = _feed_event(person.user, channel.session.uid)
    assert str(accepted["STATUS"]) == "CONFIRMED"
    assert int(accepted["SEQUENCE"]) > int(proposed["SEQUENCE"])
