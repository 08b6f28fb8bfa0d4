"""Recipients grouped by the language their mail is written in."""

from __future__ import annotations

from collections.abc import Iterable

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def by_language(recipients: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    """``(email, language)`` pairs grouped by language, in the order given; an unknown or missing language
    reads Chinese."""
    grouped: dict[str, list[str]] = {}
    for email, language in recipients:
        grouped.setdefault(language if language in LANGUAGES else DEFAULT_LANGUAGE, []).append(email)
    return grouped
