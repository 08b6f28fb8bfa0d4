"""Messages and errors the park services share."""

from __future__ import annotations

from ground.errors import InvalidInput
from ground.i18n import Msg

FORBIDDEN = Msg("无权执行此操作。", "You are not allowed to do this.")
INVALID = Msg("输入数据有误，请按提示修改。", "The input is invalid; see the errors per field.")


def invalid(field: str, zh: str, en: str, code: str | None = None) -> InvalidInput:
    return InvalidInput(code, INVALID, {field: [Msg(zh, en)]})
