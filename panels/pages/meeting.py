"""Step 1, ``/parks/<id>/convene``: the meeting (kind, place, size, a window of dates) and the date suggestions
of ``GET /api/v1/meetings/date-suggestions`` laid out as a calendar: feasible days, eligible counts,
provisional marks, holidays and make-up workdays of the official calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import render_template, request

from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l
from panels import dates
from panels.models import PANEL_KINDS
from panels.pages.blueprint import bp
from panels.pages.request import ConveneRequest, read_request
from panels.pages.wording import kind_name
from panels.services.convening import kinds_open_to
from scheduling import calendar_service
from scheduling.pages.common import say
from scheduling.services import get_park

WEEKDAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"),
            _l("Sat"), _l("Sun"))


def calendar_weeks(req: ConveneRequest, rows: list[dict[str, Any]], now) -> list[list[dict[str, Any]]]:
    """The span as weeks (Monday first): each day with its suggestion, or why it is no meeting day."""
    by_day = {r["date"]: r for r in rows}
    cal = calendar_service.get_calendar(now)
    first = req.start - timedelta(days=req.start.weekday())
    last = req.end + timedelta(days=6 - req.end.weekday())
    weeks, week, day = [], [], first
    while day <= last:
        override = cal.overrides.get(day)
        cell: dict[str, Any] = {"date": day, "in_span": req.start <= day <= req.end, "row": by_day.get(day),
                                "holiday": override is False, "makeup": override is True,
                                "name": cal.override_name(day) or "", "weekend": day.weekday() >= 5}
        week.append(cell)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    return weeks


@bp.route("/parks/<int:park_id>/convene")
def convene(park_id: int):
    """The meeting's facts and a window of dates; with a window, the calendar of date suggestions."""
    actor, now = current_actor(), clock.now()
    park = get_park(actor, park_id)
    req, problems = read_request(request.args)
    kinds = kinds_open_to(actor, park, clock.today())
    if req.kind is None and len(kinds) == 1:
        req.kind = kinds[0]
    rows, error, weeks = [], None, []
    if req.kind and req.start and req.end:
        try:
            rows = dates.suggest_meeting_dates(actor, park.id, req.kind, req.start, req.end, req.size, req.rule_set,
                                               now, req.override_reason)
            weeks = calendar_weeks(req, rows, now)
        except DomainError as exc:
            db.session.rollback()
            error = say(exc.message)
    best = [r for r in rows if r["feasible"]][:3]
    # The Office may convene a kind the stage does not call for, with a reason (POST /panels' override_reason)
    others = [k for k in PANEL_KINDS if k not in kinds] if actor.is_office else []
    today: date = clock.today()
    return render_template(
        "panels/convene_meeting.html", park=park, req=req, problems=problems, error=error, step=1,
        kinds=[(k, kind_name(k)) for k in kinds], others=[(k, kind_name(k)) for k in others], weeks=weeks,
        best=best, weekdays=[say(w) for w in WEEKDAYS],
        suggested_from=(today + timedelta(days=14)).isoformat(), any_feasible=bool(best), searched=bool(rows))
