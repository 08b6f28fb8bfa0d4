"""The planner's input from the database, set-based: one load of the pool serves every park of the wave.

Each park's allowed days are the working days of the window (within its due window where the timeline
knows it, or the days the caller gave); the experts a park's recusal excludes (its agency, its enterprises,
its planner, a declared conflict, an earlier panel of the park, the own-province rule ...) are assessed on
each park's first and last day (and on every day for an expert with declared conflicts, whose validity may
start or end in between); what depends on the day alone (absence, term, a booking and the rest days around
it) is the expert's ``busy`` days, and the yearly cap left is the expert's capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ground.extensions import db
from panels.models import RuleSet
from panels.rules import recusal
from panels.rules.rulesets import candidates, effective_rules, quota_specialties, recusal_rules
from panels.services.pool import park_context, pool_facts
from panels.solver.wave_model import WAVE_ENGINE_VERSION
from scheduling import calendar_service
from scheduling.models import DeadlineRecord, Park

#: The deadline kind that bounds each panel kind's due window (the timeline knows these).
DUE_DEADLINE = {"performance_evaluation": "performance_evaluation"}


def working_days(start: date, end: date, now: datetime) -> list[date]:
    return [r.date for r in calendar_service.get_calendar(now).working_days(start, end)]


def due_dates(parks: Sequence[Park], kind: str) -> dict[int, date]:
    """The pending deadline of each park that the wave's kind answers (the latest day on time)."""
    deadline = DUE_DEADLINE.get(kind)
    if deadline is None:
        return {}
    rows = db.session.execute(select(DeadlineRecord.park_id, DeadlineRecord.due).where(
        DeadlineRecord.park_id.in_([p.id for p in parks]), DeadlineRecord.kind == deadline,
        DeadlineRecord.state == "pending"))
    out: dict[int, date] = {}
    for park_id, due in rows:
        out[park_id] = min(due, out.get(park_id, due))
    return out


def allowed_days(parks: Sequence[Park], window: Sequence[date], due: Mapping[int, date],
                 given: Mapping[int, Sequence[date]]) -> dict[int, list[date]]:
    """Each park's days: those given, else the window's working days up to its due date (all of them when it
    is already overdue or due after the window)."""
    out = {}
    for p in parks:
        if p.id in given:
            out[p.id] = sorted(set(given[p.id]))
            continue
        cut = due.get(p.id)
        days = [d for d in window if cut is None or cut < window[0] or d <= cut] if window else []
        out[p.id] = days
    return out


@dataclass(frozen=True)
class Loaded:
    """The canonical inputs, and the facts they came from (for the commit's re-check)."""

    inputs: dict[str, Any]
    facts: list[recusal.ExpertFacts]


def _stripped(f: recusal.ExpertFacts) -> recusal.ExpertFacts:
    """The facts without what depends on the day alone (those become busy days)."""
    return replace(f, status="active", term_start=None, term_end=None, unavailable=(), booked_days=(),
                   foreign_booked_days=frozenset())


def _busy(f: recusal.ExpertFacts, days: Sequence[date], rest: int) -> list[str]:
    if not days:
        return []
    if not (f.unavailable or f.booked_days) and (f.term_start is None or f.term_start <= days[0]) \
            and (f.term_end is None or f.term_end >= days[-1]):
        return []  # most of the pool: free on every day of the wave
    out = []
    for d in days:
        if (f.term_start and d < f.term_start) or (f.term_end and d > f.term_end) \
                or any(a <= d <= b for a, b in f.unavailable) \
                or any(abs((b - d).days) < max(1, rest) for b in f.booked_days):
            out.append(d.isoformat())
    return out


def _capacity(f: recusal.ExpertFacts, years: set[int], cap: int | None) -> int | None:
    if cap is None:
        return None
    return max(0, min(cap - sum(b.year == y for b in f.booked_days) for y in years))


def load_inputs(parks: Sequence[Park], days: Mapping[int, list[date]], *, kind: str, convened_by: str,
                rule_set: RuleSet, size: int, max_per_day: int, per_expert_cap: int, window: Sequence[date],
                kept: Sequence[Sequence[Any]] = (), locks: Mapping[int, Sequence[int]] | None = None) -> Loaded:
    """The wave's canonical inputs: one load of the pool for every park and day."""
    rules = rule_set.rules
    rrules = recusal_rules(rules, convened_by)
    all_days = sorted({d for ds in days.values() for d in ds})
    first, last = (all_days[0], all_days[-1]) if all_days else (window[0], window[-1])
    facts = pool_facts(parks[0], first, rrules, until=last, park_ids=[p.id for p in parks])
    active = [f for f in facts if f.status == "active"]
    bare = [_stripped(f) for f in active]
    excluded: dict[int, set[int]] = {}
    for park in parks:
        ds = days[park.id] or [first]
        excluded[park.id] = recusal.recused_ids(bare, park_context(park, ds[0]), rrules, ds)
    anywhere = set.intersection(*excluded.values()) if excluded else set()
    spec = quota_specialties(rules)
    rest = effective_rules(rules)["min_rest_days"]
    years = {d.year for d in all_days} or {first.year}
    cap = effective_rules(rules)["yearly_panel_cap"]
    pool = [(f, c) for f, c in zip(active, candidates(active, spec), strict=True) if f.id not in anywhere]
    inputs = {
        "engine_version": WAVE_ENGINE_VERSION,
        "kind": kind, "convened_by": convened_by,
        "rule_set": {"name": rule_set.name, "version": rule_set.version, "rules": rules},
        "size": size, "max_per_day": max_per_day, "per_expert_cap": per_expert_cap, "rest_days": rest,
        "chair_senior": bool(effective_rules(rules)["chair_senior"]),
        "experts": [[c.id, sorted(c.groups), _busy(f, all_days, rest), _capacity(f, years, cap)] for f, c in pool],
        "parks": [[str(p.id), p.province, [d.isoformat() for d in days[p.id]],
                   sorted(str(e) for e in excluded[p.id] - anywhere)] for p in parks],
        "kept": [list(k) for k in kept],
        "locks": {str(pid): sorted(str(e) for e in ids) for pid, ids in sorted((locks or {}).items())},
    }
    return Loaded(inputs, facts)
