"""The experts' record: ratings, rating windows (the reminder's row), conduct records, credit snapshots and
proposals, and the versioned credit rule sets and fee rate tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from ground.ids import random_id
from panels.rules.credit import CONDUCT_KINDS, PROPOSAL_ACTIONS

PROPOSAL_STATUSES = ("open", "accepted", "rejected")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class CreditRuleSet(db.Model):
    """One version of the credit rules (panels.rules.credit); the newest is in use, versions never change."""

    __tablename__ = "credit_rule_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(254), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class FeeRateTable(db.Model):
    """One version of the honoraria's rates (panels.rules.fees); the newest is in use."""

    __tablename__ = "fee_rate_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    rates: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(254), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class ExpertRating(db.Model):
    """The convener's rating of one member who attended one meeting (once)."""

    __tablename__ = "expert_ratings"
    __table_args__ = (
        UniqueConstraint("panel_id", "expert_id"),
        CheckConstraint("competence >= 0 AND discipline >= 0 AND integrity >= 0 AND total <= 100", name="points"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    competence: Mapped[int] = mapped_column(Integer)
    discipline: Mapped[int] = mapped_column(Integer)
    integrity: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rule_version: Mapped[int] = mapped_column(Integer)
    rated_by: Mapped[str] = mapped_column(String(254))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class RatingWindow(db.Model):
    """A held meeting's rating window, and the reminder to its convener (fired once)."""

    __tablename__ = "rating_windows"
    __table_args__ = (Index("ix_rating_windows_state_remind_at", "state", "remind_at"),)

    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), primary_key=True)
    closes_on: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | fired
    outcome: Mapped[str | None] = mapped_column(String(20))  # reminded | complete | no_recipient
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConductRecord(db.Model):
    """A conduct record: derived from attendance or invitations (``key`` says from what; voided, never deleted,
    when the facts change) or recorded by the Office."""

    __tablename__ = "conduct_records"
    __table_args__ = (CheckConstraint(f"kind IN {_in(CONDUCT_KINDS)}", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[date] = mapped_column(Date)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"))
    source: Mapped[str] = mapped_column(String(10))  # derived | office
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CreditSnapshot(db.Model):
    """The expert's credit each time it changed (the history shown with the score)."""

    __tablename__ = "credit_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class CreditProposal(db.Model):
    """A proposal the credit made (suspend, remove, promote to the senior list) and the Office's decision."""

    __tablename__ = "credit_proposals"
    __table_args__ = (
        CheckConstraint(f"action IN {_in(PROPOSAL_ACTIONS)}", name="action"),
        CheckConstraint(f"status IN {_in(PROPOSAL_STATUSES)}", name="status"),
        # One open proposal per expert and action, whatever the number of workers refreshing at once.
        Index("uq_credit_proposals_open", "expert_id", "action", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    score: Mapped[float] = mapped_column(Float)
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    rule_version: Mapped[int] = mapped_column(Integer)
    proposed_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
