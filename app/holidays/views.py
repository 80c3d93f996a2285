"""The public-holiday calendar page: what the slot finder and the planning checks avoid,
where each day comes from, and the organisers' corrections."""

from datetime import time
from datetime import timedelta

from babel.dates import format_time
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import organiser_required
from app.core.forms import EmptyForm
from app.core.forms import country_choices
from app.core.forms import refuse_change
from app.core.forms import submit_form
from app.core.i18n import select_timezone
from app.core.models import Country
from app.core.templating import current_locale
from app.core.time import now_utc
from app.core.time import to_zone
from app.extensions import db
from app.holidays import services
from app.holidays.blueprint import bp
from app.holidays.forms import BlockedTimeForm
from app.holidays.forms import HolidayFilterForm
from app.holidays.forms import OverrideForm
from app.holidays.forms import RamadanForm
from app.holidays.forms import day_names
from app.holidays.models import BlockedTime
from app.holidays.models import HolidayOverride
from app.holidays.workdays import working_days_of


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


def _clock(minute: int, locale: str) -> str:
    """A minute of the day as the reader's clock shows it; the day's end (1440, the end of
    Ramadan hours' block) as midnight."""
    minute %= 24 * 60
    return format_time(time(minute // 60, minute % 60), "short", locale=locale)


def _blocked_times_page(form: BlockedTimeForm, ramadan_form: RamadanForm, status: int):
    locale = current_locale()
    names = day_names(locale)
    codes = [code for code, _name in country_choices()]
    blocks = services.blocked_times_for(codes)
    today = to_zone(now_utc(), select_timezone()).date()
    ramadans = services.ramadans_for(codes, today, today.replace(year=today.year + 1))
    countries = []
    for code, name in country_choices():
        country = db.session.get(Country, code)
        days = working_days_of(code, country.holiday_subdivision)
        countries.append({
            "code": code, "name": name,
            "days": ", ".join(names[day] for day in sorted(days)),
            "hours": f"{_clock(country.work_start_minute, locale)}–"
                     f"{_clock(country.work_end_minute, locale)}",
            "ramadans": ramadans[code],
            "blocks": [{"id": block.id, "label": services.blocked_label(block),
                        "day": names[block.weekday] if block.weekday is not None
                        else _("Every day"),
                        "time": f"{_clock(block.start_minute, locale)}–"
                                f"{_clock(block.end_minute, locale)}",
                        "ramadan_only": block.ramadan_only}
                       for block in blocks[code]]})
    return render_template("holidays/blocked_times.html", form=form, countries=countries,
                           ramadan_form=ramadan_form, delete_form=EmptyForm()), status


@bp.route("/holidays/blocked-times", methods=["GET", "POST"])
@organiser_required
def blocked_times():
    """Each country's working days and hours, and the times of day the slot finder keeps
    free (lunch, Friday prayers, Ramadan hours), with the organisers' additions and
    removals, and the days of Ramadan."""
    form = BlockedTimeForm(prefix="block")

    def add():
        return services.add_blocked_time(
            form.country.data, int(form.weekday.data) if form.weekday.data else None,
            form.start.data.hour * 60 + form.start.data.minute,
            form.end.data.hour * 60 + form.end.data.minute, form.label.data or "",
            current_user, ramadan_only=form.ramadan_only.data)

    def done(block):
        flash(_("Saved. New polls keep this time free."), "success")
        return redirect(url_for("holidays.blocked_times", _anchor=f"country-{block.country_code}"))

    return submit_form(form, add, done=done, show=lambda status: _blocked_times_page(
        form, RamadanForm(prefix="ramadan"), status))


@bp.route("/holidays/ramadan", methods=["POST"])
@organiser_required
def set_ramadan():
    """The announced days of Ramadan replace the estimate for one country and year."""
    form = RamadanForm(prefix="ramadan")

    def change():
        return services.set_ramadan(form.country.data, form.year.data, form.first_day.data,
                                    form.last_day.data, current_user)

    def done(period):
        flash(_("Saved. New polls use these dates of Ramadan."), "success")
        return redirect(url_for("holidays.blocked_times",
                                _anchor=f"country-{period.country_code}"))

    return submit_form(form, change, done=done, show=lambda status: _blocked_times_page(
        BlockedTimeForm(prefix="block"), form, status))


@bp.route("/holidays/blocked-times/<int:block_id>/delete", methods=["POST"])
@organiser_required
def delete_blocked_time(block_id):
    block = db.session.get(BlockedTime, block_id) or abort(404)
    EmptyForm().validate_on_submit() or abort(400)
    country = services.delete_blocked_time(block, current_user)
    flash(_("The blocked time is removed."), "success")
    return redirect(url_for("holidays.blocked_times", _anchor=f"country-{country}"))
