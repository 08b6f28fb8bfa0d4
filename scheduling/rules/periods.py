"""Calendar-period deadlines of the Measures, as plain date arithmetic.

Every period here is counted in calendar years or months from a start date, in Asia/Shanghai dates, with
``dateutil.relativedelta``: a day that does not exist in the target month clamps to the month's last day
(29 Feb 2024 + 1 year = 28 Feb 2025; 31 Aug + 6 months = 28/29 Feb).

**What a returned deadline means [rule].** Each function returns the *last day of the period*: the act is on
time if done on or before that date, and the consequence applies from the next day. This follows the PRC Civil
Code's reckoning of periods (民法典 第二百零一条、第二百零二条: the start day is not counted, and a period in
years or months ends on the corresponding day of the final month, or that month's last day if it has none),
which is exactly ``start + relativedelta(...)``. The Civil Code also moves a deadline that falls on a holiday
to the next working day (第二百零三条); the Measures do not say so and we do **not** do it here; a service
that wants it can apply ``WorkingDayCalendar.next_working_day(d, include_start=True)`` to the result.

The durations are [rule]s: configurable through :class:`TimeRules`, defaulting to the Measures' numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

__all__ = [
    "DEFAULT_RULES",
    "TimeRules",
    "add_months",
    "add_years",
    "annual_report_due",
    "construction_deadline",
    "evaluation_dates",
    "major_change_report_deadline",
    "reapplication_ban_end",
    "rectification_deadline",
    "warning_rectification_deadline",
]

@dataclass(frozen=True)
class TimeRules:
    """The programme's durations. Defaults are the Measures' numbers; each one is a [rule] a deployment may
    change (e.g. a provincial programme under Art. 41 with its own periods)."""

    construction_years: int = 3  # Art. 11: 建设期自批准之日起，不超过3年
    extension_max_months: int = 12  # Art. 11: 延期不得超过1年
    major_change_report_months: int = 6  # Art. 12: 调整发生后6个月内报告
    verification_rectification_months: int = 1  # Art. 18: 1个月内提交整改后的验收材料
    warning_rectification_max_months: int = 12  # Art. 26: 限期不超过1年完成整改
    evaluation_interval_years: int = 3  # Art. 25: 自获得命名之日起，每3年开展一次绩效评价
    reapplication_ban_years: int = 3  # Art. 28: 3年内不得再次申请创建
    annual_report_due_month: int = 6  # Art. 23: 于次年6月底前报送 (last day of this month of year Y+1)
    public_notice_working_days: int = 5  # Art. 10: 公示5个工作日
    naming_notice_working_days: int = 5  # Art. 19: 公示时间为5个工作日

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"TimeRules.{f.name} must be a positive int, got {value!r}")
        if self.annual_report_due_month > 12:
            raise ValueError("TimeRules.annual_report_due_month must be 1-12")


DEFAULT_RULES = TimeRules()


def _check_date(value: object, what: str) -> date:
    # A datetime is a date subclass; adding relativedelta to it would quietly return a datetime in whatever
    # zone it carried. Programme dates are Shanghai calendar dates: callers convert instants first
    # (ground.clock.shanghai_date).
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (not a datetime), got {type(value).__name__}")
    return value


def add_years(start: date, years: int) -> date:
    """``start`` + ``years`` calendar years; 29 Feb clamps to 28 Feb in a common year."""
    return _check_date(start, "start") + relativedelta(years=years)


def add_months(start: date, months: int) -> date:
    """``start`` + ``months`` months; a missing day clamps to the month's end (31 Aug + 6 -> 28 Feb)."""
    return _check_date(start, "start") + relativedelta(months=months)


def annual_report_due(year: int, rules: TimeRules = DEFAULT_RULES) -> date:
    """Last day to file the annual report for ``year`` after provincial review (Art. 23): 30 June of year+1.

    The Measures say 次年6月底前 ("before the end of June of the next year"); we read that as due on the last
    day of June inclusive [rule].
    """
    return date(year + 1, rules.annual_report_due_month, 1) + relativedelta(day=31)


def evaluation_dates(naming_date: date, until: date, rules: TimeRules = DEFAULT_RULES) -> list[date]:
    """Due dates of the performance evaluations (Art. 25) up to and including ``until``.

    Each is counted from the naming date (naming + 3 years, naming + 6 years, ...), not from the previous
    one, so a park named on 29 Feb gets 28 Feb in common years and 29 Feb again whenever it exists, instead
    of drifting to the 28th for ever.
    """
    _check_date(naming_date, "naming_date")
    _check_date(until, "until")
    result: list[date] = []
    cycle = 1
    while (due := naming_date + relativedelta(years=cycle * rules.evaluation_interval_years)) <= until:
        result.append(due)
        cycle += 1
    return result


def reapplication_ban_end(revocation_date: date, rules: TimeRules = DEFAULT_RULES) -> date:
    """Last day of the 3-year ban on a new application after revocation for reasons (1)-(3) (Art. 28).

    The ban covers ``revocation_date`` .. the returned date inclusive; a new application is accepted from the
    following day [rule].
    """
    return add_years(revocation_date, rules.reapplication_ban_years)


def construction_deadline(
    approval: date,
    extended: bool,
    rules: TimeRules = DEFAULT_RULES,
    *,
    extension_months: int | None = None,
) -> date:
    """Last day of the construction period (Art. 11): approval + 3 years, plus the extension if granted.

    Art. 11 allows one extension of *at most* 1 year; ``extension_months`` is the length granted (default:
    the maximum). Art. 21 deems creation incomplete when this passes with no acceptance application.
    """
    _check_date(approval, "approval")
    end = approval + relativedelta(years=rules.construction_years)
    if not extended:
        if extension_months is not None:
            raise ValueError("extension_months given for a construction period that was not extended")
        return end
    months = rules.extension_max_months if extension_months is None else extension_months
    if not 1 <= months <= rules.extension_max_months:
        raise ValueError(f"an extension is 1-{rules.extension_max_months} months (Art. 11), got {months}")
    # Counted from approval, not from the end of the 3 years, so that clamping happens once: a 29 Feb
    # approval ends on 28 Feb + 1 year = 28 Feb, or on 29 Feb when approval + 4 years is a leap year.
    return approval + relativedelta(years=rules.construction_years, months=months)


def major_change_report_deadline(change_date: date, rules: TimeRules = DEFAULT_RULES) -> date:
    """Last day to report a major change in writing to the provincial departments (Art. 12): +6 months.

    Not reported by then, the park gets no acceptance (Art. 12), may be stopped (Art. 14 (2)) or, once named,
    warned (Art. 27 (2)).
    """
    return add_months(change_date, rules.major_change_report_months)


def rectification_deadline(feedback_date: date, rules: TimeRules = DEFAULT_RULES) -> date:
    """Last day to resubmit acceptance materials after the verification feedback (Art. 18): +1 month."""
    return add_months(feedback_date, rules.verification_rectification_months)


def warning_rectification_deadline(
    warning_date: date, months: int | None = None, rules: TimeRules = DEFAULT_RULES
) -> date:
    """Last day to complete rectification after a warning (Art. 26: 限期不超过1年).

    The Office sets the period; ``months`` defaults to, and may not exceed, the 12-month maximum.
    """
    limit = rules.warning_rectification_max_months
    months = limit if months is None else months
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= limit:
        raise ValueError(f"a warning's rectification period is 1-{limit} months (Art. 26), got {months!r}")
    return add_months(warning_date, months)
