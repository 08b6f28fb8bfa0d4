"""A seat's invitation: one expert's invitation to one panel seat, and every event of it.

The link in the mail decides an invitation once; its events (opened, reminded, answered, rescheduled ...) are
the staff's history view. The tables are those of the first release (``invitations``, ``invitation_events``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from ground.ids import random_id

INVITATION_STATUSES = ("pending", "accepted", "declined", "expired", "cancelled")
INVITATION_EVENTS = ("created", "opened", "accepted", "declined", "expired", "reminded", "meeting_reminded",
                     "rescheduled", "cancelled", "replacement", "replacement_failed")
RESPONSE_EVENTS = ("accepted", "declined", "expired", "replacement", "replacement_failed")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Invitation(db.Model):
    """One expert's invitation to one panel seat; the link in the mail decides it once."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(INVITATION_STATUSES)}", name="status"),
        Index("ix_invitations_status_respond_by", "status", "respond_by"),
        Index("ix_invitations_status_remind_at", "status", "remind_at"),
    )

    # Random, not sequential: the ids' gaps would count other authorities' confidential panels' seats.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_members.id"), unique=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # Part of the signed link: replacing it revokes every link mailed so far.
    nonce: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="zh")
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    conflict_of_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    # The version of the independence and confidentiality pledge (Art. 37, 39) the expert ticked
    pledge_version: Mapped[str | None] = mapped_column(String(20))
    # iCalendar SEQUENCE of the meeting as this expert last received it (bumped on a move or cancellation)
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    events: Mapped[list[InvitationEvent]] = relationship(
        back_populates="invitation", order_by="InvitationEvent.id", cascade="all, delete-orphan")


class InvitationEvent(db.Model):
    __tablename__ = "invitation_events"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(INVITATION_EVENTS)}", name="kind"),
        # The staff digest picks the responses not yet reported.
        Index("ix_invitation_events_digest", "digested", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    digested: Mapped[bool] = mapped_column(Boolean, default=True)

    invitation: Mapped[Invitation] = relationship(back_populates="events")


def add_event(invitation: Invitation, kind: str, now: datetime, **detail: Any) -> InvitationEvent:
    """Append to the invitation's history; responses wait for the staff digest."""
    event = InvitationEvent(invitation_id=invitation.id, kind=kind, at=now, detail=detail,
                            digested=kind not in RESPONSE_EVENTS)
    db.session.add(event)
    return event
