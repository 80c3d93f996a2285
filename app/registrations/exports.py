"""CSV lists for the logistics team (organisers only: they carry real names).

Written for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Thai and Bahasa
names), and every value in words, in the reader's language: "Indonesia", "In person",
"Confirmed", never a code."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app.auth.forms import ORGANISATION_KINDS
from app.core import languages as interpretation_languages
from app.core.i18n import country_name
from app.core.templating import current_locale
from app.registrations.labels import ATTEND_AS
from app.registrations.labels import STATUSES
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus

BOM = "\ufeff"


def _cell(value) -> str:
    """Neutralise spreadsheet formulas: a name like '=HYPERLINK(...)' stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def country(code: str | None) -> str:
    """A country's name in the reader's language ("" for none)."""
    return country_name(code, current_locale()) if code else ""


def language(code: str | None) -> str:
    return interpretation_languages.label(code, current_locale()) if code else ""


def _organisation(user) -> tuple[str, str]:
    if user.organisation is None:
        return "", ""
    kinds = {choice.value: str(choice.label) for choice in ORGANISATION_KINDS}
    kind = user.organisation.kind.value
    return user.organisation.name, kinds.get(kind, kind)


def roster_csv(registrations: list[Registration], waitlist: dict[int, int]) -> str:
    header = [_("Name"), _("Pseudonym"), _("Email"), _("Country"), _("Organisation"),
              _("Kind of organisation"), _("Status"), _("Waitlist position"),
              _("Attends"), _("Interpretation into"), _("Registered (UTC)")]
    rows = (
        [r.user.display_name, r.user.pseudonym, r.user.email, country(r.user.country_code),
         *_organisation(r.user), str(STATUSES[r.status]), waitlist.get(r.id, ""),
         str(ATTEND_AS[r.attend_as]), language(r.interpretation_language),
         r.created_dt.strftime("%Y-%m-%d %H:%M")]
        for r in registrations
    )
    return csv_text(header, rows)


def needs_csv(registrations: list[Registration]) -> str:
    header = [_("Name"), _("Country"), _("Attends"), _("Dietary needs"), _("Access needs")]
    rows = (
        [r.user.display_name, country(r.user.country_code), str(ATTEND_AS[r.attend_as]),
         r.dietary_needs, r.access_needs]
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
        [r.arrival_date or "", r.arrival_flight, r.user.display_name,
         country(r.user.country_code), r.departure_date or "", r.departure_flight,
         r.access_needs]
        for r in travelling
    )
    return csv_text(header, rows)
