"""The logistics lists as CSV, with the same formula guard as the registration exports."""

from __future__ import annotations

from flask_babel import gettext as _

from app.planning.services import nights
from app.registrations.exports import country
from app.registrations.exports import csv_text


def manifest_csv(movements) -> str:
    header = [_("Date"), _("Time"), _("Arrival or departure"), _("Flight"), _("Name"),
              _("Country"), _("Access needs")]
    return csv_text(header, (
        [m.day or "", m.time.strftime("%H:%M") if m.time else "",
         _("Arrival") if m.direction == "arrival" else _("Departure"), m.flight,
         m.registration.user.display_name, country(m.registration.user.country_code),
         m.registration.access_needs] for m in movements))


def rooming_csv(registrations) -> str:
    header = [_("Name"), _("Country"), _("Check-in"), _("Check-out"), _("Nights"),
              _("Room notes"), _("Access needs")]
    return csv_text(header, (
        [r.user.display_name, country(r.user.country_code), r.arrival_date or "",
         r.departure_date or "", nights(r) if nights(r) is not None else "", r.room_notes,
         r.access_needs] for r in registrations))


def badges_csv(registrations) -> str:
    header = [_("Name on badge"), _("Country"), _("Organisation")]
    return csv_text(header, (
        [r.user.public_name, country(r.user.country_code),
         "" if r.user.pseudonym or not r.user.organisation else r.user.organisation.name]
        for r in registrations))
