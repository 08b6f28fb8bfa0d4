"""Plain data of the fair-draw engine: what goes in, what comes out.

Everything here is a frozen dataclass (or an exception carrying one) so that the service layer can store,
hash and compare requests and results without knowing anything about OR-Tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

#: Bumped whenever a change can alter which panel a given (inputs, seed) produces. Stored with every draw
#: so that an audit re-run knows which engine to use.
ENGINE_VERSION = "ecopanel-leximin/1.4"
#: Engine 1.4: the pricing work of one lottery build is bounded by this much CP-SAT deterministic time times
#: ``1 + types / 200`` (``cpsat.WorkBudget``), so that no build meets the wall clock and every draw is
#: reproducible. Engine 1.3 had 0.2 (2-12 s of wall time on the project's 2-core machine at load 5-6, the
#: worst shapes); engine 1.4 gets further per unit (random starting panels, the budget shared out), and at
#: 0.2 it took up to 1.5x engine 1.3's CPU on the 10,000-expert shapes; at 0.12 it takes about 1.3's, with
#: minimums within 0.3 % of what 0.2 gives and never below engine 1.3's.
WORK_LIMIT: float = 0.12
WORK_LIMIT_1_3: float = 0.2
#: Engine 1.4 counts the same deterministic time (unit ``"dtime-1.4"``) but shares it out on the relaxation
#: path: the coarse leximin may spend at most ``relaxation.COARSE_SHARE`` of what is left, and the fine
#: panels it led to are kept for the full leximin when the relaxation falls short.
WORK_UNIT = "dtime-1.4"
#: Engine 1.3 (unit ``"dtime"``) let the coarse leximin spend the whole budget and dropped the fine panels:
#: its draws still re-run exactly with ``work_limit=WORK_LIMIT_1_3, work_unit="dtime"``.
ENGINE_1_3 = "ecopanel-leximin/1.3"
#: Engine 1.2 bounded the same work by this many term-solves (unit ``"terms"``), which tracked wall time
#: poorly: its draws still re-run exactly with ``work_limit=WORK_LIMIT_1_2, work_unit="terms"``.
ENGINE_1_2 = "ecopanel-leximin/1.2"
WORK_LIMIT_1_2 = 300_000
#: Engine 1.1 is engine 1.2 without the work bound (``work_limit=None``): its draws still re-run exactly.
ENGINE_1_1 = "ecopanel-leximin/1.1"
#: What each engine version re-runs with: (work limit or None, its unit).
ENGINE_WORK: dict[str, tuple[float | None, str]] = {
    ENGINE_1_1: (None, "terms"), ENGINE_1_2: (WORK_LIMIT_1_2, "terms"), ENGINE_1_3: (WORK_LIMIT_1_3, "dtime"),
    ENGINE_VERSION: (WORK_LIMIT, WORK_UNIT)}

Side = Literal["min", "max"]


@dataclass(frozen=True)
class Candidate:
    """An eligible expert: an opaque id and the ids of the groups they belong to.

    Groups are free-form strings such as ``"spec:cp"``, ``"org:42"``, ``"prov:江苏"``, ``"senior"``. By
    convention ``prefix:value`` groups that share a prefix are disjoint (one organisation, one province per
    expert); the engine checks this before relying on it.
    """

    id: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Quota:
    """The number of panel members who belong to ``group`` must lie in ``[min, max]``."""

    group: str
    min: int = 0
    max: int = 1_000_000

    def __post_init__(self) -> None:
        if self.min < 0 or self.max < self.min:
            raise ValueError(f"quota {self.group!r}: need 0 <= min <= max, got [{self.min}, {self.max}]")


@dataclass(frozen=True)
class DrawRequest:
    """One draw: the eligible pool, the rules, the seats, and the seed.

    ``fixed`` are members already accepted who stay on the panel (replacement draws); they count towards
    ``size`` and the quotas. ``excluded`` are removed from the pool (e.g. the expert who just declined).
    ``time_limit_s`` is a safety net only: the engine stops on deterministic iteration limits first, and
    flags ``DrawResult.time_limited`` if the wall clock ever cut it short.
    """

    candidates: tuple[Candidate, ...]
    quotas: tuple[Quota, ...]
    size: int
    alternates: int = 0
    fixed: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    seed: int = 0
    time_limit_s: float = 30.0
    workers: int = 1
    work_limit: float | None = WORK_LIMIT  # None: engine 1.1 (verifying its draws)
    work_unit: str = WORK_UNIT  # "terms": engine 1.2, "dtime": engine 1.3


@dataclass(frozen=True)
class DrawResult:
    """A drawn panel and everything needed to explain it.

    ``members`` is the whole panel (fixed members included), sorted by id; ``drawn`` are the members chosen
    by this draw. ``marginals`` maps every eligible, non-fixed candidate to their exact probability of being
    drawn under the lottery that was used (0.0 for candidates the rules make impossible); the mapping is
    shared by all draws of one lottery, do not mutate it. ``gap`` is a proven bound on how much any lottery
    over valid panels could raise the minimum probability; ``optimal`` says that this gap is nil (relative
    1e-7) and that every leximin stage converged.
    """

    members: tuple[str, ...]
    drawn: tuple[str, ...]
    alternates: tuple[str, ...]
    marginals: Mapping[str, float] | None
    seed: int
    engine_version: str = ENGINE_VERSION
    min_probability: float | None = None
    optimal: bool = False
    gap: float | None = None
    time_limited: bool = False
    panels_in_support: int = 0
    lottery_digest: str = ""
    stats: Mapping[str, float] = field(default_factory=dict, compare=False)  # timings differ run to run


@dataclass(frozen=True)
class QuotaBound:
    """One side of a quota, as it takes part in a conflict."""

    group: str
    side: Side
    bound: int


@dataclass(frozen=True)
class Relaxation:
    """A single change of one quota bound that makes the draw feasible (all other rules unchanged)."""

    group: str
    side: Side
    current: int
    proposed: int

    @property
    def delta(self) -> int:
        return abs(self.proposed - self.current)


@dataclass(frozen=True)
class Infeasibility:
    """Why no panel exists, in terms a person can act on.

    ``conflict`` is an irreducible set of quota bounds that cannot hold together with the panel size and
    the pool (drop any one of them and that particular contradiction disappears). An empty ``conflict``
    means the pool alone is too small (``eligible < seats``). ``relaxations`` are single-bound changes
    verified by re-solving to make the whole draw feasible.
    """

    conflict: tuple[QuotaBound, ...]
    relaxations: tuple[Relaxation, ...]
    eligible: int
    seats: int
    message: str


class InfeasibleDraw(Exception):
    """Raised when no panel satisfies the rules; ``.infeasibility`` says why."""

    def __init__(self, infeasibility: Infeasibility) -> None:
        super().__init__(infeasibility.message)
        self.infeasibility = infeasibility


def caps_per_value(
    candidates: Iterable[Candidate], prefix: str, max_per_value: int, *, min_per_value: int = 0
) -> tuple[Quota, ...]:
    """Quotas for "at most N (and at least M) members per value of attribute X".

    Candidates carry the attribute as a group ``f"{prefix}:{value}"``; one quota is made per value that
    occurs, in sorted order. Example: ``caps_per_value(pool, "org", 1)`` is "at most one expert per
    organisation". Values held by a single candidate produce a quota too; the engine discards quotas that
    cannot bind, so there is no cost in being complete.
    """
    head = prefix + ":"
    groups = sorted(g for g in set().union(*(c.groups for c in candidates)) if g.startswith(head))
    return tuple(Quota(g, min_per_value, max_per_value) for g in groups)
