from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import SubmitField
from wtforms.validators import InputRequired

from app.core.forms import Form


class HandoverForm(Form):
    """The handover's confirmation page: who takes over, and (organisers only) whether the
    departing account is deactivated as well."""

    successor = SelectField(_l("Successor"), validators=[InputRequired(_l("Choose a successor."))])
    deactivate = BooleanField(_l("Also deactivate the departing delegate's account"))
    submit = SubmitField(_l("Hand over"))


class RegisterDelegateForm(Form):
    """My delegation, for each open event: a delegate not yet registered, how they attend,
    and what the focal point affirms for them (the delegate did not tick it themselves)."""

    delegate = SelectField(_l("Delegate"), validators=[InputRequired(_l("Choose a delegate."))])
    attend_as = SelectField(_l("Attends"), validators=[InputRequired()])
    agreed_chatham = BooleanField(
        _l("The delegate has agreed to attend under the Chatham House Rule"),
        validators=[InputRequired(_l("Confirm what the delegate agreed to."))])
    agreed_data = BooleanField(
        _l("The delegate has agreed to the use of their data to organise the event"),
        validators=[InputRequired(_l("Confirm what the delegate agreed to."))])
    submit = SubmitField(_l("Register the delegate"))


class ReplaceDelegateForm(Form):
    """The confirmation page of replacing one delegate in one registration."""

    successor = SelectField(_l("Replaced by"),
                            validators=[InputRequired(_l("Choose a person."))])
    submit = SubmitField(_l("Replace"))
