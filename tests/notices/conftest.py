"""The interpretation builders (interpreters, channels), for the notices interpretation sends."""

from tests.interpretation.conftest import make_channel, make_interpreter  # noqa: F401
