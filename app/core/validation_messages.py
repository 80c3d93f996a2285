"""WTForms' own validation messages, in the app's catalogs.

WTForms ships no Indonesian, Malay or Thai, so a Thai page would say "This field is
required." in English. ``core.forms.Form`` hands WTForms the app's translations instead
(``AppTranslations``); the messages below are marked here so that ``make translations``
extracts them and keeps them in every catalog. They must stay exactly as WTForms writes them.
"""

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid datetime value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _nl("Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.", 1),
    _nl("Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.", 1),
)


class AppTranslations:
    """What WTForms calls to translate its messages: the app's catalog, in the page's
    language (Flask-Babel's), instead of WTForms' own. Unformatted: WTForms fills in its
    own placeholders (``%(max)d``...) after translating."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)
