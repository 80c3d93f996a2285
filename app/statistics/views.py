"""The statistics page and its CSV downloads: organisers only.

Why not delegation focal points (their own country's figures)? The tables are counts only,
but a country's row split by kind of organisation or first-time/returning is a handful of
people whom a focal point knows by name: a focal point reading "1 civil society" for their
delegation in 2020 knows who it was. Until the organisers decide to share them, the rule is
organisers only (``organiser_required``), and the role-matrix test holds it."""

from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask_babel import _

from app.core.access import organiser_required
from app.events.models import EventKind
from app.registrations.exports import csv_text
from app.statistics import charts
from app.statistics import services
from app.statistics.blueprint import bp
from app.statistics.forms import FilterForm

FILTERS = ("first_year", "last_year", "kind")


def _filters():
    """The page's filters from the query string, or (form, None) when they are wrong."""
    form = FilterForm(request.args, last=services.last_year_to_choose())
    if not form.validate():
        return form, None
    return form, services.Filters(first_year=form.first_year.data,
                                  last_year=form.last_year.data,
                                  kind=EventKind(form.kind.data) if form.kind.data else None)


@bp.route("/statistics")
@organiser_required
def index():
    form, filters = _filters()
    if filters is None:
        return render_template("statistics/index.html", form=form, tables=[]), 400
    tables = [build(filters) for build in services.BREAKDOWNS.values()]
    shown = [(table, charts.stacked_bars(table, f"chart-{table.name}")
              if table.name in charts.CHARTED and table.rows else None) for table in tables]
    return render_template("statistics/index.html", form=form, tables=shown,
                           titles=charts.TITLES, column_label=charts.column_label,
                           year_label=charts.year_label, cell_text=charts.cell_text,
                           query={key: request.args[key] for key in FILTERS
                                  if request.args.get(key)})


@bp.route("/statistics.csv")
@organiser_required
def download():
    name = request.args.get("table", "")
    if name not in services.BREAKDOWNS:
        abort(400, description=_("Choose which table to download."))
    form, filters = _filters()
    if filters is None:
        abort(400, description=" ".join(str(error) for field in form for error in field.errors))
    table = services.BREAKDOWNS[name](filters)
    header = [_("Year")] + [charts.column_label(name, key) for key in table.columns]
    if table.has_total:
        header.append(_("People in all"))
    rows = ([charts.year_label(row.year)] + [charts.csv_cell(row.cells[key])
                                            for key in table.columns]
            + ([charts.csv_cell(row.total)] if row.total else []) for row in table.rows)
    return Response(csv_text(header, rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="statistics-{name}.csv"',
        "Cache-Control": "no-store"})
