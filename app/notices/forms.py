"""The Notices page's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from app.core.forms import CheckboxListField
from app.core.forms import Form


class EmailChoicesForm(Form):
    """Which kinds of notice the person also wants by email; the choices are the kinds
    offered to them, labelled in the page's language."""

    emailed = CheckboxListField(_l("Email me when"))
    submit = SubmitField(_l("Save email choices"))

    def __init__(self, kinds, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.emailed.choices = [(kind.name, str(kind.label)) for kind in kinds]
