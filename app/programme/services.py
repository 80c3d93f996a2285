"""A session's programme: its speakers, facilitators and moderators, its pre-recorded items,
its materials from the library, and who downloaded them.

Every change locks the session (``app.core.locking``), checks under the lock, flushes and
sends ``session_materials_changed`` so the interpreters assigned to the session are told;
callers commit. An uploaded video is written last, after every check, and callers remove it
again (``storage.remove``) when their commit fails, as the library's uploads do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.core import languages
from app.core.errors import Conflict
from app.core.errors import Refusal
from app.core.i18n import country_name
from app.core.locking import lock_row
from app.core.models import Country
from app.core.templating import current_locale
from app.core.visibility import is_organiser
from app.core.visibility import may_register_as_participant
from app.core.visibility import programme_name
from app.core.visibility import signed_in
from app.events.models import EventSession
from app.events.models import SessionStatus
from app.events.signals import session_materials_changed
from app.events.visibility import can_see_event
from app.extensions import db
from app.interpretation.queries import booked_session_ids
from app.library import services as library
from app.library import storage
from app.library.models import Resource
from app.programme.models import MaterialDownload
from app.programme.models import Recording
from app.programme.models import RecordingSubtitle
from app.programme.models import RoleKind
from app.programme.models import SessionMaterial
from app.programme.models import SessionRole
from app.registrations.services import session_registrants


class ProgrammeRefusal(Refusal):
    """A refused change to a session's programme; the message is for the organiser."""


class ProgrammeConflict(Conflict):
    """The programme changed under the organiser (someone else added it first, the session
    was cancelled)."""


@dataclass
class RoleInput:
    role: RoleKind
    user_id: int | None = None  # an account, or else a guest:
    guest_name: str = ""
    guest_organisation: str = ""
    guest_country: str | None = None
    named: bool = False  # agreed to be named in the programme


@dataclass
class RecordingInput:
    title: str
    video_url: str = ""
    filename: str = ""
    stream: BinaryIO | None = None
    subtitle_codes: list[str] = field(default_factory=list)


# --- changes ---------------------------------------------------------------------------------

def _locked(session: EventSession) -> EventSession:
    """The session, locked and re-read: a cancelled one takes no more changes."""
    session = lock_row(EventSession, session.id)
    if session is None or session.status == SessionStatus.CANCELLED:
        raise ProgrammeConflict(_("This session is cancelled: its programme no longer "
                                  "changes."))
    return session


def _changed(session: EventSession) -> None:
    db.session.flush()
    session_materials_changed.send(session)


def _next_position(model, session: EventSession) -> int:
    return (db.session.scalar(select(func.max(model.position)).where(
        model.session_id == session.id)) or 0) + 1


def add_role(session: EventSession, data: RoleInput) -> SessionRole:
    session = _locked(session)
    guest_name = " ".join(data.guest_name.split())
    if (data.user_id is None) == (not guest_name):
        raise ProgrammeRefusal(_("Choose a person with an account, or give a guest's name "
                                 "(not both)."), field="person")
    if data.user_id is not None:
        person = db.session.get(User, data.user_id)
        if person is None or not person.is_active or not may_register_as_participant(person):
            raise ProgrammeRefusal(_("Choose a person from the list."), field="person")
        if db.session.scalar(select(SessionRole.id).where(
                SessionRole.session_id == session.id, SessionRole.role == data.role,
                SessionRole.user_id == person.id)):
            raise ProgrammeConflict(_("%(name)s already has that role in this session.",
                                      name=person.display_name), field="person")
        role = SessionRole(session_id=session.id, role=data.role, user_id=person.id,
                           named_in_programme=data.named)
    else:
        if data.guest_country and db.session.get(Country, data.guest_country) is None:
            raise ProgrammeRefusal(_("Choose a country from the list."), field="guest_country")
        role = SessionRole(session_id=session.id, role=data.role, guest_name=guest_name,
                           guest_organisation=" ".join(data.guest_organisation.split()),
                           guest_country=data.guest_country or None,
                           named_in_programme=data.named)
    role.position = _next_position(SessionRole, session)
    db.session.add(role)
    _changed(session)
    return role


def remove_role(role: SessionRole) -> None:
    session = _locked(role.session)
    db.session.delete(role)
    _changed(session)


def move_role(role: SessionRole, step: int) -> None:
    """One place earlier (``step`` -1) or later (+1) in the session's list; at either end
    the list stays as it is."""
    session = _locked(role.session)
    ordered = list(db.session.scalars(select(SessionRole).where(
        SessionRole.session_id == session.id).order_by(SessionRole.position, SessionRole.id)))
    index = ordered.index(role)
    other = index + step
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered, start=1):
        each.position = position
    _changed(session)


def _checked_url(url: str) -> str:
    url = url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise ProgrammeRefusal(_("Give the video's address starting with https://."),
                               field="video_url")
    return url


def add_recording(session: EventSession, data: RecordingInput) -> Recording:
    session = _locked(session)
    title = " ".join(data.title.split())
    if not title:
        raise ProgrammeRefusal(_("Give the pre-recorded item a title."), field="title")
    url = _checked_url(data.video_url)
    if bool(url) == (data.stream is not None):
        raise ProgrammeRefusal(_("Upload the video or give a link to it (not both)."),
                               field="video")
    codes = sorted(set(data.subtitle_codes))
    if set(codes) - {language.code for language in languages.offered()}:
        raise ProgrammeRefusal(_("Choose subtitle languages from the list."),
                               field="subtitles")
    recording = Recording(session_id=session.id, title=title, video_url=url,
                          position=_next_position(Recording, session),
                          subtitles=[RecordingSubtitle(language_code=code) for code in codes])
    kind = None
    if data.stream is not None:
        try:
            kind = library.check_file(data.filename, data.stream,
                                      kinds=storage.VIDEO_BY_EXTENSION,
                                      refusal=_("Upload an MP4 or WebM video."))
        except library.LibraryError as error:
            raise ProgrammeRefusal(str(error), field="video") from error
        recording.stored_name = storage.new_stored_name(kind)
        recording.original_name = library.display_name(data.filename, kind)
        recording.media_type = kind.media_type
        recording.size_bytes = storage.size_of(data.stream)
    db.session.add(recording)
    _changed(session)
    if kind is not None:
        storage.save(data.stream, recording.stored_name)
    return recording


def remove_recording(recording: Recording) -> str | None:
    """Remove the row; returns the stored video's name (if any) for the caller to delete
    after the commit."""
    session = _locked(db.session.get(EventSession, recording.session_id))
    stored_name = recording.stored_name
    db.session.delete(recording)
    _changed(session)
    return stored_name


def add_material(session: EventSession, resource_id: int) -> SessionMaterial:
    session = _locked(session)
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        raise ProgrammeRefusal(_("Choose a resource from the library's list."),
                               field="resource")
    if db.session.scalar(select(SessionMaterial.id).where(
            SessionMaterial.session_id == session.id,
            SessionMaterial.resource_id == resource.id)):
        raise ProgrammeConflict(_("“%(title)s” is already a material of this session.",
                                  title=resource.title), field="resource")
    material = SessionMaterial(session_id=session.id, resource=resource,
                               position=_next_position(SessionMaterial, session))
    db.session.add(material)
    _changed(session)
    return material


def remove_material(material: SessionMaterial) -> None:
    session = _locked(db.session.get(EventSession, material.session_id))
    db.session.delete(material)
    _changed(session)


# --- reading ---------------------------------------------------------------------------------

def roles_of(session: EventSession) -> list[SessionRole]:
    return list(db.session.scalars(select(SessionRole).where(
        SessionRole.session_id == session.id).options(joinedload(SessionRole.user))
        .order_by(SessionRole.position, SessionRole.id)))


def recordings_of(session: EventSession) -> list[Recording]:
    return list(db.session.scalars(select(Recording).where(
        Recording.session_id == session.id).options(selectinload(Recording.subtitles))
        .order_by(Recording.position, Recording.id)))


def materials_of(session: EventSession) -> list[SessionMaterial]:
    return list(db.session.scalars(select(SessionMaterial).where(
        SessionMaterial.session_id == session.id).options(joinedload(SessionMaterial.resource))
        .order_by(SessionMaterial.position, SessionMaterial.id)))


def addable_resources(session: EventSession) -> list[Resource]:
    """Library resources not yet materials of the session, by title."""
    used = select(SessionMaterial.resource_id).where(SessionMaterial.session_id == session.id)
    return list(db.session.scalars(select(Resource).where(Resource.id.not_in(used))
                                   .order_by(Resource.title, Resource.id)))


def people_to_choose(session: EventSession) -> list[User]:
    """Accounts an organiser may name in a session's programme: active people who take part
    in meetings (interpreter-only accounts work at them instead)."""
    people = db.session.scalars(select(User).where(User.deactivated_dt.is_(None))
                                .order_by(User.display_name, User.id))
    return [person for person in people if may_register_as_participant(person)]


ANONYMOUS = {
    RoleKind.SPEAKER: (lambda country: _("A speaker from %(country)s", country=country),
                       lambda: _("A speaker")),
    RoleKind.FACILITATOR: (lambda country: _("A facilitator from %(country)s",
                                             country=country),
                           lambda: _("A facilitator")),
    RoleKind.MODERATOR: (lambda country: _("A moderator from %(country)s", country=country),
                         lambda: _("A moderator")),
}


def role_name(role: SessionRole, viewer, *, sees_session: bool) -> str:
    """How ``viewer`` reads who holds ``role``: their name where the Chatham House Rule lets
    them (``visibility.programme_name``), else "A speaker from Thailand"."""
    name = programme_name(viewer, role.user, guest_name=role.guest_name,
                          named=role.named_in_programme, sees_session=sees_session)
    if name:
        return name
    from_country, bare = ANONYMOUS[role.role]
    code = role.country_code
    return from_country(country_name(code, current_locale())) if code else bare()


def shows_organisation(role: SessionRole, viewer) -> bool:
    """A guest's organisation goes with their name; an account holder's organisation is part
    of who they are (``visibility``), for organisers only."""
    if role.user_id is None:
        return bool(role.guest_organisation) and (role.named_in_programme
                                                  or is_organiser(viewer))
    return False


def speakers_by_session(sessions: Iterable[EventSession], viewer) -> dict[int, list[str]]:
    """Each session's speakers, facilitators and moderators as ``viewer`` may read them (the
    agenda PDF's line under each session), in the programme's order; two queries."""
    sessions = list(sessions)
    if not sessions:
        return {}
    events = {session.event_id: session.event for session in sessions}
    sees = {event_id: signed_in(viewer) and can_see_event(viewer, event)
            for event_id, event in events.items()}
    by_id = {session.id: session for session in sessions}
    found: dict[int, list[str]] = {session.id: [] for session in sessions}
    for role in db.session.scalars(select(SessionRole).where(
            SessionRole.session_id.in_(by_id)).options(joinedload(SessionRole.user))
            .order_by(SessionRole.session_id, SessionRole.position, SessionRole.id)):
        found[role.session_id].append(
            role_name(role, viewer, sees_session=sees[by_id[role.session_id].event_id]))
    return found


# --- who may use the materials, and who did ---------------------------------------------------

def may_use_materials(session: EventSession, viewer) -> bool:
    """The session's registrants (confirmed, with the session in their programme),
    organisers, and the interpreters assigned to it (proposed or accepted). The caller has
    checked that the viewer sees the session's event."""
    if not signed_in(viewer):
        return False
    if is_organiser(viewer):
        return True
    if session.id in set(db.session.scalars(booked_session_ids(viewer.id))):
        return True
    return bool(session_registrants(session, viewer.id))


def _insert_ignore():
    """INSERT ... ON CONFLICT DO NOTHING in the dialect at hand: two downloads of one person
    at once record one row."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(MaterialDownload)


def record_download(material: SessionMaterial, user: User) -> None:
    """The person's first download of the material (later ones change nothing)."""
    db.session.execute(_insert_ignore().values(material_id=material.id, user_id=user.id)
                       .on_conflict_do_nothing(index_elements=["material_id", "user_id"]))


def downloaded_by(session: EventSession) -> dict[int, int]:
    """Material id -> how many people downloaded it."""
    return dict(db.session.execute(
        select(MaterialDownload.material_id, func.count()).join(SessionMaterial)
        .where(SessionMaterial.session_id == session.id)
        .group_by(MaterialDownload.material_id)).all())


def not_downloaded(session: EventSession) -> list[User]:
    """The session's registrants who have downloaded none of its materials yet (names for
    organisers only), by name; nobody when the session has no materials."""
    if not db.session.scalar(select(SessionMaterial.id).where(
            SessionMaterial.session_id == session.id).limit(1)):
        return []
    done = set(db.session.scalars(select(MaterialDownload.user_id).join(SessionMaterial)
                                  .where(SessionMaterial.session_id == session.id)))
    return sorted((registration.user for registration in session_registrants(session)
                   if registration.user_id not in done),
                  key=lambda user: (user.display_name.casefold(), user.id))
