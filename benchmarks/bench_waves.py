"""A wave of performance evaluations planned at once vs meeting by meeting (the pure planner, no database).

    .venv/bin/python benchmarks/bench_waves.py [--parks 100] [--experts 5000] [--days 60] [--replays 8]

Instance (seeded): a pool of 5,000 experts (1,000 organisations, 31 provinces, specialties, 40 % senior, 10 %
away on 3 days of the window), 100 parks in 31 provinces, the default performance-evaluation rule set
(``panels.rules.rulesets.quotas``: a member of each of three specialties, 2 senior, 1 per organisation, 2 per
province, none of the park's own province, 2 rest days), 7-member panels, at most 3 meetings a day over 60
working days of the official calendar (2026-03-02 on), at most one wave panel per expert (the baseline:
the yearly cap of 12).

- wave: ``plan_wave`` (days and panels together, level filling, LP bound, stratified replays);
- baseline: the parks one after another, each on its earliest day with room (M a day) on which a single
  fair draw exists given the bookings so far, then that draw (``build_lottery`` + ``draw``).

For both: parks placed, conflicts (an expert twice a day, rest days, any rule broken), panels per expert
(max, and the standard deviation over the eligible pool), the least expected panels against the wave's LP
bound, time. The wave's expectation is its estimate over replays (least class mean); the baseline's is, per
expert, the sum over its meetings of the lottery's exact probability given the draws before (unbiased, one
run), averaged over the same classes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import machine
from panels.rules.rulesets import effective_rules, quotas
from panels.solver import Candidate, InfeasibleDraw, build_lottery, panel_violations
from panels.solver.wave_bound import expert_classes, park_classes
from panels.solver.wave_model import WaveExpert, WavePark, WaveRequest
from panels.solver.waves import plan_wave
from scheduling.rules.calendar import WorkingDayCalendar

RULES = effective_rules({"specialty_quotas": [{"specialty": "industrial_symbiosis", "min": 1, "max": 50},
                                              {"specialty": "low_carbon", "min": 1, "max": 50},
                                              {"specialty": "env_management", "min": 1, "max": 50}],
                         "min_senior": 2, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2})
SPECIALTIES = ["industrial_symbiosis", "low_carbon", "env_management", "cleaner_production", "water",
               "solid_waste", "energy", "planning"]
YEARLY_CAP = 12
PROVINCES = [f"P{i:02d}" for i in range(31)]


def working_days(n: int) -> list[date]:
    calendar = WorkingDayCalendar.official([2026])
    out, day = [], date(2026, 3, 2)
    while len(out) < n:
        if calendar.is_working_day(day).is_working_day:
            out.append(day)
        day += timedelta(days=1)
    return out


def instance(n_experts: int, n_parks: int, days: list[date], seed: int = 20261203):
    rng = random.Random(seed)
    experts = []
    for i in range(n_experts):
        specs = {s for s in rng.sample(SPECIALTIES, rng.choice([1, 1, 2, 2, 3])) if s in SPECIALTIES[:3]}
        groups = {f"spec:{s}" for s in specs} | {f"org:{rng.randrange(1000)}", f"prov:{rng.choice(PROVINCES)}"}
        if rng.random() < 0.4:
            groups.add("senior")
        busy = frozenset(rng.sample(days, 3)) if rng.random() < 0.1 else frozenset()
        experts.append(WaveExpert(f"{i + 1}", frozenset(groups), busy))
    cands = [Candidate(e.id, e.groups) for e in experts]
    parks = []
    for k in range(n_parks):
        province = PROVINCES[k % len(PROVINCES)]
        eligible = frozenset(e.id for e in experts if f"prov:{province}" not in e.groups)
        pool = [c for c in cands if c.id in eligible]
        parks.append(WavePark(f"park-{k + 1:03d}", tuple(days), eligible, quotas(RULES, pool, province, "office")))
    return experts, parks


def check(experts, parks, meetings, size, max_per_day, rest, cap) -> dict[str, int]:
    by_id = {e.id: e for e in experts}
    park = {p.id: p for p in parks}
    broken = 0
    sits: dict[str, list[date]] = defaultdict(list)
    for pid, day, members in meetings:
        cands = {m: Candidate(m, by_id[m].groups) for m in members}
        broken += bool(panel_violations(members, cands, park[pid].quotas, size))
        broken += sum(m not in park[pid].eligible or day in by_id[m].busy for m in members)
        for m in members:
            sits[m].append(day)
    twice = sum(len(d) - len(set(d)) for d in sits.values())
    rest_broken = sum(1 for d in sits.values() for a in d for b in d if a < b and (b - a).days < rest)
    over_cap = sum(len(d) > cap for d in sits.values())
    crowded = sum(n > max_per_day for n in Counter(day for _, day, _ in meetings).values())
    return {"rule_breaks": broken, "twice_a_day": twice, "rest_broken": rest_broken, "over_cap": over_cap,
            "days_over_M": crowded}


def spread(experts_eligible, meetings) -> tuple[int, float]:
    load = Counter(m for _, _, members in meetings for m in members)
    values = [load.get(e, 0) for e in experts_eligible]
    return max(values), statistics.pstdev(values)


def baseline(experts, parks, days, size, max_per_day, rest, cap, seed):
    by_id = {e.id: e for e in experts}
    used = Counter()
    sits: dict[str, list[date]] = defaultdict(list)
    expected: Counter = Counter()
    meetings, unplaced = [], []
    for k, park in enumerate(parks):
        placed = False
        for day in days:
            if used[day] >= max_per_day:
                continue
            pool = [Candidate(e, by_id[e].groups) for e in sorted(park.eligible)
                    if day not in by_id[e].busy and len(sits[e]) < cap
                    and all(abs((s - day).days) >= max(1, rest) for s in sits[e])]
            try:
                lottery = build_lottery(pool, park.quotas, size, time_limit_s=60.0)
            except InfeasibleDraw:
                continue
            result = lottery.draw(seed + k)
            for e, p in lottery.marginals.items():
                expected[e] += p
            meetings.append((park.id, day, tuple(result.members)))
            used[day] += 1
            for m in result.members:
                sits[m].append(day)
            placed = True
            break
        if not placed:
            unplaced.append(park.id)
    return meetings, unplaced, expected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parks", type=int, default=100)
    parser.add_argument("--experts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--replays", type=int, default=8)
    parser.add_argument("--estimate-replays", type=int, default=0,
                        help="then re-plan with the same seed and this many replays, no time limit (the same plan, "
                             "a finer estimate of its distribution's fairness)")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    size, m, rest, cap = 7, 3, RULES["min_rest_days"], 1
    days = working_days(args.days)
    experts, parks = instance(args.experts, args.parks, days)
    print(f"machine: {machine()}; load before: {os.getloadavg()[0]:.1f}")
    print(f"wave: {args.parks} parks, {args.experts} experts, {len(days)} working days {days[0]}..{days[-1]}, "
          f"size {size}, M {m}, rest {rest}, cap {cap}")
    cpu0, t0 = time.process_time(), time.monotonic()
    plan = plan_wave(WaveRequest(tuple(experts), tuple(parks), size, m, per_expert_cap=cap, rest_days=rest,
                                 seed=7, time_limit_s=25.0, replays=args.replays))
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    f = plan.fairness
    classes = expert_classes(experts, park_classes(parks), cap)
    eligible = [e for c in classes for e in c.members]
    wave_meetings = [(x.park_id, x.day, x.members) for x in plan.meetings]
    mx, sd = spread(eligible, wave_meetings)
    why = [(u.park_id, u.reason) for u in plan.unplaced]
    print(f"WAVE     placed {len(plan.meetings)}/{args.parks}, unplaced {why}")
    print(f"         checks {check(experts, parks, wave_meetings, size, m, rest, cap)}")
    print(f"         panels per expert: max {mx}, sd {sd:.3f} over {len(eligible)} eligible")
    print(f"         least expected panels (est., {f.replays} replays, {f.classes} classes; resolved classes hold "
          f"{f.resolved:.0%} of the experts) {f.estimated_min:.4f} ± {f.estimated_se:.4f}; mean {f.mean:.4f}; "
          f"LP bound {f.bound:.4f} (optimal {f.bound_optimal}); ratio {f.ratio:.3f}")
    print(f"         experts whose class estimate is below 0.9 x bound (all classes): {f.below_90:.1%}")
    print(f"         time {wall:.1f} s wall, {cpu:.1f} s CPU (bound {plan.stats['bound_s']:.1f} s, "
          f"one draw {plan.stats['plan_s']:.1f} s, {plan.stats['replays']} replays); "
          f"load after {os.getloadavg()[0]:.1f}")
    if args.estimate_replays:
        t0 = time.monotonic()
        again = plan_wave(WaveRequest(tuple(experts), tuple(parks), size, m, per_expert_cap=cap, rest_days=rest,
                                      seed=7, time_limit_s=3600.0, replays=args.estimate_replays))
        g = again.fairness
        assert again.meetings == plan.meetings, "the same seed must give the same plan"
        print(f"ESTIMATE same plan, {g.replays} replays ({time.monotonic() - t0:.0f} s): least expected panels "
              f"{g.estimated_min:.4f} ± {g.estimated_se:.4f} over resolved classes ({g.resolved:.0%} of the "
              f"experts); ratio {g.ratio:.3f}; experts below 0.9 x bound {g.below_90:.1%}")
    if args.no_baseline:
        return
    cpu0, t0 = time.process_time(), time.monotonic()
    # meeting by meeting there is no wave cap: the rule set's yearly cap (12) is the only one
    meetings, unplaced, expected = baseline(experts, parks, days, size, m, rest, YEARLY_CAP, seed=7)
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    mx, sd = spread(eligible, meetings)
    means = [sum(expected[e] for e in c.members) / len(c.members) for c in classes]
    print(f"BASELINE placed {len(meetings)}/{args.parks}, unplaced {len(unplaced)}")
    print(f"         checks {check(experts, parks, meetings, size, m, rest, YEARLY_CAP)}")
    print(f"         panels per expert: max {mx}, sd {sd:.3f}")
    print(f"         least expected panels (class mean of summed draw probabilities, one run) {min(means):.4f} "
          f"vs LP bound {f.bound:.4f}: ratio {min(means) / f.bound:.3f}")
    print(f"         time {wall:.1f} s wall, {cpu:.1f} s CPU; load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
