"""A wave: the request, the committed canonical inputs, the seed and the plan drawn from them.

A wave is a proposal until it is committed (its panels drawn and booked) or discarded (a re-plan replaced
it, or the staff dropped it). Nothing of a proposal is updated in place but its status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from ground.ids import random_id

WAVE_STATUSES = ("proposed", "committed", "discarded")


class Wave(db.Model):
    __tablename__ = "waves"
    __table_args__ = (CheckConstraint("status IN ('proposed', 'committed', 'discarded')", name="status"),)

    # Random, not sequential: a province must not count other authorities' waves by its own ids' gaps.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    kind: Mapped[str] = mapped_column(String(40))
    # "office", or the two-digit code of the convening province (as Panel.convened_by)
    convened_by: Mapped[str] = mapped_column(String(8), index=True)
    created_by: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    # What the caller asked: park ids, window, size, M, cap, rule set, moves and locks of a re-plan
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The canonical inputs the commitment is over (the pool as the planner sees it: a few MB for 5,000 experts)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    # The plan: meetings (park, day, members, chair), unplaced parks with why, fairness figures
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    commitment: Mapped[str] = mapped_column(String(64))
    server_entropy: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    engine_version: Mapped[str] = mapped_column(String(40))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id"))
    # The proposal this one re-planned (its locked members and moves came from there)
    replans_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    committed_by: Mapped[str | None] = mapped_column(String(254))
    # The panels the commit created, park id -> panel id (JSON keys are strings)
    panels: Mapped[dict[str, int] | None] = mapped_column(JSON)
