from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import Form
from app.events.forms import SessionTimeFields


class TopicForm(Form):
    title = StringField(_l("Topic"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Why it matters (optional)"),
                                validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Propose topic"))


class ScheduleTopicForm(SessionTimeFields):
    """A topic put on the agenda: when and where, as a session is."""

    submit = SubmitField(_l("Add to the agenda"))
