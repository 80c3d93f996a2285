"""Who acknowledged a check flag of a summary report (see app.core.personal_data): the
acknowledgement stays on erasure, no longer linked to anyone. Reports name nobody."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy import update

from app.core.personal_data import HOLDINGS
from app.core.personal_data import Erasure
from app.core.personal_data import Holding
from app.core.personal_data import columns
from app.core.personal_data import mentioning
from app.core.personal_data import row
from app.core.personal_data import scrub_json
from app.core.personal_data import scrub_text
from app.extensions import db
from app.reports.models import ReportAcknowledgement
from app.reports.models import SummaryReport


def _export(user) -> list[dict]:
    return [row(ack, "report_id words acknowledged_dt")
            for ack in db.session.scalars(select(ReportAcknowledgement).where(
                ReportAcknowledgement.acknowledged_by_id == user.id)
                .order_by(ReportAcknowledgement.id))]


def _erase(erasure: Erasure) -> None:
    # A report should name nobody, but an acknowledged name may stand in one: scrubbed.
    for report in db.session.scalars(select(SummaryReport).where(
            mentioning(SummaryReport.texts, erasure))):
        report.texts = scrub_json(report.texts or {}, erasure)
    for ack in db.session.scalars(select(ReportAcknowledgement).where(
            mentioning(ReportAcknowledgement.words, erasure))):
        ack.words = scrub_text(ack.words, erasure)
    db.session.execute(update(ReportAcknowledgement)
                       .where(ReportAcknowledgement.acknowledged_by_id == erasure.user.id)
                       .values(acknowledged_by_id=None)
                       .execution_options(synchronize_session=False))


HOLDINGS.add("reports", Holding(
    _l("Summary report checks you acknowledged"),
    {
        "summary_reports": columns(
            not_personal="id event_id status texts published_dt updated_dt"),
        "report_downloads": columns(not_personal="report_id resource_id"),
        "report_acknowledgements": columns(not_personal="id report_id words acknowledged_dt",
                                           personal="acknowledged_by_id"),
    },
    export=_export, erase=_erase))
