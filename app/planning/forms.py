from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import Form


class CandidateForm(Form):
    country = SelectField(_l("Host country"), validators=[InputRequired()])
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
