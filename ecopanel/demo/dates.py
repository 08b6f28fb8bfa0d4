"""The demo's calendar: its "today", its "now", and when on a day its events were entered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ground.clock import SHANGHAI
from scheduling.rules.calendar import WorkingDayCalendar

#: The official calendar (holidays and make-up workdays) of the years the demo's history spans: the same
#: working-day rule as the service's, not a Monday-Friday approximation.
_CALENDAR = WorkingDayCalendar.official()

DEMO_TODAY = date(2026, 11, 24)
DEMO_NOW = datetime.combine(DEMO_TODAY, time(12), SHANGHAI).astimezone(UTC)  # the demo's "now"


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in Shanghai on ``day``, as a UTC instant: when a demo event was entered."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


def workday(day: date, back: bool = False) -> date:
    """The nearest working day from ``day`` (offices act on working days), later or (``back``) earlier."""
    while not _CALENDAR.is_working_day(day).is_working_day:
        day += timedelta(days=-1 if back else 1)
    return day

