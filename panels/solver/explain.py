"""Why no panel exists: an irreducible conflicting set of quota bounds, and single-bound relaxations.

Every quota side that could bind gets its own enforcement literal, all passed to CP-SAT as assumptions; on
infeasibility CP-SAT returns a sufficient subset, which a deletion filter shrinks to an irreducible one
(drop any bound and the rest is satisfiable). Relaxations loosen one bound of that set, searching for the
smallest change that makes the *whole* draw feasible; feasibility is monotone in the change, so a binary
search needs a few solves per bound. The model is exact (full group signatures, no cap family), over the
pool before blocking, so "the only ce expert works where a fixed member works" shows up as the two rules
it is.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .model import Infeasibility, QuotaBound, Relaxation, Side
from .prepare import Prepared, binding_quotas

Bound = tuple[int, Side]  # (index into Prepared.quotas, side)


class _Exact:
    """Exact type model over the unblocked pool with one literal per quota side."""

    def __init__(self, prep: Prepared, workers: int) -> None:
        people = prep.pool
        self.prep = prep
        self.binding = binding_quotas(prep, people)
        groups = sorted({prep.quotas[i].group for i in self.binding})
        gset = frozenset(groups)
        index: dict[frozenset[str], int] = {}
        self.type_sizes: list[int] = []
        self.type_groups: list[frozenset[str]] = []
        for cid in people:
            sig = prep.groups_of[cid] & gset
            if sig not in index:
                index[sig] = len(index)
                self.type_sizes.append(0)
                self.type_groups.append(sig)
            self.type_sizes[index[sig]] += 1
        self.members_of: dict[str, list[int]] = {g: [] for g in groups}
        for t, sig in enumerate(self.type_groups):
            for g in sig:
                self.members_of[g].append(t)
        self.bounds: list[Bound] = []
        for i in self.binding:
            a = prep.quotas[i]
            n_g = sum(self.type_sizes[t] for t in self.members_of[a.group])
            if a.lo > 0:
                self.bounds.append((i, "min"))
            if a.hi < min(prep.seats, n_g):
                self.bounds.append((i, "max"))
        self.workers = workers

    def feasible(self, active: list[Bound], override: dict[Bound, int] | None = None) -> bool:
        model, lits = self._model(override or {})
        model.add_assumptions([lits[b] for b in active])
        status = make_solver(self.workers).solve(model)
        if status == cp_model.INFEASIBLE:
            return False
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        raise RuntimeError("CP-SAT could not decide feasibility while explaining")

    def core(self) -> list[Bound]:
        model, lits = self._model({})
        model.add_assumptions([lits[b] for b in self.bounds])
        solver = make_solver(self.workers)
        status = solver.solve(model)
        if status != cp_model.INFEASIBLE:
            return []
        found = set(solver.sufficient_assumptions_for_infeasibility())
        return [b for b in self.bounds if lits[b].index in found]

    def _model(self, override: dict[Bound, int]) -> tuple[cp_model.CpModel, dict[Bound, cp_model.IntVar]]:
        model = cp_model.CpModel()
        seats = self.prep.seats
        count = [model.new_int_var(0, min(n, seats), f"m{t}") for t, n in enumerate(self.type_sizes)]
        model.add(sum(count) == seats)
        lits = {}
        for b in self.bounds:
            i, side = b
            a = self.prep.quotas[i]
            expr = sum(count[t] for t in self.members_of[a.group])
            lit = model.new_bool_var(f"{a.group}:{side}")
            if side == "min":
                model.add(expr >= override.get(b, a.lo)).only_enforce_if(lit)
            else:
                model.add(expr <= override.get(b, a.hi)).only_enforce_if(lit)
            lits[b] = lit
        return model, lits


def explain(prep: Prepared, workers: int = 1, max_relaxations: int = 6) -> Infeasibility:
    """Explain an infeasible draw (the caller has established that it is infeasible)."""
    if prep.overfull:
        return _overfull(prep)
    exact = _Exact(prep, workers)
    core = exact.core()
    # Deletion filter, in canonical order, so the answer does not depend on CP-SAT's core.
    for b in list(core):
        trial = [c for c in core if c != b]
        if not exact.feasible(trial):
            core = trial
    conflict = tuple(_as_bound(prep, b) for b in core)
    relaxations = []
    for b in core[:max_relaxations]:
        r = _relax(exact, b)
        if r is not None:
            relaxations.append(r)
    seats, eligible = prep.seats + len(prep.fixed), len(prep.pool) + len(prep.fixed)
    if not core:
        message = f"only {len(prep.pool)} eligible candidates for {prep.seats} open seats"
    else:
        rules = "; ".join(_describe(c) for c in conflict)
        message = f"no panel of {seats} satisfies together: {rules}"
    return Infeasibility(conflict, tuple(relaxations), eligible, seats, message)


def _as_bound(prep: Prepared, b: Bound) -> QuotaBound:
    q = prep.quotas[b[0]].quota
    return QuotaBound(q.group, b[1], q.min if b[1] == "min" else q.max)


def _describe(c: QuotaBound) -> str:
    return f"at least {c.bound} of {c.group}" if c.side == "min" else f"at most {c.bound} of {c.group}"


def _relax(exact: _Exact, b: Bound) -> Relaxation | None:
    """Smallest single change of bound ``b`` (all other bounds kept) that makes the draw feasible."""
    i, side = b
    a = exact.prep.quotas[i]
    q = a.quota
    current = a.lo if side == "min" else a.hi
    limit = current if side == "min" else exact.prep.seats - current  # beyond that the bound is void
    if limit <= 0:
        return None

    def ok(delta: int) -> bool:
        new = current - delta if side == "min" else current + delta
        return exact.feasible(exact.bounds, {b: new})

    if not ok(limit):
        return None
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    original = q.min if side == "min" else q.max
    return Relaxation(q.group, side, original, original - lo if side == "min" else original + lo)


def _overfull(prep: Prepared) -> Infeasibility:
    relaxations = []
    for c in prep.overfull:
        used = sum(1 for f in prep.fixed if c.group in prep.groups_of[f])
        relaxations.append(Relaxation(c.group, "max", c.bound, used))
    rules = "; ".join(_describe(c) for c in prep.overfull)
    return Infeasibility(
        prep.overfull,
        tuple(relaxations),
        len(prep.pool) + len(prep.fixed),
        prep.seats + len(prep.fixed),
        f"the fixed members alone break: {rules}",
    )
