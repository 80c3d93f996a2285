"""The public-holiday calendar page: what the slot finder and the planning checks avoid,
where each day comes from, and the organisers' corrections."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import organiser_required
from app.core.forms import EmptyForm, country_choices, refuse_change
from app.core.i18n import select_timezone
from app.core.models import Country
from app.core.time import now_utc, to_zone
from app.extensions import db
from app.holidays import services
from app.holidays.blueprint import bp
from app.holidays.forms import HolidayFilterForm, OverrideForm
from app.holidays.models import HolidayOverride


@bp.route("/holidays", methods=["GET", "POST"])
@organiser_required
def holidays():
    countries = country_choices()
    today = to_zone(now_utc(), select_timezone()).date()
    filters = HolidayFilterForm(request.args, meta={"csrf": False})
    country = filters.country.data if filters.country.data in dict(countries) else "ID"
    first = filters.first.data or today
    last = filters.last.data or first + timedelta(days=365)
    if last < first or (last - first).days > 731:
        last = first + timedelta(days=365)
    form = OverrideForm(prefix="override")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.set_override(
                    form.country.data, (form.subdivision.data or "").strip().upper(),
                    form.day.data, form.name.data or "", form.is_holiday.data == "yes",
                    form.category.data, current_user)
            except services.HolidayError as error:
                status = refuse_change(form, error)
            else:
                flash(_("Saved. New polls use this change."), "success")
                return redirect(url_for("holidays.holidays", country=form.country.data))
        else:
            status = 422
    country_row = db.session.get(Country, country)
    subdivision = country_row.holiday_subdivision if country_row else ""
    return render_template(
        "holidays/holidays.html", filters=filters, form=form, country=country,
        subdivision=subdivision, first=first, last=last, delete_form=EmptyForm(),
        rows=services.holiday_calendar(country, subdivision, first, last)), status


@bp.route("/holidays/<int:override_id>/delete", methods=["POST"])
@organiser_required
def delete_override(override_id):
    override = db.session.get(HolidayOverride, override_id)
    if override is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    country = override.country_code
    db.session.delete(override)
    flash(_("The change is removed."), "success")
    return redirect(url_for("holidays.holidays", country=country))
