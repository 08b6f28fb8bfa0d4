"""Masking personal identifiers for users who may not see them, in their fields and inside other text.

The ID number and the mobile are shown as "110***********002X" and "138****5678". The same digits written
inside another field (an email "13800138000@163.com", a note, an audited value) must be masked as well, in
every spelling people use: with the country code (+86, 0086, 86), with spaces, dashes, dots, underscores or
brackets between the groups ("138-0013-8000", "(+86) 138 0013 8000"), in full-width digits, or an ID number
followed by letters ("320102198104161239zhang@qq.com"). One rule decides what counts as an identifier inside
text (:func:`embedded_runs`), and the callers that must not compare or search what it masks (duplicate checks,
free-text search) ask it too (:func:`holds_identifier`, :func:`may_probe_identifier`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from expert_pool.rules.normalize.text import DASHES


def _mask(s: str, keep_start: int, keep_end: int) -> str:
    if len(s) <= keep_start + keep_end:
        return "*" * len(s)  # too short to reveal anything safely
    return s[:keep_start] + "*" * (len(s) - keep_start - keep_end) + s[len(s) - keep_end:]


def mask_id_number(s: str | None, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask an ID number for users who may not see it whole: "110***********002X".

    We keep the first 3 and last 4 characters, not the common 6 + 4: the expert's birth year and province
    are shown anyway, and the six-digit county code on top of them narrows the hidden part to a birth date
    and an easily enumerated sequence number. The last four still let staff tell two namesakes apart.
    """
    return _mask(s or "", keep_start, keep_end)


def mask_mobile(s: str | None) -> str:
    """Mask a mobile number the way Chinese services do: "138****5678" (first 3 and last 4 kept)."""
    return _mask(s or "", 3, 4)


# ---------------------------------------------------------------------------------------------------------
# Identifiers inside text

#: A run of 11 or more digits is treated as an identifier: a mobile has 11, with its country code 13 or 15, an ID
#: number 18 (the last may be X). Masking a longer number that is neither (an order number in a note) costs
#: little; showing a mobile spelled in a way a narrower pattern missed would cost the expert's privacy.
MIN_IDENTIFIER_DIGITS = 11
_DIGITS = "0-9\uff10-\uff19"  # ASCII and full-width
_X = "Xx\uff38\uff58"
# What people put between digit groups: white space, dashes of every width, dots, underscores, brackets, plus
# signs, middle dots, and the invisible characters pasted text carries (zero-width space, soft hyphen ...).
_SEPARATORS = re.escape(DASHES + "\uff0d\ufe63._\uff3f()\uff08\uff09+\uff0b\u00b7\u30fb\u200b\u200c\u200d\u2060"
                        "\ufeff\u00ad")
# The character classes are disjoint, so matching stays linear whatever the input.
_RUN_RE = re.compile(rf"[{_DIGITS}](?:[\s{_SEPARATORS}]{{0,3}}[{_DIGITS}])*(?:[\s{_SEPARATORS}]{{0,3}}[{_X}])?")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")


@dataclass(frozen=True)
class Run:
    """Digits (and an ID number's final X) found in text: where each sits, and which of them to hide."""

    positions: tuple[int, ...]
    value: str  # the digits in ASCII, upper-case X
    hidden: tuple[int, ...]  # indexes into ``positions``


def _hidden(value: str) -> tuple[int, ...]:
    """Which characters of an identifier-like run to hide: as the fields mask them (first 3 and last 4 kept);
    behind a country code, the mobile's own middle four."""
    for prefix in ("0086", "86"):
        if len(value) == len(prefix) + 11 and value.startswith(prefix) and _MOBILE_RE.fullmatch(value[len(prefix):]):
            start = len(prefix) + 3
            return tuple(range(start, start + 4))
    return tuple(range(3, len(value) - 4))


def embedded_runs(text: str | None) -> list[Run]:
    """Every run of at least 11 digits in ``text`` (separators between the groups allowed), with an ID
    number's final X when 17 digits precede it."""
    runs = []
    for match in _RUN_RE.finditer(text or ""):
        positions = [match.start() + i for i, ch in enumerate(match.group()) if ch.isdigit() or ch in _X]
        value = unicodedata.normalize("NFKC", "".join(text[p] for p in positions)).upper()
        if value.endswith("X") and len(value) != 18:
            positions, value = positions[:-1], value[:-1]  # an "x" after another number is just a letter
        if len(value) >= MIN_IDENTIFIER_DIGITS:
            runs.append(Run(tuple(positions), value, _hidden(value)))
    return runs


def mask_embedded_identifiers(text: str | None) -> str:
    """``text`` with every mobile number, ID number (or other run of 11 or more digits) inside it masked as
    those fields are, the rest of the text untouched ("138-****-8000@163.com").

    Many Chinese addresses are the owner's mobile or QQ number at a mail provider; a masked mobile must not
    be shown whole in the email beside it."""
    if not text:
        return text or ""
    chars = list(text)
    for run in embedded_runs(text):
        for index in run.hidden:
            chars[run.positions[index]] = "*"
    return "".join(chars)


def holds_identifier(text: str | None) -> bool:
    """Whether ``text`` holds something :func:`mask_embedded_identifiers` masks: a value that is shown masked,
    so a comparison with it (a duplicate check) would confirm hidden digits."""
    return bool(embedded_runs(text))


def may_probe_identifier(query: str | None) -> bool:
    """Whether a search for ``query`` could match hidden digits of a masked value: it holds a digit in any
    script or width (only digits are hidden; full-width and other digits fold to ASCII under NFKC)."""
    folded = unicodedata.normalize("NFKC", query or "")
    return any(ch.isdigit() for ch in folded) or any(ch.isdigit() for ch in query or "")
