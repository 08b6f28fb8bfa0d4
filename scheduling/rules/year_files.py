"""Year files an administrator loads: the official holidays and adjusted workdays of a newly published year.

The State Council publishes each year's schedule in November; until ``chinesecalendar`` carries it, an
administrator loads it from a CSV or JSON file (``ecopanel calendar load``, ``POST /api/v1/calendar/years``).
Pure parsing and validation: bytes in, :class:`DayOverride` list out, or a :class:`CalendarFileError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date

from scheduling.rules.calendar import DayOverride
from scheduling.rules.messages import N_, Text

__all__ = ["MAX_YEAR_FILE_BYTES", "CalendarFileError", "parse_year_file"]

_SATURDAY = 5

MAX_YEAR_FILE_BYTES = 1024 * 1024  # a year is ~40 rows; anything near this size is not a holiday file

_HOLIDAY_WORDS = {"holiday", "休", "假", "假日", "休息", "放假", "节假日"}
_WORKDAY_WORDS = {"workday", "班", "上班", "补班", "调休上班", "工作日"}
_CSV_COLUMNS = {
    "date": "date",
    "日期": "date",
    "type": "type",
    "类型": "type",
    "name": "name",
    "名称": "name",
}
_JSON_TOP_KEYS = {"year", "holidays", "workdays"}
_JSON_ENTRY_KEYS = {"date", "name"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class CalendarFileError(ValueError):
    """A year file that cannot be loaded. ``code`` is stable; ``line`` is the CSV line (1-based) or None.

    Not a frozen dataclass: the standard library assigns ``__traceback__`` on exceptions, which a frozen
    dataclass would refuse.
    """

    def __init__(self, code: str, text: Text, line: int | None = None) -> None:
        super().__init__(code, str(text), line)
        self.code = code
        self.text = text  # for people: an English msgid and its values, translated where it is shown
        self.line = line

    @property
    def message_en(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.code}{where}: {self.message_en}"


@dataclass(frozen=True)
class _Entry:
    day: date
    is_workday: bool
    name: str
    line: int | None
    where: Text | str  # "line 3" (a message), or a JSON path as it is


def parse_year_file(data: bytes, filename: str, *, year: int | None = None) -> list[DayOverride]:
    """Parse a newly published year's holidays and adjusted workdays, as CSV or JSON (chosen by extension).

    CSV: a header row, then one row per day: ``date,type,name`` (or ``日期,类型,名称``); ``type`` is
    ``holiday``/``workday`` or 休/假日/放假 and 班/调休上班/补班; ``name`` is optional. Dates may be written
    ``2027-01-01``, ``2027/1/1`` or ``2027年1月1日``. Blank lines and lines starting with ``#`` are ignored.
    UTF-8 (with or without BOM) and GB18030 (what Excel writes on Chinese Windows) are accepted.

    JSON: ``{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}, ...], "workdays": [...]}``;
    an entry may also be a bare date string.

    ``year``, when given, is the year the administrator says they are loading; it must match the file's.
    A CSV without ``year`` takes the year of its first date. Every override must lie in that year, no day may
    be listed twice, an adjusted workday must be a Saturday or Sunday, and the file must name at least one
    holiday (every official year has several). Returns the overrides sorted by date; raises
    :class:`CalendarFileError` on the first problem.
    """
    if len(data) > MAX_YEAR_FILE_BYTES:
        raise CalendarFileError("file_too_large", Text(N_("The file is too large (limit {limit} bytes)."),
                                                       {"limit": MAX_YEAR_FILE_BYTES}))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "json"):
        raise CalendarFileError("unsupported_format", Text(N_(
            "Only CSV or JSON files (.csv / .json) are supported, got “{filename}”."), {"filename": filename}))
    text = _decode(data)
    if not text.strip():
        raise CalendarFileError("empty_file", Text(N_("The file is empty.")))
    if suffix == "csv":
        entries = _csv_entries(text)
        stated_year = year if year is not None else (entries[0].day.year if entries else None)
    else:
        file_year, entries = _json_entries(text)
        if year is not None and year != file_year:
            raise CalendarFileError("year_mismatch", Text(N_("The file is for {file_year}, but {year} was selected."),
                                                          {"file_year": file_year, "year": year}))
        stated_year = file_year
    return _validate(entries, stated_year)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarFileError("bad_encoding", Text(N_("Cannot decode the file; please save it as UTF-8.")))


def _parse_date(raw: object, line: int | None, where: Text | str) -> date:
    match = _DATE_RE.match(raw) if isinstance(raw, str) else None
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CalendarFileError("bad_date", Text(N_("{where}: invalid date “{raw}”, expected YYYY-MM-DD."),
                                             {"where": where, "raw": raw}), line)


def _csv_entries(text: str) -> list[_Entry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[str, int] | None = None
    entries: list[_Entry] = []
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if columns is None:
            columns = _csv_header(cells, line)
            continue
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            raise CalendarFileError("bad_row", Text(N_("Line {line} has more cells than the header."),
                                                    {"line": line}), line)
        cells += [""] * (len(columns) - len(cells))
        where = Text(N_("line {line}"), {"line": line})
        day = _parse_date(cells[columns["date"]], line, where)
        kind = cells[columns["type"]].lower()
        if kind in _HOLIDAY_WORDS:
            is_workday = False
        elif kind in _WORKDAY_WORDS:
            is_workday = True
        else:
            raise CalendarFileError("bad_type", Text(N_(
                "Line {line}: invalid type “{kind}”, expected holiday or workday (休/班)."),
                {"line": line, "kind": kind}), line)
        name = cells[columns["name"]] if "name" in columns else ""
        entries.append(_Entry(day, is_workday, name, line, where))
    if columns is None:
        raise CalendarFileError("empty_file", Text(N_("The file is empty.")))
    return entries


def _csv_header(cells: list[str], line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _CSV_COLUMNS.get(cell.lower())
        if key is None:
            raise CalendarFileError("unknown_column", Text(N_(
                "Unknown column “{cell}”; expected date,type,name (日期,类型,名称)."), {"cell": cell}), line)
        if key in columns:
            raise CalendarFileError("duplicate_column", Text(N_("Column “{cell}” appears twice."), {"cell": cell}),
                                    line)
        columns[key] = index
    for required in ("date", "type"):
        if required not in columns:
            raise CalendarFileError("missing_column", Text(N_(
                "Missing column “{column}” (header should be date,type,name)."), {"column": required}), line)
    return columns


def _json_entries(text: str) -> tuple[int, list[_Entry]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError("bad_json", Text(N_("Invalid JSON: {error}."), {"error": exc.msg}),
                                exc.lineno) from None

    def structure(message: str, **values: object) -> CalendarFileError:
        return CalendarFileError("bad_structure", Text(message, values))

    if not isinstance(doc, dict):
        raise structure(N_("The JSON document must be an object."))
    unknown = sorted(set(doc) - _JSON_TOP_KEYS)
    if unknown:
        raise structure(N_("Unknown fields: {fields}."), fields=tuple(unknown))
    file_year = doc.get("year")
    if isinstance(file_year, bool) or not isinstance(file_year, int) or not 1949 < file_year < 10000:
        raise CalendarFileError("bad_year", Text(N_('Missing or invalid "year" (e.g. "year": 2027).')))
    if "holidays" not in doc:
        raise structure(N_('Missing the "holidays" list.'))
    entries: list[_Entry] = []
    for key, is_workday in (("holidays", False), ("workdays", True)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            raise structure(N_('"{key}" must be a list.'), key=key)
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            if isinstance(item, str):
                raw, name = item, ""
            elif isinstance(item, dict):
                extra = sorted(set(item) - _JSON_ENTRY_KEYS)
                if extra:
                    raise structure(N_("{where} has unknown fields: {fields}."), where=where, fields=tuple(extra))
                raw, name = item.get("date"), item.get("name", "")
                if not isinstance(name, str):
                    raise structure(N_("{where}: name must be a string."), where=where)
            else:
                raise structure(N_("{where} must be an object or a date string."), where=where)
            day = _parse_date(raw, None, where)
            entries.append(_Entry(day, is_workday, name.strip(), None, where))
    return file_year, entries


def _validate(entries: list[_Entry], stated_year: int | None) -> list[DayOverride]:
    if not entries:
        raise CalendarFileError("empty_file", Text(N_("The file lists no days.")))
    seen: dict[date, _Entry] = {}
    for e in entries:
        if e.day.year != stated_year:
            raise CalendarFileError("date_outside_year", Text(N_("{where}: {day} is outside the year {year}."),
                                                              {"where": e.where, "day": e.day, "year": stated_year}),
                                    e.line)
        previous = seen.get(e.day)
        if previous is not None:
            if previous.is_workday != e.is_workday:
                raise CalendarFileError("holiday_and_workday", Text(N_(
                    "{where}: {day} is listed both as a holiday and as a workday."), {"where": e.where, "day": e.day}),
                    e.line)
            raise CalendarFileError("duplicate_date", Text(N_("{where}: {day} is listed twice."),
                                                           {"where": e.where, "day": e.day}), e.line)
        if e.is_workday and e.day.weekday() < _SATURDAY:
            raise CalendarFileError("workday_on_weekday", Text(N_(
                "{where}: {day} is a weekday (Mon-Fri); only a Saturday or Sunday can be an adjusted workday."),
                {"where": e.where, "day": e.day}), e.line)
        seen[e.day] = e
    if not any(not e.is_workday for e in entries):
        raise CalendarFileError("no_holidays", Text(N_("The file lists no holiday for {year}."), {"year": stated_year}))
    return [DayOverride(e.day, e.is_workday, e.name) for e in sorted(entries, key=lambda e: e.day)]
