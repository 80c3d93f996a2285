from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import lru_cache
from itertools import groupby

import pytz
from flask import current_app
from flask import flash
from flask import get_template_attribute
from flask import redirect
from flask import render_template
from flask import request
from flask import session as cookie_session
from flask import url_for
from flask_babel import _
from flask_babel import ngettext
from flask_login import current_user
from jinja2 import TemplateNotFound

from app.auth.services import SPOKEN_LANGUAGES
from app.core.access import organiser_required
from app.core.access import public
from app.core.access import signed_in
from app.core.confirm import confirm_then
from app.core.forms import as_choices
from app.core.forms import country_choices
from app.core.forms import refuse_change
from app.core.forms import submit_form
from app.core.i18n import country_name
from app.core.i18n import language_name
from app.core.i18n import select_timezone
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.core.templating import viewer_buddhist_era
from app.core.templating import viewer_dates
from app.core.templating import viewer_zone_choices
from app.core.templating import viewer_zone_label
from app.core.time import now_utc
from app.core.time import to_zone
from app.events import labels
from app.events import pagecache
from app.events import services
from app.events import translations
from app.events import visibility
from app.events.blueprint import bp
from app.events.display import session_times
from app.events.display import strip_zones_for
from app.events.forms import TEXT_LABELS
from app.events.forms import EventForm
from app.events.forms import session_form_for
from app.events.forms import translation_field_name
from app.events.forms import translations_form
from app.events.forms import translations_given
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.events.models import SessionStatus
from app.events.services import visible_event_or_404


@bp.app_template_filter("format_event_dates")
def format_event_dates(start, end):
    """'21–22 Nov 2019' in the reader's language (and era)."""
    return viewer_dates(start, end, "yMMMd")


@bp.record_once
def register_template_globals(state):
    # Globals rather than a context processor: imported macros see globals, not the context.
    add_template_globals(
        state.app,
        event_kind_label=labels.EVENT_KINDS.get,
        event_status_label=labels.EVENT_STATUSES.get,
        session_kind_label=labels.SESSION_KINDS.get,
        attendance_mode_label=labels.ATTENDANCE_MODES.get,
        # {{ translated(session, "title") }}: the reader's language, else the original,
        # marked (``app.events.translations.Shown``); every page that shows what organisers
        # wrote about a meeting goes through it.
        translated=translations.translated,
        **visibility.template_globals(),
    )




def _session_or_404(event: Event, session_id: int) -> EventSession:
    return services.part_of_event_or_404(EventSession, session_id, event)


@dataclass(frozen=True)
class CardEvent:
    id: int
    kind: EventKind


@dataclass(frozen=True)
class Card:
    """Everything a session card shows, hashable: the key of the rendered-card cache."""

    id: int
    title: translations.Shown
    kind: SessionKind
    status: SessionStatus
    attendance_mode: AttendanceMode
    room: str
    capacity: int | None


@lru_cache(maxsize=2048)
def _agenda_html(event: CardEvent, days: tuple, locale: str, buddhist_era: bool) -> str:
    """The agenda rendered once per content, viewer zone, language and era, then reused: most
    of the page, and the same for every viewer who shares a zone and a language."""
    return get_template_attribute("events/_macros.html", "agenda")(event, days)


def _agenda_for(event, sessions, times) -> str:
    days = tuple(
        (day, tuple(tuple((Card(s.id, translations.translated(s, "title"), s.kind, s.status,
                                s.attendance_mode, s.room, s.capacity), times[s.id])
                           for s in slot) for slot in slots))
        for day, slots in _slots_by_day(event, sessions))
    return _agenda_html(CardEvent(event.id, event.kind), days, current_locale(),
                        viewer_buddhist_era())


def _times_for(event, sessions, countries):
    """Each session's times as this viewer reads them (cached across requests)."""
    zones = strip_zones_for(countries) if event.is_online else ()
    viewer_zone, locale, era = select_timezone(), current_locale(), viewer_buddhist_era()
    return {
        s.id: session_times(s.start_dt, s.end_dt, event.timezone, viewer_zone, locale,
                            zones if s.attendance_mode.value != "in_person" else (), era)
        for s in sessions
    }


def _slots_by_day(event, sessions):
    """Sessions grouped by the event's local day, then by start (parallel groups share one)."""
    days = []
    for day, in_day in groupby(sessions, key=lambda s: to_zone(s.start_dt, event.timezone).date()):
        slots = [list(group) for _start, group in groupby(in_day, key=lambda s: s.start_dt)]
        days.append((day, slots))
    return days


@bp.route("/")
@public
def timeline():
    events = services.timeline(current_user)
    today = to_zone(now_utc(), "UTC").date()
    return render_template("events/timeline.html", events=events, today=today)


@bp.route("/events")
@signed_in
def list_events():
    events = services.event_list(current_user)
    return render_template(
        "events/list.html", events=events, today=now_utc().date(),
        missing_translations=translations.missing_counts([event for event, _count in events])
        if current_user.is_organiser else None)


@bp.route("/events/<int:event_id>")
@signed_in
def show_event(event_id):
    """The shared shell of the page for this kind of reader (``pagecache``), with this
    viewer's own parts put in: each rendered at most once per version of the event."""
    event = services.event_page_or_404(event_id, current_user)
    key = pagecache.shell_key(event, current_user, request.full_path)
    reusable = not cookie_session.get("_flashes")  # a message to show makes this render unique
    kept = pagecache.shell(key) if reusable else None
    if kept is None:
        holes = pagecache.Holes()
        kept = pagecache.cut(_render_shell(event, holes), tuple(holes.names))
        if reusable:
            pagecache.keep_shell(key, kept)
    own_key = pagecache.parts_key(key, event, current_user)
    own = pagecache.parts(own_key) if reusable else None
    if own is None:
        own = _viewer_parts(event, kept.names)
        if reusable:
            pagecache.keep_parts(own_key, own)
    return pagecache.assemble(kept, own)


def _render_shell(event, holes) -> str:
    """Everything on the page that reads the same to every viewer of this kind."""
    sessions = services.agenda(event)
    countries = services.participating_countries(event)
    times = _times_for(event, sessions, countries)
    return render_template(
        "events/event.html", event=event, agenda_html=_agenda_for(event, sessions, times),
        viewer_part=holes,
        missing_translations=translations.missing_count(event, sessions)
        if current_user.is_organiser else None,
    )


# The joining link shows in a part for those who may see it (registered with the page cache).
pagecache.VIEWER_STANDING.add("joining", services.can_see_joining_details)


def _viewer_parts(event, names) -> dict[str, str]:
    """The viewer's own parts of the page (their registration, the joining link if they may
    see it, their programme); a feature that is not installed leaves its hole empty."""
    context = {"event": event,
               "show_joining": services.can_see_joining_details(event, current_user)}
    current_app.update_template_context(context)  # one context for the few small parts
    rendered = {}
    for name in names:
        try:
            rendered[name] = current_app.jinja_env.get_template(name).render(context)
        except TemplateNotFound:
            rendered[name] = ""
    return rendered


def _timezone_choices():
    """"Automatic" first (the host country's main zone, or the organiser's own: see
    ``services.default_timezone``), then each platform country's zones under its name, then
    every other zone: never Africa/Abidjan just for being first of ~430. Each group west to
    east, labelled as the reader knows the zones; the values are IANA ids."""
    locale = current_locale()
    own = viewer_zone_label(current_user.timezone or "UTC")
    groups = {_("Automatic"): as_choices([("", _(
        "The host country's main timezone, or yours if there is no host country: %(zone)s",
        zone=own))])}
    listed = set()
    for code, zones in sorted(services.platform_zones(),
                              key=lambda pair: country_name(pair[0], locale)):
        groups[country_name(code, locale)] = as_choices(viewer_zone_choices(zones))
        listed.update(zones)
    rest = [zone for zone in pytz.common_timezones if zone not in listed]
    groups[_("Every other timezone")] = as_choices(viewer_zone_choices(rest))
    return groups


def _event_form(event=None):
    form = EventForm(obj=event) if event else EventForm()
    form.timezone.choices = _timezone_choices()
    if event is None and request.method == "GET":
        form.timezone.data = ""  # automatic: the host country's, else the organiser's own
    locale = current_locale()
    form.language.choices = as_choices(
        (code, language_name(code, locale)) for code in translations.platform_languages())
    if request.method == "GET":
        if event:
            form.host_country.data = event.host_country_code or ""
            form.countries.data = event.country_codes or []
            form.topics.data = "\n".join(event.topics or [])
            form.kind.data, form.status.data = event.kind.value, event.status.value
            if event.registration_opens_dt:
                form.registration_opens.data = to_zone(event.registration_opens_dt,
                                                       event.timezone).date()
            if event.registration_closes_dt:
                form.registration_closes.data = (to_zone(event.registration_closes_dt,
                                                         event.timezone) - timedelta(days=1)
                                                 ).date()
        else:
            form.countries.data = [code for code, _label in country_choices()]
    return form


def _event_fields(form) -> dict:
    return {
        "title": form.title.data.strip(), "description": form.description.data or "",
        "language": form.language.data,
        "kind": EventKind(form.kind.data), "status": form.status.data,
        "timezone": form.timezone.data or services.default_timezone(
            form.host_country.data or None, current_user.timezone),
        "start_date": form.start_date.data,
        "end_date": form.end_date.data, "host_country_code": form.host_country.data or None,
        "co_hosts": form.co_hosts.data or "", "venue": form.venue.data or "",
        "address": form.address.data or "", "online_url": form.online_url.data or "",
        "joining_instructions": form.joining_instructions.data or "",
        "topics": [line.strip() for line in (form.topics.data or "").splitlines()
                   if line.strip()],
        "country_codes": list(form.countries.data or []),
        "is_chatham_house": form.is_chatham_house.data,
        "is_invitation_only": form.is_invitation_only.data,
        "requires_approval": form.requires_approval.data,
    }


def _event_fields_checked(form) -> dict:
    fields = _event_fields(form)
    if not services.is_valid_timezone(fields["timezone"]):
        raise services.EventRuleError(_("Choose a timezone from the list, such as "
                                        "Asia/Jakarta."), field="timezone")
    fields["registration_opens_dt"], fields["registration_closes_dt"] = \
        services.registration_window(form.registration_opens.data,
                                     form.registration_closes.data, fields["timezone"])
    return fields


def _holiday_warnings(event) -> list[str]:
    # Planning builds on events and knows the holiday calendar: it adds its check to
    # ``services.DATE_WARNINGS``.
    return [warning for check in services.DATE_WARNINGS
            for warning in check(event, current_locale())]


def _warn_of_holidays(event) -> None:
    """Saved, and said: the meeting's days that are public holidays where its people live."""
    warnings = _holiday_warnings(event)
    if warnings:
        flash(_("The meeting's days include public holidays:"), "warning")
        for warning in warnings:
            flash(warning, "warning")


@bp.route("/events/new", methods=["GET", "POST"])
@organiser_required
def create_event():
    form = _event_form()
    status = 200
    if form.validate_on_submit():
        try:
            event = services.create_event(**_event_fields_checked(form))
        except services.EventRuleError as error:
            status = refuse_change(form, error)
        else:
            flash(_("Event created. Now add its sessions."), "success")
            if not form.timezone.data:
                flash(_("Timezone of the meeting: %(zone)s.",
                        zone=viewer_zone_label(event.timezone, event.start_date)), "success")
            _warn_of_holidays(event)
            return redirect(url_for("events.show_event", event_id=event.id))
    elif form.errors:
        status = 400
    return render_template("events/event_form.html", form=form, event=None), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_event(event_id):
    event = visible_event_or_404(event_id, current_user)
    form = _event_form(event)
    status = 200
    if form.validate_on_submit():
        try:
            announce = services.update_event(event, **_event_fields_checked(form))
        except services.EventRuleError as error:
            status = refuse_change(form, error)
        else:
            if announce:
                services.announce_event_change(event)
            flash(_("Event saved."), "success")
            _warn_of_holidays(event)
            return redirect(url_for("events.show_event", event_id=event.id))
    elif form.errors:
        status = 400
    return render_template("events/event_form.html", form=form, event=event,
                           holiday_warnings=_holiday_warnings(event)), status


def _translation_groups(event, sessions, form) -> list[dict]:
    """The translations page, row by row: each text that has an original, the original, and
    per other language its box (described as missing where nothing is kept)."""
    groups = []
    for row in (event, *sessions):
        texts = []
        for field in translations.fields_of(row):
            boxes = [(language, form[name]) for language in translations.platform_languages()
                     if (name := translation_field_name(row, field, language)) in form]
            if boxes:
                texts.append((TEXT_LABELS[field], getattr(row, field), boxes))
        if texts:
            groups.append({"row": row, "texts": texts})
    return groups


@bp.route("/events/<int:event_id>/translations", methods=["GET", "POST"])
@organiser_required
def edit_translations(event_id):
    """Every text of the event and its scheduled sessions in each other language, on one
    page, with what is missing marked."""
    event = visible_event_or_404(event_id, current_user)
    sessions = [s for s in services.agenda(event) if s.status == SessionStatus.SCHEDULED]
    form = translations_form(event, sessions)

    def show(status):
        if status == 409:  # against what is kept now, so saving again overwrites knowingly
            form.seen.data = translations.fingerprint([event, *sessions])
        return render_template(
            "events/translations.html", event=event, form=form,
            groups=_translation_groups(event, sessions, form),
            missing=translations.missing_count(event, sessions)), status

    def done(_result):
        flash(_("Translations saved."), "success")
        return redirect(url_for("events.edit_translations", event_id=event.id))

    return submit_form(form, lambda: translations.save_translations(
        event, translations_given(form, event, sessions), form.seen.data),
        show=show, done=done)


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@organiser_required
def cancel_event(event_id):
    """GET asks first, saying what cancelling does and whom it emails; only the POST of
    that page cancels."""
    event = visible_event_or_404(event_id, current_user)
    here = url_for("events.show_event", event_id=event.id)

    def cancel():
        services.cancel_event(event)
        services.announce_event_change(event, cancelled=True)

    return confirm_then(
        heading=_("Cancel the event “%(title)s”?", title=event.title),
        button=_("Yes, cancel the event"), back=here, then=here,
        consequences=lambda: _cancelling_the_event_does(event), act=cancel,
        done=_("The event is cancelled."),
        no_longer=_("This event is cancelled.") if event.status == EventStatus.CANCELLED
        else None)


def _cancelling_the_event_does(event) -> list[str]:
    scheduled = sum(1 for s in event.sessions if s.status == SessionStatus.SCHEDULED)
    said = [_("The event stays on the timeline, marked cancelled, and takes no new "
              "sessions.")]
    if scheduled:
        said.append(ngettext("Its %(num)d scheduled session is cancelled with it.",
                             "Its %(num)d scheduled sessions are cancelled with it.",
                             scheduled))
    return said + _emailed(services.cancellation_audience(event))


# What cancelling tells each part of ``services.cancellation_audience``, in this order.
_EMAILED = {
    "participants": lambda num: ngettext(
        "%(num)d participant is emailed that it is cancelled, with a cancellation for "
        "their calendar.",
        "%(num)d participants are emailed that it is cancelled, with a cancellation for "
        "their calendars.", num),
    "interpreters": lambda num: ngettext(
        "%(num)d interpreter is emailed that they are no longer needed, with a "
        "cancellation for their calendar.",
        "%(num)d interpreters are emailed that they are no longer needed, with a "
        "cancellation for their calendars.", num),
    "invitees": lambda num: ngettext(
        "%(num)d invitee of the call is emailed a cancellation for their calendar.",
        "%(num)d invitees of the call are emailed a cancellation for their calendars.", num),
}


def _emailed(audience) -> list[str]:
    """Who a cancellation emails, as ``services.cancellation_audience`` counts them: a
    sentence for each part that has anyone, or that no one is emailed."""
    said = [say(audience[part]) for part, say in _EMAILED.items() if audience[part]]
    return said or [_("No one has a calendar invitation for it yet, so no one is emailed.")]


def _session_form(event, session=None):
    form = session_form_for(event, data=services.session_input_from(session)) if (
        session and request.method == "GET") else session_form_for(event)
    locale = current_locale()
    form.day.choices = as_choices((day.isoformat(), viewer_dates(day, day, "yMMMEd"))
                                  for day in services.event_days(event))
    form.floor_language.choices = as_choices(
        (code, language_name(code, locale)) for code in SPOKEN_LANGUAGES)
    if event.kind == EventKind.VIRTUAL and request.method == "GET" and not session:
        form.kind.data = SessionKind.PLENARY.value
    return form


def _session_input(form, session=None) -> services.SessionInput:
    """What the organiser entered; a field the page does not show (see ``session_form_for``)
    keeps its stored value, or is implied by the event's kind."""
    try:
        day = date.fromisoformat(form.day.data or "")
    except ValueError:
        raise services.EventRuleError(_("The session must be on one of the event's days."),
                                      field="day") from None
    online_url = (form.online_url.data or "") if "online_url" in form else (
        session.online_url if session else "")
    mode = form.attendance_mode.data if "attendance_mode" in form else AttendanceMode.BOTH
    return services.SessionInput(
        title=form.title.data, kind=SessionKind(form.kind.data), day=day,
        start_time=form.start_time.data, end_time=form.end_time.data,
        description=form.description.data or "", room=form.room.data or "",
        online_url=online_url, attendance_mode=AttendanceMode(mode),
        floor_language=form.floor_language.data, capacity=form.capacity.data,
        meeting_point=form.meeting_point.data or "", transport=form.transport.data or "",
        occurrence=form.occurrence.data or None,
    )


def _preview(event, data: services.SessionInput):
    """The strip for the time being entered, so the organiser can pick a fair hour."""
    start_dt, end_dt = services.session_instants(event, data)
    countries = services.participating_countries(event)
    return session_times(start_dt, end_dt, event.timezone, select_timezone(), current_locale(),
                         strip_zones_for(countries), viewer_buddhist_era())


def _save_session(event, form, session=None):
    """Validate, then preview or save; returns (response or None, status, preview)."""
    try:
        data = _session_input(form, session)
        if "preview" in form and form.preview.data:
            preview = _preview(event, data)
            return None, 200, preview, False
        if session is None:
            session = services.schedule_session(event, data)
        else:
            sequence = session.sequence
            services.update_session(session, data)
            if session.sequence != sequence:
                services.announce_session_change(session)
    except services.EventRuleError as error:
        refuse_change(form, error)
        ask_occurrence = isinstance(error, services.AmbiguousTimeChoiceNeeded)
        return None, 422 if ask_occurrence else error.status, None, ask_occurrence
    flash(_("Session saved."), "success")
    return redirect(url_for("events.show_event", event_id=event.id,
                            _anchor=f"session-{session.id}")), 302, None, False


@bp.route("/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@organiser_required
def create_session(event_id):
    return _session_page(visible_event_or_404(event_id, current_user))


def _session_page(event, session=None):
    """The session form, a new session's (``session`` None) or one's to edit: shown,
    previewed, asked about a time that happens twice, or saved."""
    form = _session_form(event, session)
    status, preview, ask_occurrence = 200, None, False
    if form.validate_on_submit():
        response, status, preview, ask_occurrence = _save_session(event, form, session)
        if response is not None:
            return response
    elif form.errors:
        status = 400
    return render_template("events/session_form.html", form=form, event=event, session=session,
                           preview=preview, ask_occurrence=ask_occurrence), status


@bp.route("/events/<int:event_id>/sessions/<int:session_id>")
@signed_in
def show_session(event_id, session_id):
    event = visible_event_or_404(event_id, current_user)
    session = _session_or_404(event, session_id)
    countries = services.participating_countries(event)
    return render_template(
        "events/session.html", event=event, session=session,
        times=_times_for(event, [session], countries)[session.id],
        show_joining=services.can_see_joining_details(event, current_user),
    )


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_session(event_id, session_id):
    event = visible_event_or_404(event_id, current_user)
    return _session_page(event, _session_or_404(event, session_id))


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@organiser_required
def cancel_session(event_id, session_id):
    """GET asks first, saying whom cancelling emails; only the POST of that page cancels."""
    event = visible_event_or_404(event_id, current_user)
    session = _session_or_404(event, session_id)

    def cancel():
        services.cancel_session(session)
        services.announce_session_change(session)

    def does() -> list[str]:
        said = [_("The session stays on the agenda, marked cancelled; the rest of the event "
                  "goes ahead.")]
        if session.kind != SessionKind.BILATERAL:  # a call's invitees are emailed (below)
            said.append(_("Participants are not emailed: the agenda and their subscribed "
                          "calendars show it as cancelled."))
        return said + _emailed(services.cancellation_audience(event, session))

    cancelled = session.status == SessionStatus.CANCELLED or \
        event.status == EventStatus.CANCELLED
    return confirm_then(
        heading=_("Cancel the session “%(title)s”?", title=session.title),
        button=_("Yes, cancel the session"),
        back=url_for("events.show_session", event_id=event.id, session_id=session.id),
        then=url_for("events.show_event", event_id=event.id), consequences=does, act=cancel,
        done=_("The session is cancelled."),
        no_longer=_("This session is already cancelled.") if cancelled else None)
