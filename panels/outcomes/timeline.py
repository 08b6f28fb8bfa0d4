"""A park's panels' conclusions on its timeline (``GET /parks/{id}/timeline``), next to the panel entries of
:mod:`panels.services.timeline` and under the same rule: the Office and the convening authority see the
conclusion with the panel's id; anyone else who may read the park's timeline sees it once the meeting day is
over, by kind and conclusion only. The roof registers it as one of the timeline's sources.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ground.actor import Actor
from ground.extensions import db
from panels.models import Panel
from panels.outcomes.models import PanelMeeting
from panels.services.access import in_panel_remit
from scheduling.models import Park


def conclusion_timeline_events(actor: Actor, park: Park, today: date) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Panel, PanelMeeting).join(PanelMeeting, PanelMeeting.panel_id == Panel.id)
        .where(Panel.park_id == park.id, PanelMeeting.conclusion.is_not(None)).order_by(Panel.id)).all()
    events = []
    for panel, meeting in rows:
        if in_panel_remit(actor, panel):
            head = {"panel_id": panel.id, "panel_kind": panel.kind, "convened_by": panel.convened_by}
        elif panel.meeting_date < today:
            head = {"panel_kind": panel.kind}
        else:
            continue
        events.append({"type": "panel_concluded", "on": meeting.concluded_on, **head,
                       "conclusion": meeting.conclusion, "at": meeting.concluded_at})
    return events
