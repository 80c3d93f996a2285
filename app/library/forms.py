from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import as_choices
from app.core.forms import countries
from app.library import labels


def kind_pairs():
    return [(kind.value, label) for kind, label in labels.KINDS.items()]


class UploadForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of resource"), choices=as_choices(kind_pairs()))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("PDF, Word (.docx), PowerPoint (.pptx), PNG or JPEG."))
    countries = CheckboxListField(_l("Countries it is about"), choices=countries())
    tags = StringField(_l("Topic tags"), description=_l("Separate tags with commas."),
                       validators=[Optional(), Length(max=500)])
    events = CheckboxListField(_l("Key download for these events"))
    show_uploader = BooleanField(
        _l("Show my name to members as the person who shared it"),
        description=_l("Otherwise only the organisers see who shared it."))
    submit = SubmitField(_l("Upload"))


class FilterForm(Form):
    country = SelectField(_l("Country"), choices=countries(_l("All countries")),
                          validators=[Optional()])
    tag = SelectField(_l("Topic tag"), validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Kind of resource"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))
