"""Forms of working groups: the series (plain recurrence fields, never RRULE text), its
members, and one meeting moved or cancelled."""

from babel import Locale
from flask_babel import lazy_gettext as _l
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
from app.core.templating import current_locale
from app.workinggroups.recurrence import PlainRecurrence

REPEATS = as_choices([("weekly", _l("Every week, or every few weeks")),
                      ("monthly", _l("Every month"))])
MONTH_POSITIONS = as_choices([("1", _l("first")), ("2", _l("second")), ("3", _l("third")),
                              ("4", _l("fourth")), ("-1", _l("last"))])


def weekday_choices():
    """Monday to Sunday in the page's language (the names come with babel)."""
    names = Locale.parse(current_locale()).days["format"]["wide"]
    return as_choices((str(day), names[day]) for day in range(7))


class GroupSettingsForm(Form):
    """What a working group is, as its edit page asks it; the creation form adds the members.

    The pattern is chosen in plain words, never typed as RRULE text: every N weeks on a
    weekday, or every month on its first to fourth or last such weekday."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    country = SelectField(_l("Country"), choices=countries(_l("None")), validators=[Optional()])
    timezone = TimezoneField(_l("Timezone of the meetings"),
                             description=_l("Meetings keep their local time in this zone, "
                                            "across daylight saving changes."))
    repeat = RadioField(_l("How often"), choices=REPEATS, default="monthly",
                        validators=[InputRequired()])
    weekday = SelectField(_l("Weekday"), choices=weekday_choices, default="1")
    interval = IntegerField(
        _l("Every how many weeks"), default=1, validators=[Optional(), NumberRange(1, 52)],
        description=_l("For meetings every week or every few weeks: 1 is every week, "
                       "2 every other week."))
    position = SelectField(
        _l("Which one in the month"), choices=MONTH_POSITIONS, default="2",
        description=_l("For monthly meetings: the second Tuesday, the last Friday..."))
    first_date = DateField(_l("Starting from"), validators=[InputRequired()])
    start_time = TimeField(_l("Local start time"), validators=[InputRequired()])
    duration = IntegerField(_l("Duration in minutes"), default=60,
                            validators=[InputRequired(), NumberRange(min=15, max=480)])
    until_date = DateField(_l("End date (optional)"), validators=[Optional()])
    online_url = URLField(_l("Online meeting link"),
                          validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save the working group"))

    def validate(self, extra_validators=None) -> bool:
        """As declared, and the number of weeks when the group meets weekly (the field is
        optional for a monthly group, and Optional() ends its checks when it is empty)."""
        valid = super().validate(extra_validators)
        given = self.interval.raw_data and self.interval.raw_data[0].strip()
        if self.repeat.data == "weekly" and not self.interval.errors \
                and (not given or self.interval.data is None):
            self.interval.errors = [*self.interval.errors, _l(
                "Say every how many weeks the group meets: 1 is every week.")]
            valid = False
        return valid

    def recurrence(self) -> PlainRecurrence | None:
        """The pattern chosen; None for "keep the current one" (offered on the edit page of a
        group whose stored rule these choices cannot express)."""
        weekday = int(self.weekday.data)
        if self.repeat.data == "weekly":
            return PlainRecurrence("weekly", weekday, interval=self.interval.data)
        if self.repeat.data == "monthly":
            return PlainRecurrence("monthly", weekday, position=int(self.position.data))
        return None


class GroupForm(GroupSettingsForm):
    members = CheckboxListField(_l("Members"))
    submit = SubmitField(_l("Create the working group"))


class OccurrenceForm(Form):
    original = HiddenField(validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired()])
    new_date = DateField(_l("New date"), validators=[Optional()])
    new_time = TimeField(_l("New local time"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class MembersForm(Form):
    members = CheckboxListField(_l("Members"))
    submit = SubmitField(_l("Save members"))


class MoveOffClashForm(Form):
    """The one-click move of a meeting off a holiday: the meeting, and the start offered on
    the button (so what moves is what the organiser read)."""

    original = HiddenField(validators=[InputRequired()])
    to = HiddenField(validators=[InputRequired()])


class MinutesForm(Form):
    minutes = TextAreaField(_l("Minutes"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save the minutes"))


class ActionForm(Form):
    text = StringField(_l("Action"), validators=[InputRequired(), Length(max=500)])
    owner = SelectField(_l("Owner"), validators=[InputRequired()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Add the action"))


class ActionDoneForm(Form):
    """An action marked done (``done`` "1") or open again ("0")."""

    done = HiddenField(validators=[InputRequired()])
