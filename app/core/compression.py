"""Compressed responses for readers on slow connections, without handing out secrets.

Pages shrink four- to sixfold under gzip, brotli or zstd (Flask-Compress picks what the browser
accepts). Compressing a page that carries a secret next to text an attacker can choose lets
the attacker read the secret off the compressed sizes (BREACH). So:

- the CSRF token, on every page, is written under a one-time pad drawn afresh for each
  response (``masked_csrf_token``) and unmasked before Flask-WTF checks it: no two responses
  carry the same bytes, and nothing repeats for sizes to give away;
- a page whose body shows another long-lived secret (a calendar feed's private address) is
  marked ``@keeps_secret`` and travels uncompressed.

Calendar feeds (text/calendar) are not compressed: their ETags must stay the strong validators
the 304 fast path (app/calendar/fastpath.py) answers from.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from flask_wtf.form import _FlaskFormCSRF

compress = Compress()
SENT_UNCOMPRESSED = "sent_uncompressed"  # the attribute @keeps_secret sets on a view


def keeps_secret(view):
    """Marks a view whose page shows a long-lived secret: sent uncompressed (BREACH)."""
    setattr(view, SENT_UNCOMPRESSED, True)
    return view


def masked_csrf_token() -> str:
    """This response's CSRF token: the session's token XOR a random pad, pad first.
    One pad per request, so a cached page can swap it whole (app/events/pagecache.py)."""
    if "masked_csrf_token" not in g:
        g.masked_csrf_token = mask(generate_csrf())
    return g.masked_csrf_token


def mask(token: str) -> str:
    """``token`` XOR a fresh random pad of its length, pad first, in URL-safe base64."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(
        pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))).decode()


def forget_masked_token() -> None:
    """After the session's CSRF secret changes (sign-in), the next token is masked anew."""
    g.pop("masked_csrf_token", None)


def unmask(value: str | None) -> str | None:
    """The token a masked value carries; anything malformed gives None (Flask-WTF then says
    the token is missing, a 400)."""
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (AttributeError, ValueError, binascii.Error):
        return None
    if not raw or len(raw) % 2:
        return None
    half = len(raw) // 2
    pad, masked = raw[:half], raw[half:]
    try:
        return bytes(a ^ b for a, b in zip(masked, pad, strict=True)).decode("ascii")
    except UnicodeDecodeError:
        return None


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF check on every POST, reading the masked token pages carry."""

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


class MaskedFormCSRF(_FlaskFormCSRF):
    """The hidden ``csrf_token`` field of every form (core.forms.Form), masked."""

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token()

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):  # MaskedCSRFProtect has checked this request
            return
        field.data = unmask(field.data)
        super().validate_csrf_token(form, field)


def _compress_unless_secret(response):
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, SENT_UNCOMPRESSED, False):
        return response
    return compress.after_request(response)


def init_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)  # registered below, with the opt-out
    compress.init_app(app)
    app.after_request(_compress_unless_secret)
    # Flask-WTF offers its plain token both ways; templates get the masked one instead.
    app.jinja_env.globals["csrf_token"] = masked_csrf_token
    app.context_processor(lambda: {"csrf_token": masked_csrf_token})

