"""What ``/calendar`` shows: one month as weeks (Monday first) with the official calendar's working days, holidays
and make-up workdays, each day's meetings as chips, the counts per kind, and the same meetings as a list."""

from __future__ import annotations

import calendar as monthdays
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
from flask import url_for

from expert_pool.rules.regions import PROVINCES
from ground.actor import Actor
from ground.clock import shanghai_date
from ground.i18n import _l
from panels.agenda import feed
from panels.agenda.services import Filters, Meeting, kind_counts, visible_meetings
from panels.models import PANEL_KINDS, PANEL_STATUSES
from panels.pages.meeting import WEEKDAYS
from panels.pages.wording import authority_name, kind_name, panel_status
from scheduling import calendar_service
from scheduling.pages.common import lang, province_name, say

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
ONLY_AFTER = _l("meeting day over (another authority's panel)")
ONLY_AFTER_SHORT = _l("meeting day over")
#: The official calendar names its days in Chinese (data of the ``chinesecalendar`` package, which has both).
HOLIDAYS_EN = {holiday.chinese: holiday.value for holiday in chinese_calendar.Holiday}


def read_month(value: str | None, today: date) -> date:
    """The first day of the month asked for (``YYYY-MM``); this month when absent or not a month."""
    found = MONTH.match(value or "")
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _chip(m: Meeting) -> dict[str, Any]:
    return {"id": m.panel_id, "park": m.park_name, "kind": kind_name(m.kind), "kind_code": m.kind,
            "status": m.status, "status_words": panel_status(m.status) if m.full else say(ONLY_AFTER),
            "status_short": panel_status(m.status) if m.full else say(ONLY_AFTER_SHORT),
            "href": url_for("panel_pages.panel", panel_id=m.panel_id) if m.full else None,
            "province": province_name(m.province), "location": m.location, "day": m.day,
            "convener": authority_name(m.convened_by) if m.full else ""}


def _holiday(name: str) -> str:
    return HOLIDAYS_EN.get(name, name) if name and lang() == "en" else name


def weeks_of(first: date, meetings: list[Meeting], now: datetime) -> list[list[dict[str, Any]]]:
    """The month's weeks, each day with whether it is a working day on the official calendar and its chips."""
    cal = calendar_service.get_calendar(now)
    by_day: dict[date, list[dict[str, Any]]] = {}
    for m in meetings:
        by_day.setdefault(m.day, []).append(_chip(m))
    last = first.replace(day=monthdays.monthrange(first.year, first.month)[1])
    day, end = first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    weeks: list[list[dict[str, Any]]] = []
    while day <= end:
        override = cal.overrides.get(day)
        working, provisional = cal.is_working_day(day)
        if not weeks or len(weeks[-1]) == 7:
            weeks.append([])
        weeks[-1].append({"date": day, "in_month": day.month == first.month, "working": working,
                          "provisional": provisional, "holiday": override is False, "makeup": override is True,
                          "name": _holiday(cal.override_name(day) or ""), "chips": by_day.get(day, [])})
        day += timedelta(days=1)
    return weeks


def calendar_context(actor: Actor, args, now: datetime, new_feed_url: str | None = None) -> dict[str, Any]:
    today = shanghai_date(now)
    first = read_month(args.get("month"), today)
    last = first.replace(day=monthdays.monthrange(first.year, first.month)[1])
    filters = Filters.read(args)
    # The counts per kind cover the month under the other filters, so each kind's count stays in view.
    month = visible_meetings(actor, first, last, today, replace(filters, kind=None))
    shown = [m for m in month if not filters.kind or m.kind == filters.kind]
    query = {k: v for k, v in (("kind", filters.kind), ("province", filters.province),
                               ("status", filters.status)) if v}
    live = feed.live_feed(actor)
    return {
        "first": first, "today": today, "weeks": weeks_of(first, shown, now), "weekdays": [say(w) for w in WEEKDAYS],
        "meetings": [_chip(m) for m in shown], "filters": filters, "query": query,
        "counts": [(code, kind_name(code), n) for code, n in kind_counts(month)], "total": len(month),
        "prev": _shift(first, -1).strftime("%Y-%m"), "next": _shift(first, 1).strftime("%Y-%m"),
        "this_month": today.strftime("%Y-%m"), "month_value": first.strftime("%Y-%m"),
        "kinds": [(k, kind_name(k)) for k in PANEL_KINDS], "statuses": [(s, panel_status(s)) for s in PANEL_STATUSES],
        "provinces": sorted(((code, province_name(code)) for code in PROVINCES), key=lambda p: p[0])
        if actor.is_office else [],
        "feed": live, "new_feed_url": new_feed_url,
    }
