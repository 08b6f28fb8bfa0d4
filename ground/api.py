"""The REST API object, its error shape and its pagination."""

from __future__ import annotations

import functools
import logging
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import jsonify, render_template, request, session
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from ground.errors import HTTP_MESSAGES, DomainError
from ground.i18n import Msg, _l, as_is, localize, pick_language
from ground.schemas import MAX_ID, Integer  # ids and years are INTEGER columns

log = logging.getLogger(__name__)


def request_language() -> str:
    """The API follows Accept-Language; pages also remember a language chosen with ``?lang=``."""
    if request.path.startswith("/api/"):
        return pick_language(request.accept_languages)
    return pick_language(request.accept_languages, request.args.get("lang") or session.get("lang"))


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/health", "/openapi.json")


def _flatten_locations(messages: Any) -> dict[str, Any]:
    """webargs groups errors by location ({"json": {...}}); callers care about the fields."""
    if not isinstance(messages, dict):
        return {"_request": messages}
    flat: dict[str, Any] = {}
    for location, errs in messages.items():
        if isinstance(errs, dict):
            flat.update(errs)
        else:
            flat[location if location not in ("json", "form", "query", "files") else "_request"] = errs
    return flat


def error_response(status: int, code: str, message: Msg | str, errors: dict[str, Any] | None = None,
                   extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
    lang = request_language()
    if wants_json():
        body = {"code": code, "message": localize(message, lang), "errors": localize(errors or {}, lang)}
        for key, value in (extra or {}).items():
            body[key] = localize(value, lang)
        response = jsonify(body)
    else:
        response = render_template("error.html", status=status, code=code, message=localize(message, lang),
                                   errors=localize(errors or {}, lang), lang=lang)
    return response, status, headers or {}


def handle_domain_error(error: DomainError):
    return error_response(error.status, error.code, error.message, error.errors, error.extra)


class ErrorSchema(ma.Schema):
    """The one error shape of the API (``default`` response of every operation)."""

    class Meta:
        unknown = ma.INCLUDE  # some errors add context: current_state, allowed_actions, article ...

    code = ma.fields.String(required=True, metadata={"description": "Stable machine-readable code, e.g. forbidden"})
    message = ma.fields.String(required=True, metadata={"description": "In the caller's language (Accept-Language)"})
    errors = ma.fields.Dict(required=True, metadata={"description": "Messages per field (empty if none)"})


# ``<int:...>`` up to the INTEGER range: a larger number matches no route (404) instead of overflowing the
# database driver (a 500 on SQLite, found by the OpenAPI fuzz test). Still werkzeug's IntegerConverter.
BoundedInt = functools.partial(IntegerConverter, max=MAX_ID)


def _integer_parameter(converter: IntegerConverter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": 0 if converter.min is None else converter.min}
    if converter.max is not None:
        schema["maximum"] = converter.max
    return schema


class EcoApi(Api):
    """flask-smorest's Api with the project's error shape for every HTTP error."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *args, **kwargs):
        app.url_map.converters["int"] = BoundedInt  # before any route is added
        super().init_app(app, *args, **kwargs)
        self.register_converter(IntegerConverter, _integer_parameter)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        if status >= 500 and isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        code, message = HTTP_MESSAGES.get(status, (f"http_{status}", as_is(error.name)))
        data = getattr(error, "data", None) or {}
        errors = {}
        if "messages" in data:
            errors = _flatten_locations(data["messages"])
            if data["messages"] == {"json": ["Invalid JSON body."]}:
                code, message = "invalid_json", _l("The request body is not valid JSON.")
            elif "_request" in errors or "_schema" in errors:
                code = "invalid_input"
        if isinstance(error, CSRFError):
            code = "csrf_failed"
            message = _l("The page expired or its security token (CSRF) is missing; reload and retry.")
        if "message" in data:
            message = data["message"]
        if "errors" in data:
            errors = data["errors"]
        headers = dict(data.get("headers") or {})
        if status == 401 and wants_json():
            headers.setdefault("WWW-Authenticate", 'Bearer realm="ecopanel"')
        return error_response(status, code, message, errors, headers=headers)


class PageArgs(ma.Schema):
    page = Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = Integer(load_default=20, validate=ma.validate.Range(min=1, max=200))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """An envelope ``{"items", "total", "page", "page_size"}`` for a list of ``item_schema``."""
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item_schema)),
        "total": Integer(),
        "page": Integer(),
        "page_size": Integer(),
    })


class StrictParser(FlaskParser):
    """Unknown query-string and body fields are errors (webargs drops unknown query fields by default)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None,
                                   "form": None, "json": None, "json_or_form": None}


class Blueprint(flask_smorest.Blueprint):
    """The project's Blueprint: flask-smorest's, with the strict argument parser."""

    ARGUMENTS_PARSER = StrictParser()
