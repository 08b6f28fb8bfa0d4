"""The errors the pure rules raise: a stable snake_case ``code``, a message in Chinese and English, details.

One class for both a field's value (:class:`FieldError`) and a whole file (:class:`TableError`): the API turns
either into its bilingual error shape the same way.
"""

from __future__ import annotations

from collections.abc import Mapping


class FieldError(ValueError):
    """One value is unusable: a stable snake_case ``code`` and a bilingual message.

    ``params`` carries machine-readable specifics (e.g. the length found) for clients that want them.
    """

    def __init__(self, code: str, message_zh: str, message_en: str, params: Mapping[str, object] | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.params: dict[str, object] = dict(params or {})

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en"); Chinese is the programme's default."""
        return self.message_en if lang == "en" else self.message_zh


class TableError(FieldError):
    """The file as a whole cannot be read; ``details`` (JSON-able, e.g. the offending column names) go to the
    API's ``errors`` member."""

    @property
    def details(self) -> dict[str, object]:
        return self.params
