"""The outbox (one row per mail, written in the business transaction) and the invitations to panels.

Nothing about a mail is lost or overwritten silently: a row keeps its rendered content, its stable
``Message-ID``, its attempts and the server's reply; an invitation keeps every event (opened, reminded,
answered, rescheduled ...) for the staff's history view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db

# queued: waiting for its next attempt; sending: claimed by a worker until ``claimed_until`` (a lease);
# sent: the SMTP server accepted it; dead: permanent refusal or attempts exhausted (staff may retry);
# cancelled: withdrawn by staff before it went out.
OUTBOX_STATES = ("queued", "sending", "sent", "dead", "cancelled")
INVITATION_STATUSES = ("pending", "accepted", "declined", "expired", "cancelled")
INVITATION_EVENTS = ("created", "opened", "accepted", "declined", "expired", "reminded", "meeting_reminded",
                     "rescheduled", "cancelled", "replacement", "replacement_failed")
RESPONSE_EVENTS = ("accepted", "declined", "expired", "replacement", "replacement_failed")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"state IN {_in(OUTBOX_STATES)}", name="state"),
        # The sender's claim: due rows in order of their next attempt.
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        Index("ix_outbox_messages_related", "related_type", "related_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # RFC 5322 Message-ID, fixed when queued: a retry (or a re-send after a crashed worker) carries the same
    # one, so receiving servers and clients can recognise a duplicate.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    recipients: Mapped[list[str]] = mapped_column(JSON)
    template: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="zh")
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Rendered when queued: what staff preview is exactly what goes out, whatever templates change later.
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    related_type: Mapped[str | None] = mapped_column(String(32))
    related_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    server_reply: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", lazy="selectin", cascade="all, delete-orphan")


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"),
                                                   index=True)
    filename: Mapped[str] = mapped_column(String(200))
    # May carry parameters, e.g. ``text/calendar; method=REQUEST; charset=UTF-8``
    content_type: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class Invitation(db.Model):
    """One expert's invitation to one panel seat; the link in the mail decides it once."""

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(INVITATION_STATUSES)}", name="status"),
        Index("ix_invitations_status_respond_by", "status", "respond_by"),
        Index("ix_invitations_status_remind_at", "status", "remind_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
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
