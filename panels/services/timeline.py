"""A park's panels on its timeline (``GET /parks/{id}/timeline``): convened, drawn, invitations sent, the
meeting (or its cancellation), never who sits on them.

Scheduling builds the timeline and may not import panels; the roof registers :func:`panel_timeline_events`
as one of the timeline's sources (:func:`scheduling.services.register_timeline_source`).

Who sees what: the Office and the convening authority see each of their panels from the moment it is
convened (kind, authority, dates, status, the Office's stage override). Anyone else who may read the park's
timeline (the park, the park's province for the Office's panels) learns that a confidential panel existed only
once its meeting day is over, and then only its kind and meeting day; a panel cancelled before its meeting
never appears to them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from ground.actor import Actor
from ground.clock import shanghai_date
from ground.extensions import db
from panels.models import Invitation, Panel
from panels.services.access import in_panel_remit
from scheduling.models import Park


def panel_timeline_events(actor: Actor, park: Park, today: date) -> list[dict[str, Any]]:
    panels = db.session.scalars(select(Panel).where(Panel.park_id == park.id)
                                .order_by(Panel.created_at, Panel.id)).all()
    mine = [p for p in panels if in_panel_remit(actor, p)]
    invited = dict(db.session.execute(
        select(Invitation.panel_id, func.min(Invitation.created_at))
        .where(Invitation.panel_id.in_([p.id for p in mine])).group_by(Invitation.panel_id)).all()) if mine else {}
    events: list[dict[str, Any]] = []
    for panel in panels:
        if panel in mine:
            events.extend(_in_full(panel, invited.get(panel.id)))
        elif panel.meeting_date < today and panel.status != "cancelled":
            events.append({"type": "panel_meeting", "on": panel.meeting_date, "panel_kind": panel.kind,
                           "status": "held", "at": None})
    return events


def _in_full(panel: Panel, invited_at) -> list[dict[str, Any]]:
    head = {"panel_id": panel.id, "panel_kind": panel.kind, "convened_by": panel.convened_by}
    override = panel.stage_override or {}
    out = [{"type": "panel_convened", "on": shanghai_date(panel.created_at), **head, "status": panel.status,
            "meeting_date": panel.meeting_date, "reason": override.get("reason"), "at": panel.created_at}]
    for draw in panel.draws:
        out.append({"type": "panel_drawn", "on": shanghai_date(draw.created_at), **head, "round": draw.round,
                    "purpose": draw.purpose, "at": draw.created_at})
    if invited_at is not None:
        out.append({"type": "panel_invitations_sent", "on": shanghai_date(invited_at), **head, "at": invited_at})
    cancelled = panel.status == "cancelled"
    out.append({"type": "panel_cancelled" if cancelled else "panel_meeting", "on": panel.meeting_date, **head,
                "status": panel.status, "at": None})
    return out
