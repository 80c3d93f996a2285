from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import TimezoneField
from app.core.forms import as_choices
from app.interpretation.labels import MODES
from app.interpretation.models import BRIEFING_MAX
from app.interpretation.models import DECLINE_REASON_MAX
from app.interpretation.models import GLOSSARY_NOTE_MAX
from app.interpretation.models import GLOSSARY_TERM_MAX
from app.interpretation.models import Mode


class OpenChannelForm(Form):
    session_id = SelectField(_l("Session"), validators=[DataRequired()])
    language = SelectField(_l("Language"), validators=[DataRequired()])
    # A sign language takes the sign-language mode whatever is chosen here (services).
    mode = SelectField(_l("Mode"), default=Mode.SIMULTANEOUS.value,
                       choices=as_choices((mode.value, MODES[mode]) for mode in (
                           Mode.SIMULTANEOUS, Mode.CONSECUTIVE, Mode.WHISPERED)))
    is_retour = BooleanField(_l("Two-way (also interprets questions back into the floor "
                                "language)"))
    submit = SubmitField(_l("Open channel"))


class LanguageForm(Form):
    """A language for the managed list: its code, its own name and its names in the
    platform's languages (needed where the app knows none, as for most sign languages)."""

    code = StringField(_l("Code (ISO 639)"), validators=[DataRequired(), Length(max=8)],
                       description=_l("Two or three letters: my for Burmese, asf for Auslan."))
    name = StringField(_l("Name in the language itself"), validators=[Length(max=80)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=80)],
                          description=_l("Needed when the app does not know the language."))
    name_id = StringField(_l("Name in Indonesian"), validators=[Length(max=80)])
    name_ms = StringField(_l("Name in Malay"), validators=[Length(max=80)])
    name_th = StringField(_l("Name in Thai"), validators=[Length(max=80)])
    is_sign = BooleanField(_l("A sign language"))
    submit = SubmitField(_l("Add language"))


class NotProvidedForm(Form):
    """A language asked for that will not be interpreted (choices set by the view)."""

    scope = SelectField(_l("For"), validators=[DataRequired()])
    language = SelectField(_l("Language"), validators=[DataRequired()])
    reason = StringField(_l("Reason (optional)"),
                         description=_l("Sent to everyone who asked for this language."),
                         validators=[Optional(), Length(max=300)])
    submit_not_provided = SubmitField(_l("Mark as not provided"))


class AssignForm(Form):
    interpreter_id = SelectField(_l("Interpreter"), validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


class RequestForm(Form):
    session_id = SelectField(_l("Session"), validators=[DataRequired()])
    language = SelectField(_l("Interpretation into"), validators=[DataRequired()])
    submit = SubmitField(_l("Ask for interpretation"))


class ProfileForm(Form):
    a_languages = CheckboxListField(_l("A languages (native)"))
    b_languages = CheckboxListField(_l("B languages (you also work into them)"))
    c_languages = CheckboxListField(_l("C languages (you work from them)"))
    timezone = TimezoneField(_l("Home timezone"))
    works_remote = BooleanField(_l("I work remotely (RSI)"))
    works_on_site = BooleanField(_l("I work on site"))
    submit = SubmitField(_l("Save profile"))

    def validate_c_languages(self, field):
        chosen = [*self.a_languages.data, *self.b_languages.data, *field.data]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_l("Give each language one class only."))


class AvailabilityForm(Form):
    kind = RadioField(_l("This is"), default="available", validators=[InputRequired()],
                      choices=as_choices([("available", _l("A time I am available")),
                                          ("off", _l("Time off"))]))
    start_date = DateField(_l("From (date)"), validators=[InputRequired()])
    start_time = TimeField(_l("From (time, your home timezone)"), validators=[InputRequired()])
    end_date = DateField(_l("Until (date)"), validators=[InputRequired()])
    end_time = TimeField(_l("Until (time, your home timezone)"), validators=[InputRequired()])
    submit = SubmitField(_l("Add"))


class DeclineForm(Form):
    """Declining asks why: the organisers read it when they look for a replacement."""

    reason = TextAreaField(
        _l("Reason for declining"),
        description=_l("Only the organisers read it."),
        validators=[DataRequired(message=_l("Say why you decline: the organisers need it to "
                                            "find a replacement.")),
                    Length(max=DECLINE_REASON_MAX,
                           message=_l("Keep the reason to %(max)d characters or fewer.",
                                      max=DECLINE_REASON_MAX))])


class BriefingForm(Form):
    """The organisers' briefing note on a session, for its interpreters."""

    text = TextAreaField(_l("Briefing for the interpreters"),
                         description=_l("Context, names and acronyms to expect, "
                                        "sensitivities. Leave empty to remove the briefing."),
                         validators=[Length(max=BRIEFING_MAX)])
    submit_briefing = SubmitField(_l("Save briefing"))


class GlossaryTermForm(Form):
    """One glossary entry; the view names the pair's languages in the labels."""

    term = StringField(_l("Term"), validators=[DataRequired(), Length(max=GLOSSARY_TERM_MAX)])
    equivalent = StringField(_l("Equivalent"),
                             validators=[DataRequired(), Length(max=GLOSSARY_TERM_MAX)])
    note = StringField(_l("Note (optional)"),
                       description=_l("Context, register, a term to avoid."),
                       validators=[Optional(), Length(max=GLOSSARY_NOTE_MAX)])
    submit = SubmitField(_l("Save term"))
