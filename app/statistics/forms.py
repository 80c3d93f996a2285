"""The filters of the statistics page (a GET form: no token, nothing changes)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms import SubmitField
from wtforms.validators import ValidationError

from app.core.forms import Form
from app.events.labels import EVENT_KINDS
from app.statistics.services import FIRST_YEAR


def year_choices(last: int) -> list[tuple[int, str]]:
    from app.statistics.charts import year_label

    return [(year, year_label(year)) for year in range(FIRST_YEAR, last + 1)]


class FilterForm(Form):
    class Meta:
        csrf = False

    first_year = SelectField(_l("First year"), coerce=int)
    last_year = SelectField(_l("Last year"), coerce=int)
    kind = SelectField(_l("Kind of event"), default="")
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, last: int, **kwargs):
        super().__init__(*args, **kwargs)
        years = year_choices(max(last, FIRST_YEAR))
        self.first_year.choices = years
        self.last_year.choices = years
        self.kind.choices = [("", _l("Every kind"))] + [
            (kind.value, label) for kind, label in EVENT_KINDS.items()]
        if self.first_year.data is None:
            self.first_year.data = FIRST_YEAR
        if self.last_year.data is None:
            self.last_year.data = years[-1][0]

    def validate_last_year(self, field):
        if self.first_year.data and field.data and field.data < self.first_year.data:
            raise ValidationError(_l("The last year cannot be before the first year."))
