"""Telling the convening staff who accepted, declined or stayed silent since the last digest."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from expert_pool.models import Expert
from ground.accounts import User
from ground.extensions import db
from notifications.outbox import queue_mail
from notifications.recipients import group_by_language
from panels.models import Invitation, InvitationEvent, Panel
from panels.seats.answers import DECLINE_REASONS
from panels.seats.mail import (
    beijing_time,
    panel_facts,
)

# --- the staff digest ------------------------------------------------------------------------------------------

def staff_recipients(panel: Panel) -> dict[str, list[str]]:
    """Who hears about a panel's responses: its convener; else the convening authority's active staff."""
    users: list[User] = []
    if panel.created_by:
        creator = db.session.get(User, panel.created_by)
        if creator is not None and creator.active:
            users = [creator]
    if not users:
        clause = (User.role == "office") if panel.convened_by == "office" else (
            (User.role == "province") & (User.province == panel.convened_by))
        users = list(db.session.scalars(select(User).where(User.active.is_(True), clause).order_by(User.email)))
    return group_by_language((user.email, user.language) for user in users)


def send_digests(now: datetime, limit: int = 1000) -> int:
    """Tell each panel's staff who accepted, declined or stayed silent since the last digest."""
    query = (select(InvitationEvent).where(InvitationEvent.digested.is_(False))
             .order_by(InvitationEvent.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    events = list(db.session.scalars(query))
    by_panel: dict[int, list[InvitationEvent]] = defaultdict(list)
    for event in events:
        by_panel[event.invitation.panel_id].append(event)
    for panel_id, panel_events in by_panel.items():
        panel = db.session.get(Panel, panel_id)
        experts = {e.id: e.name for e in db.session.scalars(select(Expert).where(Expert.id.in_(
            {ev.invitation.expert_id for ev in panel_events})))}
        counts = dict(db.session.execute(select(Invitation.status, func.count()).where(
            Invitation.panel_id == panel_id).group_by(Invitation.status)).all())
        for lang, emails in staff_recipients(panel).items():
            lines = [{"expert_name": experts.get(ev.invitation.expert_id, str(ev.invitation.expert_id)),
                      "event": ev.kind, "at": beijing_time(ev.at, lang),
                      "reason": ev.detail.get("note") or (DECLINE_REASONS[ev.detail["reason"]].get(lang)
                                                          if ev.detail.get("reason") in DECLINE_REASONS else ""),
                      "experts": [str(x) for x in ev.detail.get("experts", [])],
                      "message": ev.detail.get(f"message_{lang}", "")} for ev in panel_events]
            context = {**panel_facts(panel, lang), "lines": lines,
                       "accepted": counts.get("accepted", 0), "pending": counts.get("pending", 0),
                       "declined": counts.get("declined", 0), "expired": counts.get("expired", 0),
                       "size": panel.size}
            queue_mail(emails, "response_digest", context, language=lang,
                       dedupe_key=f"digest:panel:{panel_id}:{panel_events[-1].id}:{lang}",
                       related=("panel", str(panel_id)))
    for event in events:
        event.digested = True
    return len(events)
