"""The wave's fairness certificate: an LP upper bound on the least expected number of panels.

Relaxation (every valid plan, hence every lottery over valid plans, satisfies it):

- ``x_p`` in [0, 1]: the probability that park ``p`` is placed (0 when it has no day); ``sum_p x_p`` at most
  M times the number of wave days;
- ``z_pt`` >= 0: the expected number of experts of class ``t`` on ``p``'s panel, 0 unless the class may sit
  for ``p`` on at least one of its days; ``z_pt <= |t| x_p`` (one seat per expert per panel);
  ``sum_t z_pt = size x_p``; every quota whose group a class determines (specialties, seniority, province)
  holds in expectation, ``min x_p <= sum_{t in g} z_pt <= max x_p``;
- ``sum_p z_pt <= |t| cap_t`` (the per-wave cap and the yearly cap left);
- ``lambda <= sum_p z_pt / |t|`` for every class of eligible experts; maximise ``lambda``.

Dropped, which only raises the bound: the per-organisation caps, the days (one panel a day per expert, rest
days, M per day). A class is a set of experts with the same class groups, the same parks and the same cap;
parks with the same eligible experts, days and quotas are merged likewise (``x`` up to their number, each
row the sum of theirs). The relaxation is symmetric within a class and convex, so averaging any lottery's
expectations over a class keeps them feasible without lowering the least: the bound holds for every expert,
not only on average.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .model import Quota
from .wave_model import WaveExpert, WavePark


@dataclass(frozen=True)
class ExpertClass:
    groups: frozenset[str]  # the class groups (no ``org:``)
    parks: frozenset[int]  # indexes of the park classes the class may sit for
    cap: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class ParkClass:
    """Parks with the same eligible experts, days and quotas: interchangeable in the relaxation."""

    eligible: frozenset[str]
    days: tuple
    quotas: tuple[Quota, ...]
    parks: tuple[str, ...]


def class_group(group: str) -> bool:
    return not group.startswith("org:")


def park_classes(parks: Sequence[WavePark]) -> list[ParkClass]:
    by_key: dict[tuple, list[str]] = defaultdict(list)
    for p in parks:
        by_key[(p.eligible, tuple(sorted(set(p.days))), tuple(sorted(set(p.quotas), key=repr)))].append(p.id)
    return [ParkClass(e, d, q, tuple(ids)) for (e, d, q), ids in by_key.items()]


def expert_classes(experts: Sequence[WaveExpert], pclasses: Sequence[ParkClass], cap: int) -> list[ExpertClass]:
    """Partition the eligible experts (those who may sit for at least one park on one of its days)."""
    by_key: dict[tuple, list[str]] = defaultdict(list)
    for e in experts:
        own = frozenset(i for i, p in enumerate(pclasses)
                        if e.id in p.eligible and (not e.busy or any(d not in e.busy for d in p.days)))
        limit = cap if e.capacity is None else min(cap, e.capacity)
        if not own or limit <= 0:
            continue
        groups = frozenset(g for g in e.groups if class_group(g))
        by_key[(groups, own, limit)].append(e.id)
    return [ExpertClass(g, own, limit, tuple(sorted(ids)))
            for (g, own, limit), ids in sorted(by_key.items(), key=lambda kv: min(kv[1]))]


def fairness_bound(classes: Sequence[ExpertClass], pclasses: Sequence[ParkClass], size: int,
                   max_per_day: int) -> tuple[float, bool, list[float]]:
    """``(bound, optimal, targets)``: the LP optimum (0.0 without eligible experts) and, per expert class,
    the expected panels per member in the optimal solution found."""
    if not classes:
        return 0.0, True, []
    lp = pywraplp.Solver.CreateSolver("GLOP")
    inf = lp.infinity()
    lam = lp.NumVar(0.0, inf, "lambda")
    days = {d for p in pclasses for d in p.days}
    xs = [lp.NumVar(0.0, float(len(p.parks)) if p.days else 0.0, f"x{i}") for i, p in enumerate(pclasses)]
    total = lp.Constraint(-inf, float(max_per_day * len(days)))
    for x in xs:
        total.SetCoefficient(x, 1.0)
    z: dict[tuple[int, int], pywraplp.Variable] = {}
    per_park: dict[int, list[int]] = defaultdict(list)
    for t, c in enumerate(classes):
        for p in sorted(c.parks):
            var = z[p, t] = lp.NumVar(0.0, inf, f"z{p}_{t}")
            per_park[p].append(t)
            row = lp.Constraint(-inf, 0.0)  # z <= |t| x
            row.SetCoefficient(var, 1.0)
            row.SetCoefficient(xs[p], -float(len(c.members)))
    for p, park in enumerate(pclasses):
        ts = per_park.get(p, [])
        seats = lp.Constraint(0.0, 0.0)
        seats.SetCoefficient(xs[p], -float(size))
        for t in ts:
            seats.SetCoefficient(z[p, t], 1.0)
        for q in park.quotas:
            if not class_group(q.group):
                continue
            inside = [t for t in ts if q.group in classes[t].groups]
            low = lp.Constraint(0.0, inf)
            low.SetCoefficient(xs[p], -float(q.min))
            if q.max < size:
                high = lp.Constraint(-inf, 0.0)
                high.SetCoefficient(xs[p], -float(q.max))
            for t in inside:
                low.SetCoefficient(z[p, t], 1.0)
                if q.max < size:
                    high.SetCoefficient(z[p, t], 1.0)
    for t, c in enumerate(classes):
        cap_row = lp.Constraint(-inf, float(len(c.members) * c.cap))
        fair_row = lp.Constraint(0.0, inf)  # load - |t| lambda >= 0
        fair_row.SetCoefficient(lam, -float(len(c.members)))
        for p in c.parks:
            cap_row.SetCoefficient(z[p, t], 1.0)
            fair_row.SetCoefficient(z[p, t], 1.0)
    lp.Maximize(lam)
    status = lp.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return 0.0, False, [0.0] * len(classes)
    targets = [sum(z[p, t].solution_value() for p in c.parks) / len(c.members) for t, c in enumerate(classes)]
    return lam.solution_value(), status == pywraplp.Solver.OPTIMAL, targets


def class_means(classes: Sequence[ExpertClass], loads: Iterable[Mapping[str, int]]) -> list[list[float]]:
    """Per class, the mean panels per member in each replay."""
    out: list[list[float]] = [[] for _ in classes]
    for load in loads:
        for t, c in enumerate(classes):
            out[t].append(sum(load.get(e, 0) for e in c.members) / len(c.members))
    return out
