"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ground.actor import Actor, Role
from ground.clock import UTCDateTime, wall_now
from ground.encryption import EncryptedString
from ground.extensions import db

ROLES = ("office", "province", "park", "expert")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('office', 'province', 'park', 'expert')", name="role"),
        CheckConstraint("role != 'province' OR province IS NOT NULL", name="province_scope"),
        CheckConstraint("role != 'park' OR park_id IS NOT NULL", name="park_scope"),
        CheckConstraint("role != 'expert' OR expert_id IS NOT NULL", name="expert_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # the person's name as colleagues read it (the frame, a draw's witnesses); an expert's is on their record
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    province: Mapped[str | None] = mapped_column(String(2))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    # Lockout (ASVS 2.2.1): failures are counted here, not in a process, so every worker sees them.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor. The secret is shown only until ``totp_enabled_at`` is set; ``totp_last_step`` is the
    # last accepted 30-second step, so a code cannot be used twice (RFC 6238 section 5.2). The secret is
    # stored encrypted (ground.encryption): a database copy or backup alone yields no codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Page sessions are signed cookies with nothing on the server; bumping this number (sign-out)
    # makes every cookie issued before it worthless, including copies an attacker may hold.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def actor(self) -> Actor:
        return Actor(
            user_id=self.id, label=self.email, role=Role(self.role), province=self.province,
            park_id=self.park_id, expert_id=self.expert_id, is_admin=self.is_admin,
        )


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored (tokens are 256-bit random, so no slow hash is needed)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
