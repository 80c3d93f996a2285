"""Form building blocks shared by every feature."""

from __future__ import annotations

import pytz
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, SelectMultipleField, SubmitField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.i18n import LANGUAGE_NAMES, country_name
from app.core.time import is_valid_timezone
from app.extensions import db


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes: usable without JavaScript or a mouse."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EmptyForm(FlaskForm):
    """A bare POST button: carries only the CSRF token."""

    submit = SubmitField(_l("Confirm"))


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def refuse(form, message: str, field: str | None = None) -> None:
    """Show a refusal on the form's page: beside the field at fault (highlighted, and linked
    from the error summary) when the form has that field, else at the top of the summary."""
    target = form._fields.get(field) if field else None
    if target is not None:
        target.errors = [*target.errors, message]
    else:
        form.form_errors = [*form.form_errors, message]


def country_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language) for every country, sorted by that name."""
    from app.core.models import Country
    from app.core.templating import current_locale

    locale = current_locale()
    codes = db.session.scalars(select(Country.code))
    return sorted(((code, country_name(code, locale)) for code in codes),
                  key=lambda pair: pair[1])


def timezone_choices() -> list[SelectChoice]:
    return as_choices((name, name.replace("_", " ")) for name in pytz.common_timezones)


def locale_choices() -> list[SelectChoice]:
    return as_choices(LANGUAGE_NAMES.items())


def validate_timezone(_form, field) -> None:
    if not is_valid_timezone(field.data):
        raise ValidationError(_l("Choose a timezone from the list, such as Asia/Jakarta."))


class TimezoneField(SelectField):
    """IANA zone names; anything else is refused with a clear message."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators=[*(validators or []), validate_timezone],
            choices=timezone_choices(),
            validate_choice=False,
            **kwargs,
        )


class LocaleField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators=validators, choices=locale_choices(), **kwargs)


class PreferencesForm(FlaskForm):
    locale = LocaleField(_l("Language"))
    timezone = TimezoneField(_l("Timezone"))
    submit = SubmitField(_l("Save preferences"))
