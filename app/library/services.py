"""The resource library: uploading with content checks, listing, key downloads, deleting.

Services flush; callers commit. The file is written last, after every check, and callers
remove it again (``storage.remove``) when their commit fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from app.auth.models import User
from app.core.errors import Refusal
from app.events.models import Event
from app.events.models import EventStatus
from app.extensions import db
from app.library import storage
from app.library.models import Resource
from app.library.models import ResourceKind
from app.library.models import ResourceTag
from app.library.models import TagKind

MAX_TAGS = 10
MAX_TAG_LENGTH = 40


class LibraryError(Refusal):
    """A refused upload or change; the message is for the user."""


class TooLarge(LibraryError):
    status = 413


@dataclass
class ResourceInput:
    title: str
    kind: ResourceKind
    filename: str
    stream: BinaryIO
    description: str = ""
    country_codes: list[str] = field(default_factory=list)
    topic_tags: list[str] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    show_uploader: bool = False  # the uploader opts in to being named to every member


def parse_tags(text: str) -> list[str]:
    """Comma-separated free tags, trimmed, without repeats (ignoring case)."""
    seen, tags = set(), []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def display_name(filename: str, kind: storage.FileType) -> str:
    """The uploader's name made safe for display and as a download name (never a path)."""
    # Old browsers send a whole Windows path; its backslashes are separators too.
    cleaned = (filename or "").replace("\x00", "").replace("\\", "/")
    stem = secure_filename(os.path.splitext(cleaned)[0])
    return f"{(stem or 'resource')[:200]}.{kind.extension}"


def check_file(filename: str, stream: BinaryIO, *,
               kinds: dict[str, storage.FileType] | None = None,
               refusal: str | None = None) -> storage.FileType:
    """The file's type, checked by its content; its name must agree. ``kinds``: the
    extensions accepted (the library's documents by default; a session's programme takes
    videos), ``refusal`` what to say of any other."""
    size = storage.size_of(stream)
    limit = current_app.config["LIBRARY_MAX_BYTES"]
    if size > limit:
        raise TooLarge(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if size == 0:
        raise LibraryError(_("The file is empty."))
    extension = os.path.splitext((filename or "").replace("\x00", ""))[1].lower().lstrip(".")
    claimed = (storage.BY_EXTENSION if kinds is None else kinds).get(extension)
    if claimed is None:
        raise LibraryError(refusal or _("Upload a PDF, Word (.docx), PowerPoint (.pptx), PNG "
                                        "or JPEG file."))
    actual = storage.sniff(stream)
    if actual != claimed:
        raise LibraryError(_("The file's content is not a %(kind)s file, whatever its name "
                             "says. Upload the document itself.", kind=extension.upper()))
    return actual


def add_resource(data: ResourceInput, uploader: User) -> Resource:
    if not data.title.strip():
        raise LibraryError(_("Give the resource a title."))
    if len(data.topic_tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in data.topic_tags):
        raise LibraryError(_("Use at most %(n)d topic tags of up to %(length)d characters.",
                             n=MAX_TAGS, length=MAX_TAG_LENGTH))
    kind = check_file(data.filename, data.stream)
    events = list(db.session.scalars(select(Event).where(Event.id.in_(data.event_ids)))) \
        if data.event_ids else []
    if len(events) != len(set(data.event_ids)):
        raise LibraryError(_("Choose events from the list."))
    resource = Resource(
        title=data.title.strip(), description=data.description.strip(), kind=data.kind,
        stored_name=storage.new_stored_name(kind),
        original_name=display_name(data.filename, kind), media_type=kind.media_type,
        size_bytes=storage.size_of(data.stream), uploader_id=uploader.id,
        show_uploader=bool(data.show_uploader),
        tags=[ResourceTag(kind=TagKind.COUNTRY, value=code)
              for code in sorted(set(data.country_codes))]
        + [ResourceTag(kind=TagKind.TOPIC, value=tag) for tag in data.topic_tags],
        events=events,
    )
    db.session.add(resource)
    db.session.flush()
    storage.save(data.stream, resource.stored_name)
    return resource


def may_delete(resource: Resource, user: User) -> bool:
    return user.is_organiser or resource.uploader_id == user.id


def delete_resource(resource: Resource) -> str:
    """Remove the row; returns the stored name so the caller deletes the file after commit."""
    stored_name = resource.stored_name
    db.session.delete(resource)
    db.session.flush()
    return stored_name


def resources(*, country: str = "", tag: str = "", kind: str = "") -> list[Resource]:
    """The library, newest first, with tags, events and uploader: three queries."""
    query = (select(Resource)
             .options(selectinload(Resource.tags), selectinload(Resource.events),
                      joinedload(Resource.uploader))
             .order_by(Resource.created_dt.desc(), Resource.id.desc()))
    if country:
        query = query.where(exists().where(
            ResourceTag.resource_id == Resource.id, ResourceTag.kind == TagKind.COUNTRY,
            ResourceTag.value == country))
    if tag:
        query = query.where(exists().where(
            ResourceTag.resource_id == Resource.id, ResourceTag.kind == TagKind.TOPIC,
            ResourceTag.value == tag))
    if kind:
        query = query.where(Resource.kind == ResourceKind(kind))
    return list(db.session.scalars(query))


def topic_tags() -> list[str]:
    return list(db.session.scalars(
        select(ResourceTag.value).where(ResourceTag.kind == TagKind.TOPIC).distinct()
        .order_by(ResourceTag.value)))


def key_downloads(event: Event) -> list[Resource]:
    return list(db.session.scalars(
        select(Resource).where(Resource.events.any(Event.id == event.id))
        .order_by(Resource.kind, Resource.title)))


def linkable_events() -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.status != EventStatus.CANCELLED)
                                   .order_by(Event.start_date.desc())))
