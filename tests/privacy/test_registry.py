"""Every column of every table is classified in the personal-data registry, once: a new
column cannot escape the export, the erasure and the retention purge by being forgotten."""

from __future__ import annotations

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Kind
from app.core.personal_data import classified_columns
from app.core.personal_data import plain
from app.core.personal_data import scrub_json
from app.core.personal_data import scrub_text
from app.extensions import db


def test_every_column_of_every_table_is_classified_exactly_once(app):
    classified = classified_columns()
    columns = {(table.name, column.name) for table in db.metadata.sorted_tables
               for column in table.columns}
    unclassified = sorted(f"{t}.{c}" for t, c in columns - set(classified))
    assert unclassified == [], (
        "classify these columns in the owning feature's personal_data.py: "
        + ", ".join(unclassified))
    twice = {f"{t}.{c}": where for (t, c), where in classified.items() if len(where) > 1}
    assert twice == {}
    stale = sorted(f"{t}.{c}" for t, c in set(classified) - columns)
    assert stale == [], "classified columns that no longer exist"


def test_what_retention_purges_is_exactly_the_sensitive_logistics(app):
    purged = sorted(f"{t}.{c}" for (t, c), where in classified_columns().items()
                    if where[0][1] == Kind.PURGED)
    assert purged == sorted(f"registrations.{name}" for name in (
        "dietary_needs", "access_needs", "arrival_date", "arrival_time", "arrival_flight",
        "departure_date", "departure_time", "departure_flight", "needs_room", "room_notes",
        "passport_name", "nationality", "passport_number"))


def test_each_feature_with_personal_columns_can_erase_or_keeps_them_as_its_own_export(app):
    """A holding that declares personal columns must say what erasure does with them,
    unless another holding's erasure covers its tables (the account's)."""
    for name, holding in HOLDINGS.items():
        personal = [table for table, kinds in holding.tables.items()
                    if kinds.get(Kind.PERSONAL) or kinds.get(Kind.PURGED)]
        if personal and holding.erase is None:
            # Erased by another holding: sign-in addresses with the account (auth), an
            # account's feed counter by the calendar (address counters last a day).
            assert name in {"sign_in_addresses", "reference"}, name


def test_scrubbing_replaces_every_spelling_in_any_case():
    erasure = Erasure(user=None, identifiers=["Dewi Lestari", "dewi@example.org", "A"])
    assert scrub_text("Ask DEWI LESTARI (dewi@example.org). A note.", erasure) == (
        "Ask Former participant (Former participant). A note.")  # "A" is too short to search
    assert scrub_json({"who": ["Dewi Lestari"], "n": 3}, erasure) == {
        "who": ["Former participant"], "n": 3}


def test_plain_values_are_json_ready():
    from datetime import UTC
    from datetime import date
    from datetime import datetime

    from app.registrations.models import RegistrationStatus

    assert plain([RegistrationStatus.CONFIRMED, date(2027, 3, 10),
                  datetime(2027, 3, 10, 3, tzinfo=UTC)]) == [
        "confirmed", "2027-03-10", "2027-03-10T03:00:00+00:00"]
