"""The outbox: one row per mail, written in the business transaction, delivered after commit.

Nothing about a mail is lost or overwritten silently: a row keeps its rendered content, its stable
``Message-ID``, its attempts and the server's reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
