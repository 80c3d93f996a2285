from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SearchField
from wtforms import SubmitField
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import Form


class SearchForm(Form):
    """Find a name on the check-in list (a GET form: no token, nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find a name"), validators=[Optional(), Length(max=100)])


class ReportForm(Form):
    report = FileField(_l("Attendance report (CSV)"),
                       validators=[FileRequired(_l("Choose the report file to upload."))],
                       description=_l("The participants report your video platform exports "
                                      "after the meeting (Zoom, Microsoft Teams or Google "
                                      "Meet), with email addresses included."))
    submit = SubmitField(_l("Import attendance"))
