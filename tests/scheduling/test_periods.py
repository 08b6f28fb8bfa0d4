"""Calendar-period deadlines: end-of-month clamping and the Measures' durations."""

from __future__ import annotations

import calendar as std_calendar
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ground.clock import shanghai_date
from scheduling.rules.periods import (
    TimeRules,
    add_months,
    add_years,
    annual_report_due,
    construction_deadline,
    evaluation_dates,
    major_change_report_deadline,
    reapplication_ban_end,
    rectification_deadline,
    warning_rectification_deadline,
)

D = date


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 3, D(2027, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 3, 15), 3, D(2027, 3, 15)),
        (D(2024, 12, 31), 1, D(2025, 12, 31)),
    ],
)
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 7, 31), 6, D(2026, 1, 31)),  # across a year end
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(min_value=0, max_value=120))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(start, months):
    result = add_months(start, months)
    index = start.year * 12 + start.month - 1 + months
    assert (result.year, result.month) == (index // 12, index % 12 + 1)
    last = std_calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


def test_annual_report_due_30_june_next_year():
    assert annual_report_due(2024) == D(2025, 6, 30)
    assert annual_report_due(2026) == D(2027, 6, 30)
    assert annual_report_due(2024, TimeRules(annual_report_due_month=2)) == D(2025, 2, 28)  # end of that month


def test_evaluation_dates_count_from_the_naming_date():
    assert evaluation_dates(D(2020, 2, 29), D(2036, 12, 31)) == [
        D(2023, 2, 28),
        D(2026, 2, 28),
        D(2029, 2, 28),
        D(2032, 2, 29),
        D(2035, 2, 28),
    ]
    assert evaluation_dates(D(2021, 6, 1), D(2027, 6, 1)) == [D(2024, 6, 1), D(2027, 6, 1)]  # until inclusive
    assert evaluation_dates(D(2021, 6, 1), D(2024, 5, 31)) == []
    assert evaluation_dates(D(2021, 6, 1), D(2030, 1, 1), TimeRules(evaluation_interval_years=5)) == [D(2026, 6, 1)]


def test_reapplication_ban_end():
    assert reapplication_ban_end(D(2024, 5, 20)) == D(2027, 5, 20)
    assert reapplication_ban_end(D(2024, 2, 29)) == D(2027, 2, 28)


def test_construction_deadline():
    assert construction_deadline(D(2024, 3, 15), False) == D(2027, 3, 15)
    assert construction_deadline(D(2024, 3, 15), True) == D(2028, 3, 15)
    assert construction_deadline(D(2024, 3, 15), True, extension_months=6) == D(2027, 9, 15)
    assert construction_deadline(D(2024, 2, 29), False) == D(2027, 2, 28)
    assert construction_deadline(D(2024, 2, 29), True) == D(2028, 2, 29)  # clamped once, not twice
    assert construction_deadline(D(2024, 3, 15), False, TimeRules(construction_years=2)) == D(2026, 3, 15)


@pytest.mark.parametrize("months", [0, 13, -1])
def test_construction_extension_is_at_most_one_year(months):
    with pytest.raises(ValueError, match=r"Art\. 11"):
        construction_deadline(D(2024, 3, 15), True, extension_months=months)


def test_extension_months_need_an_extension():
    with pytest.raises(ValueError):
        construction_deadline(D(2024, 3, 15), False, extension_months=6)


def test_major_change_and_rectification_deadlines():
    assert major_change_report_deadline(D(2024, 8, 31)) == D(2025, 2, 28)
    assert major_change_report_deadline(D(2025, 1, 10)) == D(2025, 7, 10)
    assert rectification_deadline(D(2024, 1, 31)) == D(2024, 2, 29)
    assert rectification_deadline(D(2025, 1, 31)) == D(2025, 2, 28)
    assert rectification_deadline(D(2025, 12, 20)) == D(2026, 1, 20)


def test_warning_rectification_deadline():
    assert warning_rectification_deadline(D(2024, 2, 29)) == D(2025, 2, 28)
    assert warning_rectification_deadline(D(2024, 2, 29), months=6) == D(2024, 8, 29)
    for months in (0, 13, True):
        with pytest.raises(ValueError, match=r"Art\. 26"):
            warning_rectification_deadline(D(2024, 2, 29), months=months)


@pytest.mark.parametrize("bad", [0, -3, True, 1.5])
def test_time_rules_must_be_positive_ints(bad):
    with pytest.raises(ValueError):
        TimeRules(construction_years=bad)


def test_time_rules_month_range():
    with pytest.raises(ValueError):
        TimeRules(annual_report_due_month=13)


def test_shanghai_date():
    assert shanghai_date(datetime(2024, 12, 31, 16, 30, tzinfo=UTC)) == D(2025, 1, 1)
    assert shanghai_date(datetime(2024, 12, 31, 15, 59, tzinfo=UTC)) == D(2024, 12, 31)
    assert shanghai_date(datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=8)))) == D(2025, 1, 1)
    with pytest.raises(ValueError):
        shanghai_date(datetime(2025, 1, 1))
    with pytest.raises(TypeError):
        shanghai_date(D(2025, 1, 1))


def test_datetimes_are_refused_where_a_date_is_meant():
    with pytest.raises(TypeError):
        add_years(datetime(2024, 2, 29, tzinfo=UTC), 1)
    with pytest.raises(TypeError):
        construction_deadline(datetime(2024, 2, 29, tzinfo=UTC), False)
