"""The two notices counted in working days (Art. 10, 19), recomputed when the holiday table changes.

A notice published before its year's official schedule was loaded ends on a *provisional* day (Mon-Fri
counting). When a year is loaded (or seeded from a newer ``chinesecalendar``), :mod:`scheduling.calendar_service`
calls :func:`recompute_notice_periods` with the new calendar: the value is passed in, so this module needs
nothing above it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from ground.actor import SYSTEM
from ground.audit import record_many
from ground.clock import shanghai_date
from ground.extensions import db
from scheduling import notices
from scheduling.deadlines import sync_deadlines
from scheduling.facts import lifecycle_rules
from scheduling.models import Park
from scheduling.rules.calendar import WorkingDayCalendar
from scheduling.rules.lifecycle import State


def recompute_notice_periods(calendar: WorkingDayCalendar, now: datetime, years: set[int]) -> list[dict[str, Any]]:
    """Recompute with ``calendar`` the notice periods that were provisional or touch ``years``; re-sync the
    parks' deadlines and tell the people concerned.

    Returns one entry per park whose notice end or provisional mark changed.
    """
    rules = lifecycle_rules()
    today = shanghai_date(now)
    touching = or_(Park.public_notice_provisional.is_(True), Park.naming_notice_provisional.is_(True),
                   Park.state.in_((State.IN_PUBLIC_NOTICE.value, State.IN_NAMING_NOTICE.value)))
    changes: list[dict[str, Any]] = []
    audit = []
    for park in db.session.scalars(select(Park).where(touching).order_by(Park.id)):
        entry: dict[str, Any] = {"park_id": park.id, "park_name": park.name}
        for notice, days in (("public_notice", rules.time.public_notice_working_days),
                             ("naming_notice", rules.time.naming_notice_working_days)):
            published = getattr(park, f"{notice}_published_on")
            last = getattr(park, f"{notice}_last_day")
            if published is None or last is None:
                continue
            if not getattr(park, f"{notice}_provisional") and not ({published.year, last.year} & years):
                continue
            result = calendar.add_working_days(published, days)
            if (result.date, result.provisional) != (last, getattr(park, f"{notice}_provisional")):
                setattr(park, f"{notice}_last_day", result.date)
                setattr(park, f"{notice}_provisional", result.provisional)
                entry[notice] = {"previous": last.isoformat(), "date": result.date.isoformat(),
                                 "provisional": result.provisional}
        if len(entry) == 2:
            continue
        sync_deadlines(park, today, now)
        for notice in ("public_notice", "naming_notice"):
            if notice in entry and park.state == State(f"in_{notice}").value:
                info = entry[notice]
                context = notices.deadline_context(
                    park, notice, date.fromisoformat(info["date"]), 10 if notice == "public_notice" else 19,
                    info["provisional"], previous_due=info["previous"], recomputed=True)
                entry[f"{notice}_notice"] = notices.notify(
                    park, notice, context, f"recomputed:{park.id}:{notice}:{info['date']}",
                    audiences=("park", "province", "office") if notice == "naming_notice" else ("park", "province"))
        audit.append(("park.deadlines_recomputed", "park", park.id, entry))
        changes.append(entry)
    if audit:
        record_many(SYSTEM, audit, now=now)
    return changes
