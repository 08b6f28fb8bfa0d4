"""Panels counted and meetings waiting for answers, within the caller's remit.

A panel's existence is confidential to its convening authority and the Office (``panels.rules.authority``):
the Office counts every panel, a province only those it convened, so no count tells a province about another
authority's panels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select

from ground.actor import Actor, Role
from ground.errors import Forbidden
from ground.extensions import db
from panels.models import Invitation, Panel
from panels.services.access import FORBIDDEN
from scheduling.models import Park


def _in_remit(actor: Actor, query: Select) -> Select:
    # The SQL form of panels.rules.authority.in_remit: the Office, or the province that convened the panel.
    if actor.is_office:
        return query
    if actor.role == Role.PROVINCE and actor.province:
        return query.where(Panel.convened_by == actor.province)
    raise Forbidden(None, FORBIDDEN)


def panel_counts_by_kind(actor: Actor, start: datetime, end: datetime) -> dict[str, int]:
    """Panels drawn (created) in ``[start, end)`` per kind, cancelled ones included: they were drawn."""
    query = (select(Panel.kind, func.count(Panel.id)).where(Panel.created_at >= start, Panel.created_at < end)
             .group_by(Panel.kind))
    return {kind: count for kind, count in db.session.execute(_in_remit(actor, query))}


def meetings_to_conclude(actor: Actor, today: date) -> list[dict[str, Any]]:
    """Panels whose meeting day has come (today or earlier) and that have not concluded: their record,
    attendance and conclusion are due (the conclusion is what moves the park). Oldest first."""
    query = (select(Panel, Park.name).join(Park, Park.id == Panel.park_id)
             .where(Panel.meeting_date <= today, Panel.status.notin_(("cancelled", "held")))
             .order_by(Panel.meeting_date, Panel.id))
    return [{"panel_id": panel.id, "park_id": panel.park_id, "park_name": park_name, "kind": panel.kind,
             "meeting_date": panel.meeting_date, "days_since": (today - panel.meeting_date).days}
            for panel, park_name in db.session.execute(_in_remit(actor, query))]


def meetings_awaiting_responses(actor: Actor, today: date) -> list[dict[str, Any]]:
    """Panels meeting from ``today`` on with invitations still unanswered: kind, date, park, the numbers of
    pending and accepted invitations and the earliest answer deadline (never who the members are)."""
    pending = func.sum(case((Invitation.status == "pending", 1), else_=0))
    accepted = func.sum(case((Invitation.status == "accepted", 1), else_=0))
    query = (select(Panel, Park.name, pending, accepted, func.min(Invitation.respond_by))
             .join(Invitation, Invitation.panel_id == Panel.id).join(Park, Park.id == Panel.park_id)
             .where(Panel.meeting_date >= today, Panel.status.notin_(("cancelled", "held")))
             .group_by(Panel.id, Park.name).having(pending > 0).order_by(Panel.meeting_date, Panel.id))
    return [{"panel_id": panel.id, "park_id": panel.park_id, "park_name": park_name, "kind": panel.kind,
             "meeting_date": panel.meeting_date, "size": panel.size, "pending": n_pending, "accepted": n_accepted,
             "respond_by": respond_by}
            for panel, park_name, n_pending, n_accepted, respond_by in db.session.execute(_in_remit(actor, query))]
