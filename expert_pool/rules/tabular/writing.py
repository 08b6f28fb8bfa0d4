"""Writing spreadsheets: exports (CSV and XLSX) and the import template, with formula injection neutralised."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from expert_pool.rules.tabular.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    DEFAULT_MAX_ROWS,
    FORMULA_TRIGGERS,
    XLSX_MAX_CELL,
    Row,
)

# ---------------------------------------------------------------------------------------------------------
# Writing

# Characters nobody means to show in a cell, removed from every exported text before anything else: C0
# controls other than tab, line feed and carriage return (XML cannot even carry most of them), DEL, C1
# controls, and the invisible format characters (soft hyphen, Arabic letter mark, Mongolian vowel separator,
# zero-width space/non-joiner/joiner, LRM/RLM, bidi embeddings, overrides and isolates, word joiner and
# invisible operators, BOM/zero-width no-break space, interlinear annotation marks).
_INVISIBLE_OUT_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _starts_a_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula: it starts with a trigger, or does after
    leading white space (NBSP, ideographic space ...; some programs trim it), also as a full-width form."""
    for ch in text:
        if ch in FORMULA_TRIGGERS or unicodedata.normalize("NFKC", ch) in FORMULA_TRIGGERS:
            return True  # tab and CR are triggers and white space: ask first
        if not ch.isspace():
            return False
    return False


def neutralize_cell(value: Any) -> Any:
    """Defuse spreadsheet formula injection in an exported text.

    Strip first, neutralise last: invisible and control characters are removed (see ``_INVISIBLE_OUT_RE``),
    and only then is the text checked, so "\u0001=HYPERLINK(...)" cannot lose its disguise after the check.
    A text that starts with =, +, -, @, tab or CR (also after leading white space, also full-width) gets a
    leading apostrophe, so Excel and LibreOffice show it as text. Numbers, dates and other non-strings pass
    unchanged (a negative *number* is not an injection). :func:`read_table` strips the apostrophe again, so
    an export can be edited and re-imported."""
    if not isinstance(value, str):
        return value
    value = _INVISIBLE_OUT_RE.sub("", value)
    return "'" + value if _starts_a_formula(value) else value


def _header_label(key: str, lang: str, headers: Mapping[str, tuple[str, str]] | None, mark: bool) -> str:
    if headers and key in headers:
        zh, en = headers[key]
    elif key in COLUMNS_BY_KEY:
        col = COLUMNS_BY_KEY[key]
        zh, en = col.zh, col.en
        if mark and col.required:
            zh, en = zh + "*", en + "*"
    else:
        zh = en = key
    return en if lang == "en" else zh


def _cell_out(value: Any, lang: str) -> Any:
    """An export value: text neutralised, lists joined, booleans as words; numbers and dates unchanged."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, (list, tuple, set, frozenset)):
        value = ("; " if lang == "en" else "；").join(str(v) for v in value if v is not None)
    if isinstance(value, (int, float, date)):
        return value
    return neutralize_cell(str(value))


def _row_values(row: Mapping[str, Any] | Row) -> Mapping[str, Any]:
    return row.values if isinstance(row, Row) else row


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any] | Row], lang: str = "zh", *,
              headers: Mapping[str, tuple[str, str]] | None = None, mark_required: bool = False) -> bytes:
    """CSV bytes in UTF-8 *with* BOM (without it Excel opens Chinese text as mojibake), CRLF line ends.

    ``columns`` are keys; the header shows each column's Chinese or English name (``lang`` "zh"/"en"),
    from ``COLUMNS`` or from ``headers`` ({key: (zh, en)}) for keys outside the import columns.
    ``rows`` are mappings (or :class:`Row`) from key to value; missing keys are empty cells.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_header_label(k, lang, headers, mark_required) for k in columns])
    for row in rows:
        values = _row_values(row)
        out = []
        for key in columns:
            value = _cell_out(values.get(key), lang)
            if isinstance(value, datetime):
                value = value.isoformat(sep=" ", timespec="seconds")
            elif isinstance(value, date):
                value = value.isoformat()
            out.append("" if value is None else value)
        writer.writerow(out)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _display_width(value: Any) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_value(value: Any, lang: str) -> Any:
    value = _cell_out(value, lang)  # already stripped of what XML cannot carry, and neutralised
    if isinstance(value, str):
        value = value[:XLSX_MAX_CELL]  # Excel caps a cell's text
    return value


def _text_cell(ws: Any, value: Any) -> Any:
    """A write-only cell; text is typed as a string explicitly, so nothing is ever stored as a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_xlsx(columns: Sequence[str], rows: Iterable[Mapping[str, Any] | Row], lang: str = "zh", *,
               headers: Mapping[str, tuple[str, str]] | None = None, mark_required: bool = False,
               sheet_title: str | None = None) -> bytes:
    """An XLSX workbook with one sheet (专家/Experts): bold frozen header row, column widths fitted to the
    header and the first 200 rows, dates as real Excel dates, text neutralised against formula injection.

    Written with openpyxl's write-only mode, which streams rows instead of building cell objects. Arguments
    as for :func:`write_csv`.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title or ("Experts" if lang == "en" else "专家"))
    labels = [_header_label(k, lang, headers, mark_required) for k in columns]
    row_iter = iter(rows)
    head = list(islice(row_iter, 200))
    for i, key in enumerate(columns):
        widest = max([_display_width(labels[i])]
                     + [_display_width(v) for r in head if (v := _row_values(r).get(key)) is not None])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, 8), 60)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in labels:
        cell = _text_cell(ws, label)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in chain(head, row_iter):
        values = _row_values(row)
        ws.append([_text_cell(ws, _xlsx_value(values.get(key), lang)) for key in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------------------
# The import template

def template(lang: str = "zh", fmt: str = "xlsx") -> bytes:
    """The import template: all columns, required ones marked with ``*``, and one example row (a fictional
    expert whose ID number is the example of GB 11643-1999 itself, so it has a valid check digit but
    belongs to nobody in our pool). The XLSX version formats the ID and mobile columns as Text (Excel
    would otherwise round 18-digit numbers), offers dropdowns for the closed vocabularies and has a second
    sheet 说明/Instructions describing every column."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown template format {fmt!r}")
    keys = [c.key for c in COLUMNS]
    example = {c.key: (c.example_en if lang == "en" else c.example_zh) for c in COLUMNS}
    if fmt == "csv":
        return write_csv(keys, [example], lang, mark_required=True)

    # A regular (not write-only) workbook: it is small, and column formats and validations need it.
    wb = Workbook()
    ws = wb.active
    ws.title = "Experts" if lang == "en" else "专家"
    bold = Font(bold=True)
    for i, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=_header_label(col.key, lang, None, True))
        head.font = bold
        cell = ws.cell(row=2, column=i, value=_xlsx_value(example[col.key], lang))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        dim = ws.column_dimensions[letter]
        dim.width = min(max(_display_width(head.value), _display_width(example[col.key])) + 4, 40)
        if col.as_text:
            dim.number_format = "@"  # applies to cells the user types later
            cell.number_format = "@"
        if col.choices:
            options = col.choices[1] if lang == "en" else col.choices[0]
            # A suggestion list only (no error box): the normalisers accept more spellings than the list.
            dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                                showErrorMessage=False)
            dv.add(f"{letter}2:{letter}{DEFAULT_MAX_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    info = wb.create_sheet("Instructions" if lang == "en" else "说明")
    titles = (("Column", "Required", "Description / allowed values", "Example") if lang == "en"
              else ("列名", "是否必填", "说明 / 可填写的值", "示例"))
    info.append(titles)
    for cell in info[1]:
        cell.font = bold
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    for col in COLUMNS:
        ex = example[col.key]
        info.append([col.en if lang == "en" else col.zh, yes if col.required else no,
                     col.help_en if lang == "en" else col.help_zh,
                     ex.isoformat() if isinstance(ex, date) else ex])
    note = ("Row 1 of the first sheet holds the headers; required columns are marked *. Delete the example "
            "row before importing. One bad row stops the whole import: fix the rows listed and upload again."
            if lang == "en" else
            "第一个工作表的第 1 行为表头，带 * 的列为必填。导入前请删除示例行。任一行有误则整个文件不导入，"
            "请按提示修改后重新上传。")
    info.append([])
    info.append([note])
    for letter, width in zip("ABCD", (18, 10, 70, 24), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

