"""CSV lists for the logistics team (organisers only: they carry real names)."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app.registrations.models import AttendAs, Registration, RegistrationStatus


def _cell(value) -> str:
    """Neutralise spreadsheet formulas: a name like '=HYPERLINK(...)' stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _organisation(user) -> tuple[str, str]:
    if user.organisation is None:
        return "", ""
    return user.organisation.name, user.organisation.kind.value


def roster_csv(registrations: list[Registration], waitlist: dict[int, int]) -> str:
    header = [_("Name"), _("Pseudonym"), _("Email"), _("Country"), _("Organisation"),
              _("Kind of organisation"), _("Status"), _("Waitlist position"),
              _("Attends"), _("Interpretation into"), _("Registered (UTC)")]
    rows = (
        [r.user.display_name, r.user.pseudonym, r.user.email, r.user.country_code or "",
         *_organisation(r.user), r.status.value, waitlist.get(r.id, ""), r.attend_as.value,
         r.interpretation_language, r.created_dt.strftime("%Y-%m-%d %H:%M")]
        for r in registrations
    )
    return csv_text(header, rows)


def needs_csv(registrations: list[Registration]) -> str:
    header = [_("Name"), _("Country"), _("Attends"), _("Dietary needs"), _("Access needs")]
    rows = (
        [r.user.display_name, r.user.country_code or "", r.attend_as.value, r.dietary_needs,
         r.access_needs]
        for r in sorted(registrations, key=lambda r: r.user.display_name.lower())
        if r.status == RegistrationStatus.CONFIRMED and (r.dietary_needs or r.access_needs)
    )
    return csv_text(header, rows)


def travel_csv(registrations: list[Registration]) -> str:
    header = [_("Arrival date"), _("Arrival flight"), _("Name"), _("Country"),
              _("Departure date"), _("Departure flight"), _("Access needs")]
    travelling = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED
                  and r.attend_as == AttendAs.IN_PERSON]
    travelling.sort(key=lambda r: (r.arrival_date is None, r.arrival_date or 0,
                                   r.user.display_name.lower()))
    rows = (
        [r.arrival_date or "", r.arrival_flight, r.user.display_name, r.user.country_code or "",
         r.departure_date or "", r.departure_flight, r.access_needs]
        for r in travelling
    )
    return csv_text(header, rows)
