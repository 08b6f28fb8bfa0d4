"""The national expert pool (Art. 37-39): experts, organisations, specialties and their histories."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from expert_pool.rules.normalize import vocabularies
from ground.clock import UTCDateTime, wall_now
from ground.encryption import EncryptedJSON
from ground.extensions import db
from ground.ids import random_id

# The codes of the closed vocabularies, as the check constraints hold them: one definition, in the rules.
STATUSES = tuple(vocabularies.STATUSES)
TITLE_RANKS = tuple(vocabularies.TITLE_RANKS)
ORGANIZATION_TYPES = tuple(vocabularies.ORGANIZATION_TYPES)
# Recommending bodies besides a province code (Art. 5: the three ministries of the leading group)
MINISTRIES = tuple(vocabularies.MINISTRIES)


class Specialty(db.Model):
    """A specialty of the vocabulary (HJ 274-2015 indicator areas and the Measures); the Office adds codes."""

    __tablename__ = "specialties"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)


expert_specialties = Table(
    "expert_specialties",
    db.metadata,
    Column("expert_id", ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True),
    Column("specialty_code", ForeignKey("specialties.code"), primary_key=True),
    Index("ix_expert_specialties_code_expert", "specialty_code", "expert_id"),
)


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint(f"type IN {ORGANIZATION_TYPES!r}", name="type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    province: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    blacklistings: Mapped[list[Blacklisting]] = relationship(
        back_populates="organization", order_by="Blacklisting.listed_on")

    def blacklisted_on(self, day: date) -> bool:
        return any(b.listed_on <= day and (b.lifted_on is None or b.lifted_on > day) for b in self.blacklistings)


class Blacklisting(db.Model):
    """A third-party institution named for falsification (Art. 38); lifting is a new fact, not a delete."""

    __tablename__ = "organization_blacklistings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    listed_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lift_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship(back_populates="blacklistings")


class Expert(db.Model):
    __tablename__ = "experts"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint(f"title_rank IN {TITLE_RANKS!r}", name="title_rank"),
        CheckConstraint("gender IN ('M', 'F')", name="gender"),
        CheckConstraint("term_end IS NULL OR term_start IS NULL OR term_end >= term_start", name="term"),
        Index("ix_experts_province_status", "province", "status"),
        Index("ix_experts_status_name", "status", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int] = mapped_column(Integer)
    # Stored whole so duplicates can be matched; shown masked to all but the Office.
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title_rank: Mapped[str] = mapped_column(String(16), index=True)
    province: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(50), default="")
    recommended_by: Mapped[str] = mapped_column(String(8))
    # NULL: contributed by the Office (national); else the province code that contributed the expert
    contributed_by: Mapped[str | None] = mapped_column(String(2), index=True)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="applicant")
    data_confirmed_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2), default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now, onupdate=wall_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship(lazy="joined")
    specialties: Mapped[list[Specialty]] = relationship(secondary=expert_specialties, order_by=Specialty.code)
    employments: Mapped[list[Employment]] = relationship(
        back_populates="expert", order_by="Employment.start_date", cascade="all, delete-orphan")
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="expert", order_by="StatusChange.id", cascade="all, delete-orphan")
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="expert", order_by="[ConflictDeclaration.created_at, ConflictDeclaration.id]",
        cascade="all, delete-orphan")
    unavailabilities: Mapped[list[Unavailability]] = relationship(
        back_populates="expert", order_by="Unavailability.start_date", cascade="all, delete-orphan")

    @property
    def specialty_codes(self) -> list[str]:
        return [s.code for s in self.specialties]


class Employment(db.Model):
    """Dated employment history; recusal looks back three years into it."""

    __tablename__ = "expert_employments"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    position: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    expert: Mapped[Expert] = relationship(back_populates="employments")
    organization: Mapped[Organization] = relationship(lazy="joined")


class StatusChange(db.Model):
    __tablename__ = "expert_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date] = mapped_column(Date)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    expert: Mapped[Expert] = relationship(back_populates="status_changes")


class ConflictDeclaration(db.Model):
    """A declared conflict with a park or an organisation (a close relative there, past work, ...)."""

    __tablename__ = "expert_conflicts"
    __table_args__ = (
        CheckConstraint("park_id IS NOT NULL OR organization_id IS NOT NULL", name="target"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
    )

    # Random, not sequential: a conflict is also recorded when an expert declines a confidential panel's
    # invitation, and the gaps between the ids a province sees would count those declines.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))  # relative | former_employment | interest | other
    note: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20), default="staff")  # staff | self | invitation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)

    expert: Mapped[Expert] = relationship(back_populates="conflicts")


class Unavailability(db.Model):
    __tablename__ = "expert_unavailabilities"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    expert: Mapped[Expert] = relationship(back_populates="unavailabilities")


HELD_STATUSES = ("held", "created", "duplicate", "dismissed")


class HeldImportRow(db.Model):
    """A row of a province's import held for the Office: it may duplicate an expert whose identifiers the province
    sees masked, so the province was not told (see ``services.duplicates``) and the Office decides: a new
    expert, a duplicate of one, or nothing.

    What the row carried, identifiers in clear, is kept only encrypted (``submitted``, under a key of its own derived
    from ``TOTP_ENCRYPTION_KEY``) and only until it is resolved: then the expert created or matched holds the
    identifiers, and ``submitted`` keeps them masked."""

    __tablename__ = "held_import_rows"
    __table_args__ = (
        CheckConstraint(f"status IN {HELD_STATUSES!r}", name="status"),
        Index("ix_held_import_rows_status_held_at", "status", "held_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="held")
    file_name: Mapped[str] = mapped_column(String(200))
    row_number: Mapped[int] = mapped_column(Integer)  # as the spreadsheet shows it (header = row 1)
    submitted: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("held import rows"))
    # {field: id of the expert it matched}; which field is what the Office needs to decide
    matched: Mapped[dict[str, int]] = mapped_column(JSON)
    contributed_by: Mapped[str | None] = mapped_column(String(2))  # the importing province (None: the Office)
    held_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_by_label: Mapped[str] = mapped_column(String(254))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_by_label: Mapped[str | None] = mapped_column(String(254))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_reason: Mapped[str] = mapped_column(Text, default="")
    # The expert created from the row, or the one it duplicates
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
