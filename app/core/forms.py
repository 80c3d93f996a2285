"""Form building blocks shared by every feature.

Every form of the app derives from ``Form`` (a test walks them all), which hardens each field
it binds, whatever the feature declared:

- single-line text (``StringField`` and kin: email, URL, hidden, search...; passwords
  excepted) and a select's value lose line breaks (each run becomes one space), NUL and
  other control characters, and surrounding blanks. A line break in a title can never reach
  an email header or a calendar line. Text areas keep their line breaks and lose only NUL,
  which PostgreSQL cannot store;
- a URL must be an http(s) link with a host and no blank or control character inside;
- a date must fall in the years ``FIRST_YEAR`` to ``LAST_YEAR``: year 1 or 9999 gets a clear
  message instead of breaking every calendar built from it;
- a whole number must fit the database's integer column.
"""

from __future__ import annotations

import re
import unicodedata

import pytz
from flask import flash
from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms import ValidationError
from wtforms.validators import URL
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from app.core.compression import MaskedFormCSRF
from app.core.errors import Refusal
from app.core.i18n import LANGUAGE_NAMES
from app.core.i18n import country_name
from app.core.time import is_valid_timezone
from app.core.validation_messages import AppTranslations
from app.extensions import db

APP_TRANSLATIONS = AppTranslations()
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_INT = 2**31 - 1  # PostgreSQL's integer; SQLite would store more, the app never needs it

# Every character str.splitlines() breaks on, so no reader of the text sees two lines.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def single_line(value):
    """Text as one line: line breaks become a space; NUL, tabs and other control characters
    go; surrounding blanks are dropped. Anything but text passes through."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub(" ", value).replace("\t", " ")
    return "".join(c for c in value if unicodedata.category(c) != "Cc").strip()


def without_nul(value):
    """Multi-line text without NUL (which PostgreSQL refuses to store)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def validate_web_link(_form, field) -> None:
    """An http(s) link with a host: no blank or control character anywhere in it."""
    if not field.data or field.errors:  # empty, or already refused by the field's own check
        return
    message = _l("Enter a web link that starts with https:// and has no spaces.")
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in field.data):
        raise ValidationError(message)
    URL(require_tld=False, message=message)(_form, field)


def validate_year_range(_form, field) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Enter a date between the years %(first)d and %(last)d.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


def validate_int_range(_form, field) -> None:
    if field.data is not None and not -MAX_INT <= field.data <= MAX_INT:
        raise ValidationError(_l("That number is out of range."))


def harden(field) -> None:
    """Add the app-wide filters and checks to one bound field (see the module's notes)."""
    if isinstance(field, TextAreaField):
        field.filters = (*field.filters, without_nul)
    elif isinstance(field, StringField | SelectField) and not isinstance(field, PasswordField):
        # A select's value too: " " would pass Optional() (which clears the "not a valid
        # choice" error) and reach the database as a country code.
        field.filters = (*field.filters, single_line)
    extra = []
    if isinstance(field, URLField):
        extra.append(validate_web_link)
    if isinstance(field, DateField):
        extra.append(validate_year_range)
    if isinstance(field, IntegerField):
        extra.append(validate_int_range)
    if extra:
        field.validators = [*field.validators, *extra]


class Form(FlaskForm):
    """The base of every form in the app: FlaskForm (CSRF included) with ``harden`` applied
    to each field as it is bound, and validation messages in the page's language."""

    class Meta:
        csrf_class = MaskedFormCSRF  # the token travels masked (app/core/compression.py)

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            harden(field)
            return field

        def get_translations(self, form):
            """WTForms' own messages ("This field is required.") from the app's catalogs,
            in the page's language (WTForms ships no Indonesian, Malay or Thai)."""
            return APP_TRANSLATIONS


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes: usable without JavaScript or a mouse."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BlankOrChoiceField(SelectField):
    """A select whose first choice is blank ("": none, not given). A blank answer is valid
    without reading the other choices, which take a query (countries, languages): a form
    posted on every registration need not read them for the many who choose none."""

    def pre_validate(self, form):
        if self.data not in ("", None):
            super().pre_validate(form)


class EmptyForm(Form):
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


def refuse_change(form, error: Refusal, field: str | None = None) -> int:
    """A service refused the change the form asked for: undo what the request did so far (the
    page then shows what is saved) and show why beside the field at fault. The status to
    answer with."""
    db.session.rollback()
    refuse(form, str(error), field or error.field)
    return error.status


def submit_form(form, change, *, show, done, flashed=False):
    """The one shape of a form's POST: ``form`` checked, ``change()`` applied (a service call
    that raises a Refusal to say no), then ``done(result)``, as a rule a redirect; or the form's
    page again, ``show(status)``, with the form marked: 400 for its own validation, else the
    refusal's status and its message beside its field, or ``flashed`` at the top of the page
    (what the request changed is undone either way)."""
    if not form.validate_on_submit():
        return show(400 if form.is_submitted() else 200)
    try:
        result = change()
    except Refusal as error:
        return show(flash_refusal(error) if flashed else refuse_change(form, error))
    return done(result)


def flash_refusal(error: Refusal) -> int:
    """The same for a page that says it at the top: undone, and flashed as an error."""
    db.session.rollback()
    flash(str(error), "error")
    return error.status


def country_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language) for every country, sorted by that name; read
    once per request however many forms of the page ask."""
    from app.core.models import Country
    from app.core.templating import current_locale

    locale = current_locale()
    memo = g.setdefault("country_choices", {})
    if locale not in memo:
        codes = db.session.scalars(select(Country.code))
        memo[locale] = sorted(((code, country_name(code, locale)) for code in codes),
                              key=lambda pair: pair[1])
    return memo[locale]


def countries(blank=None):
    """``choices=`` for a country select: every country in the reader's language, after a
    ``blank`` first choice (value "") when one is given. The form asks when it is built
    and validated, so no view has to fill it in."""
    def choices():
        pairs = country_choices()
        return as_choices([("", blank), *pairs] if blank is not None else pairs)
    return choices


def timezone_choices() -> list[SelectChoice]:
    """Every common IANA zone, labelled as the reader knows it ("Jakarta (Western Indonesia
    Time, UTC+7)") and sorted west to east; the value posted stays the IANA id. Passed as a
    callable, so the labels are in the language of the request that builds the form."""
    from app.core.templating import viewer_zone_choices

    return as_choices(viewer_zone_choices(pytz.common_timezones))


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
            choices=timezone_choices,
            validate_choice=False,
            **kwargs,
        )


class LocaleField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators=validators, choices=locale_choices(), **kwargs)


class PreferencesForm(Form):
    locale = LocaleField(_l("Language"))
    timezone = TimezoneField(_l("Timezone"))
    buddhist_era = BooleanField(
        _l("Thai dates: years in the Buddhist Era"),
        description=_l("When pages are in Thai, years are counted from the Buddha (2026 is "
                       "2569). Calendar files and spreadsheets keep the international year."))
    submit = SubmitField(_l("Save preferences"))
