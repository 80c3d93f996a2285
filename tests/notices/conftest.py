"""The interpretation builders (interpreters, channels), for the notices interpretation sends."""

from tests.interpretation.conftest import make_channel  # noqa: F401
from tests.interpretation.conftest import make_interpreter  # noqa: F401
