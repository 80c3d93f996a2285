"""Every string the UI shows is translated into id, ms and th, and the compiled catalogs match."""

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = ("id", "ms", "th")
METHOD_MAP = [
    ("app/**.py", "python"),
    ("app/**/templates/**.html", "jinja2"),
    ("app/**/templates/**.txt", "jinja2"),
]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


@pytest.fixture(scope="module")
def source_messages():
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"**.html": {}, "**.txt": {}}
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"{filename}:{lineno}")
    assert len(found) > 50
    return found


def _catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_translates_every_source_string(locale, source_messages):
    catalog = _catalog(locale)
    missing = [f"{where}: {msgid!r}" for msgid, where in source_messages.items()
               if msgid not in catalog]
    assert not missing, f"run `make translations`; missing in {locale}:\n" + "\n".join(missing)
    untranslated = [m.id for m in catalog if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not untranslated, f"untranslated in {locale}: {untranslated}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {locale}: {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_their_placeholders(locale):
    problems = [(message.id, [str(e) for e in errors])
                for message, errors in _catalog(locale).check() if errors]
    assert not problems


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_is_up_to_date(locale):
    mo_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), "run `make compile-translations`"
    def frozen(value):  # plural entries come back as lists from .mo, tuples from .po
        return tuple(value) if isinstance(value, list | tuple) else value

    with open(mo_path, "rb") as handle:
        compiled = {frozen(m.id): frozen(m.string) for m in read_mo(handle) if m.id}
    expected = {frozen(m.id): frozen(m.string) for m in _catalog(locale)
                if m.id and not m.fuzzy}
    assert compiled == expected, "run `make compile-translations`"


@pytest.mark.parametrize("locale", LOCALES)
def test_wtforms_messages_come_in_the_pages_language(app, locale):
    """WTForms ships no id/ms/th: its messages come from the app's catalogs."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField
    from wtforms.validators import InputRequired
    from wtforms.validators import Length

    from app.core.forms import Form

    class Sample(Form):
        title = StringField(validators=[InputRequired()])
        code = StringField(validators=[Length(max=3)])

    translations = Translations.load(str(TRANSLATIONS), [locale])
    with app.test_request_context(), force_locale(locale):
        form = Sample(formdata=MultiDict({"code": "abcdef"}), meta={"csrf": False})
        assert not form.validate()
    required = translations.gettext("This field is required.")
    assert required != "This field is required."
    assert form.title.errors == [required]
    too_long = translations.ngettext("Field cannot be longer than %(max)d character.",
                                     "Field cannot be longer than %(max)d characters.", 3)
    assert form.code.errors == [too_long % {"max": 3, "length": 6}]
