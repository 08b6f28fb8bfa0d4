"""The XLSX side of reading: refuse what is not worth unpacking, then stream the chosen sheet's rows."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Generator, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from expert_pool.rules.errors import TableError
from expert_pool.rules.messages import N_, Text
from expert_pool.rules.normalize import normalize_text
from expert_pool.rules.tabular.columns import SHEET_NAMES


def xls_error() -> TableError:
    return TableError(
        "file_xls_unsupported",
        N_("Old Excel (.xls) files are not supported; in Excel use Save As > Excel Workbook (.xlsx) or CSV "
           "and upload that."),
    )


def not_xlsx_error() -> TableError:
    return TableError(
        "file_not_xlsx",
        N_("The file is not a valid Excel workbook (.xlsx); save it as .xlsx or CSV in Excel and upload that."),
    )


# Bounds checked before openpyxl parses anything (a 229 KB workbook with one row of 2,000,000 cells used to
# tie a worker up for 50 s and 2 GB). All of them are read from the zip's central directory or from a
# streaming scan of the worksheets' XML that stops at the first bound exceeded, so a bad file is refused
# after reading at most a bounded prefix of it, never after parsing it.
# - uncompressed bytes of the whole package (a 20,000-row sheet is ~40 MB of XML; openpyxl keeps the shared
#   strings in memory);
XLSX_MAX_UNPACKED_BYTES = 400_000_000
# - compression ratio of a member that unpacks to more than a megabyte: real sheets compress 5-30 times
#   (measured: our 10,000-row export 12x, an Excel-style one 10-13x, a sheet formatted down to row 1,048,576
#   21x); a zip bomb of repeated XML compresses hundreds or thousands of times;
XLSX_MAX_RATIO = 100
_RATIO_FLOOR_BYTES = 1 << 20
# - cells in one row (the template has 17 columns; room for notes and helper columns);
XLSX_MAX_COLUMNS = 64
# - cells in all worksheets together, per allowed data row (empty formatted cells count too).
XLSX_CELLS_PER_ROW = 32
_SCAN_CHUNK = 1 << 20
# A cell or row start tag, with or without a namespace prefix ("<c r=", "<x:c>", "<row r=").
_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_DIMENSION_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
# The main namespace of Strict OOXML ("Strict Open XML Spreadsheet" in Excel's Save As). openpyxl finds the
# sheets of such a workbook but reads no cells from them, which would look like an empty file.
_STRICT_OOXML_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _too_large() -> TableError:
    return TableError(
        "file_too_large",
        N_("The Excel file is too large once unpacked; delete extra sheets, formatting or blank rows, "
           "or import it in parts."),
    )


def _too_many_columns(found: int) -> TableError:
    return TableError(
        "too_many_columns",
        Text(N_("A row of the sheet has {found} or more cells; at most {max_columns} columns are allowed. "
                "Delete the extra columns and upload again."), {"found": found, "max_columns": XLSX_MAX_COLUMNS}),
        {"max_columns": XLSX_MAX_COLUMNS},
    )


def _too_many_cells(max_cells: int) -> TableError:
    return TableError(
        "too_many_cells",
        Text(N_("The workbook has more than {max_cells} cells (counting formatted empty ones); delete extra "
                "sheets, rows or columns, or import it in parts."), {"max_cells": max_cells}),
        {"max_cells": max_cells},
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _scan_sheet(zf: zipfile.ZipFile, name: str, cells_left: int, max_cells: int) -> int:
    """Count a worksheet's cells without parsing it; refuse at the first row wider than ``XLSX_MAX_COLUMNS``
    or when the workbook's cells exceed ``max_cells``. Returns the cells still allowed after this sheet.

    The declared ``<dimension>`` is checked first (an honest file is refused from its first kilobytes); a
    missing or lying one is caught by the count, which stops at the bound: the work is at most the prefix
    up to the first offending row, never the whole file."""
    in_row = 0
    tail = b""
    first = True
    with zf.open(name) as f:
        while chunk := f.read(_SCAN_CHUNK):
            buf = tail + chunk
            if first:
                first = False
                if b"<!DOCTYPE" in buf[:4096] or b"<!ENTITY" in buf[:4096]:
                    raise not_xlsx_error()  # entity declarations have no place in a worksheet
                dim = _DIMENSION_RE.search(buf[:4096])
                if dim and dim.group(3):
                    columns = _column_number(dim.group(3)) - _column_number(dim.group(1) or b"A") + 1
                    rows = int(dim.group(4)) - int(dim.group(2) or 1) + 1
                    if columns > XLSX_MAX_COLUMNS:
                        raise _too_many_columns(columns)
                    if columns * rows > max_cells:
                        raise _too_many_cells(max_cells)
            # Tags cut by the chunk's end are found next time: keep the last few bytes, count before them.
            limit = max(len(buf) - 64, 0) if len(chunk) == _SCAN_CHUNK else len(buf)
            for m in _TAG_RE.finditer(buf):
                if m.start() >= limit:
                    break
                if m.group(1) == b"row":
                    in_row = 0
                    continue
                in_row += 1
                cells_left -= 1
                if in_row > XLSX_MAX_COLUMNS:
                    raise _too_many_columns(in_row)
                if cells_left < 0:
                    raise _too_many_cells(max_cells)
            tail = buf[limit:]
    return cells_left


def _check_package(data: bytes, max_rows: int) -> None:
    """Refuse a zip that is not worth handing to openpyxl: not a zip at all, one that unpacks to more than
    ``XLSX_MAX_UNPACKED_BYTES`` or compresses suspiciously well (a zip bomb), a worksheet with a row wider
    than ``XLSX_MAX_COLUMNS`` or more cells than ``max_rows`` allow, XML with entity declarations, or a
    Strict OOXML workbook.

    The sizes come from the zip's directory, which a crafted file can understate; that is still a bound,
    because :mod:`zipfile` (which openpyxl reads through) never returns more than a member's declared size.
    """
    max_cells = max(1_000, (max_rows + 1) * XLSX_CELLS_PER_ROW)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(info.file_size for info in infos) > XLSX_MAX_UNPACKED_BYTES or any(
                    info.file_size > _RATIO_FLOOR_BYTES and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1)
                    for info in infos):
                raise _too_large()
            head = b""
            if "xl/workbook.xml" in zf.NameToInfo:
                with zf.open("xl/workbook.xml") as f:
                    head = f.read(4096)  # the root element and its namespace are at the very top
            cells_left = max_cells
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    cells_left = _scan_sheet(zf, info.filename, cells_left, max_cells)
    except TableError:
        raise
    except Exception as exc:  # not a zip, a truncated one, an encrypted or oddly compressed member ...
        raise not_xlsx_error() from exc
    if _STRICT_OOXML_NS in head or b"<!DOCTYPE" in head:
        raise not_xlsx_error()


def xlsx_rows(data: bytes, max_rows: int) -> tuple[str, Generator[tuple[int, Sequence[Any]], None, None], datetime]:
    """The chosen sheet's name, its rows as (row number, cell values) and the workbook's date epoch (1900
    or 1904 date system). Values as openpyxl's read-only, data-only mode gives them: strings, numbers,
    booleans, datetimes for cells with a date format openpyxl knows, cached results of formulas (a formula
    without one is empty). Absent rows come as empty tuples, so the numbers stay right."""
    _check_package(data, max_rows)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation extensions, default styles);
            # they do not affect cell values, and a warning must not fail an upload.
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever openpyxl trips over (missing parts, bad XML, entity bombs) is "not xlsx"
        raise not_xlsx_error() from exc
    # Hidden sheets (lookup lists and the like) are not what the user means by "the first sheet".
    sheets = [s for s in wb.worksheets if s.sheet_state == "visible"] or wb.worksheets
    if not sheets:
        wb.close()
        raise not_xlsx_error()
    ws = next((s for s in sheets if normalize_text(s.title).casefold() in SHEET_NAMES), sheets[0])
    ws.reset_dimensions()  # dimensions written by other programs are sometimes too small

    def rows() -> Generator[tuple[int, Sequence[Any]], None, None]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except Exception as exc:  # corrupt sheet XML, a shared-string index out of range ...
            raise not_xlsx_error() from exc
        finally:
            wb.close()

    return ws.title, rows(), wb.epoch


def excel_serial_date(value: float, epoch: datetime) -> date | float:
    """A bare number in a date column as a date, if it is a plausible Excel date serial.

    Excel in Chinese, Japanese and Korean locales stores date cells with built-in number formats (ids 27-36
    and 50-58, e.g. 31 is yyyy"年"m"月"d"日") that openpyxl does not know, so such a cell arrives as its
    serial number. Only serials of the years 1950-2199 count: terms of appointment lie there, and a year such
    as 2024 typed into a General cell (serial 2024 = 1905) must stay a number for the date check to reject."""
    if value < 0:
        return value
    try:
        result = from_excel(value, epoch=epoch)
    except (ValueError, OverflowError):
        return value
    if isinstance(result, datetime) and 1950 <= result.year <= 2199:
        return result.date()
    return value


