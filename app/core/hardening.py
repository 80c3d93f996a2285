"""Request-level guards that keep hostile input from reaching the database as a 500.

- ``<int:...>`` in every route accepts 0 .. 2**31-1 only: a larger id names no row, so it is
  a 404 instead of an integer overflow in PostgreSQL.
- A NUL byte anywhere in the path, the query or a posted field (its name, value or an upload's
  file name) is refused with 400 before any view runs: PostgreSQL cannot store or compare
  text holding one, and no person types one.

Registered by ``create_app`` before the blueprints, so every rule gets the bounded converter.
"""

from __future__ import annotations

from flask import Flask
from flask import abort
from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.core.forms import MAX_INT


def _at_most(limit: int) -> str:
    """A regular expression for the whole numbers 0..limit, written without leading zeros
    ("0" itself aside): digit by digit, each way to be smaller than ``limit``."""
    digits = str(limit)
    ways = ["0"]
    if len(digits) > 1:
        ways.append(rf"[1-9]\d{{0,{len(digits) - 2}}}")
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = len(digits) - i - 1
            ways.append(digits[:i] + f"[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest
                                                                     else ""))
    ways.append(digits)
    return "(?:" + "|".join(ways) + ")"


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's ``int`` converter with a default maximum of the database's integer. The
    bound is in the pattern itself, so a larger number matches no rule at all: a 404, not a
    405 where another rule has the same path with other methods."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_INT if max is None else max, signed=signed)
        if not fixed_digits and not signed and max is None:
            self.regex = _at_most(MAX_INT)


def _holds_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def request_holds_nul() -> bool:
    if "\x00" in request.path:
        return True
    for multi in (request.args, request.form if request.method == "POST" else None):
        if multi is None:
            continue
        if _holds_nul(multi.keys()) or _holds_nul(multi.values()):
            return True
    if request.method == "POST":
        return _holds_nul(request.files.keys()) or _holds_nul(
            upload.filename for upload in request.files.values())
    return False


def refuse_nul_bytes():
    if request_holds_nul():
        abort(400, description=_("The request contains a character that is not allowed."))


def init_hardening(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_bytes)
