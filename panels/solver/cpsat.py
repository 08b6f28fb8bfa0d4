"""CP-SAT over type counts: feasibility and the pricing problem of the column generation.

Determinism: one worker by default, a fixed ``random_seed``, and limits in CP-SAT's *deterministic* time,
so the same model gives the same answer on any machine with the same OR-Tools version.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from .prepare import TypeModel, scaled_fractional

Column = tuple[tuple[int, int], ...]  # sparse type panel: (type, count) with count > 0, sorted by type

#: Weights are scaled to integers with this resolution relative to the largest weight.
WEIGHT_SCALE = 2**30
CPSAT_SEED = 20250101


def make_solver(workers: int = 1, deterministic_limit: float = 60.0) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = CPSAT_SEED
    solver.parameters.max_deterministic_time = deterministic_limit
    # The models are tiny and solved hundreds of times: presolve and probing cost more than they save.
    solver.parameters.cp_model_presolve = False
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.linearization_level = 2
    return solver


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps every improving solution: each is a feasible type panel and often a useful extra column."""

    def __init__(self, variables: Sequence[cp_model.IntVar]) -> None:
        super().__init__()
        self._vars = variables
        self.columns: list[Column] = []

    def on_solution_callback(self) -> None:
        self.columns.append(
            tuple((t, v) for t, var in enumerate(self._vars) if (v := int(self.value(var))) > 0)
        )


class WorkBudget:
    """A deterministic bound on the work of one lottery build, in *term-solves*.

    Each CP-SAT call is charged the number of terms of its model (variables plus constraint coefficients):
    the cost of a call (copying, loading and propagating the model) grows with it, so the budget bounds the
    precompute roughly in proportion to wall time on any pool, yet it is a pure count: the same inputs stop
    at the same round on every machine and under any load, and the draw stays verifiable.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0

    def charge(self, work: int) -> None:
        self.spent += work

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.limit


class TypePricer:
    """The feasible type panels of a ``TypeModel`` as one CP-SAT model whose objective is swapped per call."""

    def __init__(self, tm: TypeModel, workers: int = 1, budget: WorkBudget | None = None) -> None:
        self.tm = tm
        self.budget = budget
        self.model = cp_model.CpModel()
        model = self.model
        self.count = [model.new_int_var(0, u, f"m{t}") for t, u in enumerate(tm.ub)]
        model.add(sum(self.count) == tm.seats)
        for row in tm.rows:
            expr = sum(self.count[t] for t in row.types)
            model.add_linear_constraint(expr, row.lo, row.hi)
        sizes = tm.sizes
        self.exact = True
        for frow in tm.fractional:
            coefs, rhs, exact = scaled_fractional(frow, sizes)
            self.exact &= exact
            model.add(sum(c * self.count[t] for t, c in coefs) <= rhs)
        self.solver = make_solver(workers)
        self.calls = 0
        self.terms = len(tm.ub) + sum(len(r.types) for r in tm.rows) + sum(len(f.share) for f in tm.fractional)

    def _charge(self) -> None:
        self.calls += 1
        if self.budget is not None:
            self.budget.charge(self.terms)

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.budget.exhausted

    def feasible_column(self) -> Column | None:
        """Any feasible type panel, or None if there is none."""
        self.model.clear_objective()
        status = self.solver.solve(self.model)
        self._charge()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return tuple((t, v) for t, var in enumerate(self.count) if (v := self.solver.value(var)) > 0)
        if status == cp_model.INFEASIBLE:
            return None
        raise RuntimeError(f"CP-SAT could not decide feasibility: {self.solver.status_name(status)}")

    def price(self, weights: Sequence[float]) -> tuple[list[Column], float]:
        """Type panels of high weight, best last, and the bound slack of the best.

        Returns ``(columns, slack)`` where every feasible panel has weight at most
        ``weight(columns[-1]) + slack``; the slack comes from scaling the weights to integers.
        """
        top = max(weights) if len(weights) else 0.0
        if top <= 0.0:
            col = self.feasible_column()
            return ([col] if col is not None else []), 0.0
        scale = WEIGHT_SCALE / top
        ints = [round(w * scale) if w > 0 else 0 for w in weights]
        self.model.maximize(sum(c * self.count[t] for t, c in enumerate(ints) if c))
        collector = _Collector(self.count)
        status = self.solver.solve(self.model, collector)
        self._charge()
        if status != cp_model.OPTIMAL:
            raise RuntimeError(f"pricing did not finish: {self.solver.status_name(status)}")
        # Each rounded weight is off by at most half a unit and a panel has at most ``seats`` members, so
        # the true weight of any panel exceeds that of the integer optimum by at most ``seats / scale``.
        slack = self.tm.seats / scale
        return collector.columns, slack
