"""The invitations sweeper: reminders before the deadline, silence at the deadline as a decline, meeting
reminders to accepted members."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ground.actor import SYSTEM
from ground.clock import shanghai_date
from ground.extensions import db
from panels.models import Invitation, Panel, PanelMember, add_event
from panels.seats.answers import SILENCE_REASON, hand_over_seat
from panels.seats.links import seat_open
from panels.seats.mail import (
    queue_invitation_mail,
)

# --- the sweeper: reminders, silence, meeting reminders -----------------------------------------------------

def _claimable(query, limit: int):
    query = query.limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Invitation)
    return list(db.session.scalars(query))


def expire_silent(now: datetime, limit: int = 20) -> int:
    """Silence at the deadline counts as a decline: the seat is handed over as for a decline."""
    handled = 0
    for invitation in _claimable(select(Invitation).where(Invitation.status == "pending",
                                                          Invitation.respond_by <= now)
                                 .order_by(Invitation.respond_by, Invitation.id), limit):
        still_open = seat_open(invitation)
        result = db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending")
            .values(status="expired" if still_open else "cancelled",
                    decline_reason=SILENCE_REASON if still_open else ""),
            execution_options={"synchronize_session": False})
        db.session.refresh(invitation)
        if result.rowcount != 1:
            continue
        if not still_open:  # staff already gave the seat away: nothing to hand over
            add_event(invitation, "cancelled", now, reason="seat changed by the convening authority")
            handled += 1
            continue
        add_event(invitation, "expired", now, respond_by=invitation.respond_by.isoformat())
        panel = db.session.get(Panel, invitation.panel_id)
        hand_over_seat(SYSTEM, panel, invitation, SILENCE_REASON, False, now)
        handled += 1
    return handled


def send_reminders(now: datetime, limit: int = 200) -> int:
    """One reminder before the deadline to those who have not answered."""
    rows = _claimable(select(Invitation).join(PanelMember, PanelMember.id == Invitation.member_id)
                      .where(Invitation.status == "pending", Invitation.remind_at <= now,
                             Invitation.reminded_at.is_(None), Invitation.respond_by > now,
                             PanelMember.status == "invited")
                      .order_by(Invitation.remind_at, Invitation.id), limit)
    for invitation in rows:
        invitation.reminded_at = now
        add_event(invitation, "reminded", now)
        queue_invitation_mail(invitation, "invitation_reminder", now,
                               key=f"reminder:{invitation.respond_by.isoformat()}")
    return len(rows)


def send_meeting_reminders(now: datetime, limit: int = 200) -> int:
    """Accepted members hear about the meeting a few days before it (with the calendar entry again)."""
    today = shanghai_date(now)
    horizon = today + timedelta(days=int(current_app.config["MEETING_REMINDER_DAYS"]))
    rows = _claimable(select(Invitation).join(Panel, Panel.id == Invitation.panel_id)
                      .where(Invitation.status == "accepted", Invitation.meeting_reminded_at.is_(None),
                             Panel.status.in_(("inviting", "confirmed", "drawn")),
                             Panel.meeting_date >= today, Panel.meeting_date <= horizon)
                      .order_by(Panel.meeting_date, Invitation.id), limit)
    for invitation in rows:
        panel = db.session.get(Panel, invitation.panel_id)
        invitation.meeting_reminded_at = now
        add_event(invitation, "meeting_reminded", now, meeting_date=panel.meeting_date.isoformat())
        queue_invitation_mail(invitation, "meeting_reminder", now, method="REQUEST",
                               key=f"meeting:{panel.meeting_date.isoformat()}:{invitation.ical_sequence}")
    return len(rows)


def sweep_invitations(now: datetime) -> int:
    """The invitations sweeper: reminders, silence as a decline, meeting reminders (one transaction)."""
    return send_reminders(now) + expire_silent(now) + send_meeting_reminders(now)
