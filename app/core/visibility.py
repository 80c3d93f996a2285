"""Who may see which meeting and which person: the one place that decides.

Meetings are closed door under the Chatham House Rule. Who attends is known to organisers
only; a lived-experience expert who took a pseudonym is known to everyone else by it alone;
numbers that would point at a person ("Malaysia: 1") are not shown to participants. Listing
queries, page loaders, templates and exports ask the functions below instead of deciding for
themselves; templates reach them as globals and filters (``app.core.templating``).

The rules, in short:

* a person's identity (name, email, organisation): organisers, and the person themselves;
  otherwise only in the few places listed in ``Seen`` with their own rule;
* a speaker, facilitator or moderator of a session, under the Chatham House Rule: named in
  the programme only to people who may see the session (signed in, the event visible to
  them), and only when they agreed to be named (``Seen.PROGRAMME``, ``programme_name``);
  otherwise "a speaker from Thailand";
* a delegation focal point (appointed by organisers, for their own account's country) sees
  the people of that delegation and their dietary and access needs, nobody else's
  (``Seen.DELEGATION``, ``can_see_needs``);
* a person's travel documents (name as in the passport, nationality, passport number, asked
  for visa invitation letters): organisers and the person themselves, nowhere else at all;
* a meeting: everyone once it is no longer a draft (organisers see drafts), except a private
  one (a scheduled bilateral call), which only its audience sees (``app.events.visibility``);
* a count of people by country, organisation kind or attendance: exact for organisers, and
  "fewer than 3" for everyone else when it is 1 or 2; a breakdown whose small numbers could be
  worked out from the total is not shown to them at all.

This module imports no feature: features build on it.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from app.core.access import Role

SMALL_COUNT = 3  # counts of people below this are shown as "fewer than 3"
SMALL_COUNT_MAX = SMALL_COUNT - 1


class Seen(enum.StrEnum):
    """Where a person shows up on a page or in an export, each with its own rule."""

    ATTENDEE = "attendee"  # rosters, logistics lists, invitees: organisers only
    PROPOSER = "proposer"  # who proposed a topic: organisers only
    UPLOADER = "uploader"  # who shared a library resource: organisers, or all if they opted in
    BOOTH_PARTNER = "booth_partner"  # interpreters of one channel see each other (they share
    # the booth and the turn schedule): the caller passes only people of the viewer's team
    DELEGATION = "delegation"  # a focal point's "My delegation" page: their own country's
    PROGRAMME = "programme"  # a session's speakers, facilitators and moderators: to those who
    # see the session (the caller passes only such viewers), if the person agreed to be named


def signed_in(viewer) -> bool:
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def is_organiser(viewer) -> bool:
    return signed_in(viewer) and bool(viewer.is_organiser)


def is_self(viewer, person) -> bool:
    return signed_in(viewer) and person is not None and viewer.id == person.id


# --- people ----------------------------------------------------------------------------------

def can_see_person(viewer, person, context: Seen | str, *, opted_in: bool = False) -> bool:
    """May ``viewer`` learn who ``person`` is, where ``context`` shows them?

    ``opted_in``: the person chose to be named there (``Seen.UPLOADER`` and
    ``Seen.PROGRAMME`` offer that).
    """
    if person is None or not signed_in(viewer):
        return False
    if is_self(viewer, person) or is_organiser(viewer):
        return True
    context = Seen(context)
    if context in (Seen.UPLOADER, Seen.PROGRAMME):
        return opted_in
    if context == Seen.BOOTH_PARTNER:
        return bool(viewer.is_interpreter)
    if context == Seen.DELEGATION:
        return is_focal_point_for(viewer, person)
    return False


def is_focal_point_for(viewer, person) -> bool:
    """Is ``viewer`` a focal point of ``person``'s delegation (their own country)?"""
    country = getattr(viewer, "focal_country", None) if signed_in(viewer) else None
    return country is not None and person is not None and person.country_code == country


def can_see_needs(viewer, person) -> bool:
    """May ``viewer`` read ``person``'s dietary and access needs? The person, organisers,
    and the focal points of the person's own delegation."""
    return is_self(viewer, person) or is_organiser(viewer) or is_focal_point_for(viewer, person)


def visible_name(viewer, person, context: Seen | str, *, opted_in: bool = False) -> str | None:
    """The name to show, or None when the viewer may not know who it is.

    Organisers and the person themselves read the real name; anyone else allowed to see the
    person reads the public name (the pseudonym, when one is set).
    """
    if not can_see_person(viewer, person, context, opted_in=opted_in):
        return None
    if is_organiser(viewer) or is_self(viewer, person):
        return person.display_name
    return person.public_name


def programme_name(viewer, person, *, guest_name: str = "", named: bool,
                   sees_session: bool) -> str | None:
    """The name of a session's speaker, facilitator or moderator, or None where the programme
    says only "a speaker from <country>". ``person``: their account (a pseudonym holder shows
    by the pseudonym), or None for a guest without one, named ``guest_name``.
    ``sees_session``: the viewer may see the session's event
    (``app.events.visibility.can_see_event``); ``named``: the person agreed to be named in
    the programme. Organisers always read who it is; an account holder reads themselves as
    the programme introduces them (a pseudonym holder's own pages never show the real
    name)."""
    if not signed_in(viewer) or not sees_session:
        return None
    if person is None:
        return guest_name if named or is_organiser(viewer) else None
    if is_self(viewer, person):
        return person.public_name
    return visible_name(viewer, person, Seen.PROGRAMME, opted_in=named)


def can_see_travel_documents(viewer, person) -> bool:
    """May ``viewer`` read ``person``'s passport name, nationality and passport number?
    Only the person themselves (their registration form) and organisers (visa letters):
    no ``Seen`` context and no opt-in widens it."""
    return is_self(viewer, person) or is_organiser(viewer)


# Who takes part in meetings (and so may register); interpreter-only accounts work at them.
# The register route's access rule is built from the same tuple.
PARTICIPATING_ROLES = (Role.PARTICIPANT, Role.ORGANISER)


def may_register_as_participant(user) -> bool:
    return signed_in(user) and any(user.has_role(role) for role in PARTICIPATING_ROLES)


# --- counts ----------------------------------------------------------------------------------

def small_count(n: int):
    """A count of people as a participant may read it: 1 and 2 become "fewer than 3" (a
    zero points at nobody and stays)."""
    if 0 < n < SMALL_COUNT:
        return _l("fewer than %(num)d", num=SMALL_COUNT)
    return n


def is_small(n: int) -> bool:
    return 0 < n < SMALL_COUNT


def shown_count(viewer, n: int):
    """Exact for organisers (their own pages and the shared ones), suppressed for others."""
    return n if is_organiser(viewer) else small_count(n)


def _works_out(cells: dict, total: int) -> bool:
    """Could a reader work out the exact value behind a "fewer than 3" in this breakdown
    from the total and the other numbers shown? ("3 people confirmed", and three countries
    at "fewer than 3" each, is one each: "Malaysia: 1" again.)"""
    small = [n for n in cells.values() if is_small(n)]
    if not small:
        return False
    if is_small(total):  # the total reads "fewer than 3" as well: one small cell stays vague
        return len(small) > 1  # several under a total of at most 2 are one each
    rest = total - sum(n for n in cells.values() if not is_small(n))
    return len(small) == 1 or rest in (len(small), SMALL_COUNT_MAX * len(small))


def shown_counts(viewer, counts: dict) -> dict:
    """A tally of confirmed people (``total`` and breakdowns ``by_*``) as ``viewer`` may read
    it. Organisers read it exactly. Others read 1 and 2 as "fewer than 3", and a breakdown
    whose small numbers could be worked out from the total (see ``_works_out``) is left out
    whole: it is emptied and named in ``hidden``. ``total_is_small``: the total reads
    "fewer than 3"."""
    if is_organiser(viewer):
        return {**counts, "total_is_small": False, "hidden": []}
    total = counts.get("total", 0)
    shown = {"total": total, "total_is_small": is_small(total), "hidden": []}
    for key, cells in counts.items():
        if not isinstance(cells, dict):
            continue
        if _works_out(cells, total):
            shown[key] = {}
            shown["hidden"].append(key)
        else:
            shown[key] = {k: small_count(n) for k, n in cells.items()}
    return shown
