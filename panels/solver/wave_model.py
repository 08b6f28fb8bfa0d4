"""Plain data of the wave planner: what goes in, what comes out (frozen dataclasses, no OR-Tools)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .model import Quota

#: Bumped whenever a change can alter which plan a given (inputs, seed) produces.
WAVE_ENGINE_VERSION = "ecopanel-waves/1.0"


@dataclass(frozen=True)
class WaveExpert:
    """An expert of the pool as the wave sees them.

    ``groups`` are the solver's groups (``spec:…``, ``org:…``, ``prov:…``, ``senior``); ``busy`` are the days
    they cannot sit for any park (absence, term, a booking, the rest after one); ``capacity`` is how many more
    panels they may sit this year (None: no yearly cap).
    """

    id: str
    groups: frozenset[str] = frozenset()
    busy: frozenset[date] = frozenset()
    capacity: int | None = None


@dataclass(frozen=True)
class WavePark:
    """A park of the wave: the days its meeting may be held, who may sit for it, and the panel's quotas.

    ``eligible`` are the experts that pass every park-specific rule (recusal); day-specific rules are the
    experts' ``busy`` days and the wave's own bookings. ``fixed``: members the staff locked (a re-plan): the
    panel holds them, on a day they are free.
    """

    id: str
    days: tuple[date, ...]
    eligible: frozenset[str]
    quotas: tuple[Quota, ...] = ()
    fixed: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaveRequest:
    """A wave to plan. ``per_expert_cap``: panels one expert may sit in the wave; ``rest_days``: two
    panels of one expert must be at least this many days apart (0 or 1: only never twice a day);
    ``replays``: independent draws of the same distribution used to estimate its fairness; ``taken``: meetings
    already held on a day (a re-plan's kept meetings), which count against ``max_per_day``."""

    experts: tuple[WaveExpert, ...]
    parks: tuple[WavePark, ...]
    size: int
    max_per_day: int
    per_expert_cap: int = 1
    rest_days: int = 0
    seed: int = 0
    time_limit_s: float = 30.0
    replays: int = 16
    taken: tuple[tuple[date, int], ...] = ()

    def __post_init__(self) -> None:
        if self.size < 1 or self.max_per_day < 1 or self.per_expert_cap < 1:
            raise ValueError("size, max_per_day and per_expert_cap must be at least 1")
        ids = [p.id for p in self.parks]
        if len(set(ids)) != len(ids):
            raise ValueError("a park appears twice")


@dataclass(frozen=True)
class WaveMeeting:
    park_id: str
    day: date
    members: tuple[str, ...]  # sorted


@dataclass(frozen=True)
class Unplaced:
    """A park the plan could not place, and why.

    ``reason``: ``no_allowed_day`` (no day in its window), ``no_feasible_day`` (on none of its days does the
    pool hold a panel that keeps the rules: ``conflict`` names the quota groups that cannot hold together,
    e.g. a specialty exhausted), ``crowded_out`` (a panel exists on ``feasible_days`` taken alone, but the
    wave's other meetings filled those days or took the experts: more days, a larger M or a higher cap
    would place it).
    """

    park_id: str
    reason: str
    conflict: tuple[str, ...] = ()
    feasible_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class WaveFairness:
    """The measure: each eligible expert's expected number of panels in the wave.

    ``bound`` is the optimum of the LP relaxation (:mod:`panels.solver.wave_bound`): no lottery over valid
    plans gives every eligible expert more than ``bound`` expected panels. ``estimated_min`` is the least,
    over classes of interchangeable experts (``classes``), of the class's mean panels per expert over
    ``replays`` draws of the planner (an estimate; ``estimated_se`` its standard error), among the classes
    the replays resolve (at least ``RESOLVED_SEATS`` of their seats expected over the replays; ``resolved``
    is their share of the eligible experts); ``below_90`` is the share of eligible experts whose class mean
    (every class) is under 0.9 x ``bound``. ``ratio`` = ``estimated_min / bound``. ``expected`` maps each
    eligible expert to their class's estimate.
    """

    bound: float
    bound_optimal: bool
    estimated_min: float
    estimated_se: float
    mean: float
    eligible: int
    classes: int
    replays: int
    resolved: float = 1.0
    below_90: float = 0.0
    expected: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ratio(self) -> float:
        return self.estimated_min / self.bound if self.bound > 0 else 1.0


@dataclass(frozen=True)
class WavePlan:
    meetings: tuple[WaveMeeting, ...]  # by day, then park id
    unplaced: tuple[Unplaced, ...]
    fairness: WaveFairness
    seed: int
    engine_version: str = WAVE_ENGINE_VERSION
    stats: Mapping[str, float] = field(default_factory=dict, compare=False)
