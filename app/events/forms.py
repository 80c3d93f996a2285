from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
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
from app.events import labels
from app.events import services
from app.events.models import AttendanceMode


class EventForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Kind of meeting"), choices=as_choices(
        (kind.value, label) for kind, label in labels.EVENT_KINDS.items()))
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
