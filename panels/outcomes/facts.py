"""The conclusions awaiting their lifecycle actions, as the lifecycle's facts see them.

Registered by the roof with :func:`scheduling.facts.register_panel_outcome_source`. A conclusion awaits
action only inside the transaction that records it (:func:`panels.outcomes.conclude.conclude_panel` takes the
actions at once), so a request that tries an action a panel decides on its own never finds one.
"""

from __future__ import annotations

from sqlalchemy import select

from ground.extensions import db
from panels.models import Panel
from panels.outcomes.models import PanelMeeting
from scheduling.models import Park
from scheduling.rules.lifecycle import PanelOutcome


def awaiting_outcomes(park: Park) -> list[PanelOutcome]:
    rows = db.session.execute(
        select(PanelMeeting.id, Panel.kind, PanelMeeting.conclusion, PanelMeeting.concluded_on)
        .join(Panel, Panel.id == PanelMeeting.panel_id)
        .where(Panel.park_id == park.id, PanelMeeting.conclusion.is_not(None), PanelMeeting.acted.is_(False))
    ).all()
    return [PanelOutcome(ref=f"meeting:{meeting_id}", kind=kind, conclusion=conclusion, concluded_on=on)
            for meeting_id, kind, conclusion, on in rows]
