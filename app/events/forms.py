from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import URLField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import TimezoneField
from app.core.forms import as_choices
from app.core.forms import countries
from app.core.i18n import language_name
from app.core.templating import current_locale
from app.events import labels
from app.events import services
from app.events import translations
from app.events.models import AttendanceMode
from app.events.models import EventSession


class EventForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Kind of meeting"), choices=as_choices(
        (kind.value, label) for kind, label in labels.EVENT_KINDS.items()))
    # Choices in the reader's language: set by the view.
    language = SelectField(_l("Written in"), default="en", description=_l(
        "The language of the event's and its sessions' titles, descriptions and places. "
        "Translations into the other languages go on the event's Translations page."))
    status = SelectField(_l("Status"), choices=as_choices(
        (status.value, label) for status, label in labels.EVENT_STATUSES.items()))
    # Empty: automatic (the view resolves it with ``services.default_timezone``).
    timezone = TimezoneField(_l("Timezone of the meeting"), validators=[Optional()],
                             description=_l("Session times are entered in this timezone."))
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    host_country = SelectField(_l("Host country"), choices=countries(_l("None")),
                               validators=[Optional()])
    countries = CheckboxListField(
        _l("Participating countries"),
        description=_l("Their timezones are shown beside every online session."),
        choices=countries())
    co_hosts = StringField(_l("Co-hosts"), validators=[Optional(), Length(max=500)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=2000)])
    online_url = URLField(_l("Online meeting link"),
                          validators=[Optional(), Length(max=500)])
    joining_instructions = TextAreaField(_l("Joining instructions"),
                                         validators=[Optional(), Length(max=5000)])
    topics = TextAreaField(_l("Topics"), description=_l("One topic per line."),
                           validators=[Optional(), Length(max=5000)])
    is_chatham_house = BooleanField(_l("Held under the Chatham House Rule"), default=True)
    is_invitation_only = BooleanField(_l("Invitation only"), default=True)
    requires_approval = BooleanField(_l("Organisers approve each registration"))
    registration_opens = DateField(_l("Registration opens on"), validators=[Optional()])
    registration_closes = DateField(_l("Registration closes after"), validators=[Optional()],
                                    description=_l("The end of that day in the meeting's "
                                                   "timezone."))
    submit = SubmitField(_l("Save event"))


class SessionTimeFields(Form):
    """When and where an agenda item is: a day of the event and wall-clock times in the
    event's zone (asking which one when the clocks go back), its kind and its room. Shared
    by the session form and the topics' "add to the agenda"."""

    kind = SelectField(_l("Kind of session"), choices=as_choices(
        (kind.value, label) for kind, label in labels.SESSION_KINDS.items()))
    day = SelectField(_l("Day"), validate_choice=False)
    start_time = TimeField(_l("Starts (meeting time)"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends (meeting time)"), validators=[InputRequired()])
    occurrence = RadioField(
        _l("This time happens twice when clocks go back. Which one do you mean?"),
        choices=as_choices([("earlier", _l("The first (summer time)")),
                            ("later", _l("The second (standard time)"))]),
        validators=[Optional()], validate_choice=False,
    )
    room = StringField(_l("Room or meeting point"), validators=[Optional(), Length(max=200)])


class SessionForm(SessionTimeFields):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    online_url = URLField(_l("Online link for this session"),
                          validators=[Optional(), Length(max=500)])
    attendance_mode = SelectField(_l("Who attends how"), choices=as_choices(
        (mode.value, label) for mode, label in labels.ATTENDANCE_MODES.items()),
        default=AttendanceMode.BOTH.value)
    floor_language = SelectField(_l("Floor language"))
    capacity = IntegerField(_l("Places (leave empty for no own limit)"),
                            validators=[Optional(), NumberRange(min=1, max=10000)])
    meeting_point = StringField(_l("Meeting point (site visits)"),
                                validators=[Optional(), Length(max=200)])
    transport = StringField(_l("Transport (site visits)"), validators=[Optional(), Length(max=200)])
    preview = SubmitField(_l("Preview times"))
    submit = SubmitField(_l("Save session"))


# The longest translation of each text, as long as its original may be.
TEXT_LIMITS = {"title": 200, "description": 20000, "venue": 200, "meeting_point": 200,
               "transport": 200}
TEXT_LABELS = {"title": _l("Title"), "description": _l("Description"), "venue": _l("Venue"),
               "meeting_point": _l("Meeting point"), "transport": _l("Transport")}


def translation_field_name(row, field: str, language: str) -> str:
    prefix = f"session-{row.id}" if isinstance(row, EventSession) else "event"
    return f"{prefix}-{field}-{language}"


def translations_form(event, sessions, **kwargs) -> Form:
    """One text box per text that has an original and per other platform language (a
    translation of nothing is not asked for), filled with what is kept: the page renders
    exactly these and the handler reads exactly these."""

    class TranslationsForm(Form):
        seen = HiddenField(default=translations.fingerprint([event, *sessions]))
        submit = SubmitField(_l("Save translations"))

    for row in (event, *sessions):
        for field in translations.fields_of(row):
            if not getattr(row, field):
                continue
            for language in translations.platform_languages():
                if language == event.language:
                    continue
                kind = TextAreaField if field == "description" else StringField
                label = _("%(text)s in %(language)s", text=TEXT_LABELS[field],
                          language=language_name(language, current_locale()))
                kept = (row.translations or {}).get(language, {}).get(field, "")
                setattr(TranslationsForm, translation_field_name(row, field, language), kind(
                    label, validators=[Optional(), Length(max=TEXT_LIMITS[field])],
                    default=kept, description=None if kept else _("Missing")))
    return TranslationsForm(**kwargs)


def translations_given(form, event, sessions) -> dict:
    """{row: {language: {field: text}}} from the submitted form, for ``save_translations``."""
    given = {}
    for row in (event, *sessions):
        texts = {}
        for language in translations.platform_languages():
            texts[language] = {
                field: form[name].data or "" for field in translations.fields_of(row)
                if (name := translation_field_name(row, field, language)) in form}
        given[row] = texts
    return given


def session_form_for(event, **kwargs) -> SessionForm:
    """The session form with exactly the fields this kind of event asks for: the page renders
    these and the handler reads these, so neither can require what the other leaves out.

    "Who attends how" is asked in hybrid events only (otherwise the event's kind says it); an
    online link and the preview of every delegation's time only where someone joins online.
    """
    form = SessionForm(**kwargs)
    if services.implied_attendance_mode(event) is not None:
        del form.attendance_mode
    if not event.is_online:
        del form.online_url
        del form.preview
    return form
