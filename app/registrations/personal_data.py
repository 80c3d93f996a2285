"""What registrations hold about a person (see app.core.personal_data). Travel, passport
details, nationality, dietary and access needs and rooming are asked for one event's
logistics: they are cleared ``PERSONAL_DATA_RETENTION_DAYS`` after that event ends."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.core.locking import lock_rows
from app.core.models import AuditRecord
from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import row
from app.events.models import Event
from app.extensions import db
from app.registrations.models import EventInvitee
from app.registrations.models import Registration

# Each purged column and what it holds once purged.
PURGED = {
    "dietary_needs": "", "access_needs": "", "arrival_date": None, "arrival_time": None,
    "arrival_flight": "", "departure_date": None, "departure_time": None,
    "departure_flight": "", "needs_room": False, "room_notes": "", "passport_name": "",
    "nationality": None, "passport_number": "",
}


def _holds_purgeable():
    """Registrations still holding any of the purged columns."""
    clauses = []
    for name, empty in PURGED.items():
        column = getattr(Registration, name)
        clauses.append(column.is_not(None) if empty is None else column != empty)
    return sa.or_(*clauses)


def _export(user) -> list[dict]:
    return [row(registration, "status attend_as " + " ".join(PURGED)
                + " interpretation_language consented_dt created_dt updated_dt",
                event=registration.event.title,
                sessions=[place.session.title for place in registration.choices])
            for registration in db.session.scalars(
                select(Registration).where(Registration.user_id == user.id)
                .order_by(Registration.created_dt))]


def _export_invitations(user) -> list[dict]:
    return [row(invitee, "event_id", event=invitee_event.title)
            for invitee, invitee_event in db.session.execute(
                select(EventInvitee, Event).join(Event, Event.id == EventInvitee.event_id)
                .where(EventInvitee.user_id == user.id).order_by(Event.start_date))]


def _identifiers(user) -> list[str]:
    """Passport names and numbers identify the person wherever they were copied."""
    return [value for pair in db.session.execute(select(
        Registration.passport_name, Registration.passport_number).where(
        Registration.user_id == user.id)) for value in pair if value]


def _erase(erasure: Erasure) -> None:
    """The registrations stay (status, attendance, country of the account): anonymous
    counts for the statistics; everything personal in them goes."""
    db.session.execute(update(Registration).where(Registration.user_id == erasure.user.id)
                       .values(**PURGED).execution_options(synchronize_session="fetch"))


def _purge(now: datetime) -> int:
    """Clear the logistics details of every event that ended more than the retention
    period ago. Safe on two hosts at once: the events are locked (app.core.locking) and
    re-checked under the lock, so the second host finds nothing left and records nothing."""
    cutoff = (now - timedelta(days=current_app.config["PERSONAL_DATA_RETENTION_DAYS"])).date()
    due = sorted(set(db.session.scalars(
        select(Registration.event_id).join(Event, Event.id == Registration.event_id)
        .where(Event.end_date < cutoff, _holds_purgeable()))))
    cleared = 0
    for event_id in lock_rows(Event, due):
        count = db.session.execute(
            update(Registration).where(Registration.event_id == event_id, _holds_purgeable())
            .values(**PURGED).execution_options(synchronize_session="fetch")).rowcount or 0
        if count:
            db.session.add(AuditRecord(actor_id=None, action="personal_data_purged",
                                       subject_type="event", subject_id=event_id,
                                       detail={"registrations": count}))
        cleared += count
    return cleared


HOLDINGS.add("registrations", Holding(
    _l("Registrations"),
    {
        "registrations": columns(
            purged=" ".join(PURGED),
            fact="id event_id user_id status attend_as waitlisted_dt promoted_dt "
                 "interpretation_language consented_dt created_dt updated_dt"),
        "session_places": columns(
            fact="id registration_id session_id status waitlisted_dt created_dt"),
        "delegation_quotas": columns(not_personal="id event_id country_code max_in_person"),
    },
    export=_export, erase=_erase, purge=_purge, identifiers=_identifiers))
# An organisers' message to registrants: its words are the organisers' own, kept as a fact of
# the event; it names its recipients by filter and count only, never by person.
HOLDINGS.add("event_messages", Holding(
    _l("Messages to an event's registrants"),
    {"event_messages": columns(
        fact="id event_id sender_id audience texts created_dt sent_dt recipient_count")}))
HOLDINGS.add("event_invitations", Holding(
    _l("Invitations to events"),
    {"event_invitees": columns(fact="id event_id user_id country_code")},
    export=_export_invitations))
