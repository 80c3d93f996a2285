"""Interpreters' preparation: a session's briefing note, the glossary of each language pair,
and who may read and change them.

Who: organisers, and the interpreters booked (proposed or accepted) for the session, or for
any session interpreted between the glossary's two languages. Everyone else is told nothing
exists (the views answer 404)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from app.auth.models import User
from app.core.locking import lock_row
from app.core.time import now_utc
from app.events.models import EventSession
from app.events.models import SessionStatus
from app.events.signals import session_materials_changed
from app.extensions import db
from app.interpretation.models import BOOKED
from app.interpretation.models import BRIEFING_MAX
from app.interpretation.models import GLOSSARY_NOTE_MAX
from app.interpretation.models import GLOSSARY_TERM_MAX
from app.interpretation.models import Assignment
from app.interpretation.models import Briefing
from app.interpretation.models import GlossaryTerm
from app.interpretation.models import Language
from app.interpretation.models import SessionChannel
from app.interpretation.notices import tell_materials_changed
from app.interpretation.services import InterpretationError

Pair = tuple[str, str]
_BLANKS = re.compile(r"\s+")
_TOLD = "interpretation_materials_told"  # sessions whose interpreters this transaction told


class DuplicateTerm(InterpretationError):
    """The glossary already has the term: the person edits that entry instead."""


def pair_of(one: str, other: str) -> Pair:
    """The glossary of two languages, whichever way a booth works between them."""
    first, second = sorted((one, other))
    return first, second


def channel_pair(channel: SessionChannel) -> Pair:
    return pair_of(channel.source_code, channel.language_code)


def term_key(term: str) -> str:
    """What makes two terms the same entry: case and runs of blanks do not count."""
    return _BLANKS.sub(" ", term).strip().casefold()


# --- who may read and change -----------------------------------------------------------------

def _booked_channels(user: User, session: EventSession | None = None) -> list[SessionChannel]:
    query = (select(SessionChannel).join(Assignment, Assignment.channel_id == SessionChannel.id)
             .where(Assignment.interpreter_id == user.id, Assignment.status.in_(BOOKED))
             .order_by(SessionChannel.id))
    if session is not None:
        query = query.where(SessionChannel.session_id == session.id)
    return list(db.session.scalars(query).unique())


def may_prepare(user: User, session: EventSession) -> bool:
    """Organisers, and the interpreters booked for one of the session's channels."""
    return user.is_organiser or bool(_booked_channels(user, session))


def may_use_glossary(user: User, pair: Pair) -> bool:
    """Organisers, and interpreters booked for any channel between the pair's languages."""
    return user.is_organiser or pair in {channel_pair(c) for c in _booked_channels(user)}


def session_pairs(session: EventSession, viewer: User) -> list[Pair]:
    """The glossaries a preparation page shows: an organiser's, every channel's of the
    session; an interpreter's, their own channels' (in the order the channels opened)."""
    if viewer.is_organiser:
        channels = db.session.scalars(select(SessionChannel).where(
            SessionChannel.session_id == session.id).order_by(SessionChannel.id))
    else:
        channels = _booked_channels(viewer, session)
    return list(dict.fromkeys(channel_pair(channel) for channel in channels))


def known_pair(code_a: str, code_b: str) -> Pair | None:
    """The pair a glossary URL names, when both are languages of the list, different and in
    the glossary's order (one URL per glossary); None otherwise."""
    if code_a >= code_b:
        return None
    found = db.session.scalars(select(Language.code).where(
        Language.code.in_((code_a, code_b)))).all()
    return (code_a, code_b) if len(found) == 2 else None


# --- briefing ----------------------------------------------------------------------------

def briefing_of(session: EventSession) -> Briefing | None:
    return db.session.get(Briefing, session.id)


def save_briefing(session: EventSession, text: str) -> Briefing | None:
    """Write (or, with empty text, remove) the session's briefing note. The session is
    locked first so two organisers saving the first note at once take turns (the second
    updates the row the first created) instead of colliding on its key."""
    text = text.strip()
    if len(text) > BRIEFING_MAX:
        raise InterpretationError(
            _("Keep the briefing under %(max)d characters.", max=BRIEFING_MAX), "text")
    if lock_row(EventSession, session.id) is None:
        raise InterpretationError(_("This session no longer exists."))
    briefing = briefing_of(session)
    if not text:
        if briefing is not None:
            db.session.delete(briefing)
            db.session.flush()
        return None
    if briefing is None:
        briefing = Briefing(session_id=session.id, text=text)
        db.session.add(briefing)
    else:
        briefing.text = text
    db.session.flush()
    return briefing


# --- glossary ----------------------------------------------------------------------------

def glossary(pair: Pair) -> list[GlossaryTerm]:
    return list(db.session.scalars(select(GlossaryTerm).where(
        GlossaryTerm.language_a == pair[0], GlossaryTerm.language_b == pair[1])
        .order_by(GlossaryTerm.term_key, GlossaryTerm.id)))


def glossaries(pairs: list[Pair]) -> dict[Pair, list[GlossaryTerm]]:
    return {pair: glossary(pair) for pair in pairs}


def load_term(term_id: int) -> GlossaryTerm | None:
    return db.session.get(GlossaryTerm, term_id)


def _checked(term: str, equivalent: str, note: str) -> tuple[str, str, str]:
    term, equivalent, note = term.strip(), equivalent.strip(), note.strip()
    if not term:
        raise InterpretationError(_("Enter the term."), "term")
    if not equivalent:
        raise InterpretationError(_("Enter its equivalent."), "equivalent")
    for value, field, limit in ((term, "term", GLOSSARY_TERM_MAX),
                                (equivalent, "equivalent", GLOSSARY_TERM_MAX),
                                (note, "note", GLOSSARY_NOTE_MAX)):
        if len(value) > limit:
            raise InterpretationError(
                _("Keep this under %(max)d characters.", max=limit), field)
    return term, equivalent, note


def _duplicate(term: str) -> DuplicateTerm:
    return DuplicateTerm(_("“%(term)s” is already in this glossary: change that entry "
                           "instead.", term=term), "term")


def _save_term(pair: Pair, term: str, key: str, apply, keep_id: int | None = None) -> None:
    """``apply()`` (the entry added or changed) flushed in a savepoint: a term already there
    is refused, and so is the same term saved by someone else a moment earlier (the unique
    constraint, then, breaks the savepoint only)."""
    clash = select(GlossaryTerm.id).where(
        GlossaryTerm.language_a == pair[0], GlossaryTerm.language_b == pair[1],
        GlossaryTerm.term_key == key)
    if keep_id is not None:
        clash = clash.where(GlossaryTerm.id != keep_id)
    if db.session.scalar(clash) is not None:
        raise _duplicate(term)
    try:
        with db.session.begin_nested():
            apply()
            db.session.flush()
    except IntegrityError:
        raise _duplicate(term) from None


def add_term(pair: Pair, term: str, equivalent: str, note: str = "") -> GlossaryTerm:
    """A new entry: ``term`` in the pair's first language, ``equivalent`` in its second."""
    term, equivalent, note = _checked(term, equivalent, note)
    row = GlossaryTerm(language_a=pair[0], language_b=pair[1], term_a=term, term_b=equivalent,
                       term_key=term_key(term), note=note)
    _save_term(pair, term, row.term_key, lambda: db.session.add(row))
    return row


def edit_term(row: GlossaryTerm, term: str, equivalent: str, note: str = "") -> GlossaryTerm:
    term, equivalent, note = _checked(term, equivalent, note)

    def apply():
        row.term_a, row.term_b, row.term_key, row.note = term, equivalent, term_key(term), note

    _save_term(row.pair, term, term_key(term), apply, keep_id=row.id)
    return row


def remove_term(row: GlossaryTerm) -> None:
    db.session.delete(row)
    db.session.flush()


# --- telling the interpreters ------------------------------------------------------------

def booked_interpreters(session: EventSession) -> list[User]:
    """Everyone proposed for or holding one of the session's channels."""
    return list(db.session.scalars(
        select(User).join(Assignment, Assignment.interpreter_id == User.id)
        .join(SessionChannel, SessionChannel.id == Assignment.channel_id)
        .where(SessionChannel.session_id == session.id, Assignment.status.in_(BOOKED))
        .order_by(User.id)).unique())


@session_materials_changed.connect
def materials_changed(session: EventSession, **_extra) -> None:
    """The session's materials, speakers or recordings changed: its interpreters hear it,
    while there is still time to prepare (not once it has started or was cancelled), and once
    per transaction however many changes it made."""
    if session.status == SessionStatus.CANCELLED or session.start_dt <= now_utc():
        return
    told = db.session().info.setdefault(_TOLD, set())
    if session.id in told:
        return
    told.add(session.id)
    tell_materials_changed(session, booked_interpreters(session))


@sa_event.listens_for(OrmSession, "after_transaction_end")
def _told_ends_with_the_transaction(orm_session, transaction) -> None:
    if transaction.parent is None:
        orm_session.info.pop(_TOLD, None)
