"""One wave panel from an ordered pool (pure): greedy on the order, CP-SAT on the same order when greedy fails.

Used by :mod:`panels.solver.waves` for each meeting; the order carries the fairness (least loaded first, then
the randomised apportionment), these only keep the quotas and the locked members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .model import Quota
from .wave_model import WaveExpert


def group_supply(ids: Sequence[str], experts: Mapping[str, WaveExpert], quotas: Sequence[Quota]) -> dict[str, int]:
    """How many of ``ids`` belong to each group a quota asks a minimum of (the scarcest is filled first)."""
    supply = {q.group: 0 for q in quotas if q.min > 0}
    for e in ids:
        for g in experts[e].groups:
            if g in supply:
                supply[g] += 1
    return supply


def greedy_panel(order: Sequence[str], experts: Mapping[str, WaveExpert], quotas: Sequence[Quota],
                 size: int, supply: Mapping[str, int] | None = None,
                 fixed: Sequence[str] = ()) -> list[str] | None:
    """The panel of the ``fixed`` members and the first experts in ``order`` that keeps the quotas, or None if
    greedy finds none."""
    lo: dict[str, int] = {}
    hi: dict[str, int] = {}
    for q in quotas:
        lo[q.group] = max(lo.get(q.group, 0), q.min)
        hi[q.group] = min(hi.get(q.group, q.max), q.max)
    counts: dict[str, int] = defaultdict(int)
    chosen: list[str] = []
    taken: set[str] = set()

    def fits(e: str) -> bool:
        return all(counts[g] < hi[g] for g in experts[e].groups if g in hi)

    def take(e: str) -> None:
        chosen.append(e)
        taken.add(e)
        for g in experts[e].groups:
            counts[g] += 1

    for e in fixed:
        if e in taken or not fits(e):
            return None
        take(e)
    needs = [g for g, n in lo.items() if n > 0]
    supply = supply if supply is not None else group_supply(order, experts, quotas)
    for g in sorted(needs, key=lambda g: (supply.get(g, 0), g)):
        for e in order:
            if counts[g] >= lo[g] or len(chosen) >= size:
                break
            if e not in taken and g in experts[e].groups and fits(e):
                take(e)
        if counts[g] < lo[g]:
            return None
    for e in order:
        if len(chosen) >= size:
            break
        if e not in taken and fits(e):
            take(e)
    if len(chosen) != size:
        return None
    # the maxima held at every step (``fits``); the minima are checked here, once more
    return chosen if all(counts[g] >= n for g, n in lo.items()) else None


def cpsat_panel(order: Sequence[str], experts: Mapping[str, WaveExpert], quotas: Sequence[Quota],
                size: int, fixed: Sequence[str] = ()) -> list[str] | None:
    """A valid panel with the ``fixed`` members that prefers the experts early in ``order`` (CP-SAT,
    deterministic), or None."""
    model = cp_model.CpModel()
    n = len(order)
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    model.add(sum(x) == size)
    position = {e: i for i, e in enumerate(order)}
    for e in fixed:
        if e not in position:
            return None
        model.add(x[position[e]] == 1)
    members_of: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(order):
        for g in experts[e].groups:
            members_of[g].append(i)
    for q in quotas:
        inside = members_of.get(q.group, [])
        if q.min > len(inside):
            return None
        expr = sum(x[i] for i in inside)
        if q.min > 0:
            model.add(expr >= q.min)
        if q.max < min(size, len(inside)):
            model.add(expr <= q.max)
    model.maximize(sum((n - i) * x[i] for i in range(n)))
    solver = make_solver(1, deterministic_limit=5.0)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [e for i, e in enumerate(order) if solver.value(x[i])]
