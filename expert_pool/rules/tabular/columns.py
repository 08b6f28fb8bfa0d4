"""The canonical import/export columns, their headers in Chinese and English, and the table a file becomes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from expert_pool.rules.errors import TableError
from expert_pool.rules.messages import N_, Bilingual, Text
from expert_pool.rules.normalize import GENDERS, LANGUAGES, ORGANIZATION_TYPES, STATUSES, TITLE_RANKS, normalize_text
from expert_pool.rules.regions import PROVINCE_SHORT_ZH, PROVINCES

DEFAULT_MAX_ROWS = 20_000
# Blank rows are skipped but still have to be read; a sheet formatted down to row 1,048,576 would take
# minutes. Beyond max_rows times this factor of *physical* rows we stop and ask the user to trim the file.
PHYSICAL_ROWS_FACTOR = 5
XLSX_MAX_CELL = 32_767  # Excel refuses longer cell texts ("repairs" the file by dropping them)
SHEET_NAMES = ("专家", "experts")  # preferred data sheet names (after normalisation), else the first sheet


# ---------------------------------------------------------------------------------------------------------
# Errors and results

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
DATE_COLUMNS: frozenset[str] = frozenset(c.key for c in COLUMNS if c.is_date)

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


HEADERS = _header_table()


# The characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def match_header(header: Sequence[CellValue]) -> list[str | None]:
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
        key = HEADERS.get(header_key(text))
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

    parts = []
    if unknown:
        parts.append(Text(N_("unknown columns: {columns}"), {"columns": tuple(unknown)}))
    if duplicate:
        parts.append(Text(N_("duplicated columns: {columns}"), {"columns": tuple(duplicate)}))
    if missing:
        # the template's headers in the reader's language: the import file's words, data in both languages
        parts.append(Text(N_("missing required columns: {columns}"),
                          {"columns": tuple(Bilingual(COLUMNS_BY_KEY[k].zh, COLUMNS_BY_KEY[k].en) for k in missing)}))
    problems = parts[0]
    for part in parts[1:]:  # one after the other, in the reader's punctuation
        problems = Text(N_("{first}; {then}"), {"first": problems, "then": part})
    code = "unknown_column" if unknown else "duplicate_column" if duplicate else "missing_column"
    primary = unknown or duplicate or missing
    raise TableError(
        code,
        Text(N_("The header row is wrong (row 1 must hold the headers; use the import template): {problems}."),
             {"problems": problems}),
        {"columns": primary, "unknown": unknown, "duplicate": duplicate, "missing": missing},
    )


