"""What needs doing across the parks a caller may see: deadlines coming and passed (late annual reports:
:func:`scheduling.reports.late_annual_reports`).

The staff's dashboard lists these; each row names the park, where the work is done.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from ground.actor import Actor
from ground.extensions import db
from scheduling.models import DeadlineRecord, Park
from scheduling.services.parks import scoped


def _deadlines(actor: Actor, condition) -> list[DeadlineRecord]:
    query = (select(DeadlineRecord).join(DeadlineRecord.park).options(contains_eager(DeadlineRecord.park))
             .where(DeadlineRecord.kind != "reminder", condition)
             .order_by(DeadlineRecord.due, Park.name, DeadlineRecord.id))
    return list(db.session.scalars(scoped(actor, query)))


def deadlines_ahead(actor: Actor, today: date, days: int) -> list[DeadlineRecord]:
    """Pending deadlines that fall due from ``today`` to ``days`` days ahead (the last day on time included)."""
    return _deadlines(actor, and_(DeadlineRecord.state == "pending", DeadlineRecord.due >= today,
                                  DeadlineRecord.due <= today + timedelta(days=days)))


def deadlines_overdue(actor: Actor, today: date) -> list[DeadlineRecord]:
    """Deadlines past their last day with nothing settled: still pending (the sweeper has not fired them yet),
    or fired but their consequence was refused by a guard (``blocked``: people must act, e.g. Art. 11)."""
    return _deadlines(actor, and_(DeadlineRecord.due < today, or_(
        DeadlineRecord.state == "pending",
        and_(DeadlineRecord.state == "fired", DeadlineRecord.outcome == "blocked"))))
