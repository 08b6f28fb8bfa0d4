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
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .cpsat import Column, TypePricer
from .expand import Expander, sample
from .explain import explain
from .leximin import REL_GAP, solve_leximin, type_values
from .model import ENGINE_VERSION, Candidate, DrawRequest, DrawResult, InfeasibleDraw, Quota
from .prepare import Prepared, TypeModel, build_type_model, prepare, relaxable_family
from .refine import refine_columns
from .rules import QuotaIndex

#: The lottery's probabilities are integers out of this total (about 1.1e12): fine enough that rounding
#: moves no probability by more than ~1e-9 relative, small enough to sit exactly in a double.
TOTAL = 2**40

#: Deterministic bound on pricing rounds (the wall-clock limit is only a safety net).
MAX_ROUNDS = 20_000

#: Relaxation path (a second cap family dropped, see ``refine.py``): the fine lottery must give every type
#: at least this share of its relaxed leximin probability, proven, or the full leximin runs instead.
PROFILE_ACCEPT = 0.95
#: ... and column generation on the fine model stops once that share is within this of 1 (the relaxed
#: profile is an upper bound), or after PROFILE_ROUNDS pricing rounds.
PROFILE_GAP = 1e-2
PROFILE_ROUNDS = 200
#: About this many refined starting columns per fine type.
REFINE_PER_TYPE = 3


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
            engine_version=ENGINE_VERSION,
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
) -> FairLottery:
    """Compute the leximin-fair lottery for a draw (the expensive, seed-independent part).

    Raises ``InfeasibleDraw`` (with a minimal conflicting set of quota bounds and verified relaxations)
    when no panel satisfies the rules. ``maximin_only`` stops after maximising the minimum probability.
    """
    started = time.monotonic()
    deadline = started + time_limit_s
    prep = prepare(candidates, quotas, size, fixed, excluded)
    if prep.overfull or (prep.seats == 0 and any(a.lo > 0 for a in prep.quotas)):
        raise InfeasibleDraw(explain(prep, workers))

    tm = build_type_model(prep, prep.live)
    pricer = TypePricer(tm, workers)
    first = pricer.feasible_column()
    fallback = False
    if first is None and tm.family is not None:
        # The cap family's fractional rows are slightly stronger than the true caps; retry exactly.
        tm = build_type_model(prep, prep.live, allow_family=False)
        pricer = TypePricer(tm, workers)
        first = pricer.feasible_column()
        fallback = True
    if first is None:
        raise InfeasibleDraw(explain(prep, workers))

    relaxed = None
    initial = [first]
    if prep.seats > 0 and not fallback and (family := relaxable_family(prep, tm)) is not None:
        relaxed = _via_relaxation(prep, tm, pricer, family, first, workers, maximin_only, deadline)
        if relaxed is not None and not relaxed.accepted:
            initial = [first, *relaxed.columns]  # not close enough: full leximin, from a good start
            relaxed = None
    if prep.seats == 0:
        columns, probs = (first,), (1.0,)
        optimal, gap, time_limited, rounds, stages, lp_solves = True, 0.0, False, 0, 0, 0
    elif relaxed is not None:
        columns, probs = relaxed.columns, relaxed.probabilities
        optimal, gap, time_limited = relaxed.optimal, relaxed.gap, relaxed.time_limited
        rounds, stages, lp_solves = relaxed.rounds, relaxed.stages, relaxed.lp_solves
    else:
        out = solve_leximin(
            pricer, initial, maximin_only=maximin_only, max_rounds=MAX_ROUNDS, deadline=deadline
        )
        columns, probs = out.columns, out.probabilities
        optimal, gap, time_limited = out.optimal, out.maximin_gap, out.time_limited
        rounds, stages, lp_solves = out.rounds, out.stages, out.lp_solves
        if tm.family is not None and out.maximin_dual:
            # The aggregated model is a restriction; certify the minimum against the exact one.
            bound = _exact_bound(prep, tm, out.maximin_dual, workers, out.maximin)
            gap = max(gap, bound - out.maximin)
            optimal = optimal and gap <= REL_GAP * max(out.maximin, 1e-12)

    panels, weights = _integer_weights(columns, probs)
    marginals, min_p = _marginals(prep.pool, prep.blocked, tm, panels, weights)
    digest = _digest(prep.seats, prep.fixed, tm, panels, weights)
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
    )


@dataclass(frozen=True)
class _Relaxed:
    columns: tuple[Column, ...]
    probabilities: tuple[float, ...]
    ratio: float  # proven: every type gets at least this share of its relaxed leximin probability
    accepted: bool
    optimal: bool
    gap: float
    time_limited: bool
    rounds: int
    stages: int
    lp_solves: int
    coarse_types: int


def _via_relaxation(
    prep: Prepared,
    tm: TypeModel,
    pricer: TypePricer,
    family: str,
    first: Column,
    workers: int,
    maximin_only: bool,
    deadline: float,
) -> _Relaxed | None:
    """Leximin on the model without ``family``'s quotas, then the closest fine lottery to its profile.

    The relaxed leximin probabilities ``v`` (per coarse type) form a profile no lottery over valid panels
    can beat in its minimum; the fine model then maximises ``z`` with every fine type at ``>= z * v``. With
    ``z`` close to 1 the fine lottery is within ``1 - z`` of leximin everywhere, and its minimum is
    certified against the exact model through the relaxed maximin dual (``_exact_bound``).
    """
    coarse = build_type_model(prep, prep.live, drop=family)
    if coarse.family != tm.family:
        return None
    coarse_type = {cid: s for s, members in enumerate(coarse.members) for cid in members}
    coarse_of = [coarse_type[members[0]] for members in tm.members]
    if any(coarse_type[cid] != coarse_of[t] for t, members in enumerate(tm.members) for cid in members):
        return None  # the fine types do not nest in the coarse ones
    coarse_pricer = TypePricer(coarse, workers)
    coarse_first = coarse_pricer.feasible_column()
    if coarse_first is None:
        return None
    rough = solve_leximin(
        coarse_pricer, [coarse_first], maximin_only=maximin_only, max_rounds=MAX_ROUNDS, deadline=deadline
    )
    values = type_values((list(rough.columns), list(rough.probabilities)), coarse.sizes)
    target = [values[s] for s in coarse_of]
    starts = refine_columns(
        tm, coarse_of, rough.columns, rough.probabilities, REFINE_PER_TYPE * len(tm.members)
    )
    out = solve_leximin(
        pricer,
        [first, *starts],
        maximin_only=True,
        max_rounds=PROFILE_ROUNDS,
        deadline=deadline,
        target=target,
        upper=1.0,
        rel_gap=PROFILE_GAP,
    )
    ratio = out.maximin
    accepted = ratio >= PROFILE_ACCEPT and not out.time_limited
    fine_values = type_values((list(out.columns), list(out.probabilities)), tm.sizes)
    minimum = min(fine_values) if fine_values else 0.0
    bound = _exact_bound(prep, coarse, rough.maximin_dual, workers, rough.maximin)
    gap = max(0.0, bound - minimum)
    optimal = (
        rough.optimal
        and ratio >= 1.0 - REL_GAP
        and gap <= REL_GAP * max(minimum, 1e-12)
        and not out.time_limited
    )
    return _Relaxed(
        columns=out.columns if accepted else tuple(starts),
        probabilities=out.probabilities,
        ratio=ratio,
        accepted=accepted,
        optimal=optimal,
        gap=gap,
        time_limited=rough.time_limited or out.time_limited,
        rounds=rough.rounds + out.rounds,
        stages=rough.stages + out.stages,
        lp_solves=rough.lp_solves + out.lp_solves,
        coarse_types=len(coarse.members),
    )


def _exact_bound(
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
    seats: int, fixed: tuple[str, ...], tm: TypeModel, panels: tuple[Column, ...], weights: tuple[int, ...]
) -> str:
    """SHA-256 of the lottery itself: equal digests mean equal draws for every seed."""
    payload = {
        "engine": ENGINE_VERSION,
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
