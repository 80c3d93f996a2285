"""The one place that decides who sees which person and which number."""

import pytest
from flask_login import AnonymousUserMixin

from app.core import visibility
from app.core.visibility import Seen


def test_small_counts_become_fewer_than_three(app):
    with app.test_request_context():
        assert [str(visibility.small_count(n)) for n in (0, 1, 2, 3, 40)] == [
            "0", "fewer than 3", "fewer than 3", "3", "40"]


def _tally(**by_country):
    return {"total": sum(by_country.values()), "by_country": by_country}


def test_organisers_read_exact_counts(app, organiser):
    with app.test_request_context():
        shown = visibility.shown_counts(organiser, _tally(MY=1, TH=1))
    assert shown["by_country"] == {"MY": 1, "TH": 1} and not shown["total_is_small"]


@pytest.mark.parametrize("by_country, shown", [
    ({"MY": 1}, {"MY": "fewer than 3"}),  # "fewer than 3 people", all from Malaysia
    ({"TH": 3, "MY": 1, "ID": 2}, {"TH": "3", "MY": "fewer than 3", "ID": "fewer than 3"}),
    ({"TH": 5, "AU": 4}, {"TH": "5", "AU": "4"}),
    # Each of these could be worked out from the total: the breakdown is left out.
    ({"MY": 1, "TH": 1}, None),  # "fewer than 3 people" from two countries: one each
    ({"TH": 3, "MY": 1}, None),  # 4 people, 3 from Thailand: Malaysia 1
    ({"ID": 1, "MY": 1, "TH": 1}, None),  # 3 people, three "fewer than 3": one each
    ({"ID": 2, "MY": 2, "TH": 3}, None),  # 7 people, 3 from Thailand: 2 and 2
])
def test_others_read_small_counts_only_where_they_point_at_nobody(app, participant,
                                                                  by_country, shown):
    counts = _tally(**by_country)
    with app.test_request_context():
        result = visibility.shown_counts(participant, counts)
        readable = {k: str(v) for k, v in result["by_country"].items()}
    if shown is None:
        assert readable == {} and result["hidden"] == ["by_country"]
    else:
        assert readable == shown and result["hidden"] == []
    assert result["total_is_small"] == (counts["total"] < 3)
    assert counts == _tally(**by_country)  # the caller's numbers are left as they were


def test_who_may_see_a_person(make_user, organiser, interpreter):
    person = make_user(display_name="Real Name", pseudonym="River")
    other = make_user()
    anonymous = AnonymousUserMixin()
    for context in Seen:
        assert visibility.can_see_person(organiser, person, context)
        assert visibility.can_see_person(person, person, context)
        assert not visibility.can_see_person(anonymous, person, context)
    for context in (Seen.ATTENDEE, Seen.PROPOSER, Seen.UPLOADER):
        assert not visibility.can_see_person(other, person, context)
    assert visibility.can_see_person(other, person, Seen.UPLOADER, opted_in=True)
    assert not visibility.can_see_person(other, person, Seen.BOOTH_PARTNER)
    assert visibility.can_see_person(interpreter, person, Seen.BOOTH_PARTNER)


def test_travel_documents_are_for_organisers_and_oneself_only(make_user, organiser,
                                                            interpreter):
    person = make_user()
    assert visibility.can_see_travel_documents(organiser, person)
    assert visibility.can_see_travel_documents(person, person)
    for viewer in (make_user(), interpreter, AnonymousUserMixin()):
        assert not visibility.can_see_travel_documents(viewer, person)


def test_visible_name_is_the_real_name_for_organisers_and_oneself_only(make_user, organiser):
    person = make_user(display_name="Real Name", pseudonym="River")
    other = make_user()
    assert visibility.visible_name(organiser, person, "proposer") == "Real Name"
    assert visibility.visible_name(person, person, "proposer") == "Real Name"
    assert visibility.visible_name(other, person, "proposer") is None
    assert visibility.visible_name(other, person, "uploader", opted_in=True) == "River"
    assert visibility.visible_name(other, None, "uploader", opted_in=True) is None


def test_interpreter_only_accounts_do_not_take_part(make_user, organiser, interpreter):
    assert not visibility.may_register_as_participant(interpreter)
    assert not visibility.may_register_as_participant(AnonymousUserMixin())
    assert visibility.may_register_as_participant(organiser)
    assert visibility.may_register_as_participant(make_user(("participant", "interpreter")))
