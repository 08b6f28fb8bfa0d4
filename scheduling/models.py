"""Parks of the programme. The lifecycle itself is the pure table in :mod:`scheduling.lifecycle`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecopanel.extensions import db
from ecopanel.timeutil import UTCDateTime, utcnow
from expert_pool.models import Organization

PARK_TYPES = ("national_etdz", "national_htz", "provincial", "other")
PROGRAMMES = ("national", "provincial")

# Companies in the park: employment there within three years is a recusal reason.
park_enterprises = Table(
    "park_enterprises",
    db.metadata,
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
)


class Park(db.Model):
    __tablename__ = "parks"

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    management_agency: Mapped[Organization] = relationship(foreign_keys=[management_agency_id])
    planning_institution: Mapped[Organization | None] = relationship(foreign_keys=[planning_institution_id])
    enterprises: Mapped[list[Organization]] = relationship(secondary=park_enterprises)
