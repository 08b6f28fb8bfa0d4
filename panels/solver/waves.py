"""The wave planner: many parks' meeting days and panels at once (pure: plain data in and out).

``plan_wave(WaveRequest) -> WavePlan`` assigns each park a day among its allowed days and a panel so that:
every panel keeps its quotas (as the single draw's ``panel_violations`` checks them) and recusal (``eligible``);
no expert sits twice on one day, nor on days closer than ``rest_days``, nor on a ``busy`` day, nor more than
``per_expert_cap`` times in the wave (nor over their remaining yearly ``capacity``); at most ``max_per_day``
meetings a day; a park's locked members (``WavePark.fixed``, a re-plan's) sit on its panel and on no other.

The draw (deterministic in ``seed``), and the approximation it makes:

0. The LP of :mod:`panels.solver.wave_bound` (its optimum is the certificate below) also gives each class of
   interchangeable experts a share: the panels the class holds in its optimal solution.
1. Days: a min-cost max-flow (parks -> their days -> at most M a day) with seeded random costs: as many parks
   as the days can hold, spread at random.
2. Panels, meeting by meeting in a seeded random order ("level filling"): the pool of a meeting is its
   eligible experts free that day (not busy, not on another wave panel that day or within the rest days,
   under the caps), ordered by the wave panels they already hold, then by when their seat comes due in a
   randomised apportionment of the classes' shares (the j-th expert of class t, in a random order, at
   (seats t holds + j + U_t) / share_t with U_t uniform: each class gets its share in expectation, everyone
   in it the same chance); the panel is the first in that order that keeps the quotas (greedy: the scarcest
   minimum quotas first, then the remaining seats; CP-SAT on the same order when greedy fails). Loads differ
   by at most one wherever the rules allow. A meeting whose day cannot hold a panel moves to another of its
   days with room; failing that the park is unplaced, with why.

This is **not** the leximin lottery of a single draw (one per meeting costs ~1.5 s on a 5,000-expert pool,
and a joint one over whole plans is out of reach), nor an exact max-min: the quota-driven picks of step 2
(a specialist taken because the panel needs one) move seats between classes, so a class's expectation can
fall short of its share. The fairness is therefore *measured*: the measure is each eligible expert's
expected number of panels in the wave; ``replays`` further draws of the same distribution (seeds derived
from ``seed``, the offsets U stratified over the replays) estimate it per class, and the least class mean
(among the classes the replays resolve) is reported against the LP bound, which no lottery over valid plans
can beat.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from statistics import pstdev

from ortools.graph.python import min_cost_flow

from .lottery import build_lottery
from .model import Candidate, InfeasibleDraw
from .wave_bound import ExpertClass, class_means, expert_classes, fairness_bound, park_classes
from .wave_model import (
    WAVE_ENGINE_VERSION,
    Unplaced,
    WaveExpert,
    WaveFairness,
    WaveMeeting,
    WavePark,
    WavePlan,
    WaveRequest,
)
from .wave_panels import cpsat_panel, greedy_panel, group_supply

#: Enough feasible days to show that a park was crowded out (each one is a feasibility check).
SHOWN_DAYS = 5


def replay_seed(seed: int, replay: int) -> int:
    """The seed of replay ``replay`` (0 is the plan itself)."""
    if replay == 0:
        return seed
    digest = hashlib.sha256(f"{WAVE_ENGINE_VERSION}:{seed}:{replay}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def plan_wave(request: WaveRequest) -> WavePlan:
    """Plan the wave with ``request.seed``; see the module's docstring for how and how fair."""
    started = time.monotonic()
    deadline = started + request.time_limit_s
    pclasses = park_classes(request.parks)
    classes = expert_classes(request.experts, pclasses, request.per_expert_cap)
    bound, optimal, targets = fairness_bound(classes, pclasses, request.size, request.max_per_day)
    bound_s = time.monotonic() - started
    planner = _Planner(request, classes, targets)
    meetings, unplaced_ids, load = planner.draw(request.seed)
    plan_s = time.monotonic() - started - bound_s
    loads = [load]
    # Replays estimate the distribution's fairness. Each is a draw of the same distribution (its class
    # offsets uniform), but together they spread each class's offset over the R strata of [0, 1), so the
    # mean over replays of a class's seats has far less variance than independent draws would give. R is
    # fixed before the first replay (fewer than asked only if the time limit could not hold them all), so
    # that every stratum is drawn.
    room = deadline - time.monotonic()
    replays = min(request.replays, int(0.8 * room // max(plan_s, 1e-3)))  # a margin for a busy machine
    strata = random.Random(replay_seed(request.seed, -1))
    base = [strata.random() for _ in classes]
    perms = [strata.sample(range(replays), replays) for _ in classes]
    for r in range(1, replays + 1):
        offsets = [(perm[r - 1] + v) / replays for perm, v in zip(perms, base, strict=True)]
        loads.append(planner.draw(replay_seed(request.seed, r), offsets)[2])
    unplaced = tuple(planner.explain(pid) for pid in unplaced_ids)
    fairness = _fairness(classes, loads[1:] or loads, bound, optimal, targets)
    ordered = tuple(sorted(meetings, key=lambda m: (m.day, m.park_id)))
    stats = {"bound_s": bound_s, "plan_s": plan_s, "total_s": time.monotonic() - started,
             "replays": len(loads) - 1, "cpsat_panels": planner.cpsat_calls}
    return WavePlan(meetings=ordered, unplaced=unplaced, fairness=fairness, seed=request.seed, stats=stats)


#: A class's mean is reported in the least only if the replays hold this many of its seats in expectation:
#: below that, a few replays cannot resolve it (a one-expert class is 0 or 1/R) and the least would be noise.
RESOLVED_SEATS = 5.0


def _fairness(classes, loads: Sequence[Mapping[str, int]], bound: float, optimal: bool,
              targets: Sequence[float]) -> WaveFairness:
    means = class_means(classes, loads)
    n = sum(len(c.members) for c in classes)
    expected: dict[str, float] = {}
    best = (float("inf"), 0.0)
    total = resolved = low = 0.0
    for c, per_replay, target in zip(classes, means, targets, strict=True):
        mean = sum(per_replay) / len(per_replay)
        total += mean * len(c.members)
        low += len(c.members) * (mean < 0.9 * bound)
        for e in c.members:
            expected[e] = mean
        if target * len(c.members) * len(per_replay) < RESOLVED_SEATS:
            continue
        resolved += len(c.members)
        se = pstdev(per_replay) / len(per_replay) ** 0.5 if len(per_replay) > 1 else 0.0
        best = min(best, (mean, se))
    return WaveFairness(bound=bound, bound_optimal=optimal, estimated_min=best[0] if resolved else 0.0,
                        estimated_se=best[1], mean=total / n if n else 0.0, eligible=n, classes=len(classes),
                        replays=len(loads), resolved=resolved / n if n else 0.0, below_90=low / n if n else 0.0,
                        expected=expected)


class _Planner:
    def __init__(self, request: WaveRequest, classes: Sequence[ExpertClass], targets: Sequence[float]) -> None:
        self.req = request
        self.experts: dict[str, WaveExpert] = {e.id: e for e in request.experts}
        self.cap = {e.id: request.per_expert_cap if e.capacity is None else min(request.per_expert_cap, e.capacity)
                    for e in request.experts}
        self.parks: dict[str, WavePark] = {p.id: p for p in request.parks}
        self.eligible = {p.id: sorted(e for e in p.eligible if e in self.experts) for p in request.parks}
        self.days = sorted({d for p in request.parks for d in p.days})
        self.busy_on: dict[date, set[str]] = defaultdict(set)
        for e in request.experts:
            for d in e.busy:
                self.busy_on[d].add(e.id)
        self.class_of: dict[str, int] = {e: t for t, c in enumerate(classes) for e in c.members}
        # how many panels a class should get in all (the LP's solution), to steer towards as the wave fills
        self.quota_of = [max(target * len(c.members), 1e-9) for target, c in zip(targets, classes, strict=True)]
        self.supply = {pid: group_supply(ids, self.experts, self.parks[pid].quotas)
                       for pid, ids in self.eligible.items()}
        self.cpsat_calls = 0
        self.taken: dict[date, int] = dict(request.taken)
        # a member locked on one park's panel is kept for it: no other panel of the wave takes them
        self.reserved = {p.id: frozenset(e for q in request.parks if q.id != p.id for e in q.fixed)
                         for p in request.parks} if any(p.fixed for p in request.parks) else {}

    # --- one draw ----------------------------------------------------------------------------------------
    def draw(self, seed: int, offsets: Sequence[float] | None = None
             ) -> tuple[list[WaveMeeting], list[str], dict[str, int]]:
        rng = random.Random(seed)
        day_of = self._assign_days(rng)
        used_per_day: dict[date, int] = defaultdict(int, self.taken)
        for d in day_of.values():
            used_per_day[d] += 1
        state = _State(len(self.quota_of))
        state.full.update(e for e, cap in self.cap.items() if cap <= 0)  # a yearly cap already reached
        state.offset = list(offsets) if offsets is not None else [rng.random() for _ in self.quota_of]
        ids = sorted(self.experts)
        state.rank = dict(zip(ids, rng.sample(range(len(ids)), len(ids)), strict=True))
        state.order = sorted(ids, key=state.rank.__getitem__)
        meetings: list[WaveMeeting] = []
        unplaced = sorted(p.id for p in self.req.parks if p.id not in day_of)
        order = sorted(day_of)
        rng.shuffle(order)
        for pid in order:
            park = self.parks[pid]
            first = day_of[pid]
            others = sorted(d for d in set(park.days) if d != first)
            rng.shuffle(others)
            placed = None
            for d in [first, *others]:
                if d != first and used_per_day[d] >= self.req.max_per_day:
                    continue
                members = self._panel(park, d, state)
                if members is not None:
                    placed = (d, members)
                    break
            if placed is None:
                used_per_day[first] -= 1
                unplaced.append(pid)
                continue
            d, members = placed
            if d != first:
                used_per_day[first] -= 1
                used_per_day[d] += 1
            self._seat(state, members, d)
            meetings.append(WaveMeeting(pid, d, tuple(sorted(members))))
        return meetings, sorted(unplaced), dict(state.load)

    def _seat(self, state: _State, members: Sequence[str], d: date) -> None:
        gap = max(1, self.req.rest_days)
        near = [day for day in self.days if abs((day - d).days) < gap]
        for e in members:
            state.load[e] += 1
            if state.load[e] >= self.cap[e]:
                state.full.add(e)
            for day in near:
                state.blocked[day].add(e)
            t = self.class_of.get(e)
            if t is not None:
                state.served[t] += 1

    def _assign_days(self, rng: random.Random) -> dict[str, date]:
        parks = [p for p in self.req.parks if p.days]
        if not parks:
            return {}
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1
        park_node = {p.id: 2 + i for i, p in enumerate(parks)}
        day_node = {d: 2 + len(parks) + i for i, d in enumerate(self.days)}
        arcs = {}
        for p in parks:
            flow.add_arc_with_capacity_and_unit_cost(source, park_node[p.id], 1, 0)
            for d in sorted(set(p.days)):
                arcs[flow.add_arc_with_capacity_and_unit_cost(park_node[p.id], day_node[d], 1,
                                                              rng.randrange(1000))] = (p.id, d)
        for d in self.days:
            flow.add_arc_with_capacity_and_unit_cost(day_node[d], sink,
                                                     max(0, self.req.max_per_day - self.taken.get(d, 0)), 0)
        flow.set_node_supply(source, len(parks))
        flow.set_node_supply(sink, -len(parks))
        if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
            raise RuntimeError("day assignment failed")
        return {pid: d for arc, (pid, d) in arcs.items() if flow.flow(arc) > 0}

    def _panel(self, park: WavePark, d: date, state: _State) -> list[str] | None:
        busy, blocked, full = self.busy_on.get(d, set()), state.blocked[d], state.full
        eligible = park.eligible
        pool = [e for e in state.order if e in eligible and e not in busy and e not in blocked and e not in full]
        if self.reserved.get(park.id):
            pool = [e for e in pool if e not in self.reserved[park.id]]
        if len(pool) < self.req.size:
            return None
        if park.fixed and not set(park.fixed) <= set(pool):
            return None  # a locked member is not free that day
        # Least loaded first; among equals, by when the expert's seat comes due in a randomised apportionment
        # of the LP solution: the j-th expert of class t (in this draw's random order) is due at
        # (seats class t holds + j + U_t) / share_t, U_t uniform per draw and class, so that each class gets its
        # share in expectation and, within a class, everyone the same chance.
        load, class_of, rank = state.load, self.class_of, state.rank
        served, offset, share = state.served, state.offset, self.quota_of
        seen: dict[int, int] = defaultdict(int)
        keys: dict[str, tuple[int, float, int]] = {}
        for e in pool:
            t = class_of.get(e)
            if t is None:
                keys[e] = (load.get(e, 0), 0.0, rank[e])
                continue
            j = seen[t]
            keys[e] = (load.get(e, 0), (served[t] + j + offset[t]) / share[t], rank[e])
            seen[t] = j + 1
        pool.sort(key=keys.__getitem__)
        members = greedy_panel(pool, self.experts, park.quotas, self.req.size, self.supply[park.id], park.fixed)
        if members is None:
            self.cpsat_calls += 1
            members = cpsat_panel(pool, self.experts, park.quotas, self.req.size, park.fixed)
        return members

    # --- why a park is unplaced --------------------------------------------------------------------------
    def explain(self, pid: str) -> Unplaced:
        park = self.parks[pid]
        if not park.days:
            return Unplaced(pid, "no_allowed_day")
        feasible: list[date] = []
        seen: dict[frozenset[str], bool] = {}
        for d in sorted(set(park.days)):
            busy = frozenset(e for e in park.eligible if e in self.experts and d in self.experts[e].busy)
            if busy not in seen:
                pool = [e for e in sorted(park.eligible) if e in self.experts and e not in busy]
                seen[busy] = len(pool) >= self.req.size and (
                    greedy_panel(pool, self.experts, park.quotas, self.req.size) is not None
                    or cpsat_panel(pool, self.experts, park.quotas, self.req.size) is not None)
            if seen[busy]:
                feasible.append(d)
                if len(feasible) >= SHOWN_DAYS:
                    break
        if feasible:
            return Unplaced(pid, "crowded_out", feasible_days=tuple(feasible))
        return Unplaced(pid, "no_feasible_day", conflict=self._conflict(park))

    def _conflict(self, park: WavePark) -> tuple[str, ...]:
        d = park.days[0]
        cands = [Candidate(e, self.experts[e].groups) for e in sorted(park.eligible)
                 if e in self.experts and d not in self.experts[e].busy]
        try:
            build_lottery(cands, park.quotas, self.req.size, time_limit_s=10.0)
        except InfeasibleDraw as exc:
            return tuple(f"{b.group}:{b.side}:{b.bound}" for b in exc.infeasibility.conflict) or ("pool_too_small",)
        return ()


class _State:
    """What one draw has booked so far."""

    def __init__(self, classes: int) -> None:
        self.load: dict[str, int] = defaultdict(int)
        self.full: set[str] = set()
        self.blocked: dict[date, set[str]] = defaultdict(set)
        self.served = [0] * classes
        self.offset = [0.0] * classes
        self.rank: dict[str, int] = {}  # a random order of the experts, one per draw
        self.order: list[str] = []  # the experts in that order
