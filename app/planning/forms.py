from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import EmailField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TelField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import Form
from app.core.forms import countries


class CandidateForm(Form):
    country = SelectField(_l("Host country"), choices=countries(), validators=[InputRequired()])
    venue = StringField(_l("City and venue"), validators=[InputRequired(), Length(max=200)])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit_candidate = SubmitField(_l("Add candidate"))


class TaskForm(Form):
    title = StringField(_l("Task"), validators=[InputRequired(), Length(max=200)])
    owner = SelectField(_l("Owner"), validators=[Optional()])
    due_date = DateField(_l("Due"), validators=[Optional()])
    submit_task = SubmitField(_l("Add task"))


class LetterSettingsForm(Form):
    """The event's visa letter details (``services.LetterDetails``): each field the service
    saves, so the page renders exactly what the handler reads."""

    signatory_name = StringField(_l("Signatory's name"), validators=[Optional(), Length(max=200)])
    signatory_title = StringField(_l("Signatory's title"),
                                  description=_l("For example: Head of Secretariat."),
                                  validators=[Optional(), Length(max=200)])
    signatory_organisation = StringField(_l("Signatory's organisation"),
                                         validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact for embassies: name"),
                               validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact for embassies: email"),
                               validators=[Optional(), Length(max=254)])
    contact_phone = TelField(_l("Contact for embassies: phone"),
                             description=_l("With the country code, for example "
                                            "+62 21 555 0100."),
                             validators=[Optional(), Length(max=40)])
    costs_covered = StringField(
        _l("What the organisers pay for"),
        description=_l("For example: return flights, accommodation and meals. Left out of the "
                       "letter when empty."),
        validators=[Optional(), Length(max=500)])
    submit_letter = SubmitField(_l("Save letter details"))
