from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import CheckboxListField
from app.core.forms import Form
from app.core.forms import as_choices
from app.core.forms import countries
from app.programme import labels
from app.programme.models import NAME_MAX
from app.programme.models import URL_MAX


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=as_choices(
        (kind.value, label) for kind, label in labels.ROLES.items()))
    person = SelectField(_l("Person with an account"), validators=[Optional()],
                         description=_l("Or leave this empty and name a guest below."))
    guest_name = StringField(_l("Guest's name"), validators=[Optional(), Length(max=NAME_MAX)])
    guest_organisation = StringField(_l("Guest's organisation"),
                                     validators=[Optional(), Length(max=NAME_MAX)])
    guest_country = SelectField(_l("Guest's country"), choices=countries(_l("No country")),
                                validators=[Optional()])
    named = BooleanField(
        _l("Agreed to be named in the programme"),
        description=_l("Otherwise participants read only “A speaker from …” (Chatham House "
                       "Rule)."))
    submit = SubmitField(_l("Add to the programme"))


class RecordingForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=NAME_MAX)])
    video = FileField(_l("Video file"), description=_l("MP4 or WebM; or give a link below."))
    video_url = StringField(_l("Link to the video"),
                            validators=[Optional(), Length(max=URL_MAX)])
    subtitles = CheckboxListField(_l("Subtitle languages"))
    submit = SubmitField(_l("Add pre-recorded item"))


class MaterialForm(Form):
    resource = SelectField(_l("Resource from the library"),
                           validators=[InputRequired(_l("Choose a resource."))])
    submit = SubmitField(_l("Add material"))
