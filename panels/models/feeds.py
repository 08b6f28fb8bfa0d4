"""A personal calendar feed: a secret URL serving the meetings of one expert (those they accepted) or of one staff
user (the meetings their authority may see).

Only the token's SHA-256 is stored (the URL is shown once, when it is made); revoking sets ``revoked_at``, and
making a new one revokes the old. At most one feed of an owner is live at a time. Exactly one owner is set: an
expert record or a user account (the check below), so one public route serves both and no token can stand for two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ground.clock import UTCDateTime
from ground.extensions import db


class CalendarFeed(db.Model):
    __tablename__ = "calendar_feeds"
    __table_args__ = (
        CheckConstraint("(expert_id IS NULL) <> (user_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
