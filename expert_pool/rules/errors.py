"""The errors the pure rules raise: a stable snake_case ``code``, a message (an English msgid with its values,
:class:`~expert_pool.rules.messages.Text`), details.

One class for both a field's value (:class:`FieldError`) and a whole file (:class:`TableError`): the API turns
either into its error shape the same way, the message translated where it is shown
(``ground.i18n.text_message``) into the caller's language.
"""

from __future__ import annotations

from collections.abc import Mapping

from expert_pool.rules.messages import Text


class FieldError(ValueError):
    """One value is unusable: a stable snake_case ``code`` and a message, ``text`` (a msgid, or a
    :class:`Text` when values are filled in).

    ``params`` carries machine-readable specifics (e.g. the length found) for clients that want them; they are
    the API's, apart from the message's values (which are the reader's words).
    """

    def __init__(self, code: str, text: Text | str, params: Mapping[str, object] | None = None):
        self.text = text if isinstance(text, Text) else Text(text)
        super().__init__(f"{code}: {self.text}")
        self.code = code
        self.params: dict[str, object] = dict(params or {})


class TableError(FieldError):
    """The file as a whole cannot be read; ``details`` (JSON-able, e.g. the offending column names) go to the
    API's ``errors`` member."""

    @property
    def details(self) -> dict[str, object]:
        return self.params
