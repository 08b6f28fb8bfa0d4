"""Deadlines as rows: derived from the lifecycle after every change, fired exactly once by the sweeper.

* :func:`sync_deadlines` makes a park's pending rows match :func:`lifecycle.pending_deadlines`: new ones are
  inserted (unique per park, kind and period key), moved ones updated, obsolete ones cancelled, and each
  gets its reminders 30, 7 and 1 days before (rows of kind ``reminder``, unique too). Annual reports are
  derived one year ahead (``HORIZON``), so a park that does nothing still has next year's report due; each
  annual deadline that fires derives the next.
* :func:`sweep_deadlines` claims due rows in batches (``FOR UPDATE SKIP LOCKED`` on the deadline *and* its
  park on PostgreSQL, so one park is handled by one sweeper at a time and lock order matches the requests':
  park, then deadlines), applies each consequence in the batch's transaction and marks the row fired.
  A batch commits once; a sweeper killed mid-batch loses its uncommitted batch and the rows are claimed
  again, so every consequence is applied exactly once.
* A consequence whose guard refuses (e.g. an extension request is pending when the construction period
  ends, Art. 11) fires as ``blocked``; the next change of the park re-arms it.
* :func:`recompute_provisional` recomputes the notice periods after a calendar year is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ground.actor import SYSTEM
from ground.audit import record_many
from ground.clock import shanghai_date
from ground.extensions import db
from scheduling import notices
from scheduling.facts import ONE_DAY, build_facts, lifecycle_rules, start_of_day
from scheduling.lifecycle import (
    PHASE_OF,
    Action,
    GuardFailed,
    IllegalTransition,
    Phase,
    Programme,
    State,
    pending_deadlines,
    warning_proposal_reasons,
)
from scheduling.models import DeadlineRecord, Park, WarningProposalRecord

log = logging.getLogger(__name__)

HORIZON = relativedelta(years=1)
REMINDER_DAYS = (30, 7, 1)
# Periods worth a reminder; notices (5 working days) and the ban's end are not.
REMINDER_KINDS = frozenset({"construction_period", "major_change_report", "annual_report",
                            "verification_rectification", "performance_evaluation", "warning_rectification"})
PROVISIONAL_KINDS = {"public_notice": "public_notice_provisional", "naming_notice": "naming_notice_provisional"}


# -- deriving rows ---------------------------------------------------------------------------------------------


def _set(row: DeadlineRecord, **values: Any) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def sync_deadlines(park: Park, today: date, now: datetime, *, rearm_blocked: bool = True) -> list[dict[str, Any]]:
    """Bring the park's deadline rows in line with its state and facts as of ``today``.

    Returns the pending deadlines whose date or provisional mark changed (for notices).
    """
    rules = lifecycle_rules()
    facts = build_facts(park, today + HORIZON)
    wanted = pending_deadlines(park.state, facts, rules)
    existing = {(d.kind, d.key): d for d in park.deadlines}
    changed: list[dict[str, Any]] = []
    keep: set[tuple[str, str]] = set()
    for deadline in wanted:
        provisional = False
        if deadline.kind in PROVISIONAL_KINDS:
            provisional = bool(getattr(park, PROVISIONAL_KINDS[deadline.kind]))
            # A notice is identified by its start, not by its computed end, so recomputing the end after a
            # calendar year is loaded moves the same row instead of replacing it.
            published = getattr(park, f"{deadline.kind}_published_on")
            if published is not None:
                deadline = replace(deadline, key=f"{deadline.kind}:{published.isoformat()}")
        consequence = deadline.consequence.value if deadline.consequence else None
        fire_at = start_of_day(deadline.due + ONE_DAY)
        row = existing.get((deadline.kind, deadline.key))
        keep.add((deadline.kind, deadline.key))
        if row is None:
            row = DeadlineRecord(kind=deadline.kind, key=deadline.key, due=deadline.due, fire_at=fire_at,
                                 article=deadline.article, consequence=consequence, provisional=provisional,
                                 state="pending", detail={}, created_at=now)
            park.deadlines.append(row)
        elif row.state == "pending" or row.state == "cancelled" or (
                rearm_blocked and row.state == "fired" and row.outcome == "blocked"):
            before = (row.due, row.provisional)
            revived = row.state != "pending"
            _set(row, due=deadline.due, fire_at=fire_at, article=deadline.article, consequence=consequence,
                 provisional=provisional, state="pending")
            if revived:
                row.outcome, row.fired_at = None, None
                row.detail = {**(row.detail or {}), "rearmed_at": now.isoformat()}
            elif before != (row.due, row.provisional):
                changed.append({"park_id": park.id, "kind": row.kind, "key": row.key, "due": row.due,
                                "previous_due": before[0], "provisional": row.provisional})
        else:
            continue  # fired or failed: history, not touched
        if deadline.kind in REMINDER_KINDS:
            _sync_reminders(park, row, today, now, existing, keep)
    for (kind, key), row in existing.items():
        if (kind, key) not in keep and row.state == "pending":
            row.state, row.outcome = "cancelled", "superseded"
            row.fired_at = None
    return changed


def _sync_reminders(park: Park, parent: DeadlineRecord, today: date, now: datetime,
                    existing: dict[tuple[str, str], DeadlineRecord], keep: set[tuple[str, str]]) -> None:
    for days in REMINDER_DAYS:
        day = parent.due - relativedelta(days=days)
        key = f"{days}:{parent.kind}:{parent.key}:{parent.due.isoformat()}"  # a moved deadline is reminded anew
        keep.add(("reminder", key))
        row = existing.get(("reminder", key))
        if row is None:
            if day < today:
                continue  # its day has passed already: no late reminders of a new deadline
            park.deadlines.append(DeadlineRecord(
                kind="reminder", key=key, due=parent.due, fire_at=start_of_day(day), article=parent.article,
                provisional=parent.provisional, state="pending", parent=parent, days_before=days, detail={},
                created_at=now))
        elif row.state in ("pending", "cancelled"):
            if row.state == "cancelled" and day < today:
                continue
            _set(row, due=parent.due, fire_at=start_of_day(day), provisional=parent.provisional, state="pending")
            row.outcome = None


# -- proposals -------------------------------------------------------------------------------------------------


def proposal_audience(park: Park) -> str | None:
    phase = PHASE_OF[State(park.state)]
    if phase is Phase.NAMED:
        return "province" if park.programme == Programme.PROVINCIAL else "office"
    if phase is Phase.CREATION:
        return "province"  # an unreported change can stop the creation (Art. 14 (2)) [rule]
    return None


def refresh_proposals(park: Park, today: date) -> list[WarningProposalRecord]:
    """Put every new ground for a warning before the people who decide (Art. 27); returns the new rows."""
    audience = proposal_audience(park)
    if audience is None:
        return []
    have = {p.key for p in park.proposals}
    added = []
    for proposal in warning_proposal_reasons(build_facts(park, today), lifecycle_rules()):
        if proposal.key in have:
            continue
        row = WarningProposalRecord(
            key=proposal.key, reason=proposal.reason.value, article=proposal.article, item=proposal.item,
            message_zh=proposal.message_zh, message_en=proposal.message_en, audience=audience, status="open",
            proposed_on=today, decision_comment="")
        park.proposals.append(row)
        added.append(row)
    return added


# -- the sweeper -----------------------------------------------------------------------------------------------


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
    from scheduling.services import apply_transition

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
    from sqlalchemy import func

    from scheduling.models import ParkTransition

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


# -- after a calendar year is loaded ---------------------------------------------------------------------------


def recompute_provisional(now: datetime, years: set[int]) -> list[dict[str, Any]]:
    """Recompute the notice periods that were provisional or touch ``years``; re-sync and notify.

    Returns one entry per park whose notice end or provisional mark changed.
    """
    from scheduling.calendar_service import get_calendar

    rules = lifecycle_rules()
    calendar = get_calendar(now)
    today = shanghai_date(now)
    touching = or_(Park.public_notice_provisional.is_(True), Park.naming_notice_provisional.is_(True),
                   Park.state.in_((State.IN_PUBLIC_NOTICE.value, State.IN_NAMING_NOTICE.value)))
    changes: list[dict[str, Any]] = []
    audit = []
    for park in db.session.scalars(select(Park).where(touching).order_by(Park.id)):
        entry: dict[str, Any] = {"park_id": park.id, "park_name": park.name}
        for notice, days in (("public_notice", rules.time.public_notice_working_days),
                             ("naming_notice", rules.time.naming_notice_working_days)):
            published = getattr(park, f"{notice}_published_on")
            last = getattr(park, f"{notice}_last_day")
            if published is None or last is None:
                continue
            if not getattr(park, f"{notice}_provisional") and not ({published.year, last.year} & years):
                continue
            result = calendar.add_working_days(published, days)
            if (result.date, result.provisional) != (last, getattr(park, f"{notice}_provisional")):
                setattr(park, f"{notice}_last_day", result.date)
                setattr(park, f"{notice}_provisional", result.provisional)
                entry[notice] = {"previous": last.isoformat(), "date": result.date.isoformat(),
                                 "provisional": result.provisional}
        if len(entry) == 2:
            continue
        sync_deadlines(park, today, now)
        for notice in ("public_notice", "naming_notice"):
            if notice in entry and park.state == State(f"in_{notice}").value:
                info = entry[notice]
                context = notices.deadline_context(
                    park, notice, date.fromisoformat(info["date"]), 10 if notice == "public_notice" else 19,
                    info["provisional"], previous_due=info["previous"], recomputed=True)
                entry[f"{notice}_notice"] = notices.notify(
                    park, notice, context, f"recomputed:{park.id}:{notice}:{info['date']}",
                    audiences=("park", "province", "office") if notice == "naming_notice" else ("park", "province"))
        audit.append(("park.deadlines_recomputed", "park", park.id, entry))
        changes.append(entry)
    if audit:
        record_many(SYSTEM, audit, now=now)
    return changes
