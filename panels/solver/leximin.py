"""Leximin over type panels by column generation (Flanigan et al., Nature 2021, on aggregated types).

Master LP (GLOP) over the type panels found so far: maximise ``z`` subject to every free type's per-person
probability ``sum_P lambda_P * count_P[t] / size[t] >= z``, fixed types keeping the value of their stage,
and ``sum lambda = 1``. The duals give per-type weights; the pricing problem (CP-SAT) looks for the
feasible type panel of largest weight. When no panel prices out, the stage is optimal: the types with a
positive dual are tight in every optimal solution, so they are fixed and the next stage raises the rest.
Members of one type have equal probabilities at the optimum by symmetry, so nothing is lost by
aggregating.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .cpsat import Column, TypePricer
from .sampling import sample_panels
from .swaps import SwapNeighbourhood, as_array

#: A stage stops when the optimum is provably within this relative distance of the LP value.
REL_GAP = 1e-7
#: A fixed type may drop this little below its stage value (relative, and at least absolute), so that LP
#: round-off cannot make the next stage infeasible. GLOP (unscaled) accepts solutions that violate a row by
#: up to its absolute primal tolerance of 1e-8, so the value read back for a type may already sit that far
#: below what its row says: a purely relative slack is far too small for stage values of ~1e-3 (a 2,400-
#: expert pool: the later stage was infeasible, status 2).
FIX_SLACK = 1e-9
FIX_ABS_SLACK = 1e-7


def _fixed_floor(value: float) -> float:
    return value - max(value * FIX_SLACK, FIX_ABS_SLACK)

DUAL_TOL = 1e-9
SMOOTHING = 0.8
SWAP_COLUMNS = 10
#: Engine 1.4 starts a column generation that has fewer panels than types from about this many random valid
#: panels per type (at most ``MAX_SAMPLES``): the master LP then holds most of a support from the start
#: (``sampling.py``).
SAMPLES_PER_TYPE = 6
MAX_SAMPLES = 1_000


@dataclass(frozen=True)
class LeximinOutcome:
    columns: tuple[Column, ...]  # support of the distribution
    probabilities: tuple[float, ...]  # lambda, sums to 1
    maximin: float  # the first stage's value: the guaranteed minimum per-person probability
    maximin_gap: float  # proven bound on how much higher the maximin of this type model could be
    maximin_dual: tuple[float, ...]  # per-type dual of that bound (sums to 1), to certify other models
    optimal: bool  # every stage converged (within REL_GAP)
    stages: int
    rounds: int
    lp_solves: int
    time_limited: bool
    iteration_limited: bool


class _Master:
    def __init__(self, sizes: tuple[int, ...], target: Sequence[float] | None = None) -> None:
        self.sizes = sizes
        self.target = tuple(target) if target is not None else (1.0,) * len(sizes)
        self.columns: list[Column] = []
        self.seen: set[Column] = set()
        self.fixed: dict[int, float] = {}
        self.solves = 0
        self._build()

    def _build(self) -> None:
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        # Re-scaling and presolving on every re-solve defeat the warm start (about 5x the simplex
        # iterations); the coefficients count/size lie in (0, 1] and need neither.
        self.lp.SetSolverSpecificParametersAsString("use_preprocessing: false use_scaling: false")
        inf = self.lp.infinity()
        self.z = self.lp.NumVar(0.0, inf, "z")
        self.rows = []
        for t in range(len(self.sizes)):
            if t in self.fixed:
                row = self.lp.Constraint(_fixed_floor(self.fixed[t]), inf)
            else:
                row = self.lp.Constraint(0.0, inf)
                row.SetCoefficient(self.z, -self.target[t])
            self.rows.append(row)
        self.conv = self.lp.Constraint(1.0, 1.0)
        objective = self.lp.Objective()
        objective.SetCoefficient(self.z, 1.0)
        objective.SetMaximization()
        self.vars: list[pywraplp.Variable] = []
        for col in self.columns:
            self._add_var(col)

    def _add_var(self, col: Column) -> None:
        var = self.lp.NumVar(0.0, self.lp.infinity(), f"p{len(self.vars)}")
        self.conv.SetCoefficient(var, 1.0)
        for t, n in col:
            self.rows[t].SetCoefficient(var, n / self.sizes[t])
        self.vars.append(var)

    def add(self, col: Column) -> bool:
        if col in self.seen:
            return False
        self.seen.add(col)
        self.columns.append(col)
        self._add_var(col)
        return True

    def solve(self) -> tuple[float, list[float], float]:
        self.solves += 1
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # GLOP's warm start occasionally hits a singular basis on these degenerate LPs ("ABNORMAL");
            # the same LP built and solved from scratch is fine.
            self._build()
            status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP status {status}")
        duals = [max(0.0, -row.dual_value()) for row in self.rows]
        return self.z.solution_value(), duals, self.conv.dual_value()

    def fix(self, t: int, value: float) -> None:
        self.fixed[t] = value
        row = self.rows[t]
        row.SetCoefficient(self.z, 0.0)
        row.SetLb(_fixed_floor(value))

    def distribution(self) -> tuple[list[Column], list[float]]:
        cols, probs = [], []
        for col, var in zip(self.columns, self.vars, strict=True):
            p = var.solution_value()
            if p > 1e-12:
                cols.append(col)
                probs.append(p)
        total = sum(probs)
        return cols, [p / total for p in probs]


def _weight(col: Column, w: list[float]) -> float:
    return sum(w[t] * n for t, n in col)


def solve_leximin(
    pricer: TypePricer,
    initial: list[Column],
    *,
    maximin_only: bool = False,
    max_rounds: int = 20_000,
    deadline: float | None = None,
    target: Sequence[float] | None = None,
    upper: float | None = None,
    rel_gap: float = REL_GAP,
    sample: bool = True,
) -> LeximinOutcome:
    """Column generation for the leximin (or only the maximin) distribution over type panels.

    With ``target``, the first stage maximises ``z`` such that every type's per-person probability is at
    least ``z * target[t]`` (a profile to follow instead of a plain minimum). ``upper`` is a known upper
    bound on the first stage's value (the stage stops once it is reached within ``rel_gap``); every stage
    stops when its proven gap is within ``rel_gap``, and ``optimal`` refers to ``REL_GAP`` regardless.
    ``sample``: engine 1.4 adds random valid panels to a start of fewer panels than types.
    """
    sizes = pricer.tm.sizes
    swaps = SwapNeighbourhood(pricer.tm)
    master = _Master(sizes, target)
    for col in initial:
        master.add(col)
    if sample and pricer.budget is not None and pricer.budget.engine_1_4 and len(master.columns) < len(sizes):
        # (a start of as many panels as types, such as the relaxation's refined ones, needs none)
        for col in sample_panels(pricer.tm, min(MAX_SAMPLES, SAMPLES_PER_TYPE * len(sizes))):
            master.add(col)
    rounds = _cover(master, pricer)
    free = [True] * len(sizes)
    stages = 0
    optimal, time_limited, iteration_limited = True, False, False
    maximin, maximin_gap = 0.0, float("inf")
    maximin_dual: tuple[float, ...] = ()
    while any(free):
        stages += 1
        # Wentges smoothing: price at a blend of the best dual found so far (the stability centre) and the
        # LP's current dual. Column generation for min-max objectives has wildly oscillating duals; the
        # blend cuts the number of rounds several-fold without affecting correctness, since every bound is
        # computed for the dual actually priced and mis-priced rounds fall back to the LP dual.
        centre: list[float] | None = None
        best_bound = upper if upper is not None and stages == 1 else float("inf")

        fixed_rhs = [0.0 if free[t] else master.rows[t].lb() for t in range(len(sizes))]
        while True:
            z, duals, sigma = master.solve()
            if time_limited or iteration_limited:
                break
            if best_bound - z <= rel_gap * max(z, 1e-12):
                break
            if pricer.exhausted:  # the build's work bound ran out in an earlier stage or call
                iteration_limited = True
                break
            lp_weights = [d / s for d, s in zip(duals, sizes, strict=True)]
            alpha = SMOOTHING if centre is not None else 0.0
            while True:
                y = duals
                if alpha > 0.0:
                    y = [alpha * c + (1 - alpha) * d for c, d in zip(centre, duals, strict=True)]
                weights = [v / s for v, s in zip(y, sizes, strict=True)]
                cols, slack = pricer.price(weights)
                rounds += 1
                best = _weight(cols[-1], weights) if cols else 0.0
                bound = best + slack - sum(v * r for v, r in zip(y, fixed_rhs, strict=True))
                if bound < best_bound:
                    best_bound, centre = bound, y
                added = sum(master.add(c) for c in cols if _weight(c, lp_weights) > sigma + 1e-15)
                if cols and swaps is not None and SWAP_COLUMNS:
                    lw = as_array(lp_weights)
                    for _, c in swaps.improving(cols[-1], lw, sigma + 1e-15, SWAP_COLUMNS):
                        added += master.add(c)
                if added or alpha == 0.0:
                    break
                alpha = 0.0  # mis-priced: the blend found nothing the LP can use, price its own dual
            if not added:
                # Nothing to add (so the LP solution is still current): either proven optimal, or stuck on
                # round-off, in which case the distribution at hand is valid but not proven optimal.
                if best_bound - z > REL_GAP * max(z, 1e-12):
                    optimal = False
                break
            if rounds >= max_rounds or pricer.exhausted:
                iteration_limited = True
            elif deadline is not None and time.monotonic() > deadline:
                time_limited = True
        gap = max(0.0, best_bound - z)
        if gap > REL_GAP * max(z, 1e-12):
            optimal = False
        if stages == 1:
            maximin, maximin_gap = z, gap
            maximin_dual = tuple(centre) if centre is not None else tuple(duals)
        snapshot = master.distribution()  # read before fixing: changing the LP invalidates its solution
        if maximin_only or time_limited or iteration_limited:
            break
        tight = [t for t in range(len(sizes)) if free[t] and duals[t] > DUAL_TOL]
        if not tight:
            # Degenerate duals: fix the free types that sit at the stage value.
            values = type_values(snapshot, sizes)
            tight = [t for t in range(len(sizes)) if free[t] and values[t] <= z * (1 + 1e-6) + 1e-12]
            if not tight:
                optimal = False
                break
        for t in tight:
            free[t] = False
            master.fix(t, z)
    cols, probs = snapshot
    return LeximinOutcome(
        columns=tuple(cols),
        probabilities=tuple(probs),
        maximin=maximin,
        maximin_gap=maximin_gap,
        maximin_dual=maximin_dual,
        optimal=optimal and not (time_limited or iteration_limited),
        stages=stages,
        rounds=rounds,
        lp_solves=master.solves,
        time_limited=time_limited,
        iteration_limited=iteration_limited,
    )


def _cover(master: _Master, pricer: TypePricer) -> int:
    """Add panels until every type that can sit on a panel is on one; returns the pricing calls made.

    Until then the master's optimum is z = 0 with meaningless duals, and plain column generation would
    spend one round per uncovered type; weighting the uncovered types covers up to ``seats`` per round.
    """
    n_types = len(master.sizes)
    covered = [False] * n_types
    for col in master.columns:
        for t, _ in col:
            covered[t] = True
    calls = 0
    while not all(covered):
        cols, _ = pricer.price([0.0 if covered[t] else 1.0 for t in range(n_types)], prove=False)
        calls += 1
        gained = False
        for col in cols:
            master.add(col)
            for t, _ in col:
                gained |= not covered[t]
                covered[t] = True
        if not gained:
            break  # the rest cannot be on any panel: their probability is 0
    return calls


def type_values(distribution: tuple[list[Column], list[float]], sizes: tuple[int, ...]) -> list[float]:
    values = [0.0] * len(sizes)
    for col, p in zip(*distribution, strict=True):
        for t, n in col:
            values[t] += p * n / sizes[t]
    return values
