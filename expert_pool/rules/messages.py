"""Messages for people as the pure rules hold them: English msgids, no gettext (the rules import no framework).

``N_("...")`` and ``NP_("context", "...")`` only mark a text for ``pybabel extract`` (``scripts/i18n.sh``); the
Chinese is in the one catalog, and the text is translated where it is shown (``ground.i18n.text_message``).
A :class:`Text` is a message with the values to fill in after the translation: a :class:`Term` among them is
itself a msgid (a state's or a panel's name), a :class:`Text` a message of its own, a :class:`Bilingual` data
that has its own words in both languages (no msgid: an import file's column header), a date is written the
reader's way, a tuple is a list in the reader's words. ``str(text)`` is its English, for logs and exceptions.

Here, in the lowest package with pure rules, so that the expert pool's rules (:class:`FieldError`) and every
package above them hold their messages one way; ``scheduling.rules.messages`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Marks ``message`` for extraction; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks ``message`` in ``context`` (one English text, two Chinese wordings) for extraction."""
    return message


@dataclass(frozen=True)
class Term:
    """A msgid among a message's values (translated with the message)."""

    message: str
    context: str | None = None

    def __str__(self) -> str:
        return self.message


def _plain(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Text:
    """An English msgid with ``{placeholders}`` and the values that fill them."""

    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message.format(**{k: _plain(v) for k, v in self.values.items()})


@dataclass(frozen=True)
class Bilingual:
    """A value that is data in both languages rather than a msgid (the column headers of the import file, which
    a file may hold in either): shown as it is in the reader's language."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en
