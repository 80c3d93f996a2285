"""Demo programme of the upcoming roundtable: a named guest speaker and a moderator who did
not agree to be named opening it, the youth advocate (by pseudonym) speaking on lived
experience with the child advocates' pre-recorded video, and materials from the library."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.extensions import db
from app.library.models import Resource
from app.programme import services
from app.programme.models import RoleKind

VIDEO_TITLE = "Child advocates in Thailand: our aspirations and policy recommendations"
GUEST = ("Aroha Ngata", "Refugee Advisory Panel", "NZ")

# session title -> roles (account email or guest, role, agreed to be named), materials
PROGRAMME = {
    "Opening and country updates": (
        [(GUEST, RoleKind.SPEAKER, True),
         ("somchai@example.org", RoleKind.MODERATOR, False)],
        ["Slides: country updates template"]),
    "Community-based placement": (
        [], ["Toolkit: community placement for children"]),
    "Lived experience leaders in policy-making": (
        [("advocate@example.org", RoleKind.SPEAKER, True)],
        ["Case study: independent evaluation of alternatives to detention in Thailand",
         "Toolkit: community placement for children"]),
}


def seed_programme(created: dict) -> None:
    """Idempotent: a session that already has a programme is left alone."""
    event = db.session.scalar(select(Event).where(Event.status == EventStatus.OPEN,
                                                  Event.capacity.is_not(None)))
    if event is None:
        return
    sessions = {session.title: session for session in db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id))}
    for title, (roles, materials) in PROGRAMME.items():
        session = sessions.get(title)
        if session is None or services.roles_of(session) or services.materials_of(session):
            continue
        for who, role, named in roles:
            if isinstance(who, tuple):
                name, organisation, country = who
                data = services.RoleInput(role=role, guest_name=name,
                                          guest_organisation=organisation,
                                          guest_country=country, named=named)
            else:
                person = db.session.scalar(select(User).where(User.email == who))
                data = services.RoleInput(role=role, user_id=person.id, named=named)
            services.add_role(session, data)
            created["programme roles"] = created.get("programme roles", 0) + 1
        for resource_title in materials:
            resource = db.session.scalar(select(Resource).where(Resource.title == resource_title))
            if resource is not None:
                services.add_material(session, resource.id)
        if title == "Lived experience leaders in policy-making":
            services.add_recording(session, services.RecordingInput(
                title=VIDEO_TITLE, video_url="https://video.example.org/child-advocates-thailand",
                subtitle_codes=["en", "id", "ms", "th"]))
