from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.bilaterals.labels import ANSWERS
from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import TimezoneField
from app.core.forms import as_choices
from app.core.forms import countries

DURATIONS = as_choices([("30", _l("30 minutes")), ("45", _l("45 minutes")),
                        ("60", _l("1 hour")), ("90", _l("1 hour 30 minutes")),
                        ("120", _l("2 hours"))])


class CallForm(Form):
    country_a = SelectField(_l("First country"), choices=countries(_l("Choose a country")),
                            validators=[InputRequired()])
    country_b = SelectField(_l("Second country"), choices=countries(_l("Choose a country")),
                            validators=[InputRequired()])
    # Lists (and ticks) the two countries' delegates; creates nothing.
    show_delegates = SubmitField(_l("Show their delegates"))
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
    book_interpreters = BooleanField(
        _l("Book our interpreters for it"), default=True,
        description=_l("Slots only when a team for the two languages is free; picking one "
                       "proposes that team. Leave unticked when the interpreters come from "
                       "elsewhere."))
    avoid_joint_leave = BooleanField(
        _l("Avoid Indonesia's joint leave days (cuti bersama)"), default=True)
    ramadan_hours = BooleanField(
        _l("Keep Ramadan hours (a shorter working day, no call at iftar)"), default=True,
        description=_l("On the days of Ramadan, in the countries whose blocked times include "
                       "Ramadan hours (Indonesia and Malaysia by default)."))
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


class AskForm(Form):
    country = SelectField(_l("With which country's delegation?"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[InputRequired(), Length(max=200)])
    note = TextAreaField(_l("Anything the organisers should know (optional)"),
                         validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Ask for the call"))


class NotesForm(Form):
    notes = TextAreaField(_l("What the call discussed and decided"),
                          validators=[Optional(), Length(max=10000)],
                          description=_l("Seen by the call's invitees and organisers only. "
                                         "Chatham House Rule: attribute nothing to anyone."))
    submit = SubmitField(_l("Save the notes"))


class ActionForm(Form):
    text = StringField(_l("Action"), validators=[InputRequired(), Length(max=500)])
    owner = SelectField(_l("Owner"), validators=[InputRequired()])
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    submit = SubmitField(_l("Add the action"))
