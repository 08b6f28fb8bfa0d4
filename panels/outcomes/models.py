"""A panel's meeting record and its attendance (one record per panel; frozen once the panel concluded)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from panels.rules.quorum import ATTENDANCE_STATUSES
from scheduling.rules.lifecycle import Conclusion

CONCLUSIONS = tuple(c.value for c in Conclusion)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class PanelMeeting(db.Model):
    """What the meeting was and what the panel concluded. Times are clock times of the meeting day in
    Asia/Shanghai (the day is the panel's ``meeting_date``, which may still move before the meeting)."""

    __tablename__ = "panel_meetings"
    __table_args__ = (CheckConstraint(f"conclusion IS NULL OR conclusion IN {_in(CONCLUSIONS)}", name="conclusion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), unique=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    start_time: Mapped[time | None] = mapped_column(Time)
    # The member who chaired the meeting: the drawn chair unless the panel chose another member present.
    chair_expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    opinion: Mapped[str] = mapped_column(Text, default="")  # 专家意见
    # Technical verification: {"1": {"finding": "met" | "rectify" | "not_met", "note": ""}, ... "7": ...}
    checklist: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Performance evaluation: [{"item", "max", "score"}], weights adding up to 100
    score_sheet: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    conclusion: Mapped[str | None] = mapped_column(String(30))
    reasons: Mapped[str] = mapped_column(Text, default="")
    excellent: Mapped[bool] = mapped_column(Boolean, default=False)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_by: Mapped[str | None] = mapped_column(String(254))
    # What the conclusion did: the quorum it met, the park's transitions (seq, action), the proposals (keys)
    effects: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # False from the moment the conclusion is recorded until its lifecycle actions are taken (same transaction):
    # the lifecycle's facts see the conclusion as awaiting action only in between.
    acted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.expert_id", cascade="all, delete-orphan")


class Attendance(db.Model):
    """One member's attendance: present (signed in), absent, or left early (with the time they left)."""

    __tablename__ = "panel_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "expert_id"),
        CheckConstraint(f"status IN {_in(ATTENDANCE_STATUSES)}", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    signed_in_at: Mapped[time | None] = mapped_column(Time)
    left_at: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="attendance")
