"""Panels, their draws, members and bookings; rule sets as versioned data (never code).

Nothing here is updated in place once it has been relied on: a rule set change is a new version, a
replacement is a new draw round, a declined member keeps their row with the outcome. (Art. 13: archives.)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from ground.ids import random_id
from scheduling.rules.lifecycle import PanelKind

PANEL_KINDS = tuple(kind.value for kind in PanelKind)  # the lifecycle's vocabulary, in the Measures' order
MEMBER_ROLES = ("member", "alternate")
MEMBER_STATUSES = ("drawn", "invited", "accepted", "declined", "replaced", "withdrawn")
# A member who holds (or is being offered) a seat; the others keep their row as history.
ACTIVE_MEMBER = ("drawn", "invited", "accepted")
PANEL_STATUSES = ("drawn", "inviting", "confirmed", "held", "cancelled")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class RuleSet(db.Model):
    """One version of a named rule set. Versions are immutable; the newest is the one in use."""

    __tablename__ = "rule_sets"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        CheckConstraint(f"kind IS NULL OR kind IN {_in(PANEL_KINDS)}", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    # The panel kind this is the default for (at most one default per kind: see services)
    kind: Mapped[str | None] = mapped_column(String(40))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(254), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class Panel(db.Model):
    __tablename__ = "panels"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(PANEL_KINDS)}", name="kind"),
        CheckConstraint(f"status IN {_in(PANEL_STATUSES)}", name="status"),
        CheckConstraint("size >= 1 AND alternates >= 0", name="size"),
    )

    # Random, not sequential: a province must not count other authorities' panels by its own ids' gaps.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # "office", or the two-digit code of the convening province
    convened_by: Mapped[str] = mapped_column(String(8), index=True)
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    size: Mapped[int] = mapped_column(Integer)
    alternates: Mapped[int] = mapped_column(Integer, default=0)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id"))
    status: Mapped[str] = mapped_column(String(12), default="drawn")
    location: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    # The Office drew a kind the park's lifecycle state did not call for: {"reason", "state", "allowed_kinds",
    # "by"} (see panels.services.stage); None for every panel drawn within the stage rule.
    stage_override: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    rule_set: Mapped[RuleSet] = relationship()
    draws: Mapped[list[Draw]] = relationship(back_populates="panel", order_by="Draw.round")
    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", order_by="PanelMember.id")


class Draw(db.Model):
    """One round of drawing (the first draw, or a replacement with accepted members fixed).

    ``inputs`` is the canonical, committed input (eligible pool with the attributes used, quotas, rule set
    and version, funnel); ``commitment`` its SHA-256, fixed before the seed existed.
    """

    __tablename__ = "draws"
    __table_args__ = (UniqueConstraint("panel_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)  # random: see Panel.id
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(20))  # initial | replacement
    commitment: Mapped[str] = mapped_column(String(64))
    server_entropy: Mapped[str] = mapped_column(String(64))
    witness: Mapped[str | None] = mapped_column(String(200))
    seed_source: Mapped[str] = mapped_column(String(10), default="derived")  # derived | caller
    seed: Mapped[int] = mapped_column(BigInteger)
    engine_version: Mapped[str] = mapped_column(String(40))
    # The three large documents (a 10,000-expert pool is a few MB of JSON) load together, and only when read:
    # listing a panel's draws does not parse them (``panels.services.present`` reuses a fresh draw's own).
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True, deferred_group="payload")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True, deferred_group="payload")
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True, deferred_group="payload")
    created_by: Mapped[str] = mapped_column(String(254))
    # The second staff account of the convening authority that confirmed the draw on the same screen (监督)
    supervised_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    panel: Mapped[Panel] = relationship(back_populates="draws")


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __table_args__ = (
        CheckConstraint(f"role IN {_in(MEMBER_ROLES)}", name="role"),
        CheckConstraint(f"status IN {_in(MEMBER_STATUSES)}", name="status"),
        Index("ix_panel_members_expert", "expert_id", "panel_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    role: Mapped[str] = mapped_column(String(10))
    rank: Mapped[int] = mapped_column(Integer, default=0)  # alternates: 1, 2, ... in order of promotion
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="drawn")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    panel: Mapped[Panel] = relationship(back_populates="members")


class Booking(db.Model):
    """An expert's seat on a meeting day. The unique key is what makes a double booking impossible,
    whatever the number of staff drawing at the same moment."""

    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("expert_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
