"""The relaxation path and the certificate of a lottery against the exact problem.

``via_relaxation`` handles a second disjoint cap family (engine 1.1, see ``refine.py``): leximin on the
model without it, then the fine lottery closest to that profile. ``exact_bound`` turns an aggregated
model's maximin dual into an upper bound on the maximin of *all* lotteries over truly valid panels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ortools.linear_solver import pywraplp

from .cpsat import Column, TypePricer, WorkBudget
from .leximin import REL_GAP, solve_leximin, type_values
from .prepare import Prepared, TypeModel, build_type_model
from .refine import refine_columns

#: Relaxation path (a second cap family dropped, see ``refine.py``): the fine lottery must give every type
#: at least this share of its relaxed leximin probability, proven, or the full leximin runs instead.
PROFILE_ACCEPT = 0.95
#: ... and column generation on the fine model stops once that share is within this of 1 (the relaxed
#: profile is an upper bound), or after PROFILE_ROUNDS pricing rounds.
PROFILE_GAP = 1e-2
PROFILE_ROUNDS = 200
#: Engine 1.4, whose budget now reaches that stage: at most this many rounds there, and the budget left goes
#: to the full leximin if it falls short (n10000_k9_accept: 60 rounds instead of ~150, a third less CPU, and
#: a minimum as high).
PROFILE_ROUNDS_1_4 = 60
#: Engine 1.4: the coarse leximin may spend at most this share of the work left (engine 1.3 let it spend
#: all: on n2000_k12 it took 0.53 of 0.54, and the fine lottery it was meant to lead to got nothing).
COARSE_SHARE = 0.3
#: About this many refined starting columns per fine type.
REFINE_PER_TYPE = 3


@dataclass(frozen=True)
class Relaxed:
    columns: tuple[Column, ...]
    probabilities: tuple[float, ...]
    ratio: float  # proven: every type gets at least this share of its relaxed leximin probability
    accepted: bool
    optimal: bool
    gap: float
    time_limited: bool
    iteration_limited: bool
    rounds: int
    stages: int
    lp_solves: int
    coarse_types: int


def via_relaxation(
    prep: Prepared,
    tm: TypeModel,
    pricer: TypePricer,
    family: str,
    first: Column,
    workers: int,
    maximin_only: bool,
    deadline: float,
    max_rounds: int,
) -> Relaxed | None:
    """Leximin on the model without ``family``'s quotas, then the closest fine lottery to its profile.

    The relaxed leximin probabilities ``v`` (per coarse type) form a profile no lottery over valid panels
    can beat in its minimum; the fine model then maximises ``z`` with every fine type at ``>= z * v``. With
    ``z`` close to 1 the fine lottery is within ``1 - z`` of leximin everywhere, and its minimum is
    certified against the exact model through the relaxed maximin dual (``exact_bound``).
    """
    coarse = build_type_model(prep, prep.live, drop=family)
    if coarse.family != tm.family:
        return None
    coarse_type = {cid: s for s, members in enumerate(coarse.members) for cid in members}
    coarse_of = [coarse_type[members[0]] for members in tm.members]
    if any(coarse_type[cid] != coarse_of[t] for t, members in enumerate(tm.members) for cid in members):
        return None  # the fine types do not nest in the coarse ones
    budget = pricer.budget
    share = None
    if budget is not None and budget.engine_1_4:
        share = WorkBudget(budget.left * COARSE_SHARE, budget.unit)
    coarse_pricer = TypePricer(coarse, workers, share if share is not None else budget)
    coarse_first = coarse_pricer.feasible_column()
    if coarse_first is None:
        if share is not None:
            budget.charge(share.spent)
        return None
    rough = solve_leximin(
        coarse_pricer, [coarse_first], maximin_only=maximin_only, max_rounds=max_rounds, deadline=deadline
    )
    if share is not None:
        budget.charge(share.spent)
    values = type_values((list(rough.columns), list(rough.probabilities)), coarse.sizes)
    target = [values[s] for s in coarse_of]
    starts = refine_columns(
        tm, coarse_of, rough.columns, rough.probabilities, REFINE_PER_TYPE * len(tm.members)
    )
    out = solve_leximin(
        pricer,
        [first, *starts],
        maximin_only=True,
        max_rounds=PROFILE_ROUNDS_1_4 if budget is not None and budget.engine_1_4 else PROFILE_ROUNDS,
        deadline=deadline,
        target=target,
        upper=1.0,
        rel_gap=PROFILE_GAP,
        sample=False,  # it starts from the refined panels; random ones made each of its LPs ~2x dearer
    )
    ratio = out.maximin
    # Engine 1.4 hands the full leximin the fine panels found as well: valid panels it need not price again.
    fallback = tuple(starts)
    if budget is not None and budget.engine_1_4:
        fallback = tuple(dict.fromkeys([*starts, *out.columns]))
    accepted = ratio >= PROFILE_ACCEPT and not out.time_limited
    fine_values = type_values((list(out.columns), list(out.probabilities)), tm.sizes)
    minimum = min(fine_values) if fine_values else 0.0
    bound = exact_bound(prep, coarse, rough.maximin_dual, workers, rough.maximin)
    gap = max(0.0, bound - minimum)
    optimal = (
        rough.optimal
        and ratio >= 1.0 - REL_GAP
        and gap <= REL_GAP * max(minimum, 1e-12)
        and not out.time_limited
    )
    return Relaxed(
        columns=out.columns if accepted else fallback,
        probabilities=out.probabilities,
        ratio=ratio,
        accepted=accepted,
        optimal=optimal,
        gap=gap,
        time_limited=rough.time_limited or out.time_limited,
        iteration_limited=rough.iteration_limited or out.iteration_limited,
        rounds=rough.rounds + out.rounds,
        stages=rough.stages + out.stages,
        lp_solves=rough.lp_solves + out.lp_solves,
        coarse_types=len(coarse.members),
    )


def exact_bound(
    prep: Prepared, tm: TypeModel, dual: tuple[float, ...], workers: int, reference: float | None = None
) -> float:
    """Upper bound on the maximin probability over *all* lotteries of feasible panels.

    Spreading the aggregated model's dual evenly over each type's members gives weights ``y_i >= 0`` that
    sum to 1; no lottery's minimum exceeds its ``sum y_i * P(i drawn)``, hence the heaviest feasible panel
    under those weights, found by one CP-SAT solve over the exact model (true caps, no aggregation).

    Any relaxation of the exact model gives a valid (if weaker) bound, so ``tm`` without its cap-family
    rows is tried first (one tiny solve); the exact model, costly on large pools, is only built when
    that bound exceeds ``reference`` (the minimum to certify) by more than ``REL_GAP``.
    """
    sizes = tm.sizes
    weights = [dual[t] / sizes[t] for t in range(len(sizes))]
    cols, slack = TypePricer(replace(tm, fractional=()), workers).price(weights)
    cheap = sum(weights[t] * n for t, n in cols[-1]) + slack if cols else 0.0
    if reference is not None and cheap <= reference * (1.0 + REL_GAP):
        return cheap
    exact = build_type_model(prep, prep.live, allow_family=False)
    type_of = {cid: t for t, members in enumerate(tm.members) for cid in members}
    weights = [dual[type_of[ms[0]]] / sizes[type_of[ms[0]]] for ms in exact.members]
    cols, slack = TypePricer(exact, workers).price(weights)
    if not cols:
        return 0.0
    return min(cheap, sum(weights[t] * n for t, n in cols[-1]) + slack)


def lp_bound(prep: Prepared) -> float | None:
    """Upper bound on the maximin probability from the LP relaxation of the exact problem, or None.

    A lottery's selection probabilities ``p`` satisfy every rule in expectation: ``sum p = seats``, each
    group's expected count within its quota, ``0 <= p <= 1``. So ``max z`` subject to those and ``p >= z``
    bounds every lottery's minimum. The LP is symmetric within the exact types (people with the same
    binding groups, organisations included), so it runs over their counts. Unlike the dual bounds of column
    generation it needs no converged duals: a build stopped early by its work budget still gets a sharp
    certificate (n10,000: 0.00044 against the 0.0025 of seats / eligible). One GLOP solve, deterministic;
    ~0.05 s at 2,000 eligible, ~0.3 s at 10,000. The lottery does not depend on it.
    """
    exact = build_type_model(prep, prep.live, allow_family=False)
    if not exact.members:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    # Dual simplex: the LP has few rows per column; ~2x faster than the primal on 3,000 types.
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    inf = lp.infinity()
    z = lp.NumVar(0.0, inf, "z")
    count = [lp.NumVar(0.0, float(u), f"x{t}") for t, u in enumerate(exact.ub)]
    seats = lp.Constraint(float(exact.seats), float(exact.seats))
    for t, size in enumerate(exact.sizes):
        seats.SetCoefficient(count[t], 1.0)
        row = lp.Constraint(0.0, inf)  # count[t] >= size[t] * z: every member at least z
        row.SetCoefficient(count[t], 1.0)
        row.SetCoefficient(z, -float(size))
    for r in exact.rows:
        row = lp.Constraint(float(r.lo), float(r.hi))
        for t in r.types:
            row.SetCoefficient(count[t], 1.0)
    objective = lp.Objective()
    objective.SetCoefficient(z, 1.0)
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # GLOP accepts a row violated by its primal tolerance (1e-8 absolute): with a type of one member that
    # lets ``z`` exceed the true optimum by as much, so the bound is padded by it.
    return z.solution_value() * (1.0 + 1e-7) + 1e-8
