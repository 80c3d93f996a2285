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
