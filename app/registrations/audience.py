"""Who belongs to a meeting by registration's reckoning: to a private one, whoever is invited
in person, invited with their delegation (participants of that country), or registered; to
its online link and joining instructions, whoever is confirmed."""

from sqlalchemy import select

from app.events.pagecache import VIEWER_STANDING
from app.events.services import READ_WITH_THE_EVENT
from app.events.visibility import AUDIENCES
from app.events.visibility import JOINERS
from app.registrations import services
from app.registrations.models import EventInvitee
from app.registrations.models import Registration


@AUDIENCES("invited")
def invited_event_ids(viewer):
    return select(EventInvitee.event_id).where(services.invites(viewer))


@AUDIENCES("registered")
def registered_event_ids(viewer):
    return select(Registration.event_id).where(Registration.user_id == viewer.id)


# Remembered per request (the event page asks several times): no query of its own.
JOINERS.add("confirmed", services.is_confirmed)

# The event page reads the viewer's registration with the event: no statement of its own.
READ_WITH_THE_EVENT.add("registration", services.read_with_the_event_page)
# ...and its registration panel shows no more of the viewer than their standing.
VIEWER_STANDING.add("registration", services.viewer_standing)
