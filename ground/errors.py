"""Domain errors and the single error shape of the API.

Services raise :class:`DomainError` subclasses (plain values, no HTTP objects); the handlers here turn
them, and every HTTP error, into ``{"code", "message", "errors"}`` in the caller's language.
"""

from __future__ import annotations

import logging
from typing import Any

from ground.i18n import Msg, _l

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


def not_found(kind: Msg, ident: Any) -> NotFound:
    return NotFound("not_found", _l(
        "{kind} {ident} does not exist.").format(
        kind=kind, ident=ident))


# Stable codes and messages for the HTTP errors that do not come from a service.
HTTP_MESSAGES: dict[int, tuple[str, Msg]] = {
    400: ("bad_request", _l("The request is invalid.")),
    401: ("unauthenticated", _l("Authentication required: sign in or send a valid bearer token.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("The requested resource does not exist.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    406: ("not_acceptable", _l("The requested format is not available.")),
    409: ("conflict", _l("The request conflicts with the current state.")),
    410: ("gone", _l("This link is no longer valid.")),
    412: ("etag_mismatch", _l("The data was changed by someone else; reload and try again.")),
    413: ("payload_too_large", _l("The request body is too large.")),
    415: ("unsupported_media_type", _l("Unsupported content type.")),
    422: ("invalid_input", _l("The input is invalid; see the errors per field.")),
    428: ("precondition_required", _l(
        "This change needs an If-Match header (read the resource first to get its ETag).")),
    429: ("too_many_requests", _l("Too many requests; try again later.")),
    500: ("internal_error", _l("Internal server error; it has been logged.")),
}
