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
table (seeded with :func:`official_overrides`, extended by an administrator with a year file, see
:mod:`scheduling.rules.year_files`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "DayOverride",
    "DayStatus",
    "WorkingDayCalendar",
    "WorkingDayCount",
    "WorkingDayResult",
    "official_overrides",
    "supported_official_years",
]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _check_date(value: object, what: str = "date") -> date:
    # datetime is a subclass of date but never equal to one, so a datetime would silently miss every
    # override; callers convert instants to an Asia/Shanghai date first (ground.clock.shanghai_date).
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

    def working_days(self, start: date, end: date) -> list[WorkingDayResult]:
        """The working days from ``start`` to ``end`` (both included) in order, each provisional when its year
        is not loaded. Empty when ``end < start``."""
        _check_date(start, "start")
        _check_date(end, "end")
        days, day = [], start
        while day <= end:
            working, provisional = self._status(day)
            if working:
                days.append(WorkingDayResult(day, provisional))
            day += _ONE_DAY
        return days

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
    years = {d.year for d in chinese_calendar.holidays}
    return list(range(min(years), max(years) + 1))


def official_overrides(years: Iterable[int]) -> list[DayOverride]:
    """The official holidays and adjusted workdays of ``years``, sorted by date, named in Chinese.

    Raises ValueError for a year the package does not carry: the service must then mark that year as not
    loaded (Mon-Fri, provisional) or have an administrator load it (:mod:`scheduling.rules.year_files`).
    """
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
