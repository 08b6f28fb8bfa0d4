"""The CSV side of reading: the encoding (UTF-8 with or without BOM, GB18030), the delimiter, the records."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Generator, Sequence
from typing import Any

from expert_pool.rules.errors import TableError
from expert_pool.rules.messages import N_, Text
from expert_pool.rules.tabular.columns import HEADERS, header_key

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM optional), else GB18030 if the result looks like Chinese text."""
    if not data.startswith(_UTF16_32_BOMS):
        if data.startswith(b"\xef\xbb\xbf"):
            candidates = [("utf-8-sig", data[3:])]
        else:
            candidates = [("utf-8", data), ("gb18030", data)]
        for encoding, raw in candidates:
            try:
                text = raw.decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                continue
            if "\x00" in text:
                break  # UTF-16 without BOM decodes as "valid" ASCII interleaved with NULs
            if encoding != "gb18030" or _plausible_gb18030(text):
                return text, encoding
    raise TableError(
        "encoding_unsupported",
        N_("The file's character encoding is not supported. In Excel use Save As > \"CSV UTF-8 (Comma "
           "delimited)\", or save the CSV as GB18030 (GBK), or upload the .xlsx file instead."),
    )


def _plausible_gb18030(text: str, sample: int = 200_000) -> bool:
    """Whether text decoded as GB18030 is Chinese rather than some other encoding that happens to decode.

    GB18030 maps nearly every byte pair to a character, so Shift-JIS or Big5 files "decode" into nonsense.
    Real Chinese text uses the 6,763 common characters of GB2312 almost exclusively and never the private
    use area, which is where Big5 and random bytes land; Shift-JIS lands outside GB2312.
    """
    counts = Counter(ch for ch in text[:sample] if ord(ch) > 0x7F)
    total = sum(counts.values())
    if not total:
        return True
    common = 0
    for ch, n in counts.items():
        if 0xE000 <= ord(ch) <= 0xF8FF:
            return False
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += n
    # A handful of rare characters (names such as 䶮 or 堃) must not fail a small file.
    return total < 8 or common / total >= 0.5


_DELIMITERS = (",", "\t", ";")


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which the header line has the most recognised headers (then the most fields)."""
    first = next((line for line in text[:65_536].splitlines() if line.strip()), "")
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        fields = next(csv.reader([first], delimiter=delimiter), [])
        score = (sum(header_key(f) in HEADERS for f in fields), len(fields))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(text: str) -> Generator[tuple[int, Sequence[Any]], None, None]:
    # Records, not lines, are numbered: a quoted cell with a line break is still one spreadsheet row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise TableError(
            "csv_malformed",
            # the csv module's own words (exc, chained) are for the log: people read where to look and why
            Text(N_("The CSV file cannot be parsed near row {row}; check for unbalanced quotes or an overlong "
                    "cell."), {"row": number + 1}),
            {"row": number + 1},
        ) from exc


