"""Forms of the holiday calendar: which days to show, and one day corrected."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from app.core.forms import Form, as_choices, countries


class OverrideForm(Form):
    country = SelectField(_l("Country"), choices=countries(), validators=[InputRequired()])
    subdivision = StringField(_l("State or region (empty for the whole country)"),
                              validators=[Optional(), Length(max=16)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    is_holiday = RadioField(_l("This day is"), choices=as_choices(
        [("yes", _l("a holiday (no calls)")), ("no", _l("a working day after all"))]),
        default="yes", validators=[InputRequired()])
    category = SelectField(_l("Kind"), choices=as_choices(
        [("public", _l("Public holiday")), ("joint_leave", _l("Joint leave")),
         ("other", _l("Other"))]), default="public")
    submit = SubmitField(_l("Save the change"))


class HolidayFilterForm(Form):
    country = SelectField(_l("Country"), choices=countries(), validators=[Optional()])
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Show"))
