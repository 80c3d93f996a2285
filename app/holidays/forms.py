"""Forms of the holiday calendar: which days to show, one day corrected, a blocked time."""

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TimeField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from app.core.forms import Form
from app.core.forms import as_choices
from app.core.forms import countries
from app.core.templating import current_locale


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


EVERY_DAY = _l("Every day")


def day_names(locale: str) -> dict[int, str]:
    """Monday (0) to Sunday in ``locale``, as babel names them."""
    return dict(Locale.parse(locale).days["format"]["wide"])


def blocked_day_choices():
    """Every day, then Monday to Sunday in the page's language."""
    names = day_names(current_locale())
    return as_choices([("", EVERY_DAY)] + [(str(day), names[day]) for day in range(7)])


class BlockedTimeForm(Form):
    country = SelectField(_l("Country"), choices=countries(), validators=[InputRequired()])
    weekday = SelectField(_l("Day"), choices=blocked_day_choices, default="",
                          validators=[Optional()])
    start = TimeField(_l("From (local time)"), validators=[InputRequired()])
    end = TimeField(_l("Until (local time)"), validators=[InputRequired()])
    label = StringField(_l("What it is, e.g. Lunch"), validators=[Optional(), Length(max=80)])
    ramadan_only = BooleanField(_l("Only during Ramadan, for calls that keep Ramadan hours"))
    submit = SubmitField(_l("Add the blocked time"))


class RamadanForm(Form):
    """The announced days of Ramadan for one country and year."""

    country = SelectField(_l("Country"), choices=countries(), validators=[InputRequired()])
    year = IntegerField(_l("Year of Eid al-Fitr"),
                        validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    first_day = DateField(_l("First day of fasting"), validators=[InputRequired()])
    last_day = DateField(_l("Last day of fasting"), validators=[InputRequired()])
    submit = SubmitField(_l("Save the dates of Ramadan"))
