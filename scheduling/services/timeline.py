"""A park's timeline: what happened, what is due, with dates, articles and provisional marks.

Packages above scheduling add their own entries (panels: the park's panels) through sources the app
registers with :func:`register_timeline_source`; scheduling never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ground.actor import Actor
from ground.clock import shanghai_date
from ground.extensions import db
from ground.i18n import bilingual
from scheduling.models import Park, ParkTransition
from scheduling.rules.lifecycle import PHASE_OF, State, may_use_title
from scheduling.services.parks import get_park, options_for

#: A source of timeline entries: (the caller, the park, today) -> events, each with at least "type" and "on".
#: The source decides what the caller may see.
TimelineSource = Callable[[Actor, Park, date], list[dict[str, Any]]]
_SOURCES = "scheduling.timeline_sources"


def register_timeline_source(app: Flask, source: TimelineSource) -> None:
    app.extensions.setdefault(_SOURCES, []).append(source)


def timeline(actor: Actor, park_id: int, now: datetime) -> dict[str, Any]:
    """What happened to the park and what is due, with dates, articles and provisional marks."""
    park = get_park(actor, park_id)
    today = shanghai_date(now)
    transitions = db.session.scalars(
        select(ParkTransition).where(ParkTransition.park_id == park.id)
        .options(selectinload(ParkTransition.documents)).order_by(ParkTransition.seq)).all()
    events: list[dict[str, Any]] = [{
        "type": "transition", "on": t.on, "seq": t.seq, "cycle": t.cycle, "action": t.action,
        "from_state": t.from_state, "to_state": t.to_state, "actor": t.actor, "actor_label": t.actor_label,
        "article": t.article, "reason": t.reason, "comment": t.comment, "data": t.data,
        "documents": [{"id": m.id, "kind": m.kind, "filename": m.filename} for m in t.documents],
        "at": t.created_at,
    } for t in transitions]
    for c in park.major_changes:
        events.append({"type": "major_change", "on": c.changed_on, "cycle": c.cycle, "reported_on": c.reported_on,
                       "subjects": c.subjects, "at": c.created_at})
    for r in park.annual_reports:
        for step in ("submitted_on", "reviewed_on", "forwarded_on"):
            if getattr(r, step):
                events.append({"type": f"annual_report_{step.removesuffix('_on')}", "on": getattr(r, step),
                               "year": r.year, "due": r.due, "late": step == "forwarded_on" and r.forwarded_on > r.due,
                               "at": r.updated_at})
    for o in park.objections:
        events.append({"type": "objection", "on": o.received_on, "notice": o.notice, "resolved_on": o.resolved_on,
                       "upheld": o.upheld, "at": None})
    for p in park.proposals:
        events.append({"type": "warning_proposal", "on": p.proposed_on, "key": p.key, "reason": p.reason,
                       "article": p.article, "status": p.status, "audience": p.audience,
                       "message": bilingual(p.message_zh, p.message_en), "at": p.created_at})
    for source in current_app.extensions.get(_SOURCES, ()):
        events.extend(source(actor, park, today))
    events.sort(key=lambda e: (e["on"], 0 if e["type"] == "transition" else 1, e.get("seq") or 0))
    due = []
    reminders = {}
    for d in park.deadlines:
        if d.state == "pending" and d.kind == "reminder" and d.parent_id is not None:
            nxt = reminders.get(d.parent_id)
            if nxt is None or d.fire_at < nxt:
                reminders[d.parent_id] = d.fire_at
    for d in sorted(park.deadlines, key=lambda d: (d.due, d.kind, d.key)):
        if d.kind == "reminder" or d.state not in ("pending", "fired") or (d.state == "fired" and d.due < today
                                                                           and d.outcome != "blocked"):
            continue
        due.append({"kind": d.kind, "key": d.key, "due": d.due, "article": d.article, "provisional": d.provisional,
                    "consequence": d.consequence, "state": d.state, "outcome": d.outcome,
                    "days_left": (d.due - today).days,
                    "next_reminder_at": reminders.get(d.id)})
    passed = [{"kind": d.kind, "key": d.key, "due": d.due, "article": d.article, "provisional": d.provisional,
               "consequence": d.consequence, "outcome": d.outcome, "fired_at": d.fired_at}
              for d in sorted(park.deadlines, key=lambda d: (d.due, d.id)) if d.kind != "reminder"
              and d.state in ("fired", "failed")]
    return {"park": {"id": park.id, "name": park.name, "province": park.province, "state": park.state,
                     "phase": PHASE_OF[State(park.state)].value, "cycle": park.cycle,
                     "may_use_title": may_use_title(park.state)},
            "today": today, "events": events, "due": due, "passed": passed,
            "open_proposals": [p.key for p in park.proposals if p.status == "open"],
            "options": options_for(actor, park, today)}
