"""Text normalisation shared by every normaliser, and the lookup tables of the closed vocabularies.

Input is treated the way Chinese users actually type it: full-width digits and letters (NFKC), ideographic
spaces, dashes and hyphens of every width inside phone and ID numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from expert_pool.rules.errors import FieldError
from expert_pool.rules.messages import N_, Term, Text

# ---------------------------------------------------------------------------------------------------------
# Text

# Characters that are invisible but break equality: zero-width space/joiners, word joiner, BOM, soft hyphen.
# Excel and web forms pasted from Word carry them more often than one would think.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"\s+")


def normalize_text(s: str | None) -> str:
    """NFKC (full-width digits, letters, punctuation and the ideographic space become ASCII), drop invisible
    characters, strip, and collapse runs of whitespace to one space. ``None`` becomes ``""``."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s))
    s = _INVISIBLE_RE.sub("", s)
    return _SPACE_RE.sub(" ", s).strip()


# Every dash a user may type between digit groups (after NFKC has already folded "－" and "﹣" to "-").
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_NUMBER_NOISE_RE = re.compile(rf"[\s{re.escape(DASHES)}]+")


def strip_number_noise(s: str | None) -> str:
    """NFKC, then remove whitespace and dashes that users put between digit groups."""
    return _NUMBER_NOISE_RE.sub("", normalize_text(s))



# ---------------------------------------------------------------------------------------------------------
# Lookups for the closed vocabularies

def lookup_key(s: str | None) -> str:
    """Lookup key: normalised, case-folded, without spaces, hyphens, underscores and dots."""
    return re.sub(r"[\s\-_.·]+", "", normalize_text(s).casefold())


def lookup(table: Mapping[str, str], s: str | None, code: str, what: Term, allowed: Term) -> str:
    """The canonical code of ``s`` in ``table``; else an error naming the field (``what``) and what may be
    written (``allowed``, the spellings to suggest in the reader's language)."""
    value = table.get(lookup_key(s))
    if value is None:
        shown = normalize_text(s)[:50]
        raise FieldError(
            code,
            Text(N_("{what} '{value}' is not recognised; use one of: {allowed}."),
                 {"what": what, "value": shown, "allowed": allowed}),
            {"value": shown},
        )
    return value


def alias_table(groups: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Invert {canonical: aliases} into {lookup key: canonical}; the canonical code is its own alias."""
    out: dict[str, str] = {}
    for canonical, aliases in groups.items():
        for alias in (canonical, *aliases):
            key = lookup_key(alias)
            if out.get(key, canonical) != canonical:
                raise ValueError(f"alias {alias!r} is ambiguous")  # a programming error in a vocabulary table
            out[key] = canonical
    return out


