"""Reading an uploaded CSV or XLSX file into canonical columns and numbered rows (see :func:`read_table`).

Pure functions on bytes: validating each row's values is the import service's job (with
:mod:`expert_pool.rules.normalize`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from expert_pool.rules.errors import TableError
from expert_pool.rules.messages import N_, Text
from expert_pool.rules.tabular.columns import (
    DATE_COLUMNS,
    DEFAULT_MAX_ROWS,
    FORMULA_TRIGGERS,
    PHYSICAL_ROWS_FACTOR,
    CellValue,
    Row,
    Table,
    match_header,
)
from expert_pool.rules.tabular.csvtext import csv_rows, decode
from expert_pool.rules.tabular.xlsx import excel_serial_date, not_xlsx_error, xls_error, xlsx_rows

# ---------------------------------------------------------------------------------------------------------
# Reading

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and also password-protected .xlsx


def read_table(data: bytes, filename: str, *, max_rows: int = DEFAULT_MAX_ROWS) -> Table:
    """Read an uploaded CSV or XLSX file into canonical columns and numbered rows.

    The format follows the file name (.csv, .xlsx, .xls); any other name is sniffed from the content.
    CSV may be UTF-8 with or without BOM or GB18030 (which includes GBK and GB2312), comma-, tab- or
    semicolon-separated. XLSX is read from the sheet named 专家/Experts, else the first sheet. The header is
    the first non-empty row (row 1 in the template); empty rows are skipped but keep their numbers.

    Raises :class:`TableError` with code ``file_empty``, ``file_not_xlsx``, ``file_xls_unsupported``,
    ``file_encrypted``, ``encoding_unsupported``, ``csv_malformed``, ``unknown_column``,
    ``duplicate_column``, ``missing_column``, ``unnamed_column``, ``too_many_rows`` or ``file_too_large``.
    """
    if not data or not data.strip():
        raise TableError("file_empty", N_("The uploaded file is empty."))
    epoch = None
    if _detect_kind(data, filename) == "xlsx":
        sheet, raw, epoch = xlsx_rows(data, max_rows)
        encoding = None
    else:
        text, encoding = decode(data)
        sheet, raw = None, csv_rows(text)
    try:
        table = _build_table(raw, max_rows, epoch)
    finally:
        raw.close()  # closes the workbook's zip file at once, also when a TableError stops the reading
    table.source_format = "csv" if sheet is None else "xlsx"
    table.encoding, table.sheet = encoding, sheet
    return table


def _detect_kind(data: bytes, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"  # a workbook whatever it is called; if it is another zip (.ods, .docx) openpyxl says so
    if data.startswith(_OLE_MAGIC):
        # Office's encrypted packages are OLE files with an "EncryptionInfo" stream (named in UTF-16).
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise TableError(
                "file_encrypted",
                N_("The file is password-protected; remove the password in Excel and upload it again."),
            )
        raise xls_error()
    if ext == "xls":
        raise xls_error()  # e.g. an HTML table some systems export with an .xls name
    if ext in ("xlsx", "xlsm"):
        raise not_xlsx_error()
    return "csv"


# "zip bomb" of repeated XML must not keep a worker busy for minutes (or fill its memory: openpyxl keeps


def _cell_in(value: Any) -> CellValue:
    """A raw cell as the import sees it: stripped text, a date, or None when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        # Undo our own export's neutralisation so that export -> edit -> import gives the same values. "\n"
        # too: XML turns the "\r" of a neutralised "'\r..." into "\n".
        if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "\n"
                                                 or text[1:].lstrip()[:1] in FORMULA_TRIGGERS):
            text = text[1:].strip()
        return text or None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Show numbers the way Excel does (15 significant digits): an ID number typed as a number arrives
        # as 1.10105199001011e+17 and should read 110105199001011000, which the ID check then rejects.
        if value.is_integer():
            return format(Decimal(f"{value:.15g}"), "f")
        return f"{value:.15g}"
    return str(value).strip() or None


def _build_table(raw: Iterator[tuple[int, Sequence[Any]]], max_rows: int, epoch: datetime | None = None) -> Table:
    """The table from raw rows. ``epoch`` (XLSX only): numbers in date columns are Excel date serials."""
    header_number, header = 0, None
    for number, cells in raw:
        if any(_cell_in(c) is not None for c in cells):
            header_number, header = number, [_cell_in(c) for c in cells]
            break
    if header is None:
        raise TableError("file_empty", N_("The file contains no data."))
    positions = match_header(header)
    columns = [key for key in positions if key is not None]
    template_values: dict[str, CellValue] = dict.fromkeys(columns)

    rows: list[Row] = []
    stray: list[str] = []  # the first cells with data under no header, as "T5"
    stray_count = 0
    physical_limit = header_number + max_rows * PHYSICAL_ROWS_FACTOR
    width = len(positions)
    serial_dates = (frozenset(i for i, key in enumerate(positions) if key in DATE_COLUMNS)
                    if epoch is not None else frozenset())
    for number, cells in raw:
        if number > physical_limit:
            raise _too_many_rows(max_rows, physical=True)
        values: dict[str, CellValue] | None = None
        for i, cell in enumerate(cells):
            if cell is None or cell == "":
                continue  # fast path: most cells of most sheets are one of these
            if i in serial_dates and type(cell) in (int, float):  # not bool, a subclass of int
                cell = excel_serial_date(cell, epoch)
            value = _cell_in(cell)
            if value is None:
                continue
            key = positions[i] if i < width else None
            if key is None:
                stray_count += 1
                if len(stray) < 100:
                    stray.append(f"{get_column_letter(i + 1)}{number}")
                continue
            if values is None:
                values = template_values.copy()
            values[key] = value
        if values is not None:
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            rows.append(Row(number, values))
    if stray:
        raise TableError(
            "unnamed_column",
            Text(N_("These cells hold data in a column without a header: {cells}. Add a header or delete the data.")
                 if stray_count <= 10 else
                 N_("These cells hold data in a column without a header: {cells} and more. Add a header or delete "
                    "the data."), {"cells": tuple(stray[:10])}),
            {"cells": stray, "count": stray_count},
        )
    return Table(columns=columns, rows=rows, header_row=header_number)


def _too_many_rows(max_rows: int, physical: bool = False) -> TableError:
    return TableError(
        "too_many_rows",
        Text(N_("The file has more than {max_rows} rows (counting blank rows; delete the blank rows at the end "
                "of the sheet); import it in parts.") if physical else
             N_("The file has more than {max_rows} rows; import it in parts."), {"max_rows": max_rows}),
        {"max_rows": max_rows},
    )


