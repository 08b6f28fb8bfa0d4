"""The PRC working-day calendar as plain data.

The Measures count the two public notices in working days (公示5个工作日, Art. 10 and Art. 19). A working day
follows the official schedule the State Council publishes each year: weekends and public holidays are off, and
the make-up weekend days (调休上班) are on. The schedule for a year is only known once it is published
(usually in November of the year before), so the calendar knows which years it has *loaded*:

* in a loaded year a day is a working day iff it is Mon-Fri and not a holiday override, or it is an
  adjusted-workday override;
* in a year that is not loaded a day is a working day iff it is Mon-Fri, and every answer that looked at such
  a day is **provisional**: the service recomputes it when the year is loaded.

Nothing here reads a database or the clock. The service builds a :class:`WorkingDayCalendar` from its holiday
table (seeded with :func:`official_overrides`, extended by an administrator with :func:`parse_year_file`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

__all__ = [
    "CalendarFileError",
    "DayOverride",
    "DayStatus",
    "WorkingDayCalendar",
    "WorkingDayCount",
    "WorkingDayResult",
    "official_overrides",
    "parse_year_file",
    "supported_official_years",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _check_date(value: object, what: str = "date") -> date:
    # datetime is a subclass of date but never equal to one, so a datetime would silently miss every
    # override; callers must convert instants to an Asia/Shanghai date first (see periods.shanghai_date).
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (not a datetime), got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class DayOverride:
    """One day of the official schedule that differs from the plain Mon-Fri rule.

    ``is_workday=False``: a public holiday (it may fall on a weekend: the State Council lists whole holiday
    blocks). ``is_workday=True``: an adjusted workday (调休上班), always a Saturday or Sunday.
    """

    day: date
    is_workday: bool
    name: str = ""

    def __post_init__(self) -> None:
        _check_date(self.day, "DayOverride.day")


@dataclass(frozen=True)
class DayStatus:
    """Whether a day is a working day, and whether that answer is provisional (its year is not loaded).

    Unpacks as ``working, provisional = calendar.is_working_day(d)``. It refuses ``bool()`` on purpose:
    a two-field value is always truthy, so ``if calendar.is_working_day(d):`` would be a silent bug.
    """

    is_working_day: bool
    provisional: bool

    def __iter__(self) -> Iterator[bool]:
        return iter((self.is_working_day, self.provisional))

    def __bool__(self) -> bool:
        raise TypeError("DayStatus has no truth value; use .is_working_day (and check .provisional)")


@dataclass(frozen=True)
class WorkingDayResult:
    """A date computed with the calendar; ``provisional`` if any day it depended on is in an unloaded year."""

    date: date
    provisional: bool

    def __iter__(self) -> Iterator[date | bool]:
        return iter((self.date, self.provisional))


@dataclass(frozen=True)
class WorkingDayCount:
    """A number of working days; ``provisional`` if any day counted or skipped is in an unloaded year."""

    count: int
    provisional: bool

    def __iter__(self) -> Iterator[int | bool]:
        return iter((self.count, self.provisional))


class WorkingDayCalendar:
    """The official working-day schedule for the loaded years, Mon-Fri (provisional) for every other year.

    ``overrides`` is either a mapping ``date -> is_workday`` or an iterable of :class:`DayOverride`.
    ``loaded_years`` defaults to the years the overrides touch; when given, every override must lie in a
    loaded year (an override in an unloaded year means the holiday table and the list of loaded years
    disagree, which is a bug worth failing on rather than guessing).

    Instances are immutable; :meth:`with_year` returns a new calendar with one year (re)loaded.
    """

    __slots__ = ("_loaded_years", "_names", "_overrides")

    def __init__(
        self,
        overrides: Mapping[date, bool] | Iterable[DayOverride] = (),
        loaded_years: Iterable[int] | None = None,
    ) -> None:
        table: dict[date, bool] = {}
        names: dict[date, str] = {}
        if isinstance(overrides, Mapping):
            for day, is_workday in overrides.items():
                table[_check_date(day, "override date")] = bool(is_workday)
        else:
            for override in overrides:
                if not isinstance(override, DayOverride):
                    raise TypeError(f"expected DayOverride, got {type(override).__name__}")
                if override.day in table and table[override.day] != override.is_workday:
                    raise ValueError(f"{override.day} is given both as a holiday and as a workday")
                table[override.day] = override.is_workday
                names[override.day] = override.name
        years = frozenset(d.year for d in table) if loaded_years is None else frozenset(loaded_years)
        stray = sorted({d.year for d in table} - years)
        if stray:
            raise ValueError(f"overrides in years that are not loaded: {stray}")
        self._overrides: Mapping[date, bool] = MappingProxyType(table)
        self._names: Mapping[date, str] = MappingProxyType(names)
        self._loaded_years: frozenset[int] = years

    @classmethod
    def official(cls, years: Iterable[int] | None = None) -> WorkingDayCalendar:
        """The calendar of the ``chinesecalendar`` package for ``years`` (default: every year it carries)."""
        years = supported_official_years() if years is None else sorted(set(years))
        return cls(official_overrides(years), loaded_years=years)

    # -- introspection ---------------------------------------------------------------------------------
    @property
    def loaded_years(self) -> frozenset[int]:
        return self._loaded_years

    @property
    def overrides(self) -> Mapping[date, bool]:
        """Read-only ``date -> is_workday`` for every override."""
        return self._overrides

    def override_name(self, day: date) -> str | None:
        """The holiday name of an override day ('' if unnamed), None if the day is not an override."""
        if day not in self._overrides:
            return None
        return self._names.get(day, "")

    def with_year(self, year: int, overrides: Iterable[DayOverride]) -> WorkingDayCalendar:
        """A new calendar with ``year`` loaded from ``overrides``, replacing whatever that year had before."""
        overrides = list(overrides)
        outside = [o.day for o in overrides if o.day.year != year]
        if outside:
            raise ValueError(f"overrides outside {year}: {outside[:3]}")
        kept = [DayOverride(d, w, self._names.get(d, "")) for d, w in self._overrides.items() if d.year != year]
        return WorkingDayCalendar(kept + overrides, loaded_years=self._loaded_years | {year})

    def __repr__(self) -> str:
        years = sorted(self._loaded_years)
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return f"<WorkingDayCalendar loaded={span} ({len(years)} years) overrides={len(self._overrides)}>"

    # -- the rule ----------------------------------------------------------------------------------------
    def is_loaded(self, year: int) -> bool:
        return year in self._loaded_years

    def is_working_day(self, day: date) -> DayStatus:
        """Whether ``day`` is a working day; provisional when its year is not loaded."""
        _check_date(day)
        return self._status(day)

    def _status(self, day: date) -> DayStatus:
        if day.year not in self._loaded_years:
            return DayStatus(day.weekday() < _SATURDAY, True)
        override = self._overrides.get(day)
        if override is not None:
            return DayStatus(override, False)
        return DayStatus(day.weekday() < _SATURDAY, False)

    def add_working_days(self, start: date, n: int) -> WorkingDayResult:
        """The last of the ``n`` working days that begin on ``start``.

        ``start`` counts as the first day when it is a working day; otherwise counting begins on the next
        working day. So ``add_working_days(published_on, 5)`` is the last day of a 5-working-day public
        notice (Art. 10, Art. 19), and ``add_working_days(d, 1)`` is ``d`` itself if it is a working day,
        else the next one. ``n`` must be >= 1: "zero working days" names no day, and counting backwards is
        not something the Measures ask for, so both raise ``ValueError`` rather than guess.

        The result is provisional if any day from ``start`` to the result lies in a year not loaded.
        """
        _check_date(start, "start")
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        if n < 1:
            raise ValueError(f"n must be >= 1 (the number of working days to count, start included), got {n}")
        day, counted, provisional = start, 0, False
        while True:
            working, day_provisional = self._status(day)
            provisional = provisional or day_provisional
            if working:
                counted += 1
                if counted == n:
                    return WorkingDayResult(day, provisional)
            day += _ONE_DAY

    def next_working_day(self, day: date, *, include_start: bool = False) -> WorkingDayResult:
        """The first working day after ``day`` (or ``day`` itself when ``include_start`` and it is one)."""
        _check_date(day)
        return self.add_working_days(day if include_start else day + _ONE_DAY, 1)

    def working_days_between(self, start: date, end: date) -> WorkingDayCount:
        """The number of working days from ``start`` to ``end``, **both included**.

        Chosen so that ``working_days_between(s, add_working_days(s, n).date).count == n``. An empty range
        (``end < start``) counts 0, which is what "working days left" wants once a notice is over.
        """
        _check_date(start, "start")
        _check_date(end, "end")
        count, provisional, day = 0, False, start
        while day <= end:
            working, day_provisional = self._status(day)
            count += working
            provisional = provisional or day_provisional
            day += _ONE_DAY
        return WorkingDayCount(count, provisional)


# -- the official schedule from chinesecalendar -----------------------------------------------------------


def supported_official_years() -> list[int]:
    """The years for which the installed ``chinesecalendar`` carries the official schedule.

    The package itself accepts exactly the span of its holiday table and raises NotImplementedError outside
    it; we read that span rather than probing, and fill no gaps (it has every year from 2004).
    """
    import chinese_calendar

    years = {d.year for d in chinese_calendar.holidays}
    return list(range(min(years), max(years) + 1))


def official_overrides(years: Iterable[int]) -> list[DayOverride]:
    """The official holidays and adjusted workdays of ``years``, sorted by date, named in Chinese.

    Raises ValueError for a year the package does not carry: the service must then mark that year as not
    loaded (Mon-Fri, provisional) or have an administrator load it with :func:`parse_year_file`.
    """
    import chinese_calendar

    wanted = set(years)
    missing = sorted(wanted - set(supported_official_years()))
    if missing:
        raise ValueError(f"chinesecalendar {chinese_calendar.__version__} carries no official schedule for {missing}")

    def chinese_name(english: str) -> str:
        try:
            return chinese_calendar.Holiday(english).chinese
        except ValueError:  # a name the enum does not know: keep the package's English rather than fail
            return english

    result = [
        DayOverride(d, False, chinese_name(name)) for d, name in chinese_calendar.holidays.items() if d.year in wanted
    ]
    result += [
        DayOverride(d, True, chinese_name(name)) for d, name in chinese_calendar.workdays.items() if d.year in wanted
    ]
    return sorted(result, key=lambda o: o.day)


# -- year files loaded by an administrator ----------------------------------------------------------------

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

    def __init__(self, code: str, message_zh: str, message_en: str, line: int | None = None) -> None:
        super().__init__(code, message_zh, message_en, line)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.line = line

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{self.code}{where}: {self.message_en}"


@dataclass(frozen=True)
class _Entry:
    day: date
    is_workday: bool
    name: str
    line: int | None
    where_zh: str
    where_en: str


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
        raise CalendarFileError(
            "file_too_large",
            f"文件过大（上限 {MAX_YEAR_FILE_BYTES} 字节）。",
            f"The file is too large (limit {MAX_YEAR_FILE_BYTES} bytes).",
        )
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "json"):
        raise CalendarFileError(
            "unsupported_format",
            "仅支持 CSV 或 JSON 文件（.csv / .json）。",
            f"Only CSV or JSON files (.csv / .json) are supported, got {filename!r}.",
        )
    text = _decode(data)
    if not text.strip():
        raise CalendarFileError("empty_file", "文件为空。", "The file is empty.")
    if suffix == "csv":
        entries = _csv_entries(text)
        stated_year = year if year is not None else (entries[0].day.year if entries else None)
    else:
        file_year, entries = _json_entries(text)
        if year is not None and year != file_year:
            raise CalendarFileError(
                "year_mismatch",
                f"文件中的年份 {file_year} 与所选年份 {year} 不一致。",
                f"The file is for {file_year}, but {year} was selected.",
            )
        stated_year = file_year
    return _validate(entries, stated_year)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarFileError(
        "bad_encoding",
        "无法识别文件编码，请保存为 UTF-8。",
        "Cannot decode the file; please save it as UTF-8.",
    )


def _parse_date(raw: object, line: int | None, where_zh: str, where_en: str) -> date:
    match = _DATE_RE.match(raw) if isinstance(raw, str) else None
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise CalendarFileError(
        "bad_date",
        f"{where_zh}日期“{raw}”无效，应为 YYYY-MM-DD。",
        f"{where_en}: invalid date {raw!r}, expected YYYY-MM-DD.",
        line,
    )


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
            raise CalendarFileError(
                "bad_row",
                f"第 {line} 行的列数多于表头。",
                f"Line {line} has more cells than the header.",
                line,
            )
        cells += [""] * (len(columns) - len(cells))
        where_zh, where_en = f"第 {line} 行", f"line {line}"
        day = _parse_date(cells[columns["date"]], line, where_zh, where_en)
        kind = cells[columns["type"]].lower()
        if kind in _HOLIDAY_WORDS:
            is_workday = False
        elif kind in _WORKDAY_WORDS:
            is_workday = True
        else:
            raise CalendarFileError(
                "bad_type",
                f"第 {line} 行的类型“{kind}”无效，应为 休/班（holiday/workday）。",
                f"Line {line}: invalid type {kind!r}, expected holiday or workday (休/班).",
                line,
            )
        name = cells[columns["name"]] if "name" in columns else ""
        entries.append(_Entry(day, is_workday, name, line, where_zh, where_en))
    if columns is None:
        raise CalendarFileError("empty_file", "文件为空。", "The file is empty.")
    return entries


def _csv_header(cells: list[str], line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _CSV_COLUMNS.get(cell.lower())
        if key is None:
            raise CalendarFileError(
                "unknown_column",
                f"未知的列“{cell}”；可用列：日期,类型,名称（date,type,name）。",
                f"Unknown column {cell!r}; expected date,type,name (日期,类型,名称).",
                line,
            )
        if key in columns:
            raise CalendarFileError("duplicate_column", f"列“{cell}”重复。", f"Column {cell!r} appears twice.", line)
        columns[key] = index
    for required in ("date", "type"):
        if required not in columns:
            raise CalendarFileError(
                "missing_column",
                f"缺少列“{required}”（表头应为 日期,类型,名称）。",
                f"Missing column {required!r} (header should be date,type,name).",
                line,
            )
    return columns


def _json_entries(text: str) -> tuple[int, list[_Entry]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError(
            "bad_json", f"JSON 格式错误：{exc.msg}。", f"Invalid JSON: {exc.msg}.", exc.lineno
        ) from None

    def structure(zh: str, en: str) -> CalendarFileError:
        return CalendarFileError("bad_structure", zh, en)

    if not isinstance(doc, dict):
        raise structure("JSON 顶层应为对象。", "The JSON document must be an object.")
    unknown = sorted(set(doc) - _JSON_TOP_KEYS)
    if unknown:
        raise structure(f"未知字段：{', '.join(unknown)}。", f"Unknown fields: {', '.join(unknown)}.")
    file_year = doc.get("year")
    if isinstance(file_year, bool) or not isinstance(file_year, int) or not 1949 < file_year < 10000:
        raise CalendarFileError(
            "bad_year",
            '缺少年份或年份无效（"year": 2027）。',
            'Missing or invalid "year" (e.g. "year": 2027).',
        )
    if "holidays" not in doc:
        raise structure('缺少 "holidays" 列表。', 'Missing the "holidays" list.')
    entries: list[_Entry] = []
    for key, is_workday in (("holidays", False), ("workdays", True)):
        items = doc.get(key, [])
        if not isinstance(items, list):
            raise structure(f'"{key}" 应为列表。', f'"{key}" must be a list.')
        for index, item in enumerate(items):
            where_zh = where_en = f"{key}[{index}]"
            if isinstance(item, str):
                raw, name = item, ""
            elif isinstance(item, dict):
                extra = sorted(set(item) - _JSON_ENTRY_KEYS)
                if extra:
                    raise structure(
                        f"{where_zh} 含未知字段：{', '.join(extra)}。",
                        f"{where_en} has unknown fields: {', '.join(extra)}.",
                    )
                raw, name = item.get("date"), item.get("name", "")
                if not isinstance(name, str):
                    raise structure(f"{where_zh} 的名称应为字符串。", f"{where_en}: name must be a string.")
            else:
                raise structure(f"{where_zh} 应为对象或日期字符串。", f"{where_en} must be an object or a date string.")
            day = _parse_date(raw, None, where_zh, where_en)
            entries.append(_Entry(day, is_workday, name.strip(), None, where_zh, where_en))
    return file_year, entries


def _validate(entries: list[_Entry], stated_year: int | None) -> list[DayOverride]:
    if not entries:
        raise CalendarFileError("empty_file", "文件中没有任何日期。", "The file lists no days.")
    seen: dict[date, _Entry] = {}
    for e in entries:
        if e.day.year != stated_year:
            raise CalendarFileError(
                "date_outside_year",
                f"{e.where_zh}的日期 {e.day} 不在 {stated_year} 年内。",
                f"{e.where_en}: {e.day} is outside the year {stated_year}.",
                e.line,
            )
        previous = seen.get(e.day)
        if previous is not None:
            if previous.is_workday != e.is_workday:
                raise CalendarFileError(
                    "holiday_and_workday",
                    f"{e.where_zh}：{e.day} 同时被列为假日和调休上班日。",
                    f"{e.where_en}: {e.day} is listed both as a holiday and as a workday.",
                    e.line,
                )
            raise CalendarFileError(
                "duplicate_date",
                f"{e.where_zh}：{e.day} 重复列出。",
                f"{e.where_en}: {e.day} is listed twice.",
                e.line,
            )
        if e.is_workday and e.day.weekday() < _SATURDAY:
            raise CalendarFileError(
                "workday_on_weekday",
                f"{e.where_zh}：{e.day} 是工作日（周一至周五），不能列为调休上班日。",
                f"{e.where_en}: {e.day} is a weekday (Mon-Fri); only a Saturday or Sunday can be an adjusted workday.",
                e.line,
            )
        seen[e.day] = e
    if not any(not e.is_workday for e in entries):
        raise CalendarFileError(
            "no_holidays",
            f"文件未列出 {stated_year} 年的任何假日。",
            f"The file lists no holiday for {stated_year}.",
        )
    return [DayOverride(e.day, e.is_workday, e.name) for e in sorted(entries, key=lambda e: e.day)]
