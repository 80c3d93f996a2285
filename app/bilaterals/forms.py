from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.bilaterals.labels import ANSWERS
from app.bilaterals.recurrence import PlainRecurrence
from app.core.forms import CheckboxListField, Form, TimezoneField, as_choices
from app.core.templating import current_locale

DURATIONS = as_choices([("30", _l("30 minutes")), ("45", _l("45 minutes")),
                        ("60", _l("1 hour")), ("90", _l("1 hour 30 minutes")),
                        ("120", _l("2 hours"))])


class CallForm(Form):
    country_a = SelectField(_l("First country"), validators=[InputRequired()])
    country_b = SelectField(_l("Second country"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[InputRequired(), Length(max=200)])
    follow_up_event = SelectField(_l("Follow-up of"), validators=[Optional()])
    duration = SelectField(_l("Duration"), choices=DURATIONS, default="60")
    first_date = DateField(_l("From"), validators=[InputRequired()],
                           description=_l("Dates as each invitee reads them at home."))
    last_date = DateField(_l("Until"), validators=[InputRequired()],
                          description=_l("At most 90 days after the first date."))
    timezone = TimezoneField(_l("Timezone of the call"),
                             description=_l("The days of the poll and the event use it."))
    invitees = CheckboxListField(_l("Invitees"), validators=[InputRequired(
        _l("Choose the invitees of both countries."))])
    interpretation = SelectField(_l("Interpretation"), validators=[Optional()])
    avoid_joint_leave = BooleanField(
        _l("Avoid Indonesia's joint leave days (cuti bersama)"), default=True)
    online_url = URLField(_l("Online meeting link"),
                          validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Find slots and open the poll"))


def poll_form(slots, answers):
    """One yes / if need be / no question per candidate slot (the form class is built per
    poll: its fields are the slots offered)."""

    class PollForm(Form):
        submit = SubmitField(_l("Save my answers"))

    choices = as_choices((answer.value, label) for answer, label in ANSWERS.items())
    for slot in slots:
        current = answers.get(slot.id)
        setattr(PollForm, f"slot_{slot.id}", RadioField(
            str(slot.id), choices=choices, validators=[InputRequired(
                _l("Answer every slot: yes, if need be or no."))],
            default=current.value if current else None))
    return PollForm()


class PickForm(Form):
    """The confirmation page's button; the slot rides along hidden."""

    slot_id = IntegerField(_l("Slot"), validators=[InputRequired()])
    submit = SubmitField(_l("Yes, schedule this call"))


class OverrideForm(Form):
    country = SelectField(_l("Country"), validators=[InputRequired()])
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
    country = SelectField(_l("Country"), validators=[Optional()])
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Show"))


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
    country = SelectField(_l("Country"), validators=[Optional()])
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


class AskForm(Form):
    country = SelectField(_l("With which country's delegation?"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[InputRequired(), Length(max=200)])
    note = TextAreaField(_l("Anything the organisers should know (optional)"),
                         validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Ask for the call"))
