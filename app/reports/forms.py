from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.reports.services import MAX_SECTION


def _section(label, hint=None):
    return TextAreaField(label, description=hint,
                         validators=[Optional(), Length(max=MAX_SECTION)],
                         render_kw={"rows": 8})


LIST_HINT = _l("Start a line with “- ” for a list; leave a blank line between paragraphs.")


class SectionsForm(Form):
    """The sections of one language; ``seen`` is what the form showed (a fingerprint)."""

    overview = _section(_l("Overview"), _l("What the meeting was, where and when, who took "
                                          "part as countries and kinds of organisation: "
                                          "never a person."))
    sessions = _section(_l("Sessions"), LIST_HINT)
    highlights = _section(_l("Highlights"), LIST_HINT)
    reflections = _section(_l("Participants' reflections"),
                           _l("One reflection per paragraph, quoted without attribution."))
    next_steps = _section(_l("Next steps"), LIST_HINT)
    seen = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Save"))


class DownloadsForm(Form):
    resources = CheckboxListField(_l("Key downloads"), validate_choice=True,
                                  description=_l("Once the report is published, anyone can "
                                                 "download these through it."))
    submit = SubmitField(_l("Save key downloads"))


class AcknowledgeForm(Form):
    words = HiddenField(validators=[InputRequired(), Length(max=320)])
    submit = SubmitField(_l("It may stand"))
