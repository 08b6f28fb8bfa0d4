"""The working-day calendar backed by the holiday table: the one working-day rule of the application.

Other packages ask here whether a day is a working day (:func:`is_working_day`), for the working days of a
span (:func:`working_days`), or for the calendar itself to ask many questions (:func:`get_calendar`): the
official PRC schedule with its holidays and adjusted workdays (调休上班), never a plain Mon-Fri rule.

* **Seeding [decision]:** lazily, on first use: every year the installed ``chinesecalendar`` carries and the
  table does not have yet is copied in (an administrator's year is never overwritten). The check runs once
  per process and version of the package (``calendar_state.seeded_from``), so upgrading the package brings
  its new years in, and recomputes the provisional deadlines they settle, without a migration.
* **Cache:** each process keeps the built :class:`WorkingDayCalendar` keyed by ``calendar_state``'s
  ``(version, token)``; every change of the table bumps both, so all processes reload at their next use.
  Reading the key is one primary-key lookup.
* **Loading a year** (CLI ``ecopanel calendar load FILE`` and ``POST /api/v1/calendar/years``) replaces that
  year's days, recomputes every notice period that depended on it and tells the people concerned.

Recomputing is :mod:`scheduling.notice_periods`, below this module: it is handed the new calendar.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from typing import Any

import chinese_calendar
from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ground.actor import Actor
from ground.audit import record
from ground.errors import Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import _l
from scheduling import policy
from scheduling.models import CalendarState, CalendarYear, HolidayOverride
from scheduling.notice_periods import recompute_notice_periods
from scheduling.rules.calendar import (
    DayOverride,
    DayStatus,
    WorkingDayCalendar,
    WorkingDayResult,
    official_overrides,
    supported_official_years,
)
from scheduling.rules.year_files import CalendarFileError, parse_year_file
from scheduling.wording import rule_text

log = logging.getLogger(__name__)
MAX_WORKING_DAYS = 3660  # about 14 years: far beyond any period of the Measures, and a bound on the loop


def _package_label() -> str:
    return f"chinesecalendar {chinese_calendar.__version__}"


def _insert_state_row() -> None:
    """Create the single state row if it is missing, without racing another process."""
    values = {"id": 1, "version": 0, "token": uuid.uuid4().hex, "seeded_from": None}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(postgresql.insert(CalendarState).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        db.session.execute(sqlite.insert(CalendarState).values(**values).on_conflict_do_nothing())
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
        if db.session.get(CalendarState, 1) is None:
            db.session.execute(insert(CalendarState).values(**values))


def _locked_state() -> CalendarState:
    """The state row, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    _insert_state_row()
    return db.session.scalars(
        select(CalendarState).where(CalendarState.id == 1).with_for_update().execution_options(
            populate_existing=True)
    ).one()


def _bump(state: CalendarState, now: datetime) -> None:
    state.version += 1
    state.token = uuid.uuid4().hex
    state.updated_at = now


def ensure_seeded(now: datetime) -> list[int]:
    """Copy the official years the table lacks from ``chinesecalendar``; returns the years added."""
    label = _package_label()
    row = db.session.execute(select(CalendarState.seeded_from).where(CalendarState.id == 1)).first()
    if row is not None and row.seeded_from == label:
        return []
    state = _locked_state()
    if state.seeded_from == label:  # another process did it while we waited for the lock
        return []
    have = set(db.session.scalars(select(CalendarYear.year)))
    years = [y for y in supported_official_years() if y not in have]
    if years:
        db.session.execute(insert(CalendarYear), [
            {"year": y, "source": label, "loaded_at": now, "loaded_by_label": "system"} for y in years])
        db.session.execute(insert(HolidayOverride), [
            {"day": o.day, "year": o.day.year, "is_workday": o.is_workday, "name": o.name[:60]}
            for o in official_overrides(years)])
        _bump(state, now)
    state.seeded_from = label
    db.session.flush()
    if years:
        log.info("holiday table seeded from %s: %s", label, years)
        recompute_notice_periods(_table_calendar(), now, set(years))
    return years


def get_calendar(now: datetime) -> WorkingDayCalendar:
    """The calendar of the holiday table (seeded first if need be), cached per process until the table changes."""
    ensure_seeded(now)
    return _table_calendar()


def is_working_day(day: date, now: datetime) -> DayStatus:
    """Whether ``day`` is a working day under the official schedule; ``provisional`` if its year is not loaded.

    ``working, provisional = is_working_day(day, now)``. For many days, ask :func:`get_calendar` once.
    """
    return get_calendar(now).is_working_day(day)


def working_days(start: date, end: date, now: datetime) -> list[WorkingDayResult]:
    """The working days from ``start`` to ``end`` (both included) in order, each marked provisional when its
    year is not loaded."""
    return get_calendar(now).working_days(start, end)


def _table_calendar() -> WorkingDayCalendar:
    """The calendar built from the table as it is now, cached per process under ``calendar_state``'s key."""
    key = tuple(db.session.execute(select(CalendarState.version, CalendarState.token)
                                   .where(CalendarState.id == 1)).one())
    cache: dict[str, Any] = current_app.extensions.setdefault("scheduling_calendar", {})
    cached = cache.get("entry")
    if cached is not None and cached[0] == key:
        return cached[1]
    years = list(db.session.scalars(select(CalendarYear.year)))
    overrides = [DayOverride(r.day, r.is_workday, r.name) for r in db.session.execute(
        select(HolidayOverride.day, HolidayOverride.is_workday, HolidayOverride.name))]
    calendar = WorkingDayCalendar(overrides, loaded_years=years)
    cache["entry"] = (key, calendar)
    return calendar


def add_working_days(start: date, days: int, now: datetime) -> WorkingDayResult:
    """The last of ``days`` working days beginning on ``start`` (see WorkingDayCalendar.add_working_days)."""
    if not 1 <= days <= MAX_WORKING_DAYS:
        raise InvalidInput(None, _l("The input is invalid; see the errors per field."),
                           {"days": [_l(
                               "Must be between 1 and {max_working_days}.").format(
                               max_working_days=MAX_WORKING_DAYS)]})
    return get_calendar(now).add_working_days(start, days)


def list_years() -> list[dict[str, Any]]:
    counts: dict[int, list[int]] = {}
    for year, is_workday in db.session.execute(select(HolidayOverride.year, HolidayOverride.is_workday)):
        pair = counts.setdefault(year, [0, 0])
        pair[1 if is_workday else 0] += 1
    return [{"year": y.year, "source": y.source, "loaded_at": y.loaded_at, "loaded_by": y.loaded_by_label,
             "holidays": counts.get(y.year, [0, 0])[0], "workdays": counts.get(y.year, [0, 0])[1]}
            for y in db.session.scalars(select(CalendarYear).order_by(CalendarYear.year))]


def calendar_file_error(exc: CalendarFileError) -> InvalidInput:
    message = rule_text(exc.text)  # the parser's messages already name the line
    return InvalidInput(f"calendar_{exc.code}", message, {"file": [message]}, {"line": exc.line})


def load_year(actor: Actor, data: bytes, filename: str, now: datetime, *, year: int | None = None
              ) -> dict[str, Any]:
    """Load (or reload) one officially published year from a CSV or JSON file.

    Replaces the year's days, marks it loaded, bumps the calendar version, recomputes every notice period
    that was provisional or touches the year, and queues a notice to the people concerned for each deadline
    whose date or provisional mark changed. Returns a summary.
    """
    if not policy.may_load_calendar(actor):
        raise Forbidden(None, _l("Only Office administrators may load the holiday schedule."))
    try:
        overrides = parse_year_file(data, filename, year=year)
    except CalendarFileError as exc:
        raise calendar_file_error(exc) from None
    loaded = overrides[0].day.year
    ensure_seeded(now)
    state = _locked_state()
    previous = db.session.get(CalendarYear, loaded)
    db.session.execute(delete(HolidayOverride).where(HolidayOverride.year == loaded))
    if previous is None:
        db.session.add(CalendarYear(year=loaded, source="admin", loaded_at=now, loaded_by_label=actor.label))
    else:
        previous.source, previous.loaded_at, previous.loaded_by_label = "admin", now, actor.label
    db.session.flush()
    db.session.execute(insert(HolidayOverride), [
        {"day": o.day, "year": loaded, "is_workday": o.is_workday, "name": o.name[:60]} for o in overrides])
    _bump(state, now)
    db.session.flush()
    changes = recompute_notice_periods(_table_calendar(), now, {loaded})
    summary = {
        "year": loaded, "replaced": previous is not None,
        "holidays": sum(1 for o in overrides if not o.is_workday),
        "workdays": sum(1 for o in overrides if o.is_workday),
        "recomputed": changes,
    }
    record(actor, "calendar.load_year", "calendar_year", loaded,
           {k: v for k, v in summary.items() if k != "recomputed"} | {"recomputed": len(changes),
                                                                      "filename": filename[:100]}, now=now)
    return summary
