from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from app.core.forms import BlankOrChoiceField
from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import as_choices
from app.core.forms import countries
from app.registrations.models import AttendAs
from app.registrations.services import PASSPORT_NUMBER_MESSAGE
from app.registrations.services import is_passport_number
from app.registrations.services import normal_passport_number


def validate_passport_number(_form, field) -> None:
    if field.data and not is_passport_number(field.data):
        raise ValidationError(PASSPORT_NUMBER_MESSAGE)


ATTEND_AS = as_choices([(AttendAs.IN_PERSON.value, _l("In person")),
                        (AttendAs.ONLINE.value, _l("Online"))])


class RegistrationForm(Form):
    attend_as = RadioField(_l("How will you attend?"), choices=ATTEND_AS,
                           default=AttendAs.IN_PERSON.value)
    session_ids = CheckboxListField(
        _l("Sessions with limited places"),
        description=_l("Site visits and small groups have their own places. If one is full "
                       "you join its waitlist."))
    dietary_needs = StringField(_l("Dietary needs"), validators=[Optional(), Length(max=500)])
    access_needs = StringField(_l("Access needs"),
                               description=_l("For example step-free access, a sign language "
                                              "interpreter or large print."),
                               validators=[Optional(), Length(max=500)])
    arrival_date = DateField(_l("Arrival date"), validators=[Optional()])
    arrival_time = TimeField(_l("Arrival time (local)"), validators=[Optional()])
    arrival_flight = StringField(_l("Arrival flight"), validators=[Optional(), Length(max=80)])
    departure_date = DateField(_l("Departure date"), validators=[Optional()])
    departure_time = TimeField(_l("Departure time (local)"), validators=[Optional()])
    departure_flight = StringField(_l("Departure flight"),
                                   validators=[Optional(), Length(max=80)])
    needs_room = BooleanField(_l("I need a hotel room"))
    room_notes = StringField(_l("Room notes"),
                             description=_l("For example a room-sharing preference."),
                             validators=[Optional(), Length(max=300)])
    # Its fieldset on the page says who needs these and who sees them (the visibility rule).
    passport_name = StringField(_l("Name as in your passport"),
                                validators=[Optional(), Length(max=200)])
    # Choices: the platform's countries, named in the reader's language.
    nationality = BlankOrChoiceField(_l("Nationality"), description=_l("As in your passport."),
                                     choices=countries(_l("Not given")),
                                     validators=[Optional()])
    passport_number = StringField(_l("Passport number"), filters=[normal_passport_number],
                                  validators=[Optional(), validate_passport_number])
    interpretation_language = BlankOrChoiceField(_l("Interpretation into"),
                                                 validators=[Optional()])
    consent_chatham = BooleanField(
        _l("I will respect the Chatham House Rule: I may use what is said, but will not reveal "
           "who said it or who was present."),
        validators=[DataRequired(_l("Please agree to the Chatham House Rule."))])
    consent_data = BooleanField(
        _l("The organisers may use my details to run this meeting (registration, travel, "
           "dietary and access arrangements)."),
        validators=[DataRequired(_l("Please agree to the use of your data."))])
    submit = SubmitField(_l("Register"))


class EditRegistrationForm(RegistrationForm):
    consent_chatham = None
    consent_data = None
    submit = SubmitField(_l("Save changes"))


class CapacityForm(Form):
    capacity = IntegerField(_l("Places (empty for no limit)"),
                            validators=[Optional(), NumberRange(min=0, max=100000)])
    submit_capacity = SubmitField(_l("Save capacity"))


class QuotaForm(Form):
    country = SelectField(_l("Delegation"), choices=countries(), validators=[InputRequired()])
    max_in_person = IntegerField(_l("At most in person (empty to remove the quota)"),
                                 validators=[Optional(), NumberRange(min=0, max=10000)])
    submit_quota = SubmitField(_l("Save quota"))


class InviteeForm(Form):
    country = SelectField(_l("Invite a whole delegation"), choices=countries(_l("None")),
                          validators=[Optional()])
    email = StringField(_l("Or invite one person by email"),
                        validators=[Optional(), Email(), Length(max=254)])
    submit_invitee = SubmitField(_l("Invite"))


class AssignForm(Form):
    registration_id = SelectField(_l("Participant"), validators=[InputRequired()])
    submit_assign = SubmitField(_l("Assign to this session"))


# Who a message reaches by attendance: "" for everyone.
MESSAGE_ATTEND_AS = [*as_choices([("", _l("In person and online"))]), *ATTEND_AS]


class MessageForm(Form):
    """A message to an event's registrants: English required, each translation optional
    (its choices of delegation and language are set by the view)."""

    subject_en = StringField(_l("Subject in English"),
                             validators=[DataRequired(), Length(max=200)])
    body_en = TextAreaField(_l("Message in English"),
                            validators=[DataRequired(), Length(max=5000)])
    subject_id = StringField(_l("Subject in Indonesian"), validators=[Optional(), Length(max=200)])
    body_id = TextAreaField(_l("Message in Indonesian"), validators=[Optional(), Length(max=5000)])
    subject_ms = StringField(_l("Subject in Malay"), validators=[Optional(), Length(max=200)])
    body_ms = TextAreaField(_l("Message in Malay"), validators=[Optional(), Length(max=5000)])
    subject_th = StringField(_l("Subject in Thai"), validators=[Optional(), Length(max=200)])
    body_th = TextAreaField(_l("Message in Thai"), validators=[Optional(), Length(max=5000)])
    countries = CheckboxListField(_l("Delegations"),
                                  description=_l("None ticked: every delegation."),
                                  choices=countries(), validators=[Optional()])
    attend_as = RadioField(_l("Attending"), choices=MESSAGE_ATTEND_AS, default="",
                           validators=[Optional()])
    language = SelectField(_l("Interpretation language asked for"), validators=[Optional()])
    waitlisted = BooleanField(_l("Also people on the waitlist"),
                              description=_l("Confirmed registrants always receive it."))
    submit_message = SubmitField(_l("Check recipients"))


class BalanceForm(Form):
    """Which groups of one time slot to balance (a GET form: the preview changes nothing,
    so it carries no CSRF token; the view sets the slot's groups as choices)."""

    session_ids = CheckboxListField(_l("Groups to balance"), validators=[InputRequired()])
    keep = BooleanField(_l("Keep current places"),
                        description=_l("Everyone already in one of these groups stays there; "
                                       "only the others are placed."))
    submit_preview = SubmitField(_l("Preview balanced groups"))


class ApplyGroupsForm(Form):
    """The preview's confirmation: the groups and choice previewed, and the proposal's
    fingerprint, so that a proposal nobody saw is never applied."""

    session_ids = HiddenField(validators=[InputRequired()])
    keep = HiddenField()
    fingerprint = HiddenField(validators=[InputRequired()])
    submit_apply = SubmitField(_l("Apply these groups"))


class MoveForm(Form):
    """Move one person into a small group of the slot (the view sets both lists)."""

    registration_id = SelectField(_l("Person"), validators=[InputRequired()])
    session_id = SelectField(_l("Into group"), validators=[InputRequired()])
    submit_move = SubmitField(_l("Move"))
