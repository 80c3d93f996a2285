"""The one kind of error a person is shown: a refusal they can act on.

Services raise it (through their feature's subclass, so a test or a view can tell whose rule
it was) with a message for the person, already translated; views show it beside the form
field at fault, or at the top of the page, with its HTTP status. Anything else that goes
wrong is a bug and gets the 500 page.
"""

from __future__ import annotations


class Refusal(ValueError):
    """A request refused by a rule: ``str(error)`` says what is wrong and how to put it
    right; ``field`` names the form field at fault (shown beside it), None when no one field
    is; ``status`` is 400 for input that breaks a rule."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(Refusal):
    """Refused because the state changed under the person (someone else acted first, the
    event closed): 409. Trying again after reloading the page may work."""

    status = 409
