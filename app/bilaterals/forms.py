import re
from datetime import datetime

from dateutil.rrule import rrule, rrulestr
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
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.bilaterals import recurrence, services
from app.bilaterals.labels import ANSWERS
from app.core.forms import CheckboxListField, Form, TimezoneField, as_choices

# The values each supported RRULE part may take (RFC 5545 3.3.10), checked whole: a value
# with anything after it ("MO RRULE:FREQ=DAILY") is a second rule smuggled into the first.
_DAY = r"(MO|TU|WE|TH|FR|SA|SU)"
_PART_VALUES = {
    "FREQ": r"(DAILY|WEEKLY|MONTHLY|YEARLY)",
    "INTERVAL": r"[0-9]{1,2}",
    "COUNT": r"[0-9]{1,3}",
    "BYDAY": rf"([+-]?[1-5])?{_DAY}(,([+-]?[1-5])?{_DAY})*",
    "BYMONTHDAY": r"[+-]?(3[01]|[12][0-9]|[1-9])(,[+-]?(3[01]|[12][0-9]|[1-9]))*",
    "BYMONTH": r"(1[0-2]|[1-9])(,(1[0-2]|[1-9]))*",
    "BYSETPOS": r"-?[1-5]",
    "WKST": _DAY,
}


def rule_problem(text: str) -> recurrence.RecurrenceError | None:
    """Why ``text`` is not exactly one recurrence rule the calendars can carry, or None.

    On top of ``recurrence.normalise_rule``: no blank inside, every part's value valid as a
    whole, and dateutil reads it as one rule (not a set of several)."""
    try:
        rule = recurrence.normalise_rule(text)
    except recurrence.RecurrenceError as error:
        return error
    if any(c.isspace() for c in rule) or "RRULE" in rule:
        return recurrence.RecurrenceError("syntax", rule)
    for piece in rule.split(";"):
        name, _sep, value = piece.partition("=")
        pattern = _PART_VALUES.get(name)
        if pattern is None or not re.fullmatch(pattern, value):
            return recurrence.RecurrenceError("syntax", piece)
    try:
        parsed = rrulestr(rule, dtstart=datetime(2027, 1, 1))
    except Exception:  # dateutil raises ValueError, KeyError, IndexError... on odd input
        return recurrence.RecurrenceError("syntax", rule)
    if not isinstance(parsed, rrule):
        return recurrence.RecurrenceError("syntax", rule)
    return None


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
    slot_id = IntegerField(_l("Slot"), validators=[InputRequired()])
    submit = SubmitField(_l("Schedule this slot"))


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


class GroupForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    timezone = TimezoneField(_l("Timezone of the meetings"),
                             description=_l("Meetings keep their local time in this zone, "
                                            "across daylight saving changes."))
    rrule = StringField(
        _l("Recurrence rule (RFC 5545)"), default="FREQ=MONTHLY;BYDAY=2TU",
        validators=[InputRequired(), Length(max=200)],
        description=_l("For example FREQ=MONTHLY;BYDAY=2TU (second Tuesday of every month) "
                       "or FREQ=WEEKLY;INTERVAL=2;BYDAY=WE (every other Wednesday)."))
    first_date = DateField(_l("Starting from"), validators=[InputRequired()])
    start_time = TimeField(_l("Local start time"), validators=[InputRequired()])
    duration = IntegerField(_l("Duration in minutes"), default=60,
                            validators=[InputRequired(), NumberRange(min=15, max=480)])
    until_date = DateField(_l("End date (optional)"), validators=[Optional()])
    online_url = URLField(_l("Online meeting link"),
                          validators=[Optional(), Length(max=500)])
    members = CheckboxListField(_l("Members"))
    submit = SubmitField(_l("Create the working group"))

    def validate_rrule(self, field):
        problem = rule_problem(field.data or "")
        if problem is not None:
            raise ValidationError(services.rule_message(problem))


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
