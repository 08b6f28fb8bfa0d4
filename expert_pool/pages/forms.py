"""Forms on the pool's pages: what was submitted, and the errors per field in the reader's language.

Pages validate through the API's own marshmallow schemas and services; this module only moves values from
the HTML form into the dict those take, and their errors (a ``ValidationError``'s messages, a
``DomainError``'s ``errors``) back onto the fields of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from ground.api import request_language
from ground.errors import DomainError
from ground.i18n import Msg, localize

GENERAL = "_general"


def submitted(form: MultiDict, names: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """The non-empty values of ``names`` (an empty optional field is left out, as an API client would),
    and the non-empty items of the repeated fields ``lists``."""
    data: dict[str, Any] = {}
    for name in names:
        value = (form.get(name) or "").strip()
        if value:
            data[name] = value
    for name in lists:
        values = [v.strip() for v in form.getlist(name) if v.strip()]
        if values:
            data[name] = values
    return data


@dataclass
class FormErrors:
    """Messages per field of one form; those for no field of it are ``general``."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    stale: bool = False
    """The record changed since the form was opened (optimistic concurrency): reload before saving."""

    def __bool__(self) -> bool:
        return bool(self.fields or self.general or self.stale)

    def get(self, name: str, default: Any = None) -> list[str]:
        return self.fields.get(name, default if default is not None else [])

    @classmethod
    def of(cls, errors: Any, known: tuple[str, ...], message: Msg | str | None = None) -> FormErrors:
        """``errors`` (field -> messages, nested for list items) placed on the ``known`` fields."""
        lang = request_language()
        out = cls()

        def add(name: str, value: Any) -> None:
            if isinstance(value, dict):  # a list field's items: index -> messages
                for item in value.values():
                    add(name, item)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    add(name, item)
            else:
                text = localize(value, lang)
                target = out.fields.setdefault(name, []) if name in known else out.general
                if text not in target:
                    target.append(text)

        for name, value in (errors or {}).items():
            add(str(name), value)
        if message is not None and not out.fields and not out.general:
            out.general.append(localize(message, lang))
        return out

    @classmethod
    def of_domain(cls, error: DomainError, known: tuple[str, ...]) -> FormErrors:
        out = cls.of(error.errors, known)
        lang = request_language()
        text = localize(error.message, lang)
        if not out.fields and text not in out.general:
            out.general.insert(0, text)
        return out


def general(message: Msg) -> FormErrors:
    return FormErrors(general=[localize(message, request_language())])
