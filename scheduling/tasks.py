"""Scheduled work of the park lifecycle: the deadline sweeper (ticked by ``ecopanel worker`` / the demo).

:func:`sweep_deadlines` claims due deadline rows in batches (``FOR UPDATE SKIP LOCKED`` on the deadline *and*
its park on PostgreSQL, so one park is handled by one sweeper at a time and lock order matches the requests':
park, then deadlines), applies each consequence in the batch's transaction and marks the row fired. A batch
commits once; a sweeper killed mid-batch loses its uncommitted batch and the rows are claimed again, so every
consequence is applied exactly once. A consequence whose guard refuses (e.g. an extension request is pending
when the construction period ends, Art. 11) fires as ``blocked``; the next change of the park re-arms it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ground.actor import SYSTEM
from ground.audit import record_many
from ground.clock import shanghai_date
from ground.extensions import db
from ground.sweeper import Sweeper
from scheduling import notices
from scheduling.deadlines import refresh_proposals, sync_deadlines
from scheduling.facts import ONE_DAY
from scheduling.models import DeadlineRecord, Park, ParkTransition
from scheduling.rules.lifecycle import Action, GuardFailed, IllegalTransition
from scheduling.services.transitions import apply_transition

log = logging.getLogger(__name__)


def _claim(now: datetime, batch_size: int) -> list[DeadlineRecord]:
    query = (select(DeadlineRecord).join(Park, Park.id == DeadlineRecord.park_id)
             .where(DeadlineRecord.state == "pending", DeadlineRecord.fire_at <= now)
             .order_by(DeadlineRecord.fire_at, DeadlineRecord.id).limit(batch_size))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=[DeadlineRecord, Park])
    return list(db.session.scalars(query))


def _load_parks(park_ids: set[int]) -> dict[int, Park]:
    parks = db.session.scalars(
        select(Park).where(Park.id.in_(park_ids)).options(
            selectinload(Park.major_changes), selectinload(Park.evaluations), selectinload(Park.annual_reports),
            selectinload(Park.objections), selectinload(Park.proposals), selectinload(Park.deadlines))
    )
    return {p.id: p for p in parks}


def _fire(row: DeadlineRecord, park: Park, now: datetime, audit: list, seqs: dict[int, int]) -> None:
    today = shanghai_date(now)
    if row.kind == "reminder":
        parent = row.parent
        if parent is None or parent.state != "pending":
            row.outcome = "skipped"
            return
        if any(r.parent_id == parent.id and r.kind == "reminder" and r.state == "pending" and r.id != row.id
               and (r.days_before or 0) < (row.days_before or 0) and r.fire_at <= now for r in park.deadlines):
            row.outcome = "superseded"  # a later reminder of the same deadline is due too (catching up)
            return
        context = notices.deadline_context(park, parent.kind, parent.due, parent.article, parent.provisional,
                                           days_left=row.days_before, reminder=True)
        row.outcome = notices.notify(park, parent.kind, context, f"deadline:{row.id}")
        return
    effective = min(row.due + ONE_DAY, today)
    if park.last_transition_on and park.last_transition_on > effective:
        effective = park.last_transition_on
    outcome, detail = "passed", {}
    if row.consequence:
        try:
            transition, entry = apply_transition(SYSTEM, park, Action(row.consequence), effective, now,
                                                 comment=f"deadline {row.kind} {row.due.isoformat()} passed",
                                                 seq=seqs[park.id], flush=False)
            seqs[park.id] += 1
        except (GuardFailed, IllegalTransition) as exc:
            outcome = "blocked"
            detail = {"code": getattr(exc, "code", "illegal_transition"), "message": str(exc)}
        else:
            outcome = "applied"
            detail = {"action": row.consequence, "to_state": transition.to_state, "seq": transition.seq}
            audit.append(entry)
    added = refresh_proposals(park, effective) if outcome != "applied" else []  # applied: refreshed already
    if added:
        detail["proposals"] = [p.key for p in added]
        outcome = "proposed" if outcome == "passed" else outcome
        for p in added:
            audit.append(("park.warning_proposal", "park", park.id, {"key": p.key, "reason": p.reason,
                                                                     "audience": p.audience}))
    if outcome != "applied":  # an applied transition has re-synced already
        sync_deadlines(park, effective, now, rearm_blocked=False)
    row.outcome, row.detail = outcome, {**(row.detail or {}), **detail}


def _next_seqs(park_ids: set[int]) -> dict[int, int]:
    rows = db.session.execute(select(ParkTransition.park_id, func.max(ParkTransition.seq))
                              .where(ParkTransition.park_id.in_(park_ids)).group_by(ParkTransition.park_id))
    seqs = {park_id: 1 for park_id in park_ids}
    seqs.update({park_id: (last or 0) + 1 for park_id, last in rows})
    return seqs


def _fire_rows(rows: list[DeadlineRecord], parks: dict[int, Park], now: datetime, audit: list, *,
               isolate: bool) -> None:
    seqs = _next_seqs(set(parks))
    # Consequences before reminders, then by park and date, so a reminder sees its parent's final state.
    for row in sorted(rows, key=lambda r: (r.kind == "reminder", r.park_id, r.due, r.id)):
        if row.state != "pending":  # cancelled by an earlier row of the same park in this batch
            continue
        park = parks[row.park_id]
        if not isolate:
            _fire(row, park, now, audit, seqs)
            row.state, row.fired_at = "fired", now
            continue
        savepoint = db.session.begin_nested()
        try:
            _fire(row, park, now, audit, seqs)
            row.state, row.fired_at = "fired", now
            db.session.flush()
            savepoint.commit()
        except Exception as exc:  # a bug must not stall every other deadline behind it
            savepoint.rollback()
            log.exception("deadline %s (%s %s) failed", row.id, row.kind, row.key)
            db.session.expire(park)  # its collections reload from what the savepoint kept
            seqs = _next_seqs(set(parks))
            row.state, row.fired_at, row.outcome = "failed", now, "error"
            row.detail = {**(row.detail or {}), "error": f"{type(exc).__name__}: {exc}"[:500]}


def sweep_batch(now: datetime, batch_size: int = 500) -> int:
    """Claim and fire one batch of due rows in the current transaction (the caller commits); returns the
    number of rows handled.

    The batch is applied in one savepoint and flushed once (the fast path: a few round trips per batch, not
    per row). If anything in it raises, the savepoint is rolled back (the claimed rows stay locked) and the
    batch is replayed row by row, each in its own savepoint, so one bad row is marked ``failed`` and the
    others fire.
    """
    rows = _claim(now, batch_size)
    if not rows:
        return 0
    parks = _load_parks({r.park_id for r in rows})
    audit: list[tuple[str, str, Any, dict[str, Any] | None]] = []
    try:
        with db.session.begin_nested():
            _fire_rows(rows, parks, now, audit, isolate=False)
            db.session.flush()
    except Exception:
        log.warning("a deadline batch failed; replaying it row by row", exc_info=True)
        db.session.expire_all()
        audit = []
        parks = _load_parks({r.park_id for r in rows})
        _fire_rows(rows, parks, now, audit, isolate=True)
    if audit:
        record_many(SYSTEM, audit, now=now)
    db.session.flush()
    return len(rows)


def sweep_deadlines(now: datetime, *, batch_size: int = 500, max_batches: int | None = None,
                    commit: Callable[[], None] | None = None) -> int:
    """Fire every due row, batch by batch, committing after each batch (the sweeper is its own boundary)."""
    commit = commit or db.session.commit
    handled = batches = 0
    while max_batches is None or batches < max_batches:
        count = sweep_batch(now, batch_size)
        commit()
        if count == 0:
            break
        handled += count
        batches += 1
    return handled


SWEEPERS = [Sweeper("deadlines", 60, sweep_deadlines)]
