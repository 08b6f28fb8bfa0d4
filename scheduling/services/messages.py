"""Messages and errors the park services share."""

from __future__ import annotations

from ground.errors import InvalidInput
from ground.i18n import Msg, _l

FORBIDDEN = _l("You are not allowed to do this.")
INVALID = _l("The input is invalid; see the errors per field.")


def invalid(field: str, message: Msg, code: str | None = None) -> InvalidInput:
    return InvalidInput(code, INVALID, {field: [message]})
