"""The fair lottery: precompute once per meeting (``build_lottery``), then draw cheaply (``.draw``).

The lottery is an explicit probability distribution over type panels with integer weights (so drawing is
integer arithmetic on one ``random.Random(seed).random()`` value), plus uniform expansion within types. Its
exact per-person probabilities are part of the result, so staff can say "each eligible expert had a 0.9 %
chance, rare-specialty experts 4 %".
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .cpsat import Column, TypePricer, WorkBudget
from .expand import Expander, sample
from .explain import explain
from .leximin import REL_GAP, solve_leximin
from .model import (
    ENGINE_1_1,
    ENGINE_1_2,
    ENGINE_1_3,
    ENGINE_VERSION,
    WORK_LIMIT,
    WORK_UNIT,
    Candidate,
    DrawRequest,
    DrawResult,
    InfeasibleDraw,
    Quota,
)
from .prepare import TypeModel, build_type_model, prepare, relaxable_family
from .relaxation import exact_bound, lp_bound, via_relaxation
from .rules import QuotaIndex

#: The lottery's probabilities are integers out of this total (about 1.1e12): fine enough that rounding
#: moves no probability by more than ~1e-9 relative, small enough to sit exactly in a double.
TOTAL = 2**40

#: Engine 1.3: the work budget is ``work_limit * (1 + types / TYPES_PER_LIMIT)``.
TYPES_PER_LIMIT = 200

#: Deterministic bound on pricing rounds per column generation (engine 1.1's only bound).
MAX_ROUNDS = 20_000



@dataclass(frozen=True, eq=False)
class FairLottery:
    """A precomputed fair lottery over panels; ``draw`` is cheap and deterministic in the seed."""

    size: int
    fixed: tuple[str, ...]
    pool: tuple[str, ...]
    blocked: tuple[str, ...]
    types: TypeModel
    panels: tuple[Column, ...]
    weights: tuple[int, ...]
    marginals: Mapping[str, float]
    min_probability: float
    optimal: bool
    gap: float
    time_limited: bool
    digest: str
    rules: QuotaIndex
    stats: Mapping[str, float] = field(default_factory=dict)
    engine_version: str = ENGINE_VERSION
    _cumulative: tuple[int, ...] = field(default=(), init=False, repr=False)
    _expander: Expander | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        acc, cum = 0, []
        for w in self.weights:
            acc += w
            cum.append(acc)
        object.__setattr__(self, "_cumulative", tuple(cum))
        object.__setattr__(self, "_expander", Expander(self.types))

    def _alternates(self, rng: random.Random, members: list[str], count: int) -> list[str]:
        taken = set(members)
        stream: list[str] = []
        want = max(4 * count, 3 * len(members), 20)
        for _ in range(60):
            if len(stream) >= want or self.size == len(self.fixed):
                break
            more = self._expander.expand(self._pick(rng), rng)
            for cid in sample(rng, more, len(more)):
                if cid not in taken:
                    stream.append(cid)
                    taken.add(cid)
        counts = self.rules.counts(members)
        order = sample(rng, members, len(members))
        substitutes = {m: [a for a in stream if self.rules.swap_ok(counts, m, a)] for m in order}
        ranked: list[str] = []
        for m in sorted(order, key=lambda m: len(substitutes[m])):  # stable: ties keep the seeded order
            if len(ranked) == count:
                break
            subs = substitutes[m]
            if subs and not set(subs) & set(ranked):
                ranked.append(subs[0])
        chosen = set(ranked)
        ranked += [a for a in stream if a not in chosen][: count - len(ranked)]
        if len(ranked) < count:
            barred = set(self.blocked)
            rest = [cid for cid in self.pool if cid not in taken and cid not in barred]
            ranked.extend(sample(rng, rest, count - len(ranked)))
        return ranked

    def _pick(self, rng: random.Random) -> Column:
        u = min(int(rng.random() * TOTAL), TOTAL - 1)
        return self.panels[bisect.bisect_right(self._cumulative, u)]

    def draw(self, seed: int, alternates: int = 0) -> DrawResult:
        """Draw a panel and ``alternates`` ranked alternates with ``random.Random(seed)``.

        Alternates are people from further draws of the same lottery, so they follow the same fair
        distribution. The ranking first makes sure that each member (hardest to replace first) has an
        alternate who could take their seat without breaking a rule, if the stream holds one, so that
        ``promote`` usually succeeds; the rest follow in draw order. If the stream runs dry, the remaining
        eligible candidates follow in seeded random order.
        """
        rng = random.Random(seed)
        open_seats = self.size > len(self.fixed)
        drawn = self._expander.expand(self._pick(rng), rng) if open_seats else []
        ranked = self._alternates(rng, [*self.fixed, *drawn], alternates) if alternates > 0 else []
        return DrawResult(
            members=tuple(sorted([*self.fixed, *drawn])),
            drawn=tuple(sorted(drawn)),
            alternates=tuple(ranked),
            marginals=self.marginals,
            seed=seed,
            engine_version=self.engine_version,
            min_probability=self.min_probability,
            optimal=self.optimal,
            gap=self.gap,
            time_limited=self.time_limited,
            panels_in_support=len(self.panels),
            lottery_digest=self.digest,
            stats=self.stats,
        )


def build_lottery(
    candidates: Iterable[Candidate],
    quotas: Iterable[Quota],
    size: int,
    *,
    fixed: Iterable[str] = (),
    excluded: Iterable[str] = (),
    time_limit_s: float = 30.0,
    workers: int = 1,
    maximin_only: bool = False,
    work_limit: float | None = WORK_LIMIT,
    work_unit: str = WORK_UNIT,
) -> FairLottery:
    """Compute the leximin-fair lottery for a draw (the expensive, seed-independent part).

    Raises ``InfeasibleDraw`` (with a minimal conflicting set of quota bounds and verified relaxations)
    when no panel satisfies the rules. ``maximin_only`` stops after maximising the minimum probability.
    ``work_limit`` bounds the pricing work (``cpsat.WorkBudget``), so that a build that cannot finish stops
    at the same point on every run, with its certificate (``gap``), in ``work_unit``: ``"dtime-1.4"`` (engine
    1.4, CP-SAT's deterministic time, shared out on the relaxation path), ``"dtime"`` (engine 1.3) or
    ``"terms"`` (engine 1.2, term-solves); ``None`` is engine 1.1
    (unbounded but for ``MAX_ROUNDS`` per stage and the wall clock). The older ones verify their draws.
    """
    started = time.monotonic()
    deadline = started + time_limit_s
    prep = prepare(candidates, quotas, size, fixed, excluded)
    if prep.overfull or (prep.seats == 0 and any(a.lo > 0 for a in prep.quotas)):
        raise InfeasibleDraw(explain(prep, workers))

    budget = WorkBudget(work_limit, work_unit) if work_limit is not None else None
    tm = build_type_model(prep, prep.live)
    if budget is not None and budget.timed:
        # Column generation needs about one round per type: engine 1.3's budget grows with the types.
        budget.limit = work_limit * (1.0 + len(tm.members) / TYPES_PER_LIMIT)
    pricer = TypePricer(tm, workers, budget)
    first = pricer.feasible_column()
    fallback = False
    if first is None and tm.family is not None:
        # The cap family's fractional rows are slightly stronger than the true caps; retry exactly.
        tm = build_type_model(prep, prep.live, allow_family=False)
        pricer = TypePricer(tm, workers, budget)
        first = pricer.feasible_column()
        fallback = True
    if first is None:
        raise InfeasibleDraw(explain(prep, workers))

    relaxed = None
    initial = [first]
    if prep.seats > 0 and not fallback and (family := relaxable_family(prep, tm)) is not None:
        relaxed = via_relaxation(prep, tm, pricer, family, first, workers, maximin_only, deadline, MAX_ROUNDS)
        if relaxed is not None and not relaxed.accepted:
            initial = [first, *relaxed.columns]  # not close enough: full leximin, from a good start
            relaxed = None
    if prep.seats == 0:
        columns, probs = (first,), (1.0,)
        optimal, gap, time_limited, rounds, stages, lp_solves = True, 0.0, False, 0, 0, 0
        iteration_limited = False
    elif relaxed is not None:
        columns, probs = relaxed.columns, relaxed.probabilities
        optimal, gap, time_limited = relaxed.optimal, relaxed.gap, relaxed.time_limited
        iteration_limited = relaxed.iteration_limited
        rounds, stages, lp_solves = relaxed.rounds, relaxed.stages, relaxed.lp_solves
    else:
        out = solve_leximin(
            pricer, initial, maximin_only=maximin_only, max_rounds=MAX_ROUNDS, deadline=deadline
        )
        columns, probs = out.columns, out.probabilities
        optimal, gap, time_limited = out.optimal, out.maximin_gap, out.time_limited
        iteration_limited = out.iteration_limited
        rounds, stages, lp_solves = out.rounds, out.stages, out.lp_solves
        if tm.family is not None and out.maximin_dual:
            # The aggregated model is a restriction; certify the minimum against the exact one.
            bound = exact_bound(prep, tm, out.maximin_dual, workers, out.maximin)
            gap = max(gap, bound - out.maximin)
            optimal = optimal and gap <= REL_GAP * max(out.maximin, 1e-12)

    panels, weights = _integer_weights(columns, probs)
    marginals, min_p = _marginals(prep.pool, prep.blocked, tm, panels, weights)
    if prep.live:
        # Every drawn seat goes to a live candidate, so no lottery's minimum exceeds the average seats/live:
        # a bound for free that is tighter than the dual one when the work bound stopped a build early.
        gap = min(gap, max(0.0, prep.seats / len(prep.live) - min_p))
        if gap > REL_GAP * max(min_p, 1e-12) and (relaxed_bound := lp_bound(prep)) is not None:
            # Not proven by column generation (a build stopped by its budget, or the aggregated model fell
            # short): the LP relaxation of the exact problem usually bounds far tighter than early duals.
            gap = min(gap, max(0.0, relaxed_bound - min_p))
    # what the result is identical to
    version = (ENGINE_1_1 if work_limit is None else ENGINE_1_2 if work_unit == "terms"
               else ENGINE_1_3 if work_unit == "dtime" else ENGINE_VERSION)
    digest = _digest(version, prep.seats, prep.fixed, tm, panels, weights)
    stats = {
        "types": len(tm.members),
        "fractional_rows": len(tm.fractional),
        "family_fallback": float(fallback),
        "relaxed_types": relaxed.coarse_types if relaxed is not None else 0,
        "profile_ratio": relaxed.ratio if relaxed is not None else 1.0,
        "rounds": rounds,
        "stages": stages,
        "pricing_calls": pricer.calls,
        "lp_solves": lp_solves,
        "iteration_limited": float(iteration_limited),
        "work": budget.spent if budget is not None else 0,
        "precompute_s": time.monotonic() - started,
    }
    return FairLottery(
        size=size,
        fixed=prep.fixed,
        pool=prep.pool,
        blocked=prep.blocked,
        types=tm,
        panels=panels,
        weights=weights,
        marginals=marginals,
        min_probability=min_p,
        optimal=optimal,
        gap=gap,
        time_limited=time_limited,
        digest=digest,
        rules=QuotaIndex(prep.groups_of, [a.quota for a in prep.quotas]),
        stats=stats,
        engine_version=version,
    )


def is_feasible(
    candidates: Iterable[Candidate],
    quotas: Iterable[Quota],
    size: int,
    *,
    fixed: Iterable[str] = (),
    excluded: Iterable[str] = (),
    workers: int = 1,
) -> bool:
    """Whether any panel satisfies the rules: one CP-SAT solve, no lottery, no explanation.

    For cheap what-ifs such as "would the panel be drawable on another date?".
    """
    prep = prepare(candidates, quotas, size, fixed, excluded)
    if prep.overfull or (prep.seats == 0 and any(a.lo > 0 for a in prep.quotas)):
        return False
    tm = build_type_model(prep, prep.live, allow_family=False)
    return TypePricer(tm, workers).feasible_column() is not None


def draw_panel(request: DrawRequest) -> DrawResult:
    """Precompute the fair lottery for ``request`` and draw from it with ``request.seed``."""
    lottery = build_lottery(
        request.candidates,
        request.quotas,
        request.size,
        fixed=request.fixed,
        excluded=request.excluded,
        time_limit_s=request.time_limit_s,
        workers=request.workers,
        work_limit=request.work_limit,
        work_unit=request.work_unit,
    )
    return lottery.draw(request.seed, request.alternates)


def _integer_weights(
    columns: Iterable[Column], probs: Iterable[float]
) -> tuple[tuple[Column, ...], tuple[int, ...]]:
    """Canonical order (by panel) and integer weights summing to TOTAL (largest remainder)."""
    pairs = sorted(zip(columns, probs, strict=True))
    total = sum(p for _, p in pairs)
    raw = [p / total * TOTAL for _, p in pairs]
    ints = [int(r) for r in raw]
    short = TOTAL - sum(ints)
    assert 0 <= short <= len(ints)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - ints[i]), i))
    for i in order[:short]:
        ints[i] += 1
    kept = [(c, w) for (c, _), w in zip(pairs, ints, strict=True) if w > 0]
    return tuple(c for c, _ in kept), tuple(w for _, w in kept)


def _marginals(
    pool: tuple[str, ...],
    blocked: tuple[str, ...],
    tm: TypeModel,
    panels: tuple[Column, ...],
    weights: tuple[int, ...],
) -> tuple[dict[str, float], float]:
    sizes = tm.sizes
    expected = [Fraction(0)] * len(sizes)  # expected count per type, in units of 1/TOTAL
    for col, w in zip(panels, weights, strict=True):
        for t, n in col:
            expected[t] += w * n
    per_type = [float(expected[t] / (TOTAL * sizes[t])) for t in range(len(sizes))]
    marginals = {cid: 0.0 for cid in pool}
    for t, members in enumerate(tm.members):
        for cid in members:
            marginals[cid] = per_type[t]
    barred = set(blocked)
    live = [marginals[cid] for cid in pool if cid not in barred]
    return marginals, (min(live) if live else 0.0)


def _digest(
    version: str,
    seats: int,
    fixed: tuple[str, ...],
    tm: TypeModel,
    panels: tuple[Column, ...],
    weights: tuple[int, ...],
) -> str:
    """SHA-256 of the lottery itself: equal digests mean equal draws for every seed."""
    payload = {
        "engine": version,
        "seats": seats,
        "fixed": list(fixed),
        "types": [list(m) for m in tm.members],
        "family": sorted(tm.family_group_of.items()),
        "caps": sorted(tm.family_caps.items()),
        "panels": [[list(p) for p in col] for col in panels],
        "weights": list(weights),
    }
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
