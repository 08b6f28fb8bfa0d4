"""The working-day calendar: golden days from the State Council's published schedules, provisional years,
year files, and properties of add_working_days."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.rules.calendar import (
    DayOverride,
    WorkingDayCalendar,
    official_overrides,
    supported_official_years,
)
from scheduling.rules.year_files import CalendarFileError, parse_year_file

OFFICIAL = WorkingDayCalendar.official()
D = date


def days(start: date, end: date) -> set[date]:
    return {start + timedelta(n) for n in range((end - start).days + 1)}


def add(start: date, n: int, calendar: WorkingDayCalendar = OFFICIAL) -> date:
    result = calendar.add_working_days(start, n)
    assert not result.provisional
    return result.date


# -- the official data ------------------------------------------------------------------------------------


def test_package_carries_2004_to_at_least_2026():
    years = supported_official_years()
    assert years[0] == 2004 and years[-1] >= 2026
    assert years == list(range(years[0], years[-1] + 1))


def test_every_loaded_day_agrees_with_the_package():
    day = D(2004, 1, 1)
    while day.year <= 2026:
        assert OFFICIAL.is_working_day(day).is_working_day == chinese_calendar.is_workday(day), day
        day += timedelta(1)


def test_official_overrides_reject_a_year_the_package_lacks():
    beyond = supported_official_years()[-1] + 1
    with pytest.raises(ValueError, match=str(beyond)):
        official_overrides([2025, beyond])


def test_official_overrides_are_named_in_chinese_and_sorted():
    overrides = official_overrides([2025])
    assert [o.day for o in overrides] == sorted(o.day for o in overrides)
    assert DayOverride(D(2025, 1, 28), False, "春节") in overrides
    assert DayOverride(D(2025, 9, 28), True, "国庆节") in overrides
    assert OFFICIAL.override_name(D(2025, 10, 1)) == "国庆节"
    assert OFFICIAL.override_name(D(2025, 10, 9)) is None


def _schedule(year_overrides: list[DayOverride], lo: date, hi: date) -> tuple[set[date], set[date]]:
    inside = [o for o in year_overrides if lo <= o.day <= hi]
    return {o.day for o in inside if not o.is_workday}, {o.day for o in inside if o.is_workday}


# Hand-copied from the State Council General Office notices (国务院办公厅关于…部分节假日安排的通知) for 2024,
# 2025 and 2026: each holiday block and its make-up weekend days.
GOLDEN_SCHEDULES = [
    # Spring Festival 2024: 2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。
    (
        "spring 2024",
        D(2024, 2, 1),
        D(2024, 2, 29),
        days(D(2024, 2, 10), D(2024, 2, 17)),
        {D(2024, 2, 4), D(2024, 2, 18)},
    ),
    # Spring Festival 2025: 1月28日至2月4日放假调休，共8天。1月26日（星期日）、2月8日（星期六）上班。
    (
        "spring 2025",
        D(2025, 1, 20),
        D(2025, 2, 15),
        days(D(2025, 1, 28), D(2025, 2, 4)),
        {D(2025, 1, 26), D(2025, 2, 8)},
    ),
    # Spring Festival 2026: 2月15日至23日放假调休，共9天。2月14日（星期六）、2月28日（星期六）上班。
    (
        "spring 2026",
        D(2026, 2, 1),
        D(2026, 3, 10),
        days(D(2026, 2, 15), D(2026, 2, 23)),
        {D(2026, 2, 14), D(2026, 2, 28)},
    ),
    # National Day 2024: 10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
    (
        "national 2024",
        D(2024, 9, 25),
        D(2024, 10, 20),
        days(D(2024, 10, 1), D(2024, 10, 7)),
        {D(2024, 9, 29), D(2024, 10, 12)},
    ),
    # National Day and Mid-autumn 2025: 10月1日至8日放假调休，共8天。9月28日（星期日）、10月11日（星期六）上班。
    (
        "national 2025",
        D(2025, 9, 25),
        D(2025, 10, 20),
        days(D(2025, 10, 1), D(2025, 10, 8)),
        {D(2025, 9, 28), D(2025, 10, 11)},
    ),
]


@pytest.mark.parametrize(
    ("label", "lo", "hi", "holidays", "workdays"), GOLDEN_SCHEDULES, ids=[g[0] for g in GOLDEN_SCHEDULES]
)
def test_official_schedule_matches_the_published_notice(label, lo, hi, holidays, workdays):
    assert _schedule(official_overrides([lo.year]), lo, hi) == (holidays, workdays)
    for day in workdays:
        assert day.weekday() >= 5  # make-up days are weekends ...
        assert OFFICIAL.is_working_day(day).is_working_day  # ... and on
    for day in holidays:
        assert not OFFICIAL.is_working_day(day).is_working_day


# -- add_working_days golden cases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring Festival 2024: Thu 8, Fri 9, make-up Sun 18, Mon 19, Tue 20.
        (D(2024, 2, 8), 5, D(2024, 2, 20)),
        (D(2024, 2, 4), 1, D(2024, 2, 4)),  # a make-up Sunday counts as the first day
        (D(2024, 2, 10), 1, D(2024, 2, 18)),  # first working day after the holiday is a Sunday
        # Spring Festival 2025: Fri 24, make-up Sun 26, Mon 27, then Wed 5 and Thu 6 February.
        (D(2025, 1, 24), 5, D(2025, 2, 6)),
        (D(2025, 2, 5), 4, D(2025, 2, 8)),  # the make-up Saturday 8 Feb is the 4th
        # Spring Festival 2026: Thu 12, Fri 13, make-up Sat 14, then Tue 24, Wed 25.
        (D(2026, 2, 12), 5, D(2026, 2, 25)),
        (D(2026, 2, 24), 5, D(2026, 2, 28)),  # 24, 25, 26, 27 and the make-up Saturday 28
        # National Day 2024: Fri 27 Sep, make-up Sun 29, Mon 30, Tue 8 and Wed 9 Oct.
        (D(2024, 9, 27), 5, D(2024, 10, 9)),
        (D(2024, 10, 1), 5, D(2024, 10, 12)),  # published on a holiday: 8-11 Oct and make-up Sat 12
        # National Day 2025: Fri 26 Sep, make-up Sun 28, Mon 29, Tue 30, Thu 9 Oct.
        (D(2025, 9, 26), 5, D(2025, 10, 9)),
        (D(2025, 10, 9), 5, D(2025, 10, 14)),  # 9, 10, make-up Sat 11, 13, 14
        # 29 February 2024 is an ordinary Thursday.
        (D(2024, 2, 29), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 2, D(2024, 3, 1)),
        (D(2024, 2, 29), 5, D(2024, 3, 6)),
        # Month ends: 31 May 2025 opens the Dragon Boat holiday (31 May-2 June).
        (D(2025, 5, 29), 5, D(2025, 6, 5)),
        (D(2024, 4, 30), 5, D(2024, 5, 9)),  # Labour Day 2024: 1-5 May off, make-up Sat 11 May
        (D(2024, 8, 30), 2, D(2024, 9, 2)),  # an ordinary weekend across a month end
        # Year ends, both years loaded.
        (D(2024, 12, 30), 5, D(2025, 1, 6)),  # 30, 31 Dec, (1 Jan off) 2, 3, 6 Jan
        (D(2025, 12, 31), 5, D(2026, 1, 7)),  # 31 Dec, (1-3 Jan off) make-up Sun 4 Jan, 5, 6, 7
        (D(2025, 12, 27), 1, D(2025, 12, 29)),  # published on a Saturday
    ],
)
def test_add_working_days_golden(start, n, expected):
    assert add(start, n) == expected
    assert OFFICIAL.working_days_between(start, expected).count == n


def test_notice_running_into_an_unloaded_year_is_provisional():
    # 2026-12-28 is a Monday; 2027 is not loaded, so 1 Jan 2027 counts as an ordinary Friday.
    result = OFFICIAL.add_working_days(D(2026, 12, 28), 5)
    assert (result.date, result.provisional) == (D(2027, 1, 1), True)
    # Four days stay inside 2026 and are firm.
    assert OFFICIAL.add_working_days(D(2026, 12, 28), 4) == OFFICIAL.add_working_days(D(2026, 12, 31), 1)
    assert not OFFICIAL.add_working_days(D(2026, 12, 28), 4).provisional


def test_loading_the_year_makes_it_firm_and_recomputes():
    data = b"date,type,name\n2027-01-01,holiday,New Year's Day\n"
    loaded = OFFICIAL.with_year(2027, parse_year_file(data, "2027.csv"))
    result = loaded.add_working_days(D(2026, 12, 28), 5)
    assert (result.date, result.provisional) == (D(2027, 1, 4), False)
    assert OFFICIAL.loaded_years | {2027} == loaded.loaded_years
    assert 2027 not in OFFICIAL.loaded_years  # calendars are immutable


def test_with_year_replaces_the_previous_overrides_of_that_year():
    first = WorkingDayCalendar([DayOverride(D(2030, 1, 1), False, "a"), DayOverride(D(2031, 1, 1), False)])
    second = first.with_year(2030, [DayOverride(D(2030, 1, 2), False, "b")])
    assert D(2030, 1, 1) not in second.overrides and D(2030, 1, 2) in second.overrides
    assert second.override_name(D(2031, 1, 1)) == ""
    with pytest.raises(ValueError):
        first.with_year(2030, [DayOverride(D(2029, 12, 31), False)])


def test_unloaded_years_count_monday_to_friday():
    status = OFFICIAL.is_working_day(D(2027, 10, 1))  # surely a holiday, but not yet published
    assert tuple(status) == (True, True)
    assert tuple(OFFICIAL.is_working_day(D(2027, 10, 2))) == (False, True)
    assert tuple(OFFICIAL.is_working_day(D(2003, 1, 1))) == (True, True)  # before the package's data
    assert tuple(OFFICIAL.is_working_day(D(2025, 10, 1))) == (False, False)


def test_day_status_refuses_truthiness():
    with pytest.raises(TypeError):
        bool(OFFICIAL.is_working_day(D(2025, 10, 1)))


@pytest.mark.parametrize("n", [0, -1, -5])
def test_add_working_days_needs_a_positive_count(n):
    with pytest.raises(ValueError, match=">= 1"):
        OFFICIAL.add_working_days(D(2025, 1, 2), n)


def test_inputs_are_dates_not_datetimes():
    with pytest.raises(TypeError):
        OFFICIAL.add_working_days(datetime(2025, 1, 2, 9, 0), 5)
    with pytest.raises(TypeError):
        OFFICIAL.add_working_days(D(2025, 1, 2), True)
    with pytest.raises(TypeError):
        OFFICIAL.is_working_day("2025-01-02")


def test_next_working_day():
    assert OFFICIAL.next_working_day(D(2025, 9, 30)).date == D(2025, 10, 9)
    assert OFFICIAL.next_working_day(D(2025, 9, 26)).date == D(2025, 9, 28)  # make-up Sunday
    assert OFFICIAL.next_working_day(D(2025, 9, 26), include_start=True).date == D(2025, 9, 26)
    assert OFFICIAL.next_working_day(D(2025, 10, 4), include_start=True).date == D(2025, 10, 9)
    assert OFFICIAL.next_working_day(D(2026, 12, 31)).provisional


def test_working_days_between():
    assert tuple(OFFICIAL.working_days_between(D(2025, 10, 1), D(2025, 10, 8))) == (0, False)
    assert OFFICIAL.working_days_between(D(2025, 9, 26), D(2025, 10, 11)).count == 7
    assert OFFICIAL.working_days_between(D(2025, 3, 5), D(2025, 3, 4)).count == 0
    assert OFFICIAL.working_days_between(D(2025, 3, 5), D(2025, 3, 5)).count == 1
    assert OFFICIAL.working_days_between(D(2026, 12, 30), D(2027, 1, 1)).provisional


def test_calendar_from_a_mapping():
    cal = WorkingDayCalendar({D(2030, 1, 1): False, D(2030, 1, 5): True})
    assert cal.loaded_years == frozenset({2030})
    assert tuple(cal.is_working_day(D(2030, 1, 1))) == (False, False)
    assert tuple(cal.is_working_day(D(2030, 1, 5))) == (True, False)  # a Saturday made a workday
    assert tuple(cal.is_working_day(D(2031, 1, 1))) == (True, True)


def test_calendar_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="not loaded"):
        WorkingDayCalendar({D(2030, 1, 1): False}, loaded_years={2031})
    with pytest.raises(ValueError, match="both"):
        WorkingDayCalendar([DayOverride(D(2030, 1, 1), False), DayOverride(D(2030, 1, 1), True)])
    with pytest.raises(TypeError):
        DayOverride(datetime(2030, 1, 1), False)


def test_an_empty_loaded_year_is_plain_weekdays_but_firm():
    cal = WorkingDayCalendar((), loaded_years={2030})
    assert cal.add_working_days(D(2030, 1, 4), 2) == cal.add_working_days(D(2030, 1, 7), 1)
    assert not cal.add_working_days(D(2030, 1, 4), 2).provisional


# -- properties ---------------------------------------------------------------------------------------------

starts = st.dates(min_value=D(2003, 6, 1), max_value=D(2027, 6, 30))
counts = st.integers(min_value=1, max_value=40)


@given(starts, counts)
def test_result_is_a_working_day_counting_exactly_n(start, n):
    result = OFFICIAL.add_working_days(start, n)
    assert result.date >= start
    assert OFFICIAL.is_working_day(result.date).is_working_day
    assert OFFICIAL.working_days_between(start, result.date).count == n
    assert OFFICIAL.working_days_between(start, result.date - timedelta(1)).count == n - 1


@given(starts, counts)
def test_provisional_iff_an_unloaded_day_was_looked_at(start, n):
    result = OFFICIAL.add_working_days(start, n)
    looked_at = days(start, result.date)
    assert result.provisional == any(d.year not in OFFICIAL.loaded_years for d in looked_at)


@given(starts, counts)
def test_results_strictly_increase_with_n(start, n):
    assert OFFICIAL.add_working_days(start, n).date < OFFICIAL.add_working_days(start, n + 1).date


@given(starts)
def test_one_working_day_is_the_start_or_the_next(start):
    result = OFFICIAL.add_working_days(start, 1).date
    assert result == OFFICIAL.next_working_day(start, include_start=True).date
    assert OFFICIAL.working_days_between(start, result - timedelta(1)).count == 0


# -- year files ---------------------------------------------------------------------------------------------


def _csv(overrides: list[DayOverride]) -> bytes:
    rows = ["date,type,name"] + [
        f"{o.day.isoformat()},{'workday' if o.is_workday else 'holiday'},{o.name}" for o in overrides
    ]
    return "\n".join(rows).encode()


def test_official_year_round_trips_through_csv_and_json():
    official = official_overrides([2026])
    assert parse_year_file(_csv(official), "2026.csv", year=2026) == official
    doc = {
        "year": 2026,
        "holidays": [{"date": o.day.isoformat(), "name": o.name} for o in official if not o.is_workday],
        "workdays": [{"date": o.day.isoformat(), "name": o.name} for o in official if o.is_workday],
    }
    assert parse_year_file(json.dumps(doc, ensure_ascii=False).encode(), "2026.JSON") == official


def test_chinese_csv_from_excel_in_gb18030():
    text = (
        "日期,类型,名称\n2027年1月1日,休,元旦\n2027/2/6,班,春节\n\n"
        "# 备注行\n2027-02-10,假日,春节\n2027-2-20,调休上班,春节\n"
    )
    parsed = parse_year_file(text.encode("gb18030"), "节假日2027.csv")
    assert parsed == [
        DayOverride(D(2027, 1, 1), False, "元旦"),
        DayOverride(D(2027, 2, 6), True, "春节"),
        DayOverride(D(2027, 2, 10), False, "春节"),
        DayOverride(D(2027, 2, 20), True, "春节"),
    ]


def test_csv_with_bom_reordered_columns_and_no_name():
    data = "\ufefftype,date\nholiday,2027-01-01\n".encode()
    assert parse_year_file(data, "y.csv") == [DayOverride(D(2027, 1, 1), False, "")]


def test_json_accepts_bare_date_strings():
    data = b'{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}'
    assert parse_year_file(data, "y.json", year=2027) == [DayOverride(D(2027, 1, 1), False, "")]


@pytest.mark.parametrize(
    ("filename", "data", "code", "line"),
    [
        ("y.csv", b"date,type,name\n2027-01-01,holiday,a\n2027-02-30,holiday,b\n", "bad_date", 3),
        ("y.csv", b"date,type,name\n2027-01-01,holiday,a\n01/02/2027,holiday,b\n", "bad_date", 3),
        ("y.csv", b"date,type,name\n2027-01-01,holiday,a\n2028-01-01,holiday,b\n", "date_outside_year", 3),
        ("y.csv", b"date,type\n2027-01-01,holiday\n2027-01-01,workday\n", "holiday_and_workday", 3),
        ("y.csv", b"date,type\n2027-01-01,holiday\n2027-01-01,holiday\n", "duplicate_date", 3),
        ("y.csv", b"date,type\n2027-01-01,holiday\n2027-01-04,workday\n", "workday_on_weekday", 3),
        ("y.csv", b"date,type\n2027-01-01,vacation\n", "bad_type", 2),
        ("y.csv", b"date,type,remark\n", "unknown_column", 1),
        ("y.csv", b"date,name\n2027-01-01,x\n", "missing_column", 1),
        ("y.csv", b"date,type,date\n", "duplicate_column", 1),
        ("y.csv", b"date,type\n2027-01-01,holiday,extra\n", "bad_row", 2),
        ("y.csv", b"date,type\n2027-01-02,workday\n", "no_holidays", None),
        ("y.csv", b"date,type\n", "empty_file", None),
        ("y.csv", b"  \n", "empty_file", None),
        ("y.xlsx", b"anything", "unsupported_format", None),
        ("y.csv", b"\xff\xfe\x00\x00" * 3, "bad_encoding", None),
        ("y.json", b'{"year": 2027,\n "holidays": [}', "bad_json", 2),
        ("y.json", b"[]", "bad_structure", None),
        ("y.json", b'{"year": 2027, "holiday": []}', "bad_structure", None),
        ("y.json", b'{"year": 2027}', "bad_structure", None),
        ("y.json", b'{"year": 2027, "holidays": [{"date": "2027-01-01", "note": 1}]}', "bad_structure", None),
        ("y.json", b'{"year": 2027, "holidays": [3]}', "bad_structure", None),
        ("y.json", b'{"year": "2027", "holidays": []}', "bad_year", None),
        ("y.json", b'{"year": 2027, "holidays": [{"date": "2026-12-31"}]}', "date_outside_year", None),
        ("y.json", b'{"year": 2027, "holidays": [], "workdays": ["2027-01-09"]}', "no_holidays", None),
    ],
)
def test_year_file_errors(filename, data, code, line):
    with pytest.raises(CalendarFileError) as info:
        parse_year_file(data, filename)
    assert (info.value.code, info.value.line) == (code, line)
    from scheduling.wording import rule_text

    message = rule_text(info.value.text)
    assert message.zh != message.en and info.value.message_en
    assert code in str(info.value)


def test_year_file_must_match_the_selected_year():
    with pytest.raises(CalendarFileError) as info:
        parse_year_file(b'{"year": 2027, "holidays": ["2027-01-01"]}', "y.json", year=2028)
    assert info.value.code == "year_mismatch"
    with pytest.raises(CalendarFileError) as info:
        parse_year_file(b"date,type\n2027-01-01,holiday\n", "y.csv", year=2028)
    assert info.value.code == "date_outside_year"


def test_year_file_size_limit():
    with pytest.raises(CalendarFileError) as info:
        parse_year_file(b"x" * (1024 * 1024 + 1), "y.csv")
    assert info.value.code == "file_too_large"


def test_working_days_of_a_span_follow_the_official_schedule():
    # Spring Festival 2025: 28 Jan - 4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked.
    span = OFFICIAL.working_days(D(2025, 1, 25), D(2025, 2, 9))
    assert [d.date for d in span] == [D(2025, 1, 26), D(2025, 1, 27), D(2025, 2, 5), D(2025, 2, 6), D(2025, 2, 7),
                                      D(2025, 2, 8)]
    assert not any(d.provisional for d in span)
    assert OFFICIAL.working_days(D(2025, 2, 9), D(2025, 2, 8)) == []
    partial = WorkingDayCalendar({}, loaded_years=[2030]).working_days(D(2030, 12, 30), D(2031, 1, 2))
    assert [(d.date, d.provisional) for d in partial] == [
        (D(2030, 12, 30), False), (D(2030, 12, 31), False), (D(2031, 1, 1), True), (D(2031, 1, 2), True)]
    with pytest.raises(TypeError):
        OFFICIAL.working_days(datetime(2025, 1, 1), D(2025, 1, 2))


@given(st.dates(D(2004, 1, 1), D(2026, 12, 31)), st.integers(0, 40))
def test_working_days_agree_with_the_count_and_the_single_day_rule(start, length):
    end = start + timedelta(days=length)
    span = OFFICIAL.working_days(start, end)
    assert len(span) == OFFICIAL.working_days_between(start, end).count
    assert [d.date for d in span] == [d for d in sorted(days(start, end)) if OFFICIAL.is_working_day(d).is_working_day]
