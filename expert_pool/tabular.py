"""Spreadsheets in and out of the expert pool: CSV and XLSX, Chinese or English headers.

Pure functions on bytes and plain values, no Flask and no database. :func:`read_table` turns an upload into
canonical columns and rows numbered as the spreadsheet shows them, or raises :class:`TableError` for
problems with the file as a whole (format, encoding, headers, size); validating each row's values is the
import service's job (with :mod:`expert_pool.normalize`). :func:`write_csv`, :func:`write_xlsx` and
:func:`template` produce exports and the import template, with spreadsheet formula injection neutralised.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from expert_pool.normalize import (
    GENDERS,
    LANGUAGES,
    ORGANIZATION_TYPES,
    STATUSES,
    TITLE_RANKS,
    normalize_text,
)
from expert_pool.regions import PROVINCE_SHORT_ZH, PROVINCES

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "DEFAULT_MAX_ROWS",
    "REQUIRED_COLUMNS",
    "Column",
    "Row",
    "Table",
    "TableError",
    "header_key",
    "neutralize_cell",
    "read_table",
    "template",
    "write_csv",
    "write_xlsx",
]

DEFAULT_MAX_ROWS = 20_000
# Blank rows are skipped but still have to be read; a sheet formatted down to row 1,048,576 would take
# minutes. Beyond max_rows times this factor of *physical* rows we stop and ask the user to trim the file.
_PHYSICAL_ROWS_FACTOR = 5
_XLSX_MAX_CELL = 32_767  # Excel refuses longer cell texts ("repairs" the file by dropping them)
_SHEET_NAMES = ("专家", "experts")  # preferred data sheet names (after normalisation), else the first sheet


# ---------------------------------------------------------------------------------------------------------
# Errors and results

class TableError(ValueError):
    """The file as a whole cannot be read: a stable ``code``, a bilingual message and ``details`` (JSON-able,
    e.g. the offending column names) for the API's ``errors`` member."""

    def __init__(self, code: str, message_zh: str, message_en: str, details: Mapping[str, Any] | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details: dict[str, Any] = dict(details or {})

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


CellValue = str | date | None


@dataclass
class Row:
    """One non-empty data row. ``number`` is the row number the spreadsheet shows (the header is row 1).
    ``values`` has every column of the table: a stripped non-empty string, a ``date`` (an Excel date cell)
    or ``None`` for an empty cell."""

    number: int
    values: dict[str, CellValue]


@dataclass
class Table:
    columns: list[str]  # canonical keys, in the file's order
    rows: list[Row]
    source_format: str = "csv"  # "csv" or "xlsx"
    encoding: str | None = None  # for CSV: "utf-8", "utf-8-sig" or "gb18030"
    sheet: str | None = None  # for XLSX: the sheet read
    header_row: int = 1


# ---------------------------------------------------------------------------------------------------------
# The canonical columns

@dataclass(frozen=True)
class Column:
    """An import/export column: its key, headers, accepted aliases and what the template says about it."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help_zh: str = ""
    help_en: str = ""
    example_zh: str | date = ""
    example_en: str | date = ""
    as_text: bool = False  # template: format the column as Text so Excel keeps long digit strings intact
    choices: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # template dropdown: (zh list, en list)
    is_date: bool = False  # a date column: a bare Excel date serial in an XLSX cell is read as a date


def _labels(table: Mapping[str, tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(zh for zh, _ in table.values()), tuple(table)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", required=True,
           help_zh="专家本人姓名", help_en="The expert's full name",
           example_zh="李梅（示例）", example_en="Li Mei (example)"),
    Column("gender", "性别", "Gender", required=True,
           help_zh="男 或 女", help_en="M or F (male/female)",
           example_zh="女", example_en="F", choices=_labels(GENDERS)),
    Column("birth_year", "出生年份", "Birth year",
           help_zh="四位数字；可不填，按身份证号计算", help_en="Four digits; may be left empty, the ID number has it",
           example_zh="1949", example_en="1949"),
    Column("id_number", "身份证号", "ID number", ("身份证号码", "证件号码", "身份证"), required=True,
           help_zh="18 位居民身份证号或港澳台居民居住证号，末位可为 X；本列须为文本格式",
           help_en="18-character resident ID or HK/Macao/Taiwan residence permit number, last character may "
                   "be X; keep the column formatted as Text",
           example_zh="11010519491231002X", example_en="11010519491231002X", as_text=True),
    Column("mobile", "手机", "Mobile", ("手机号", "手机号码", "联系电话", "移动电话"), required=True,
           help_zh="11 位中国大陆手机号", help_en="11-digit mainland China mobile number",
           example_zh="13800138000", example_en="13800138000", as_text=True),
    Column("email", "电子邮箱", "Email", ("邮箱", "E-mail", "电子邮件"), required=True,
           help_zh="用于接收通知", help_en="Used for notifications",
           example_zh="limei@example.com", example_en="limei@example.com"),
    Column("organization", "工作单位", "Organization", ("单位", "所在单位", "单位名称"), required=True,
           help_zh="单位全称，不存在的单位将自动新建", help_en="Full name; unknown organisations are created",
           example_zh="示例大学环境学院", example_en="School of Environment, Example University"),
    Column("organization_type", "单位类型", "Organization type", ("单位性质",),
           help_zh="新建单位时使用：" + "、".join(zh for zh, _ in ORGANIZATION_TYPES.values()),
           help_en="Used when the organisation is new: " + ", ".join(ORGANIZATION_TYPES),
           example_zh="高等院校", example_en="university", choices=_labels(ORGANIZATION_TYPES)),
    Column("title", "职称", "Title", ("职称级别", "职称等级"), required=True,
           help_zh="正高级、副高级、中级、初级，或具体职称（教授、高级工程师等）",
           help_en="senior, deputy_senior, intermediate, junior, or a title such as professor",
           example_zh="教授", example_en="senior", choices=_labels(TITLE_RANKS)),
    Column("specialties", "专业领域", "Specialties", ("专业", "擅长领域", "专业方向"), required=True,
           help_zh="专业领域目录中的名称或代码，多个用分号、顿号或逗号分隔",
           help_en="Names or codes from the specialty list; separate several with ; or ,",
           example_zh="循环经济；清洁生产", example_en="Circular economy; Cleaner production"),
    Column("province", "所在省份", "Province", ("省份", "省", "所在省"), required=True,
           help_zh="省级行政区名称（如 江苏 或 江苏省）或代码（如 32）",
           help_en="Provincial-level region, e.g. Jiangsu, or its code, e.g. 32",
           example_zh="北京", example_en="Beijing",
           choices=(tuple(PROVINCE_SHORT_ZH.values()), tuple(en for _, en in PROVINCES.values()))),
    Column("city", "城市", "City", ("所在城市", "市"),
           help_zh="地级市", help_en="City", example_zh="北京", example_en="Beijing"),
    Column("recommended_by", "推荐单位", "Recommended by", ("推荐部门",),
           help_zh="生态环境部、商务部、科技部，或推荐的省份",
           help_en="MEE, MOFCOM, MOST, or the recommending province",
           example_zh="生态环境部", example_en="MEE"),
    Column("term_start", "聘期开始", "Term start", ("聘期起",),
           help_zh="日期，如 2024-01-01", help_en="A date, e.g. 2024-01-01",
           example_zh=date(2024, 1, 1), example_en=date(2024, 1, 1), is_date=True),
    Column("term_end", "聘期结束", "Term end", ("聘期止",),
           help_zh="日期，如 2026-12-31", help_en="A date, e.g. 2026-12-31",
           example_zh=date(2026, 12, 31), example_en=date(2026, 12, 31), is_date=True),
    Column("status", "状态", "Status",
           help_zh="、".join(zh for zh, _ in STATUSES.values()), help_en=", ".join(STATUSES),
           example_zh="在库", example_en="active", choices=_labels(STATUSES)),
    Column("language", "语言", "Language",
           help_zh="接收通知的语言：中文 或 英文", help_en="Language for notifications: zh or en",
           example_zh="中文", example_en="zh", choices=_labels(LANGUAGES)),
)
COLUMNS_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.required)
_DATE_COLUMNS: frozenset[str] = frozenset(c.key for c in COLUMNS if c.is_date)

# Parenthesised notes such as "身份证号（18位）" or "Mobile [required]"; NFKC has made the brackets ASCII.
_HEADER_NOTE_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_HEADER_NOISE_RE = re.compile(r"[\s_\-.:*]+")


def header_key(header: object) -> str:
    """How headers are compared: NFKC, notes in brackets and ``*`` (required marks) removed, case-folded,
    without spaces, dashes, underscores, dots or colons ("E-mail", "email" and "EMAIL *" are all "email")."""
    text = _HEADER_NOTE_RE.sub("", normalize_text(str(header) if header is not None else ""))
    return _HEADER_NOISE_RE.sub("", text.casefold())


def _header_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for col in COLUMNS:
        for alias in (col.key, col.zh, col.en, *col.aliases):
            key = header_key(alias)
            if table.setdefault(key, col.key) != col.key:
                raise ValueError(f"header alias {alias!r} is ambiguous")  # a programming error above
    return table


_HEADERS = _header_table()


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
        raise TableError("file_empty", "上传的文件是空的。", "The uploaded file is empty.")
    epoch = None
    if _detect_kind(data, filename) == "xlsx":
        sheet, raw, epoch = _xlsx_rows(data)
        encoding = None
    else:
        text, encoding = _decode(data)
        sheet, raw = None, _csv_rows(text)
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
                "文件设置了密码保护，请在 Excel 中取消密码后重新上传。",
                "The file is password-protected; remove the password in Excel and upload it again.",
            )
        raise _xls_error()
    if ext == "xls":
        raise _xls_error()  # e.g. an HTML table some systems export with an .xls name
    if ext in ("xlsx", "xlsm"):
        raise _not_xlsx_error()
    return "csv"


def _xls_error() -> TableError:
    return TableError(
        "file_xls_unsupported",
        "不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” Excel 工作簿（.xlsx）或 CSV 后重新上传。",
        "Old Excel (.xls) files are not supported; in Excel use Save As > Excel Workbook (.xlsx) or CSV "
        "and upload that.",
    )


def _not_xlsx_error() -> TableError:
    return TableError(
        "file_not_xlsx",
        "文件不是有效的 Excel 工作簿（.xlsx），请在 Excel 中另存为 .xlsx 或 CSV 后重新上传。",
        "The file is not a valid Excel workbook (.xlsx); save it as .xlsx or CSV in Excel and upload that.",
    )


# Uncompressed bytes we let openpyxl unpack from one upload: a 20,000-row sheet is ~40 MB of XML, and a
# "zip bomb" of repeated XML must not keep a worker busy for minutes (or fill its memory: openpyxl keeps
# the shared strings in memory).
_XLSX_MAX_XML_BYTES = 400_000_000
# The main namespace of Strict OOXML ("Strict Open XML Spreadsheet" in Excel's Save As). openpyxl finds the
# sheets of such a workbook but reads no cells from them, which would look like an empty file.
_STRICT_OOXML_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _check_package(data: bytes) -> None:
    """Refuse a zip that is not worth handing to openpyxl: not a zip at all, one that unpacks to more than
    ``_XLSX_MAX_XML_BYTES``, or a Strict OOXML workbook.

    The sizes come from the zip's directory, which a crafted file can understate; that is still a bound,
    because :mod:`zipfile` (which openpyxl reads through) never returns more than a member's declared size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            head = b""
            if unpacked <= _XLSX_MAX_XML_BYTES and "xl/workbook.xml" in zf.NameToInfo:
                with zf.open("xl/workbook.xml") as f:
                    head = f.read(4096)  # the root element and its namespace are at the very top
    except Exception as exc:  # not a zip, a truncated one, an encrypted or oddly compressed member ...
        raise _not_xlsx_error() from exc
    if unpacked > _XLSX_MAX_XML_BYTES:
        raise TableError(
            "file_too_large",
            "Excel 文件解压后过大，请删除多余的工作表、格式或空白行后重新上传，或分批导入。",
            "The Excel file is too large once unpacked; delete extra sheets, formatting or blank rows, "
            "or import it in parts.",
        )
    if _STRICT_OOXML_NS in head:
        raise _not_xlsx_error()


def _xlsx_rows(data: bytes) -> tuple[str, Generator[tuple[int, Sequence[Any]], None, None], datetime]:
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
        raise _not_xlsx_error() from exc
    # Hidden sheets (lookup lists and the like) are not what the user means by "the first sheet".
    sheets = [s for s in wb.worksheets if s.sheet_state == "visible"] or wb.worksheets
    if not sheets:
        wb.close()
        raise _not_xlsx_error()
    ws = next((s for s in sheets if normalize_text(s.title).casefold() in _SHEET_NAMES), sheets[0])
    ws.reset_dimensions()  # dimensions written by other programs are sometimes too small

    def rows() -> Generator[tuple[int, Sequence[Any]], None, None]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except Exception as exc:  # corrupt sheet XML, a shared-string index out of range ...
            raise _not_xlsx_error() from exc
        finally:
            wb.close()

    return ws.title, rows(), wb.epoch


def _excel_serial_date(value: float, epoch: datetime) -> date | float:
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


_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _decode(data: bytes) -> tuple[str, str]:
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
        "无法识别文件的字符编码。请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”，或保存为 GB18030（GBK）编码的 "
        "CSV，或直接上传 .xlsx 文件。",
        "The file's character encoding is not supported. In Excel use Save As > \"CSV UTF-8 (Comma "
        "delimited)\", or save the CSV as GB18030 (GBK), or upload the .xlsx file instead.",
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
        score = (sum(header_key(f) in _HEADERS for f in fields), len(fields))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str) -> Generator[tuple[int, Sequence[Any]], None, None]:
    # Records, not lines, are numbered: a quoted cell with a line break is still one spreadsheet row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise TableError(
            "csv_malformed",
            f"CSV 文件第 {number + 1} 行附近无法解析，请检查引号是否成对、单元格是否过长。",
            f"The CSV file cannot be parsed near row {number + 1} ({exc}); check for unbalanced quotes "
            "or an overlong cell.",
            {"row": number + 1},
        ) from exc


# The characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cell_in(value: Any) -> CellValue:
    """A raw cell as the import sees it: stripped text, a date, or None when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        # Undo our own export's neutralisation so that export -> edit -> import gives the same values. "\n"
        # too: XML turns the "\r" of a neutralised "'\r..." into "\n".
        if len(text) > 1 and text[0] == "'" and (text[1] in _FORMULA_TRIGGERS or text[1] == "\n"):
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
        raise TableError("file_empty", "文件中没有任何数据。", "The file contains no data.")
    positions = _match_header(header)
    columns = [key for key in positions if key is not None]
    template_values: dict[str, CellValue] = dict.fromkeys(columns)

    rows: list[Row] = []
    stray: list[str] = []  # the first cells with data under no header, as "T5"
    stray_count = 0
    physical_limit = header_number + max_rows * _PHYSICAL_ROWS_FACTOR
    width = len(positions)
    serial_dates = (frozenset(i for i, key in enumerate(positions) if key in _DATE_COLUMNS)
                    if epoch is not None else frozenset())
    for number, cells in raw:
        if number > physical_limit:
            raise _too_many_rows(max_rows, physical=True)
        values: dict[str, CellValue] | None = None
        for i, cell in enumerate(cells):
            if cell is None or cell == "":
                continue  # fast path: most cells of most sheets are one of these
            if i in serial_dates and type(cell) in (int, float):  # not bool, a subclass of int
                cell = _excel_serial_date(cell, epoch)
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
            f"以下单元格有数据但所在列没有表头：{'、'.join(stray[:10])}{' 等' if stray_count > 10 else ''}。"
            "请补上表头或删除这些数据。",
            f"These cells hold data in a column without a header: {', '.join(stray[:10])}"
            f"{' ...' if stray_count > 10 else ''}. Add a header or delete the data.",
            {"cells": stray, "count": stray_count},
        )
    return Table(columns=columns, rows=rows, header_row=header_number)


def _too_many_rows(max_rows: int, physical: bool = False) -> TableError:
    extra_zh = "（含空白行，请删除表格末尾的空白行）" if physical else ""
    extra_en = " (counting blank rows; delete the blank rows at the end of the sheet)" if physical else ""
    return TableError(
        "too_many_rows",
        f"文件超过 {max_rows} 行{extra_zh}，请分批导入。",
        f"The file has more than {max_rows} rows{extra_en}; import it in parts.",
        {"max_rows": max_rows},
    )


def _match_header(header: Sequence[CellValue]) -> list[str | None]:
    """The canonical key of each header position (None for a blank header); raises on header problems."""
    positions: list[str | None] = []
    unknown: list[str] = []
    duplicate: list[str] = []
    seen: set[str] = set()
    for cell in header:
        if cell is None:
            positions.append(None)
            continue
        text = cell.isoformat() if isinstance(cell, date) else cell
        key = _HEADERS.get(header_key(text))
        if key is None:
            unknown.append(text)
        elif key in seen:
            duplicate.append(text)
        if key is not None:
            seen.add(key)
        positions.append(key)
    missing = [key for key in REQUIRED_COLUMNS if key not in seen]
    if not (unknown or duplicate or missing):
        return positions

    def names(keys: Iterable[str], lang: str) -> list[str]:
        return [COLUMNS_BY_KEY[k].zh if lang == "zh" else COLUMNS_BY_KEY[k].en for k in keys]

    parts_zh, parts_en = [], []
    if unknown:
        parts_zh.append(f"无法识别的列：{'、'.join(unknown)}")
        parts_en.append(f"unknown columns: {', '.join(unknown)}")
    if duplicate:
        parts_zh.append(f"重复的列：{'、'.join(duplicate)}")
        parts_en.append(f"duplicated columns: {', '.join(duplicate)}")
    if missing:
        parts_zh.append(f"缺少必填列：{'、'.join(names(missing, 'zh'))}")
        parts_en.append(f"missing required columns: {', '.join(names(missing, 'en'))}")
    code = "unknown_column" if unknown else "duplicate_column" if duplicate else "missing_column"
    primary = unknown or duplicate or missing
    raise TableError(
        code,
        "表头有误（第一行应为表头，请使用导入模板）：" + "；".join(parts_zh) + "。",
        "The header row is wrong (row 1 must hold the headers; use the import template): "
        + "; ".join(parts_en) + ".",
        {"columns": primary, "unknown": unknown, "duplicate": duplicate, "missing": missing},
    )


# ---------------------------------------------------------------------------------------------------------
# Writing

def neutralize_cell(value: Any) -> Any:
    """Defuse spreadsheet formula injection: a string starting with =, +, -, @, tab or CR gets a leading
    apostrophe, so Excel and LibreOffice show it as text instead of evaluating it. Numbers, dates and other
    non-strings pass unchanged (a negative *number* is not an injection). :func:`read_table` strips the
    apostrophe again, so an export can be edited and re-imported."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


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
    value = _cell_out(value, lang)
    if isinstance(value, str):
        # XML cannot carry most control characters (openpyxl would raise), and Excel caps a cell's text.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_XLSX_MAX_CELL]
    return value


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
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in chain(head, row_iter):
        values = _row_values(row)
        ws.append([_xlsx_value(values.get(key), lang) for key in columns])
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
