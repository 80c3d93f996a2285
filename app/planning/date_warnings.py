"""The public holidays an event's dates fall on are among the warnings the event's page
gives (``app.events.services.DATE_WARNINGS``)."""

from app.events.services import DATE_WARNINGS
from app.planning.services import holiday_warnings

DATE_WARNINGS.add("public holidays", holiday_warnings)
