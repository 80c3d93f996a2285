"""One notification service: ``notify`` records a notice for each recipient and, where they
want it (their choice, else the kind's default), queues its email through the outbox in the
same transaction. Callers commit.

Only the kind and its parameters are stored. The words are written when the notice is read,
in the reader's language and zone, from the kind's message (``KINDS``); a person named in a
notice is stored by id and named as ``app.core.visibility`` lets the reader see them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from flask import current_app
from flask import g
from flask import has_request_context
from flask import render_template
from flask import request
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from app.auth.models import User
from app.auth.services import READ_WITH_THE_ACCOUNT
from app.core import languages
from app.core import visibility
from app.core.access import Role
from app.core.db import begin_write_transaction
from app.core.mail import queue_email
from app.core.registry import Registry
from app.core.time import fmt_day
from app.core.time import fmt_when
from app.core.time import now_utc
from app.extensions import db
from app.notices.models import Notice
from app.notices.models import NoticeEmailChoice

PAGE_SIZE = 200  # the newest notices shown; older ones stay in the database


@dataclass(frozen=True)
class NoticeKind:
    """What a feature declares for each kind of notice.

    ``message``: one line with ``%(name)s`` placeholders, from ``lazy_gettext`` (the
    subject of the email, the line on the Notices page); ``detail``: an optional second
    paragraph; ``label``: the kind as a choice ("A bilateral call's poll opens");
    ``email_default``: emailed unless the person chose otherwise; ``times``: parameters
    holding an instant, written in the reader's zone and language; ``dates``: parameters
    holding a calendar date (ISO), the same day in every zone, written in the reader's
    language (their choice of era too); ``people``: parameters
    holding a person's id, named only as the reader may see them (``Seen`` context each);
    ``languages``: parameters holding a language code, named in the reader's language;
    ``translated``: parameters holding the same words in several languages (``{"en": ...,
    "th": ...}``, English always there), written in the reader's language when given, else
    in English."""

    name: str
    message: object
    label: object
    email_default: bool
    detail: object | None = None
    times: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    translated: tuple[str, ...] = ()
    people: dict[str, visibility.Seen] = field(default_factory=dict)
    roles: tuple[Role, ...] = ()  # only people holding one of these are told (none: all)


KINDS: Registry[NoticeKind] = Registry("notice kinds")


def add_kind(kind: NoticeKind) -> NoticeKind:
    return KINDS.add(kind.name, kind)


def app_path(endpoint: str, **values) -> str:
    """A link inside the app, without the deployment's prefix (kept with the notice; the
    page adds the request's prefix, the email ``PUBLIC_URL``)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


# --- writing the words ---------------------------------------------------------------------

def _people_named(notices: Iterable[Notice]) -> dict[int, User]:
    ids = set()
    for notice in notices:
        kind = KINDS.get(notice.kind)
        for name in kind.people if kind else ():
            if isinstance(notice.params.get(name), int):
                ids.add(notice.params[name])
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _values(kind: NoticeKind, params: dict, reader: User, zone: str, locale: str,
            people: dict[int, User]) -> dict:
    values = dict(params)
    for name in kind.times:
        if params.get(name):
            values[name] = fmt_when(datetime.fromisoformat(params[name]), zone, locale)
    for name in kind.dates:
        if params.get(name):
            values[name] = fmt_day(date.fromisoformat(params[name]), locale,
                                   buddhist_era=reader.buddhist_era)
    for name in kind.languages:
        if params.get(name):
            values[name] = languages.label(params[name], locale)
    for name in kind.translated:
        texts = params.get(name)
        if isinstance(texts, dict):
            values[name] = texts.get(get_locale().language) or texts.get("en", "")
    for name, context in kind.people.items():
        person = people.get(params.get(name))
        values[name] = visibility.visible_name(reader, person, context) or _("someone")
    return values


def _fill(text, values: dict) -> str:
    try:
        return str(text) % values
    except (KeyError, TypeError, ValueError):  # a kind's message changed since it was kept
        return str(text)


def notice_text(notice: Notice, reader: User, *, zone: str, locale: str,
                people: dict[int, User]) -> tuple[str, str]:
    """(line, detail) in the current locale: call inside the reader's ``force_locale``."""
    kind = KINDS.get(notice.kind)
    if kind is None:  # a kind no longer offered: the notice still shows, plainly
        return _("Notice"), ""
    values = _values(kind, notice.params, reader, zone, locale, people)
    return _fill(kind.message, values), _fill(kind.detail, values) if kind.detail else ""


# --- sending ---------------------------------------------------------------------------------

def _stored(kind: NoticeKind, params: dict) -> dict:
    stored = dict(params)
    for name in kind.times:
        if isinstance(stored.get(name), datetime):
            stored[name] = stored[name].isoformat()
    return stored


def emailed_ids(users: list[User], kind: NoticeKind) -> set[int]:
    """Who of ``users`` gets this kind by email: their choice, else the kind's default."""
    chosen = dict(db.session.execute(
        select(NoticeEmailChoice.user_id, NoticeEmailChoice.is_emailed).where(
            NoticeEmailChoice.kind == kind.name,
            NoticeEmailChoice.user_id.in_([user.id for user in users]))).all())
    return {user.id for user in users if chosen.get(user.id, kind.email_default)}


def _email(notice: Notice, user: User, kind: NoticeKind, people: dict[int, User]) -> None:
    locale = user.formatting_locale
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    with force_locale(locale):
        subject, detail = notice_text(notice, user, zone=user.timezone, locale=locale,
                                      people=people)
        body = render_template("notices/email/notice.txt", user=user, subject=subject,
                               detail=detail, url=base + (notice.link or "/notices"),
                               settings_url=base + app_path("notices.index"))
    queue_email(user.email, subject, body)


def notify(recipients: Iterable[User], kind_name: str, *, link: str = "",
           **params) -> list[Notice]:
    """Tell each recipient (once, active accounts holding one of the kind's roles only): a
    notice row each, and an email through the outbox to those who want this kind by email."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise LookupError(f"no notice kind {kind_name!r}")
    users = sorted({user.id: user for user in recipients if user is not None and user.is_active
                    and (not kind.roles or any(map(user.has_role, kind.roles)))}.values(),
                   key=lambda u: u.id)
    if not users:
        return []
    params = _stored(kind, params)
    emailed = emailed_ids(users, kind)
    notices = []
    for user in users:
        notice = Notice(recipient_id=user.id, kind=kind.name, params=params, link=link,
                        created_dt=now_utc())
        db.session.add(notice)
        notices.append(notice)
    people = _people_named(notices)
    for user, notice in zip(users, notices, strict=True):
        if user.id in emailed:
            _email(notice, user, kind, people)
    db.session.flush()
    return notices


def _insert_ignore():
    dialect = sqlite if db.engine.dialect.name == "sqlite" else postgresql
    return dialect.insert(Notice)


def notify_once(user: User, kind_name: str, key: str, *, link: str = "",
                **params) -> Notice | None:
    """``notify`` for a job: the notice row claims (user, kind, key) first, so a second run,
    here or on another host, finds it taken and sends nothing. None when already sent."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise LookupError(f"no notice kind {kind_name!r}")
    if not user.is_active:
        return None
    claim = (_insert_ignore()
             .values(recipient_id=user.id, kind=kind.name, key=key, params=_stored(kind, params),
                     link=link, created_dt=now_utc())
             .on_conflict_do_nothing(index_elements=["recipient_id", "kind", "key"])
             .returning(Notice.id))
    notice_id = db.session.execute(claim).scalar()
    if notice_id is None:
        return None
    notice = db.session.get(Notice, notice_id)
    if user.id in emailed_ids([user], kind):
        _email(notice, user, kind, _people_named([notice]))
    return notice


def notify_each_once(due: Iterable[tuple], notice_for) -> int:
    """A reminder job's loop: for each row of ``due`` (a user id first), ``notice_for(*rest)``
    gives (kind, key, link, params) and ``notify_once`` claims and sends it, each in a writer's
    transaction of its own, so a crash part-way keeps what was sent. How many were sent."""
    due = list(due)
    db.session.commit()  # end the read that found them
    sent = 0
    for user_id, *rest in due:
        begin_write_transaction()
        kind, key, link, params = notice_for(*rest)
        if notify_once(db.session.get(User, user_id), kind, key, link=link,
                       **params) is not None:
            sent += 1
        db.session.commit()
    return sent


# --- reading -------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notice.id)).where(
        Notice.recipient_id == user.id, Notice.read_dt.is_(None))) or 0


@READ_WITH_THE_ACCOUNT("unread_notices")
def _unread_count_of_the_account():
    """The header's count, read with the signed-in account on every reading request."""
    return (select(func.count(Notice.id))
            .where(Notice.recipient_id == User.id, Notice.read_dt.is_(None))
            .scalar_subquery())


def unread_count_for_page() -> int:
    """The header's count: none for visitors; read with the account on a reading request
    (``READ_WITH_THE_ACCOUNT``), else one indexed count, after the view's changes."""
    if not (has_request_context() and current_user.is_authenticated):
        return 0
    if "unread_notices" not in g:
        g.unread_notices = unread_count(current_user)
    return g.unread_notices


@dataclass(frozen=True)
class ShownNotice:
    id: int
    line: str
    detail: str
    link: str
    created_dt: datetime
    is_read: bool


def notices_for(user: User, *, zone: str, locale: str) -> list[ShownNotice]:
    """The person's newest notices, written for them (call in their request's locale)."""
    notices = list(db.session.scalars(
        select(Notice).where(Notice.recipient_id == user.id)
        .order_by(Notice.created_dt.desc(), Notice.id.desc()).limit(PAGE_SIZE)))
    people = _people_named(notices)
    prefix = request.script_root if has_request_context() else ""
    shown = []
    for notice in notices:
        line, detail = notice_text(notice, user, zone=zone, locale=locale, people=people)
        shown.append(ShownNotice(notice.id, line, detail,
                                 prefix + notice.link if notice.link else "",
                                 notice.created_dt, notice.is_read))
    return shown


def mark_read(user: User, notice_id: int) -> bool:
    """Mark one of the person's notices read; False when it is not theirs (or not there)."""
    owned = db.session.scalar(select(Notice.id).where(
        Notice.id == notice_id, Notice.recipient_id == user.id))
    if owned is None:
        return False
    db.session.execute(update(Notice).where(Notice.id == notice_id, Notice.read_dt.is_(None))
                       .values(read_dt=now_utc()))
    return True


def mark_all_read(user: User) -> int:
    result = db.session.execute(update(Notice).where(
        Notice.recipient_id == user.id, Notice.read_dt.is_(None)).values(read_dt=now_utc()))
    return result.rowcount


def kinds_for(user: User) -> list[NoticeKind]:
    """The kinds a person can receive (an interpreter's, an organiser's: theirs only)."""
    return [kind for kind in KINDS if not kind.roles or any(map(user.has_role, kind.roles))]


def email_choices(user: User) -> dict[str, bool]:
    chosen = dict(db.session.execute(
        select(NoticeEmailChoice.kind, NoticeEmailChoice.is_emailed).where(
            NoticeEmailChoice.user_id == user.id)).all())
    return {kind.name: chosen.get(kind.name, kind.email_default) for kind in kinds_for(user)}


def set_email_choices(user: User, emailed: Iterable[str]) -> None:
    """Keep the person's choice for every kind offered to them (those not in ``emailed``:
    no email)."""
    emailed = set(emailed)
    offered = [kind.name for kind in kinds_for(user)]
    db.session.execute(delete(NoticeEmailChoice).where(
        NoticeEmailChoice.user_id == user.id, NoticeEmailChoice.kind.in_(offered)))
    db.session.add_all(NoticeEmailChoice(user_id=user.id, kind=name, is_emailed=name in emailed)
                       for name in offered)
    db.session.flush()
