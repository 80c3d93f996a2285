from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import EmailField
from wtforms import SelectField
from wtforms import SubmitField
from wtforms.validators import Email
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import Form


class AgreeForm(Form):
    submit = SubmitField(_l("I agree to the privacy notice"))


class ErasureRequestForm(Form):
    submit = SubmitField(_l("Ask for my data to be erased"))


class FindPersonForm(Form):
    """An organiser names the person to erase (who may not have asked)."""

    email = EmailField(_l("Email address of the account"),
                       validators=[InputRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Continue"))


class AuditFilterForm(Form):
    """The audit log's filters: a GET form (``meta={"csrf": False}``), choices set by the
    view."""

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = SelectField(_l("Who"), validators=[Optional()])
    first_day = DateField(_l("From"), validators=[Optional()])
    last_day = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))
