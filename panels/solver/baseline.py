"""The baseline the issue asks us to beat: CP-SAT maximising random weights.

Each draw gives every eligible candidate a random weight from the seed and returns the feasible panel of
maximum total weight. It always satisfies the rules, but it is not fair: candidates who help satisfy
several quotas win far more often than others, and its probabilities are unknown (``marginals=None``).
It exists only to be measured against (``benchmarks/fairness.py``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from ortools.sat.python import cp_model

from .cpsat import make_solver
from .explain import explain
from .model import ENGINE_VERSION, Candidate, DrawRequest, DrawResult, InfeasibleDraw, Quota
from .prepare import binding_quotas, prepare

BASELINE_VERSION = ENGINE_VERSION + "+random-weights-baseline"


class RandomWeightsBaseline:
    """One CP-SAT model per pool and rules; each ``draw(seed)`` only swaps the objective."""

    def __init__(
        self,
        candidates: Iterable[Candidate],
        quotas: Iterable[Quota],
        size: int,
        *,
        fixed: Iterable[str] = (),
        excluded: Iterable[str] = (),
        workers: int = 1,
    ) -> None:
        self.prep = prep = prepare(candidates, quotas, size, fixed, excluded)
        if prep.overfull:
            raise InfeasibleDraw(explain(prep, workers))
        self.model = cp_model.CpModel()
        self.people = prep.live
        self.x = [self.model.new_bool_var(cid) for cid in self.people]
        self.model.add(sum(self.x) == prep.seats)
        position = {cid: i for i, cid in enumerate(self.people)}
        for i in binding_quotas(prep, self.people):
            a = prep.quotas[i]
            members = [self.x[position[c]] for c in self.people if a.group in prep.groups_of[c]]
            self.model.add_linear_constraint(sum(members), a.lo, a.hi)
        self.solver = make_solver(workers)
        self.workers = workers

    def draw(self, seed: int, alternates: int = 0) -> DrawResult:
        rng = random.Random(seed)
        weights = [int(rng.random() * 2**20) for _ in self.people]
        self.model.maximize(sum(w * x for w, x in zip(weights, self.x, strict=True)))
        status = self.solver.solve(self.model)
        if status == cp_model.INFEASIBLE:
            raise InfeasibleDraw(explain(self.prep, self.workers))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"baseline CP-SAT status {self.solver.status_name(status)}")
        drawn = [cid for cid, x in zip(self.people, self.x, strict=True) if self.solver.boolean_value(x)]
        chosen = set(drawn)
        # Alternates: the heaviest candidates not drawn, i.e. the "next best" under the same weights.
        order = sorted(range(len(self.people)), key=lambda i: (-weights[i], i))
        rest = [self.people[i] for i in order if self.people[i] not in chosen]
        return DrawResult(
            members=tuple(sorted([*self.prep.fixed, *drawn])),
            drawn=tuple(sorted(drawn)),
            alternates=tuple(rest[:alternates]),
            marginals=None,
            seed=seed,
            engine_version=BASELINE_VERSION,
        )


def draw_random_weights_baseline(request: DrawRequest) -> DrawResult:
    """The random-weights baseline for ``request`` (for benchmarks; not fair, see the module docstring)."""
    baseline = RandomWeightsBaseline(
        request.candidates,
        request.quotas,
        request.size,
        fixed=request.fixed,
        excluded=request.excluded,
        workers=request.workers,
    )
    return baseline.draw(request.seed, request.alternates)
