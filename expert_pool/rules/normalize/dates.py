"""Dates, years and lists as spreadsheets and forms hold them, and the order of a term of appointment."""

from __future__ import annotations

import re
from datetime import date, datetime

from expert_pool.rules.errors import FieldError
from expert_pool.rules.messages import N_, Text
from expert_pool.rules.normalize.text import normalize_text

# ---------------------------------------------------------------------------------------------------------
# Dates, years, lists

# re.ASCII throughout: \d would otherwise accept Arabic-Indic and other digits that NFKC leaves alone.
_DATE_SEP_RE = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?", re.ASCII)
_DATE_ZH_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", re.ASCII)
_DATE_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def parse_date(value: str | date | None) -> date:
    """A date from what a spreadsheet holds: a ``date``/``datetime`` object (Excel date cells), or text in
    the forms 2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131 (a midnight time is tolerated, as
    in "2024-01-31 00:00:00"). Day-month order is never guessed, so 1/31/2024 is rejected."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalize_text(value)
    if "年" in text:
        text = text.replace(" ", "")  # "2024 年 1 月 31 日"
    m = _DATE_SEP_RE.fullmatch(text)
    parts = (m.group(1), m.group(3), m.group(4)) if m else None
    if parts is None:
        m = _DATE_ZH_RE.fullmatch(text) or _DATE_COMPACT_RE.fullmatch(text)
        parts = m.groups() if m else None
    try:
        if parts is None:
            raise ValueError(text)
        result = date(int(parts[0]), int(parts[1]), int(parts[2]))
        if not 1900 <= result.year <= 2199:
            raise ValueError(text)
        return result
    except ValueError:
        shown = text[:50]
        raise FieldError(
            "date_invalid",
            Text(N_("'{value}' is not a valid date; write it as 2024-01-31."), {"value": shown}),
            {"value": shown},
        ) from None


_YEAR_RE = re.compile(r"(\d{4})(?:年|\.0+)?", re.ASCII)


def parse_year(value: str | int | None, *, min_year: int = 1900, max_year: int | None = None) -> int:
    """A four-digit year from 1975, "1975", "1975年" or "1975.0" (how Excel numbers arrive as text)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else normalize_text(value)
    m = _YEAR_RE.fullmatch(text)
    year = int(m.group(1)) if m else None
    if year is None or year < min_year or (max_year is not None and year > max_year):
        shown = text[:50]
        upper = max_year if max_year is not None else "…"
        raise FieldError(
            "year_invalid",
            Text(N_("'{value}' is not a valid year; use four digits between {min_year} and {max_year}."),
                 {"value": shown, "min_year": min_year, "max_year": upper}),
            {"value": shown},
        )
    return year


# ASCII and Chinese semicolons and commas, the enumeration comma, vertical bars and line breaks.
_LIST_SEP_RE = re.compile(r"[;；,，、|｜\r\n]+")


def split_list(s: str | None) -> list[str]:
    """Split a cell such as "循环经济；清洁生产、节能" into normalised items, without empties or repeats.

    Split before normalising: NFKC would turn "，" into "," anyway, but this way no separator depends on it.
    """
    if not s:
        return []
    seen: dict[str, None] = {}
    for part in _LIST_SEP_RE.split(s):
        item = normalize_text(part)
        if item:
            seen.setdefault(item, None)
    return list(seen)



def term_order_error(term_start: date | None, term_end: date | None) -> FieldError | None:
    """The error of a term that ends before it starts, if it does (one rule for the API, import and edits)."""
    if term_start and term_end and term_end < term_start:
        return FieldError("term_order", N_("The term ends before it starts."))
    return None
