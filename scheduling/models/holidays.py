"""The working-day calendar's data: which years are loaded, their days, and a version every process watches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ground.clock import UTCDateTime, wall_now
from ground.extensions import db


class CalendarYear(db.Model):
    """A year whose official schedule is loaded (its days follow ``holiday_overrides``, not plain Mon-Fri)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(40))  # chinesecalendar <version> | admin
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
    loaded_by_label: Mapped[str] = mapped_column(String(254))


class HolidayOverride(db.Model):
    """One day that differs from Mon-Fri: a public holiday or an adjusted workday (调休上班)."""

    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(60), default="")


class CalendarState(db.Model):
    """One row: bumped on every change of the holiday table so every process reloads its cached calendar."""

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[str] = mapped_column(String(32))  # random per change: a reset counter cannot fool a cache
    seeded_from: Mapped[str | None] = mapped_column(String(40))  # chinesecalendar version last seeded
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=wall_now)
