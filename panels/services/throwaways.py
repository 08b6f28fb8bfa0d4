"""A province's panels drawn and cancelled soon after (throwaway draws), and what the Office hears of them.

Each is in the audit log (``panel.throwaway_draw``); a pattern of them (:func:`panels.rules.probing.throwaway_signs`)
is flagged on the panel (``panel.draw_probing_suspected``) and counted on the Office's view of it. The entries are
about the panel, so they never show on an expert's history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, cast, func, select

from ground.actor import Actor
from ground.audit import AuditEntry, record
from ground.clock import as_utc, wall_now
from ground.extensions import db
from panels.models import Panel
from panels.rules.probing import REFERRALS_WINDOW_DAYS, THROWAWAY_HOURS, throwaway_signs

THROWAWAY = "panel.throwaway_draw"
SUSPECTED = "panel.draw_probing_suspected"


def _throwaways(convened_by: str, meeting_date=None) -> int:
    """The authority's throwaway draws over the window (audit entries are stamped in real time)."""
    panels = select(cast(Panel.id, String)).where(Panel.convened_by == convened_by)
    if meeting_date is not None:
        panels = panels.where(Panel.meeting_date == meeting_date)
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == THROWAWAY, AuditEntry.object_type == "panel", AuditEntry.object_id.in_(panels),
        AuditEntry.created_at >= wall_now() - timedelta(days=REFERRALS_WINDOW_DAYS)))


def note_cancelled(actor: Actor, panel: Panel) -> None:
    """A province cancelled its panel: a throwaway draw when its first round is under
    :data:`~panels.rules.probing.THROWAWAY_HOURS` old; flagged to the Office when it makes a pattern."""
    if actor.is_office or not panel.draws:
        return
    # draws are stamped in real time, whatever the application clock says
    age = wall_now() - as_utc(panel.draws[0].created_at)
    if age >= timedelta(hours=THROWAWAY_HOURS):
        return
    facts = {"convened_by": panel.convened_by, "meeting_date": panel.meeting_date,
             "hours_after_draw": round(age.total_seconds() / 3600, 1)}
    record(actor, THROWAWAY, "panel", panel.id, facts)
    db.session.flush()
    signs = throwaway_signs(throwaways_in_window=_throwaways(panel.convened_by),
                            same_day_throwaways=_throwaways(panel.convened_by, panel.meeting_date))
    if signs:
        record(actor, SUSPECTED, "panel", panel.id, {**facts, "signs": signs})
