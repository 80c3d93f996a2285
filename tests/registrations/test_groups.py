"""Small groups balanced across one time slot: the service on the database (SQLite and
PostgreSQL) and the organisers' pages, posting only what they render."""

from collections import Counter
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select

from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.core.models import AuditRecord
from app.events.models import AttendanceMode
from app.events.models import EventKind
from app.events.models import SessionKind
from app.extensions import db
from app.registrations import groups
from app.registrations import services
from app.registrations.models import AttendAs
from app.registrations.models import RegistrationStatus
from app.registrations.models import SessionPlace
from tests.fixtures.people import login_as
from tests.forms import form_in
from tests.forms import rendered_form

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
START = datetime(2027, 6, 22, 7, 0, tzinfo=UTC)
END = datetime(2027, 6, 22, 8, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(frozen_now):
    frozen_now(NOW)


@pytest.fixture
def roundtable(make_event):
    return make_event(kind=EventKind.IN_PERSON, is_invitation_only=False,
                      start_date=date(2027, 6, 22), end_date=date(2027, 6, 23),
                      timezone="Asia/Jakarta")


@pytest.fixture
def three_groups(roundtable, make_session):
    return [make_session(roundtable, START, END, title=f"Group {name}",
                         kind=SessionKind.SMALL_GROUP, capacity=4,
                         attendance_mode=AttendanceMode.BOTH) for name in "ABC"]


def _organisation(kind, country, n):
    organisation = Organisation(name=f"{kind.value} {n}", kind=kind, country_code=country)
    db.session.add(organisation)
    db.session.flush()
    return organisation


@pytest.fixture
def registrants(roundtable, make_user):
    """Twelve people: four Thai (two asked for Thai interpretation), four Indonesian, two
    Australian, two Malaysian; government and civil society in each country."""
    people = []
    spec = [("TH", "th"), ("TH", "th"), ("TH", ""), ("TH", ""), ("ID", ""), ("ID", ""),
            ("ID", ""), ("ID", ""), ("AU", ""), ("AU", ""), ("MY", ""), ("MY", "")]
    for n, (country, language) in enumerate(spec):
        user = make_user(("participant",), country=country,
                         languages=("en", {"TH": "th", "ID": "id", "MY": "ms"}.get(country, "en")))
        kind = OrganisationKind.GOVERNMENT if n % 2 else OrganisationKind.CIVIL_SOCIETY
        user.organisation = _organisation(kind, country, n)
        people.append(services.register(roundtable, user, services.RegistrationInput(
            interpretation_language=language, consent_chatham=True, consent_data=True)))
    db.session.commit()
    return people


def _ids(sessions):
    return [s.id for s in sessions]


def _groups_of(sessions):
    places = db.session.scalars(select(SessionPlace).where(
        SessionPlace.session_id.in_(_ids(sessions)),
        SessionPlace.status == RegistrationStatus.CONFIRMED)).all()
    return {s.id: sorted(p.registration_id for p in places if p.session_id == s.id)
            for s in sessions}


def test_a_preview_changes_nothing_and_spreads_countries_and_kinds(roundtable, three_groups,
                                                                   registrants):
    proposal = groups.propose(roundtable, _ids(three_groups), keep=False)
    assert _groups_of(three_groups) == {s.id: [] for s in three_groups}
    placed = [r.id for g in proposal.groups for r in g.members]
    assert sorted(placed) == sorted(r.id for r in registrants) and not proposal.unplaced
    for country in ("TH", "ID", "AU", "MY"):
        counts = [sum(1 for r in g.members if r.user.country_code == country)
                  for g in proposal.groups]
        assert max(counts) - min(counts) <= 1, (country, counts)
    assert all(len(g.members) == 4 for g in proposal.groups)
    # The two who asked for Thai share a group: one group needs an interpreter, not two.
    thai = [g for g in proposal.groups if g.plan.needs_interpretation]
    assert len(thai) == 1 and thai[0].plan.pairs == (("en", "th"),)
    assert all(Counter(kind for kind, _n in g.kinds) for g in proposal.groups)
    assert groups.propose(roundtable, _ids(three_groups), keep=False).fingerprint \
        == proposal.fingerprint


def test_apply_places_everyone_once_then_a_move_and_keep(roundtable, three_groups, registrants,
                                                         organiser):
    proposal = groups.propose(roundtable, _ids(three_groups), keep=False)
    groups.apply_proposal(roundtable, _ids(three_groups), False, proposal.fingerprint, organiser)
    db.session.commit()
    applied = _groups_of(three_groups)
    assert applied == {g.session.id: sorted(r.id for r in g.members) for g in proposal.groups}
    audit = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "small_groups_balanced"))
    assert audit.detail["placed"] == 12 and audit.actor_id == organiser.id
    # One person moved by hand: out of a full group into one with room after another left.
    first, second = three_groups[0], three_groups[1]
    leaving = db.session.get(services.Registration, applied[second.id][0])
    services.cancel_registration(leaving, leaving.user)
    db.session.commit()  # one request; the move is the next
    mover = db.session.get(services.Registration, applied[first.id][0])
    groups.move_to_group(roundtable, mover, second, organiser)
    db.session.commit()
    after = _groups_of(three_groups)
    assert mover.id in after[second.id] and mover.id not in after[first.id]
    assert sum(len(ids) for ids in after.values()) == 11
    # Balancing again keeping current places leaves everyone where they are.
    kept = groups.propose(roundtable, _ids(three_groups), keep=True)
    assert {g.session.id: sorted(r.id for r in g.members) for g in kept.groups} == after
    assert all(g.kept == {r.id for r in g.members} for g in kept.groups)


def test_a_stale_preview_is_not_applied(roundtable, three_groups, registrants, organiser,
                                        make_user):
    stale = groups.propose(roundtable, _ids(three_groups), keep=False)
    services.register(roundtable, make_user(("participant",), country="NZ"),
                      services.RegistrationInput(consent_chatham=True, consent_data=True))
    with pytest.raises(groups.ProposalChanged) as refused:
        groups.apply_proposal(roundtable, _ids(three_groups), False, stale.fingerprint,
                              organiser)
    assert refused.value.status == 409
    db.session.rollback()
    assert _groups_of(three_groups) == {s.id: [] for s in three_groups}


def test_places_and_ways_of_attending_are_respected(make_event, make_session, make_user):
    hybrid = make_event(kind=EventKind.HYBRID, is_invitation_only=False,
                        start_date=date(2027, 6, 22), end_date=date(2027, 6, 22))
    room = make_session(hybrid, START, END, title="In the room", kind=SessionKind.SMALL_GROUP,
                        capacity=2, attendance_mode=AttendanceMode.IN_PERSON)
    online = make_session(hybrid, START, END, title="Online", kind=SessionKind.SMALL_GROUP,
                          capacity=5, attendance_mode=AttendanceMode.ONLINE)
    regs = [services.register(hybrid, make_user(country=c), services.RegistrationInput(
        attend_as=mode, consent_chatham=True, consent_data=True))
        for c, mode in [("TH", AttendAs.IN_PERSON), ("ID", AttendAs.IN_PERSON),
                        ("AU", AttendAs.IN_PERSON), ("MY", AttendAs.ONLINE)]]
    proposal = groups.propose(hybrid, [room.id, online.id], keep=False)
    by_session = {g.session.id: {r.id for r in g.members} for g in proposal.groups}
    assert len(by_session[room.id]) == 2 and by_session[online.id] == {regs[3].id}
    assert len(proposal.unplaced) == 1 and proposal.unplaced[0].attend_as == AttendAs.IN_PERSON


def test_groups_of_different_times_cannot_be_balanced_together(roundtable, three_groups,
                                                               make_session):
    later = make_session(roundtable, END, datetime(2027, 6, 22, 10, tzinfo=UTC),
                         kind=SessionKind.SMALL_GROUP, capacity=5)
    with pytest.raises(services.RegistrationError):
        groups.propose(roundtable, [three_groups[0].id, later.id], keep=False)
    assert [len(slot) for slot in groups.time_slots(roundtable)] == [3, 1]


def test_someone_in_a_site_visit_at_that_time_stays_there(roundtable, three_groups,
                                                          make_session, registrants):
    visit = make_session(roundtable, START, END, title="Site visit",
                         kind=SessionKind.SITE_VISIT, capacity=5)
    services.update_registration(registrants[0], services.RegistrationInput(
        session_ids=[visit.id], interpretation_language="th"))
    proposal = groups.propose(roundtable, _ids(three_groups), keep=False)
    assert proposal.elsewhere == 1
    assert registrants[0].id not in {r.id for g in proposal.groups for r in g.members}


# --- pages ------------------------------------------------------------------------------

def test_organiser_previews_applies_and_moves_through_the_pages(client, organiser, roundtable,
                                                                three_groups, registrants):
    login_as(client, organiser)
    page = f"/events/{roundtable.id}/small-groups"
    preview_form = rendered_form(client, page,
                                 action=f"/events/{roundtable.id}/small-groups/preview")
    preview = preview_form.fill(**{f"slot{three_groups[0].id}-keep": False}).submit()
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Needs interpretation:" in html and registrants[0].user.display_name in html
    assert _groups_of(three_groups) == {s.id: [] for s in three_groups}
    apply = form_in(client, f"/events/{roundtable.id}/small-groups/preview", html)
    response = apply.submit()
    assert response.status_code == 303
    applied = _groups_of(three_groups)
    assert sum(len(ids) for ids in applied.values()) == 12
    # Move one person from a full group: refused, the page says so and nothing changes.
    move = rendered_form(client, page, action=f"/events/{roundtable.id}/small-groups/move")
    prefix = f"move{three_groups[0].id}-"
    person = applied[three_groups[0].id][0]
    refused = move.fill(**{f"{prefix}registration_id": str(person),
                           f"{prefix}session_id": str(three_groups[1].id)}).submit()
    assert refused.status_code == 409 and "This session is full." in refused.get_data(
        as_text=True)
    assert _groups_of(three_groups) == applied
    three_groups[1].capacity = 5
    db.session.commit()
    moved = move.submit()
    assert moved.status_code == 303
    assert person in _groups_of(three_groups)[three_groups[1].id]


def test_a_stale_apply_shows_the_new_proposal(client, organiser, roundtable, three_groups,
                                              registrants, make_user):
    login_as(client, organiser)
    url = (f"/events/{roundtable.id}/small-groups/preview?"
           + "&".join(f"slot{three_groups[0].id}-session_ids={s.id}" for s in three_groups))
    apply = rendered_form(client, url)
    newcomer = make_user(("participant",), country="NZ", display_name="Late Newcomer")
    services.register(roundtable, newcomer, services.RegistrationInput(
        consent_chatham=True, consent_data=True))
    db.session.commit()
    response = apply.submit()
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Registrations changed since the preview" in html and "Late Newcomer" in html
    assert _groups_of(three_groups) == {s.id: [] for s in three_groups}


def test_small_group_pages_are_for_organisers_only(client, participant, roundtable,
                                                   three_groups):
    login_as(client, participant)
    assert client.get(f"/events/{roundtable.id}/small-groups").status_code == 403
    assert client.get(f"/events/{roundtable.id}/small-groups/preview").status_code == 403


def test_a_language_asked_for_one_of_the_groups_is_the_one_a_person_works_in(
        roundtable, three_groups, registrants):
    from app.interpretation.services import request_interpretation

    australian = registrants[8]  # asked for nothing at registration: works in English
    request_interpretation(australian.user, three_groups[1], "id")
    proposal = groups.propose(roundtable, _ids(three_groups), keep=False)
    [group] = [g for g in proposal.groups if australian in g.members]
    assert group.languages[australian.id] == frozenset({"id"})
    assert groups.working_languages(australian) == frozenset({"en"})


def test_more_people_than_places_no_group_ends_over_its_places(roundtable, make_session,
                                                               make_user, organiser):
    pair = [make_session(roundtable, START, END, title=f"Pair {n}", kind=SessionKind.SMALL_GROUP,
                         capacity=2) for n in (1, 2)]
    regs = [services.register(roundtable, make_user(country=c), services.RegistrationInput(
        session_ids=[pair[0].id] if n < 2 else [], consent_chatham=True, consent_data=True))
        for n, c in enumerate(("NZ", "AU", "TH", "TH", "ID"))]
    db.session.commit()
    proposal = groups.propose(roundtable, _ids(pair), keep=False)
    assert len(proposal.unplaced) == 1
    groups.apply_proposal(roundtable, _ids(pair), False, proposal.fingerprint, organiser)
    db.session.commit()
    after = _groups_of(pair)
    assert all(len(ids) == 2 for ids in after.values())
    placed = [i for ids in after.values() for i in ids]
    assert sorted([*placed, proposal.unplaced[0].id]) == sorted(r.id for r in regs)
