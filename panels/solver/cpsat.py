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
#: Engine 1.3 charges each CP-SAT call this much deterministic time on top of its own: what a round costs
#: around the call (the master LP, the model's objective, the columns) is ~15 ms, whatever the solve.
CALL_DTIME = 0.001
#: Engine 1.3: a call that need not prove its optimum (``price(..., prove=False)``) stops after this much.
QUICK_DTIME = 0.002


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
        self._index = [var.index for var in variables]
        self.columns: list[Column] = []

    def on_solution_callback(self) -> None:
        # The helper's own accessor: ``value()`` checks its argument's type on every call, and a pricing
        # round reads every type's count of every improving solution (a fifth of a small build's time).
        read = self.SolutionIntegerValue
        self.columns.append(tuple((t, v) for t, i in enumerate(self._index) if (v := read(i)) > 0))


class WorkBudget:
    """A deterministic bound on the work of one lottery build.

    Engine 1.2 (``unit="terms"``): each CP-SAT call is charged the number of terms of its model (variables
    plus constraint coefficients), a pure count. It tracks wall time poorly: one pricing call on a pool with
    skewed organisations costs 0.01-0.3 s at the same size, so builds still ran into the wall clock.

    Engine 1.3 (``unit="dtime"``): each call is charged CP-SAT's *deterministic time* (its own count of the
    work done, the same on every run of the same model with one worker), and no call may run past what is
    left (``max_deterministic_time``), so the budget is a bound on the whole build that follows wall time
    closely and is still reproducible: the same inputs stop at the same point on every machine and under any
    load, and the draw stays verifiable.

    Engine 1.4 (``unit="dtime-1.4"``) counts the same; the unit also switches on what engine 1.4 changed
    (``engine_1_4``: random panels to start from, the budget shared out on the relaxation path).
    """

    def __init__(self, limit: float, unit: str = "terms") -> None:
        if unit not in ("terms", "dtime", "dtime-1.4"):
            raise ValueError(f"unknown work unit {unit!r}")
        self.limit = limit
        self.unit = unit
        self.spent: float = 0

    @property
    def timed(self) -> bool:
        """Counted in CP-SAT deterministic time (engines 1.3 and 1.4)."""
        return self.unit != "terms"

    @property
    def engine_1_4(self) -> bool:
        """Engine 1.4's changes apply (older engines re-run without them, to verify their draws)."""
        return self.unit == "dtime-1.4"

    def charge(self, work: float) -> None:
        self.spent += work

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.limit

    @property
    def left(self) -> float:
        return max(0.0, self.limit - self.spent)


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
        # Engine 1.3 adds the fractional rows lazily: they make a call ~7x slower, and few of them ever bind.
        self.lazy = budget is not None and budget.timed
        self._pending: dict[int, tuple[list[tuple[int, int]], int]] = {}  # rows not in the model yet
        self._rows_of: list[list[tuple[int, int]]] = [[] for _ in tm.ub]  # type -> (pending row, coefficient)
        for i, frow in enumerate(tm.fractional):
            coefs, rhs, exact = scaled_fractional(frow, sizes)
            self.exact &= exact
            if self.lazy:
                self._pending[i] = (coefs, rhs)
                for t, c in coefs:
                    self._rows_of[t].append((i, c))
            else:
                model.add(sum(c * self.count[t] for t, c in coefs) <= rhs)
        self.solver = make_solver(workers)
        self.calls = 0
        self.terms = len(tm.ub) + sum(len(r.types) for r in tm.rows) + sum(len(f.share) for f in tm.fractional)

    @property
    def _timed(self) -> bool:
        return self.budget is not None and self.budget.timed

    def _solve(self, callback=None, cap: float | None = None):
        """One CP-SAT call; under a deterministic-time budget it may not run past what is left of it, or
        past ``cap`` if given (whatever is left: panels that must be found, such as covering ones)."""
        if self._timed:
            limit = min(60.0, max(1e-3, self.budget.left)) if cap is None else cap
            self.solver.parameters.max_deterministic_time = limit
        return self.solver.solve(self.model, callback) if callback is not None else self.solver.solve(self.model)

    def _charge(self) -> None:
        self.calls += 1
        if self.budget is not None:
            self.budget.charge(self.solver.deterministic_time + CALL_DTIME if self._timed else self.terms)

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.budget.exhausted

    def _broken(self, col: Column) -> list[int]:
        """The pending fractional rows that ``col`` breaks (exact integer arithmetic)."""
        load: dict[int, int] = {}
        for t, n in col:
            for i, c in self._rows_of[t]:
                load[i] = load.get(i, 0) + c * n
        return [i for i, v in load.items() if i in self._pending and v > self._pending[i][1]]

    def _enforce(self, rows: list[int]) -> None:
        for i in sorted(rows):
            coefs, rhs = self._pending.pop(i)
            self.model.add(sum(c * self.count[t] for t, c in coefs) <= rhs)

    def _maximize(self, coefficients: Sequence[int]) -> None:
        """``model.maximize(sum(c * count[t]))`` written straight into the proto: the same objective, without
        building a Python expression of every type per call (the exact form ``CpModel.maximize`` gives)."""
        self.model.clear_objective()
        objective = self.model.proto.objective
        used = [t for t, c in enumerate(coefficients) if c]
        objective.vars.extend([self.count[t].index for t in used])
        objective.coeffs.extend([-coefficients[t] for t in used])
        objective.scaling_factor = -1.0
        objective.offset = 0

    def feasible_column(self) -> Column | None:
        """Any feasible type panel, or None if there is none."""
        self.model.clear_objective()
        if self._timed:  # feasibility is never cut short: a draw needs its first panel
            self.solver.parameters.max_deterministic_time = 60.0
        while True:
            status = self.solver.solve(self.model)
            self._charge()
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                col = tuple((t, v) for t, var in enumerate(self.count) if (v := self.solver.value(var)) > 0)
                broken = self._broken(col) if self._pending else []
                if not broken:
                    return col
                self._enforce(broken)
                continue
            if status == cp_model.INFEASIBLE:
                return None
            raise RuntimeError(f"CP-SAT could not decide feasibility: {self.solver.status_name(status)}")

    def price(self, weights: Sequence[float], prove: bool = True) -> tuple[list[Column], float]:
        """Type panels of high weight, best last, and the bound slack of the best.

        Returns ``(columns, slack)`` where every feasible panel has weight at most
        ``weight(columns[-1]) + slack``; the slack comes from scaling the weights to integers. With
        ``prove=False`` (engine 1.3, for panels that are merely good but must be found, such as covering every
        type) a call stops after ``QUICK_DTIME`` of deterministic time with the panels found so far, and is
        not cut by the budget.
        """
        top = max(weights) if len(weights) else 0.0
        if top <= 0.0:
            col = self.feasible_column()
            return ([col] if col is not None else []), 0.0
        scale = WEIGHT_SCALE / top
        ints = [round(w * scale) if w > 0 else 0 for w in weights]
        self._maximize(ints)
        # Each rounded weight is off by at most half a unit and a panel has at most ``seats`` members, so
        # the true weight of any panel exceeds that of the integer optimum by at most ``seats / scale``.
        slack = self.tm.seats / scale
        kept: list[Column] = []  # valid panels found, in improving order
        quick = not prove and self._timed
        while True:
            collector = _Collector(self.count)
            status = self._solve(collector, QUICK_DTIME if quick else 60.0 if not prove else None)
            self._charge()
            found = collector.columns
            broken = self._broken(found[-1]) if self._pending and found else []
            kept += [c for c in found if not self._pending or not self._broken(c)]
            if quick and kept:
                return kept, float("inf")  # good panels, no bound claimed
            if quick and not found:
                quick = False  # none found that quickly: solve in full
                continue
            if status == cp_model.OPTIMAL and not broken:
                # The model is a relaxation while rows are pending: its optimum, valid, is the true one.
                return kept, slack
            if broken and (not self.exhausted or not prove):
                self._enforce(broken)  # the relaxation's optimum breaks a row: add it and solve again
                continue
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and self._timed:
                # Cut by the budget: CP-SAT's proven bound (of a relaxation, if rows are pending) still bounds
                # every valid panel's weight; measured from the best valid panel found, if any.
                if not kept:
                    return [], float("inf")
                best = sum(c * n for t, n in kept[-1] if (c := ints[t]))
                return kept, slack + max(0.0, self.solver.best_objective_bound - best) / scale
            if status == cp_model.UNKNOWN and self._timed and self.exhausted:
                return kept, float("inf")  # the budget ran out before any panel: nothing proven
            raise RuntimeError(f"pricing did not finish: {self.solver.status_name(status)}")
