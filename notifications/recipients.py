"""Recipients grouped by the language their mail is rendered in: one mail per language, as the outbox takes it."""

from __future__ import annotations

from collections.abc import Iterable

from ground.i18n import DEFAULT_LANGUAGE, LANGUAGES


def group_by_language(recipients: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    """Group ``(email, language)`` pairs by mail language, keeping their order; a language the mails are not
    written in (or none) falls back to Chinese. Feed each group to ``outbox.queue_mail(..., language=...)``."""
    grouped: dict[str, list[str]] = {}
    for email, language in recipients:
        grouped.setdefault(language if language in LANGUAGES else DEFAULT_LANGUAGE, []).append(email)
    return grouped
