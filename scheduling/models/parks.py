"""Parks, their lifecycle history, facts, materials, annual reports, warning proposals and deadline rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expert_pool.models import Organization
from ground.clock import UTCDateTime, wall_now
from ground.extensions import db
from scheduling.rules.lifecycle import State

PARK_TYPES = ("national_etdz", "national_htz", "provincial", "other")
PROGRAMMES = ("national", "provincial")
STATES = tuple(s.value for s in State)
DEADLINE_STATES = ("pending", "fired", "cancelled", "failed")
PROPOSAL_STATUSES = ("open", "acted", "dismissed")  # acted: a warning or a stop was issued
NOTICES = ("public_notice", "naming_notice")
MATERIAL_KINDS = (
    "application_letter",  # Art. 8 (1) 创建申请
    "construction_plan",  # Art. 8 (2) 建设规划 (HJ/T 409-2007, indicators per HJ 274-2015)
    "compliance_commitment",  # Art. 8 (3) 近三年环境守法承诺
    "planning_eia",  # Art. 8 (4) 规划环评报告书及审查意见
    "acceptance_application",  # Art. 15 验收申请
    "acceptance_report",  # Art. 15 验收报告 (附2)
    "electronic_data",  # Art. 15 电子数据
    "annual_report",  # Art. 23 年度自评估报告
    "rectification_report",  # Art. 18, 26 整改报告
    "major_change_report",  # Art. 12 重大调整书面报告
    "plan_revision",  # Art. 24 规划修编
    "decision",  # a signed decision, notice or filing form (附1, 附3)
    "other",
)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# Companies in the park: employment there within three years is a recusal reason.
park_enterprises = Table(
    "park_enterprises",
    db.metadata,
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
)


class Park(db.Model):
    __tablename__ = "parks"
    __table_args__ = (CheckConstraint(f"state IN {_in(STATES)}", name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    province: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(50), default="")
    programme: Mapped[str] = mapped_column(String(12), default="national")
    park_type: Mapped[str] = mapped_column(String(20), default="other")
    management_agency_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    planning_institution_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    leading_industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    # -- facts of the current creation cycle (cleared by a new application, Art. 21) --
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    applied_on: Mapped[date | None] = mapped_column(Date)
    public_notice_published_on: Mapped[date | None] = mapped_column(Date)
    public_notice_last_day: Mapped[date | None] = mapped_column(Date)
    public_notice_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    approved_on: Mapped[date | None] = mapped_column(Date)
    extension_requested_on: Mapped[date | None] = mapped_column(Date)
    extension_granted_on: Mapped[date | None] = mapped_column(Date)
    extension_refused_on: Mapped[date | None] = mapped_column(Date)
    extension_months: Mapped[int | None] = mapped_column(Integer)
    plan_revision_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    acceptance_applied_on: Mapped[date | None] = mapped_column(Date)
    verification_feedback_on: Mapped[date | None] = mapped_column(Date)
    naming_notice_published_on: Mapped[date | None] = mapped_column(Date)
    naming_notice_last_day: Mapped[date | None] = mapped_column(Date)
    naming_notice_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    named_on: Mapped[date | None] = mapped_column(Date)
    warned_on: Mapped[date | None] = mapped_column(Date)
    rectification_deadline: Mapped[date | None] = mapped_column(Date)
    failed_rectifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revocation_requested_on: Mapped[date | None] = mapped_column(Date)
    # -- kept across cycles: the re-application ban needs them (Art. 28) --
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_reason: Mapped[str | None] = mapped_column(String(40))
    # The date of the latest transition: a new one may not be dated before it (the history stays ordered).
    last_transition_on: Mapped[date | None] = mapped_column(Date)

    management_agency: Mapped[Organization] = relationship(foreign_keys=[management_agency_id])
    planning_institution: Mapped[Organization | None] = relationship(foreign_keys=[planning_institution_id])
    enterprises: Mapped[list[Organization]] = relationship(secondary=park_enterprises)
    major_changes: Mapped[list[MajorChangeRecord]] = relationship(
        back_populates="park", order_by="MajorChangeRecord.changed_on", cascade="all, delete-orphan")
    evaluations: Mapped[list[EvaluationRecord]] = relationship(
        back_populates="park", order_by=lambda: (EvaluationRecord.evaluated_on, EvaluationRecord.id),
        cascade="all, delete-orphan")
    annual_reports: Mapped[list[AnnualReportRecord]] = relationship(
        back_populates="park", order_by="AnnualReportRecord.year", cascade="all, delete-orphan")
    objections: Mapped[list[NoticeObjection]] = relationship(
        back_populates="park", order_by="NoticeObjection.id", cascade="all, delete-orphan")
    proposals: Mapped[list[WarningProposalRecord]] = relationship(
        back_populates="park", order_by="WarningProposalRecord.id", cascade="all, delete-orphan")
    deadlines: Mapped[list[DeadlineRecord]] = relationship(
        back_populates="park", order_by="DeadlineRecord.id", cascade="all, delete-orphan")


transition_documents = Table(
    "park_transition_documents",
    db.metadata,
    Column("transition_id", ForeignKey("park_transitions.id", ondelete="CASCADE"), primary_key=True),
    Column("material_id", ForeignKey("park_materials.id"), primary_key=True),
)


class ParkTransition(db.Model):
    """One step of a park's history: append-only (the ORM refuses updates and deletes, see below)."""

    __tablename__ = "park_transitions"
    __table_args__ = (
        UniqueConstraint("park_id", "seq"),
        CheckConstraint(f"from_state IN {_in(STATES)}", name="from_state"),
        CheckConstraint(f"to_state IN {_in(STATES)}", name="to_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))  # indexed by the unique key
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per park
    cycle: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    # The lifecycle role that acted (park, province, office, leading_group, system) and who entered it.
    actor: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    on: Mapped[date] = mapped_column(Date)
    article: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    # What the action carried (e.g. the granted extension, the change date); see services.TRANSITION_DATA.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    documents: Mapped[list[Material]] = relationship(secondary=transition_documents, order_by="Material.id")


@event.listens_for(ParkTransition, "before_update")
@event.listens_for(ParkTransition, "before_delete")
def _append_only(mapper, connection, target):  # pragma: no cover - a programming error, not a user's
    raise RuntimeError("park transitions are append-only; record a new transition instead")


class Material(db.Model):
    """An uploaded file: metadata here, content on disk under ``instance/materials`` with a generated name."""

    __tablename__ = "park_materials"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(MATERIAL_KINDS)}", name="kind"),
        CheckConstraint("size_bytes >= 0", name="size"),
        CheckConstraint("covers_to IS NULL OR covers_from IS NULL OR covers_to >= covers_from", name="covers"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(160))  # the uploader's name, sanitised; never a path
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)  # generated: <uuid hex>.<ext>
    content_type: Mapped[str] = mapped_column(String(100))  # sniffed, not what the client claimed
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)  # annual reports
    covers_from: Mapped[date | None] = mapped_column(Date)  # compliance commitment (Art. 8: 3 years)
    covers_to: Mapped[date | None] = mapped_column(Date)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by_label: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


class MajorChangeRecord(db.Model):
    """A major change (Art. 12): reported by the park, or found by the province and not reported (yet)."""

    __tablename__ = "park_major_changes"
    __table_args__ = (UniqueConstraint("park_id", "cycle", "changed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))  # indexed by the unique key
    cycle: Mapped[int] = mapped_column(Integer)
    changed_on: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)  # name, agency, scope, indicators, projects
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    park: Mapped[Park] = relationship(back_populates="major_changes")


class EvaluationRecord(db.Model):
    """A performance evaluation result (Art. 25-26)."""

    __tablename__ = "park_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    evaluated_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    excellent: Mapped[bool] = mapped_column(Boolean, default=False)
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("park_transitions.id"))

    park: Mapped[Park] = relationship(back_populates="evaluations")
    transition: Mapped[ParkTransition | None] = relationship()


class NoticeObjection(db.Model):
    """An objection to the public notice (Art. 10) or a complaint during the naming notice (Art. 19)."""

    __tablename__ = "park_notice_objections"
    __table_args__ = (CheckConstraint(f"notice IN {_in(NOTICES)}", name="notice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    notice: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    upheld: Mapped[bool | None] = mapped_column(Boolean)  # True: found true (no approval / not named)
    finding: Mapped[str] = mapped_column(Text, default="")
    recorded_by_label: Mapped[str] = mapped_column(String(254))

    park: Mapped[Park] = relationship(back_populates="objections")


class AnnualReportRecord(db.Model):
    """The annual report for ``year`` (Art. 23): submitted by the park, reviewed and forwarded by the province.

    It is on time when forwarded to the Office by 30 June of ``year + 1`` (the Measures' 经省级…审核后…报送).
    """

    __tablename__ = "park_annual_reports"
    __table_args__ = (
        UniqueConstraint("park_id", "year"),
        CheckConstraint("forwarded_on IS NULL OR reviewed_on IS NOT NULL", name="forward_after_review"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))  # indexed by the unique key
    year: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    material_id: Mapped[int | None] = mapped_column(ForeignKey("park_materials.id"))
    submitted_on: Mapped[date | None] = mapped_column(Date)  # by the park to the province
    reviewed_on: Mapped[date | None] = mapped_column(Date)  # by the province
    compliant: Mapped[bool | None] = mapped_column(Boolean)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    forwarded_on: Mapped[date | None] = mapped_column(Date)  # to the Office: the date that counts
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now, onupdate=wall_now)

    park: Mapped[Park] = relationship(back_populates="annual_reports")
    material: Mapped[Material | None] = relationship()


class WarningProposalRecord(db.Model):
    """A ground for a warning the system puts before people (Art. 27); the Office (or the province for a park
    still under creation) warns, stops or dismisses it. One row per park and ground (``key``). A review panel's
    conclusion proposes the decisions people take after it the same way (``proposed_action``)."""

    __tablename__ = "park_warning_proposals"
    __table_args__ = (
        UniqueConstraint("park_id", "key"),
        CheckConstraint(f"status IN {_in(PROPOSAL_STATUSES)}", name="status"),
        Index("ix_park_warning_proposals_status_audience", "status", "audience"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))  # indexed by the unique key
    key: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(40))
    # The decision proposed where a review panel's conclusion leaves it to people (name_park, stop_creation,
    # revoke; see panel_outcomes); None: a ground for a warning (Art. 27; during creation, for a stop).
    proposed_action: Mapped[str | None] = mapped_column(String(40))
    article: Mapped[int] = mapped_column(Integer)
    item: Mapped[int] = mapped_column(Integer)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(16))  # office | province
    status: Mapped[str] = mapped_column(String(12), default="open")
    proposed_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_label: Mapped[str | None] = mapped_column(String(254))
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    park: Mapped[Park] = relationship(back_populates="proposals")


class DeadlineRecord(db.Model):
    """A deadline of a park (unique per park, kind and period key), or a reminder of one (``kind='reminder'``).

    ``due`` is the last day on time; ``fire_at`` the instant the sweeper acts (the start of the next day in
    Asia/Shanghai; for a reminder, the start of its day). ``state``: pending -> fired (exactly once) or
    cancelled (the situation changed); failed if applying it raised (kept for an operator, never retried
    silently).
    """

    __tablename__ = "park_deadlines"
    __table_args__ = (
        UniqueConstraint("park_id", "kind", "key"),
        CheckConstraint(f"state IN {_in(DEADLINE_STATES)}", name="state"),
        Index("ix_park_deadlines_state_fire_at", "state", "fire_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"))  # indexed by the unique key
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))
    due: Mapped[date] = mapped_column(Date)
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article: Mapped[int] = mapped_column(Integer)
    consequence: Mapped[str | None] = mapped_column(String(40))  # a system lifecycle action
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("park_deadlines.id", ondelete="CASCADE"), index=True)
    days_before: Mapped[int | None] = mapped_column(Integer)  # reminders: 30, 7, 1
    outcome: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    park: Mapped[Park] = relationship(back_populates="deadlines")
    parent: Mapped[DeadlineRecord | None] = relationship(remote_side=[id])
