from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import Form, as_choices
from app.events import labels


class TopicForm(Form):
    title = StringField(_l("Topic"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Why it matters (optional)"),
                                validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Propose topic"))


class ScheduleTopicForm(Form):
    """A day of the event and wall-clock times in the event's zone."""

    day = SelectField(_l("Day"), validate_choice=False)
    start_time = TimeField(_l("Starts (meeting time)"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends (meeting time)"), validators=[InputRequired()])
    occurrence = RadioField(
        _l("This time happens twice when clocks go back. Which one do you mean?"),
        choices=as_choices([("earlier", _l("The first (summer time)")),
                            ("later", _l("The second (standard time)"))]),
        validators=[Optional()], validate_choice=False,
    )
    kind = SelectField(_l("Kind of session"), choices=as_choices(
        (kind.value, label) for kind, label in labels.SESSION_KINDS.items()))
    room = StringField(_l("Room or meeting point"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add to the agenda"))
