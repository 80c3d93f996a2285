from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.auth.models import OrganisationKind
from app.auth.services import MIN_PASSWORD_LENGTH
from app.core.access import Role
from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import LocaleField
from app.core.forms import TimezoneField
from app.core.forms import as_choices
from app.core.forms import countries
from app.core.forms import validate_timezone

ORGANISATION_KINDS = as_choices([
    (OrganisationKind.GOVERNMENT.value, _l("Government")),
    (OrganisationKind.CIVIL_SOCIETY.value, _l("Civil society")),
    (OrganisationKind.INTERNATIONAL.value, _l("International organisation")),
    (OrganisationKind.OTHER.value, _l("Other")),
])
ROLE_LABELS = {
    Role.PARTICIPANT.value: _l("Participant"),
    Role.ORGANISER.value: _l("Organiser"),
    Role.INTERPRETER.value: _l("Interpreter"),
}


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class InviteForm(Form):
    email = EmailField(_l("Email address to invite"),
                       validators=[InputRequired(), Email(), Length(max=254)])
    roles = CheckboxListField(_l("Roles"), choices=as_choices(ROLE_LABELS.items()),
                              default=[Role.PARTICIPANT.value],
                              validators=[InputRequired(_l("Choose at least one role."))])
    country = SelectField(_l("Country"), choices=countries(_l("None")), validators=[Optional()])
    submit = SubmitField(_l("Send invitation"))


class ProfileFields(Form):
    display_name = StringField(_l("Your name"), validators=[InputRequired(), Length(max=120)])
    pseudonym = StringField(
        _l("Pseudonym (optional)"),
        description=_l("If you set one, other participants only ever see this name. "
                       "Organisers still see your real name."),
        validators=[Optional(), Length(max=120)],
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    organisation_name = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    organisation_kind = SelectField(_l("Kind of organisation"), choices=ORGANISATION_KINDS,
                                    default=OrganisationKind.GOVERNMENT.value)
    timezone = TimezoneField(_l("Timezone"),
                             description=_l("Every time is shown in this timezone."))
    locale = LocaleField(_l("Language"))
    languages = CheckboxListField(_l("Languages you speak"))

    def set_choices(self, country_choices, language_choices):
        self.country.choices = as_choices([("", _l("None")), *country_choices])
        self.languages.choices = as_choices(language_choices)


class JoinForm(ProfileFields):
    timezone = SelectField(
        _l("Timezone"),
        description=_l("Leave on 'My country's main timezone' unless you live elsewhere."),
        validate_choice=False,
    )
    password = PasswordField(_l("Choose a password"),
                             validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", _l("The passwords do not match."))])
    # Recorded with the notice's version and the time (app.core.personal_data).
    agree_privacy = BooleanField(
        _l("I have read the privacy notice and agree to it"),
        validators=[InputRequired(_l("Please agree to the privacy notice to create your "
                                     "account."))])
    submit = SubmitField(_l("Create my account"))

    def validate_timezone(self, field):
        if field.data:
            validate_timezone(self, field)


class ProfileForm(ProfileFields):
    submit = SubmitField(_l("Save profile"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    new = PasswordField(_l("New password"),
                        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("new", _l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Email me a link"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"),
                             validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Set the new password"))


class RolesForm(Form):
    """An organiser sets one person's roles (one such form per row of the accounts page,
    each with its own prefix)."""

    roles = CheckboxListField(_l("Roles"), choices=as_choices(ROLE_LABELS.items()),
                              validators=[InputRequired(_l("Choose at least one role."))])
    submit = SubmitField(_l("Save roles"))


ACCOUNT_STATUS_LABELS = {"active": _l("Active"), "deactivated": _l("Deactivated")}


class AccountFilterForm(Form):
    """Which accounts the accounts page lists (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    role = SelectField(_l("Role"), choices=as_choices([("", _l("Any role")),
                                                       *ROLE_LABELS.items()]),
                       validators=[Optional()])
    status = SelectField(_l("Status"), choices=as_choices([("", _l("Any status")),
                                                           *ACCOUNT_STATUS_LABELS.items()]),
                         validators=[Optional()])
    submit = SubmitField(_l("Show"))
