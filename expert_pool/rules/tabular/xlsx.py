"""The XLSX side of reading: refuse what is not worth unpacking, then stream the chosen sheet's rows."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Generator, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from expert_pool.rules.errors import TableError
from expert_pool.rules.normalize import normalize_text
from expert_pool.rules.tabular.columns import SHEET_NAMES


def xls_error() -> TableError:
    return TableError(
        "file_xls_unsupported",
        "不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” Excel 工作簿（.xlsx）或 CSV 后重新上传。",
        "Old Excel (.xls) files are not supported; in Excel use Save As > Excel Workbook (.xlsx) or CSV "
        "and upload that.",
    )


def not_xlsx_error() -> TableError:
    return TableError(
        "file_not_xlsx",
        "文件不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 或 CSV 后重新上传。",
        "The file is not a valid Excel workbook (.xlsx); save it as .xlsx or CSV in Excel and upload that.",
    )


# Uncompressed bytes we let openpyxl unpack from one upload: a 20,000-row sheet is ~40 MB of XML, and a
# "zip bomb" of repeated XML must not keep a worker busy for minutes (or fill its memory: openpyxl keeps
# the shared strings in memory).
XLSX_MAX_UNPACKED_BYTES = 400_000_000
# The main namespace of Strict OOXML ("Strict Open XML Spreadsheet" in Excel's Save As). openpyxl finds the
# sheets of such a workbook but reads no cells from them, which would look like an empty file.
_STRICT_OOXML_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _check_package(data: bytes) -> None:
    """Refuse a zip that is not worth handing to openpyxl: not a zip at all, one that unpacks to more than
    ``XLSX_MAX_UNPACKED_BYTES``, or a Strict OOXML workbook.

    The sizes come from the zip's directory, which a crafted file can understate; that is still a bound,
    because :mod:`zipfile` (which openpyxl reads through) never returns more than a member's declared size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            head = b""
            if unpacked <= XLSX_MAX_UNPACKED_BYTES and "xl/workbook.xml" in zf.NameToInfo:
                with zf.open("xl/workbook.xml") as f:
                    head = f.read(4096)  # the root element and its namespace are at the very top
    except Exception as exc:  # not a zip, a truncated one, an encrypted or oddly compressed member ...
        raise not_xlsx_error() from exc
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise TableError(
            "file_too_large",
            "Excel 文件解压后过大，请删除多余的工作表、格式或空白行后重新上传，或分批导入。",
            "The Excel file is too large once unpacked; delete extra sheets, formatting or blank rows, "
            "or import it in parts.",
        )
    if _STRICT_OOXML_NS in head:
        raise not_xlsx_error()


def xlsx_rows(data: bytes) -> tuple[str, Generator[tuple[int, Sequence[Any]], None, None], datetime]:
    """The chosen sheet's name, its rows as (row number, cell values) and the workbook's date epoch (1900
    or 1904 date system). Values as openpyxl's read-only, data-only mode gives them: strings, numbers,
    booleans, datetimes for cells with a date format openpyxl knows, cached results of formulas (a formula
    without one is empty). Absent rows come as empty tuples, so the numbers stay right."""
    _check_package(data)
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


