"""What the park pages share: the reader's language, words for codes, form input, and errors shown inline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import marshmallow as ma
from flask import flash, redirect, request

from expert_pool.rules.regions import PROVINCES
from ground.api import request_language
from ground.errors import DomainError
from ground.extensions import db
from ground.i18n import Msg, _l, localize

PAGE_SIZE = 20


def lang() -> str:
    # asked for every word on a page: parsed once per request (kept on the request, which ``g`` may outlive)
    chosen = getattr(request, "_park_pages_lang", None)
    if chosen is None:
        chosen = request._park_pages_lang = request_language()
    return chosen


def say(message: Msg | str | None) -> str:
    """A message in the reader's language (a plain string is shown as it is)."""
    if message is None:
        return ""
    return message.get(lang()) if isinstance(message, Msg) else str(message)


def province_name(code: str | None) -> str:
    if not code:
        return ""
    zh, en = PROVINCES.get(code, (code, code))
    return zh if lang() == "zh" else en


def convener_name(convened_by: str | None) -> str:
    """Who convened a panel: the Office, or a province by name."""
    if convened_by == "office":
        return say(_l("the Office"))
    return province_name(convened_by)


def colon() -> str:
    return "：" if lang() == "zh" else ": "


def join(items) -> str:
    return ("、" if lang() == "zh" else ", ").join(items)


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def article(number: int | None) -> str:
    if not number:
        return ""
    return say(_l("Art. {number}").format(number=number))


class Failure:
    """A form the service or the input boundary refused: which form, the message, the errors per field, and
    what the person typed (shown again so nothing has to be retyped)."""

    def __init__(self, form: str, message: str, errors: dict[str, list[str]] | None = None,
                 values: dict[str, Any] | None = None):
        self.form = form
        self.message = message
        self.errors = errors or {}
        self.values = values or {}

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def all(self, name: str) -> list[str]:
        found = self.values.get(name)
        return found if isinstance(found, list) else ([] if found in (None, "") else [found])


INVALID = _l("The input is invalid; see the notes by the fields.")


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]


def field_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    """Errors per field in the reader's language (nested list items are folded into their field)."""
    localized = localize(errors, lang())
    return {str(field): _flat(messages) for field, messages in localized.items()}


def failure_from(form: str, error: DomainError | ma.ValidationError, values: dict[str, Any]) -> Failure:
    if isinstance(error, ma.ValidationError):
        messages = error.messages if isinstance(error.messages, dict) else {"_form": error.messages}
        return Failure(form, say(INVALID), field_errors(messages), values)
    return Failure(form, say(error.message), field_errors(error.errors), values)


def answered(form: str, typed: dict[str, Any], act: Callable[[], Any], show_again: Callable[[Failure, int], Any],
             done: Callable[[Any], Msg | str], back: str):
    """Answer a page's form the post/redirect/get way: ``act()``; a refusal or bad input rolls back and shows
    the page again with the message by the form (its 4xx status, 422 for bad input); a success flashes
    ``done(result)`` and goes ``back`` (303)."""
    try:
        result = act()
    except (DomainError, ma.ValidationError) as exc:
        db.session.rollback()
        status = exc.status if isinstance(exc, DomainError) else 422
        return show_again(failure_from(form, exc, typed), status)
    flash(say(done(result)), "done")
    return redirect(back, 303)


LIST_FIELDS = frozenset({"documents", "subjects", "proposal_ids"})
BOOLEAN_FIELDS = frozenset({"as_leading_group", "excellent", "compliant", "upheld"})


def form_input(names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The submitted fields among ``names``: (what the schema loads, what the person typed).

    Empty inputs are left out (an optional field not filled in), lists come from repeated fields, and the
    yes/no fields become the booleans the API's schemas take.
    """
    data: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    for name in names:
        if name in LIST_FIELDS:
            values = [v.strip() for v in request.form.getlist(name) if v.strip()]
            typed[name] = values
            if values:
                data[name] = values
            continue
        raw = request.form.get(name, "")
        typed[name] = raw
        if name in BOOLEAN_FIELDS:
            if raw in ("1", "0"):
                data[name] = raw == "1"
            continue
        if raw.strip():
            data[name] = raw
    return data, typed
