"""Domain errors and the single error shape of the API.

Services raise :class:`DomainError` subclasses (plain values, no HTTP objects); the handlers here turn
them, and every HTTP error, into ``{"code", "message", "errors"}`` in the caller's language.
"""

from __future__ import annotations

import logging
from typing import Any

from ground.i18n import Msg

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An error the caller can act on; ``status`` is the HTTP status the API maps it to."""

    status = 400
    default_code = "bad_request"

    def __init__(self, code: str | None, message: Msg, errors: dict[str, Any] | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message.en)
        self.code = code or self.default_code
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}


class InvalidInput(DomainError):
    status = 422
    default_code = "invalid_input"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class PreconditionFailed(DomainError):
    status = 412
    default_code = "etag_mismatch"


class PreconditionRequired(DomainError):
    status = 428
    default_code = "precondition_required"


def not_found(kind_zh: str, kind_en: str, ident: Any) -> NotFound:
    return NotFound("not_found", Msg(f"{kind_zh} {ident} 不存在。", f"{kind_en} {ident} does not exist."))


# Stable codes and messages for the HTTP errors that do not come from a service.
HTTP_MESSAGES: dict[int, tuple[str, Msg]] = {
    400: ("bad_request", Msg("请求无效。", "The request is invalid.")),
    401: ("unauthenticated", Msg("需要登录或有效的访问令牌。", "Authentication required: sign in or send a valid bearer token.")),
    403: ("forbidden", Msg("无权执行此操作。", "You are not allowed to do this.")),
    404: ("not_found", Msg("请求的资源不存在。", "The requested resource does not exist.")),
    405: ("method_not_allowed", Msg("不支持此请求方法。", "This method is not allowed here.")),
    406: ("not_acceptable", Msg("无法提供所要求的格式。", "The requested format is not available.")),
    409: ("conflict", Msg("与当前状态冲突。", "The request conflicts with the current state.")),
    410: ("gone", Msg("该链接已失效。", "This link is no longer valid.")),
    412: ("etag_mismatch", Msg("数据已被他人修改，请刷新后重试。", "The data was changed by someone else; reload and try again.")),
    413: ("payload_too_large", Msg("请求体过大。", "The request body is too large.")),
    415: ("unsupported_media_type", Msg("不支持的内容类型。", "Unsupported content type.")),
    422: ("invalid_input", Msg("输入数据有误，请按提示修改。", "The input is invalid; see the errors per field.")),
    428: ("precondition_required", Msg("修改需要 If-Match 请求头（先读取以获得 ETag）。", "This change needs an If-Match header (read the resource first to get its ETag).")),
    429: ("too_many_requests", Msg("请求过于频繁，请稍后再试。", "Too many requests; try again later.")),
    500: ("internal_error", Msg("服务器内部错误，已记录。", "Internal server error; it has been logged.")),
}
