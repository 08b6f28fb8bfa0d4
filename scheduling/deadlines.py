"""Deadlines and warning grounds as rows, derived from the lifecycle after every change of a park.

* :func:`sync_deadlines` makes a park's pending rows match :func:`pending_deadlines`: new ones are
  inserted (unique per park, kind and period key), moved ones updated, obsolete ones cancelled, and each
  gets its reminders 30, 7 and 1 days before (rows of kind ``reminder``, unique too). Annual reports are
  derived one year ahead (``HORIZON``), so a park that does nothing still has next year's report due; each
  annual deadline that fires derives the next.
* :func:`refresh_proposals` puts new grounds for a warning before the people who decide.

The rows are fired by the sweeper in :mod:`scheduling.tasks`; notice periods are recomputed after a calendar
year is loaded by :mod:`scheduling.notice_periods`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta

from scheduling.facts import ONE_DAY, build_facts, lifecycle_rules, start_of_day
from scheduling.models import DeadlineRecord, Park, WarningProposalRecord
from scheduling.rules.lifecycle import PHASE_OF, Phase, Programme, State, pending_deadlines, warning_proposal_reasons

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
