"""Fairness and speed of the panel-draw engine, by the protocol of ../shared/fairness-instances/README.md.

    .venv/bin/python benchmarks/fairness.py            # full protocol (D >= max(10,000, 100 n / k) draws)
    .venv/bin/python benchmarks/fairness.py --quick    # about a minute: fewer draws, same measurements

For every instance (the shared ones plus a synthetic pool of 10,000 eligible experts) it reports:

- the exact selection probabilities of the lottery: minimum, minimum / maximin optimum, Gini, max / (k/n);
- the empirical protocol: batch 1 picks the least-drawn expert, batch 2 (fresh seeds) reports that
  expert's frequency with a 99 % Jeffreys upper bound; Gini and max / (k/n) of the frequencies;
- the share of draws that satisfy every rule (it must be 100 %);
- precompute time, precompute + first draw, draw p50 / p99;
- replacement draws (one member declined, four accepted and fixed): the same fairness figures against the
  replacement's own optimum bound, and rule checks;
- the random-weights CP-SAT baseline on the same instance, empirically.

The maximin optimum is the README's figure where there is one; otherwise (the synthetic pool, the
replacement draws) the LP relaxation over individual people, an *upper* bound on the optimum, so the ratio
reported there is a lower bound on the true ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ortools.linear_solver import pywraplp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from panels.solver import (  # noqa: E402
    Candidate,
    Quota,
    RandomWeightsBaseline,
    build_lottery,
)
from panels.solver.prepare import binding_quotas, prepare  # noqa: E402
from panels.sortition_format import read_instance  # noqa: E402

INSTANCES = ROOT.parent / "shared" / "fairness-instances"
# name -> (k, maximin optimum from the instances README)
KNOWN = {
    "example_small_20": (20, 0.10),
    "n300_k7": (7, 0.02871),
    "n1000_k7": (7, 0.00889),
    "n3000_k7": (7, 0.00283),
}
SYNTHETIC = "synthetic_n10000_k7"


# --- statistics -------------------------------------------------------------------------------------------


def gini(values: Sequence[float]) -> float:
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return 2 * weighted / (n * total) - (n + 1) / n


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def jeffreys_upper(successes: int, trials: int, level: float = 0.99) -> float:
    """One-sided upper confidence bound of the Jeffreys interval (Beta(s + 1/2, n - s + 1/2) quantile)."""
    a, b = successes + 0.5, trials - successes + 0.5
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if betainc(a, b, mid) < level:
            lo = mid
        else:
            hi = mid
    return hi


# --- rule checks and reference bound ----------------------------------------------------------------------


class RuleChecker:
    """Fast full check of a panel against every quota (counts only the groups its members have)."""

    def __init__(self, candidates: Iterable[Candidate], quotas: Iterable[Quota], size: int) -> None:
        self.groups = {c.id: c.groups for c in candidates}
        self.by_group: dict[str, list[Quota]] = {}
        for q in quotas:
            self.by_group.setdefault(q.group, []).append(q)
        self.minimums = [q for q in quotas if q.min > 0]
        self.size = size

    def ok(self, members: Sequence[str]) -> bool:
        if len(members) != self.size or len(set(members)) != self.size:
            return False
        counts = Counter(g for m in members for g in self.groups[m])
        for g, n in counts.items():
            for q in self.by_group.get(g, ()):
                if n > q.max:
                    return False
        return all(counts.get(q.group, 0) >= q.min for q in self.minimums)


def relaxation_bound(
    candidates: Sequence[Candidate],
    quotas: Sequence[Quota],
    size: int,
    fixed: Iterable[str] = (),
    excluded: Iterable[str] = (),
) -> float:
    """Max-min of the LP relaxation over people: an upper bound on the maximin probability."""
    prep = prepare(candidates, quotas, size, fixed, excluded)
    people = prep.live
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {cid: lp.NumVar(0.0, 1.0, cid) for cid in people}
    z = lp.NumVar(0.0, 1.0, "z")
    lp.Add(sum(x.values()) == prep.seats)
    members_of: dict[str, list] = {}
    for c in people:
        for g in prep.groups_of[c]:
            members_of.setdefault(g, []).append(x[c])
    for i in binding_quotas(prep, people):
        a = prep.quotas[i]
        members = members_of.get(a.group, [])
        if members:
            total = lp.Sum(members)
            lp.Add(total >= a.lo)
            lp.Add(total <= a.hi)
    for v in x.values():
        lp.Add(v >= z)
    lp.Maximize(z)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return float("nan")
    return z.solution_value()


# --- synthetic pool ---------------------------------------------------------------------------------------


def write_synthetic(directory: Path, n: int = 10_000, seed: int = 2026) -> Path:
    """A pool shaped like the shared n*_k7 instances, with 10,000 eligible experts.

    30 provinces of very unequal size, organisations of skewed size spread over provinces, and three
    independent yes/no specialties at the shared instances' frequencies (cp 12 %, ce 9 %, eia 25 %); at least
    one of each specialty, at most 2 per province, at most 1 per organisation.
    """
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    provinces = [f"p{i:02d}" for i in range(1, 31)]
    prov_weights = [1.0 / (i + 3) for i in range(30)]
    n_orgs = n // 4
    org_weights = [1.0 / (i + 5) ** 0.9 for i in range(n_orgs)]
    with (directory / "features.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["feature", "value", "min", "max"])
        for spec in ("cp", "ce", "eia"):
            w.writerow([spec, "yes", 1, 7])
            w.writerow([spec, "no", 0, 6])
        for p in provinces:
            w.writerow(["province", p, 0, 2])
    with (directory / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "org", "province", "cp", "ce", "eia"])
        orgs = rng.choices(range(n_orgs), weights=org_weights, k=n)
        provs = rng.choices(provinces, weights=prov_weights, k=n)
        for i in range(n):
            yes = [rng.random() < p for p in (0.118, 0.087, 0.255)]
            w.writerow([f"e{i}", f"x{i}", f"org{orgs[i]}", provs[i], *("yes" if y else "no" for y in yes)])
    settings = 'id_column = "id"\ncheck_same_address = true\ncheck_same_address_columns = ["org"]\n'
    (directory / "settings.toml").write_text(settings, encoding="utf-8")
    return directory


# --- measurements -----------------------------------------------------------------------------------------


def fairness_of(probabilities: Mapping[str, float], k: int, optimum: float) -> dict[str, float]:
    values = list(probabilities.values())
    n = len(values)
    low = min(values)
    return {
        "min": low,
        "min_over_optimum": low / optimum if optimum > 0 else float("nan"),
        "gini": gini(values),
        "max_over_k_n": max(values) / (k / n),
    }


def empirical(
    draw,
    ids: Sequence[str],
    k: int,
    draws: int,
    checker: RuleChecker,
    optimum: float,
    offset: int = 0,
    exact: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Two batches of ``draws`` with fresh seeds: the README protocol for the minimum."""
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    valid = 0
    times = []
    for batch, counter in ((0, first), (1, second)):
        for s in range(draws):
            seed = offset + batch * draws + s
            t = time.perf_counter()
            members = draw(seed)
            times.append(time.perf_counter() - t)
            valid += checker.ok(members)
            counter.update(members)
    least = min(ids, key=lambda i: (first[i], i))
    c2 = second[least]
    freq = {i: (first[i] + second[i]) / (2 * draws) for i in ids}
    times.sort()
    # Do the frequencies match the claimed exact probabilities? Largest |z| over all experts (about 4 to
    # 4.5 is normal for thousands of experts; much more would mean the stated marginals are wrong).
    z_max = float("nan")
    if exact is not None:
        z_max = max(
            abs(freq[i] - p) / math.sqrt(p * (1 - p) / (2 * draws)) if 0 < p < 1 else 0.0
            for i, p in exact.items()
        )
    return {
        "max_abs_z_vs_exact": z_max,
        "draws_per_batch": draws,
        "least_drawn_batch2": c2 / draws,
        "least_drawn_upper99": jeffreys_upper(c2, draws),
        "least_over_optimum": (c2 / draws) / optimum if optimum > 0 else float("nan"),
        "gini": gini(list(freq.values())),
        "max_over_k_n": max(freq.values()) / (k / len(ids)),
        "valid_share": valid / (2 * draws),
        "draw_p50_ms": times[len(times) // 2] * 1000,
        "draw_p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
    }


def measure_instance(name: str, directory: Path, k: int, optimum: float | None, args) -> dict:
    inst = read_instance(directory)
    candidates, quotas = inst.candidates, inst.quotas
    ids = [c.id for c in candidates]
    n = len(ids)
    checker = RuleChecker(candidates, quotas, k)
    row: dict = {"instance": name, "n": n, "k": k}
    bound = relaxation_bound(candidates, quotas, k)
    row["relaxation_bound"] = bound
    if optimum is None:
        optimum = bound
        row["optimum_source"] = "LP relaxation (upper bound)"
    else:
        row["optimum_source"] = "instances README"
    row["optimum"] = optimum

    # Precompute + first draw, repeated (the machine is shared): the median is reported, all are kept.
    timings = []
    for _ in range(1 if args.quick else 3):
        started = time.perf_counter()
        lottery = build_lottery(candidates, quotas, k, time_limit_s=args.time_limit)
        built = time.perf_counter()
        lottery.draw(0)
        timings.append((built - started, time.perf_counter() - started))
    row["precompute_runs_s"] = timings
    row["precompute_s"] = statistics.median(t for t, _ in timings)
    row["precompute_plus_draw_s"] = statistics.median(t for _, t in timings)
    row["lottery"] = {
        "optimal": lottery.optimal,
        "maximin_gap": lottery.gap,
        "time_limited": lottery.time_limited,
        "support": len(lottery.panels),
        **{key: lottery.stats[key] for key in ("types", "fractional_rows", "rounds", "stages")},
    }
    row["exact"] = fairness_of(lottery.marginals, k, optimum)

    draws = args.draws or (2000 if args.quick else max(10_000, math.ceil(100 * n / k)))
    row["empirical"] = empirical(
        lambda s: lottery.draw(s).members, ids, k, draws, checker, optimum, exact=lottery.marginals
    )

    # Replacement draws: a member declines, four accept and stay, the rest is redrawn.
    scenarios = 2 if args.quick else 6
    repl = []
    for s in range(scenarios):
        panel = lottery.draw(10_000_000 + s).members
        rng = random.Random(s)
        order = list(panel)
        rng.shuffle(order)
        declined, fixed = order[0], frozenset(order[1:5])
        t = time.perf_counter()
        rl = build_lottery(
            candidates, quotas, k, fixed=fixed, excluded={declined}, time_limit_s=args.time_limit
        )
        t_build = time.perf_counter() - t
        rbound = relaxation_bound(candidates, quotas, k, fixed, {declined})
        barred = set(rl.blocked)
        live = {i: p for i, p in rl.marginals.items() if i not in barred}
        seats = k - len(fixed)
        rdraws = 200 if args.quick else 1000
        valid = sum(checker.ok(rl.draw(20_000_000 + j).members) for j in range(rdraws))
        repl.append(
            {
                "precompute_s": t_build,
                "eligible": len(live),
                "barred_by_rules": len(rl.blocked),
                "min": min(live.values()),
                "min_over_bound": min(live.values()) / rbound,
                "gini": gini(list(live.values())),
                "max_over_k_n": max(live.values()) / (seats / len(live)),
                "valid_share": valid / rdraws,
                "optimal": rl.optimal,
            }
        )
    row["replacement"] = {
        "scenarios": scenarios,
        "min_over_bound_worst": min(r["min_over_bound"] for r in repl),
        "gini_worst": max(r["gini"] for r in repl),
        "max_over_k_n_worst": max(r["max_over_k_n"] for r in repl),
        "valid_share": statistics.fmean(r["valid_share"] for r in repl),
        "precompute_s_max": max(r["precompute_s"] for r in repl),
        "all_optimal": all(r["optimal"] for r in repl),
    }

    if not args.skip_baseline:
        baseline = RandomWeightsBaseline(candidates, quotas, k)
        per_draw = max(1e-4, _time_one(baseline))
        budget = 8.0 if args.quick else 120.0  # seconds per instance
        bdraws = max(20 if args.quick else 200, min(draws, int(budget / per_draw / 2)))
        row["baseline"] = empirical(
            lambda s: baseline.draw(s).members, ids, k, bdraws, checker, optimum, offset=50_000_000
        )
        # Empirical Gini and max/(k/n) grow with sampling noise when draws are few, so the engine is
        # measured again with exactly as many draws as the baseline got: an apples-to-apples comparison.
        row["engine_same_draws"] = empirical(
            lambda s: lottery.draw(s).members, ids, k, bdraws, checker, optimum, offset=60_000_000
        )
    return row


def _time_one(baseline: RandomWeightsBaseline) -> float:
    t = time.perf_counter()
    for s in range(3):
        baseline.draw(90_000_000 + s)
    return (time.perf_counter() - t) / 3


# --- report -----------------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def report(rows: list[dict]) -> str:
    main_rows = []
    for r in rows:
        e, x = r["empirical"], r["exact"]
        main_rows.append(
            [
                r["instance"],
                f"{r['n']:,}",
                str(r["k"]),
                f"{r['optimum'] * 100:.3f} %",
                f"{x['min_over_optimum']:.3f}",
                f"{x['gini']:.3f}",
                f"{x['max_over_k_n']:.2f}",
                f"{e['least_over_optimum']:.2f} ({e['least_drawn_upper99'] * 100:.3f} %, "
                f"D={e['draws_per_batch']:,})",
                f"{e['gini']:.3f}",
                f"{e['max_over_k_n']:.2f}",
                f"{e['max_abs_z_vs_exact']:.1f}",
                f"{e['valid_share'] * 100:.1f} %",
                f"{r['precompute_s']:.2f} s / {r['precompute_plus_draw_s']:.2f} s",
                f"{e['draw_p50_ms']:.2f} / {e['draw_p99_ms']:.2f} ms",
            ]
        )
    lines = _table(
        [
            "instance",
            "n",
            "k",
            "optimum",
            "exact min / opt",
            "exact Gini",
            "exact max/(k/n)",
            "empirical least / opt (99% upper)",
            "emp. Gini",
            "emp. max/(k/n)",
            "max abs z vs exact",
            "rules ok",
            "precompute / + draw",
            "draw p50 / p99",
        ],
        main_rows,
    )
    lines += ["", "Replacement draws (1 declined, 4 fixed, the rest redrawn; bound = LP relaxation):", ""]
    lines += _table(
        ["instance", "scenarios", "worst min / bound", "worst Gini", "worst max/(k/n)", "rules ok", "build"],
        [
            [
                r["instance"],
                str(p["scenarios"]),
                f"{p['min_over_bound_worst']:.3f}",
                f"{p['gini_worst']:.3f}",
                f"{p['max_over_k_n_worst']:.2f}",
                f"{p['valid_share'] * 100:.1f} %",
                f"{p['precompute_s_max']:.2f} s",
            ]
            for r in rows
            if (p := r["replacement"])
        ],
    )
    baseline_rows = [
        [
            r["instance"],
            f"{b['draws_per_batch']:,}",
            f"{b['least_over_optimum']:.2f} ({b['least_drawn_upper99'] * 100:.3f} %)",
            f"{b['gini']:.3f}",
            f"{b['max_over_k_n']:.2f}",
            f"{b['valid_share'] * 100:.1f} %",
            f"{b['draw_p50_ms']:.1f} ms",
            f"{e['least_over_optimum']:.2f} / {e['gini']:.3f} / {e['max_over_k_n']:.2f}",
        ]
        for r in rows
        if (b := r.get("baseline")) and (e := r.get("engine_same_draws"))
    ]
    if baseline_rows:
        lines += [
            "",
            "Random-weights CP-SAT baseline (empirical only: it has no explicit distribution),",
            "and the engine measured with the same number of draws (least / opt, Gini, max/(k/n)):",
            "",
        ]
        lines += _table(
            [
                "instance",
                "draws/batch",
                "least / opt (99% up)",
                "Gini",
                "max/(k/n)",
                "rules ok",
                "draw p50",
                "engine, same draws",
            ],
            baseline_rows,
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 draws per batch, fewer scenarios")
    parser.add_argument("--draws", type=int, default=0, help="draws per batch (default: the protocol's)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="run only these instances")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)

    plan = [(n, INSTANCES / n, k, opt) for n, (k, opt) in KNOWN.items() if (INSTANCES / n).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        plan.append((SYNTHETIC, write_synthetic(Path(tmp) / SYNTHETIC), 7, None))
        if args.only:
            plan = [p for p in plan if p[0] in args.only]
        rows = []
        for name, directory, k, optimum in plan:
            t = time.perf_counter()
            rows.append(measure_instance(name, directory, k, optimum, args))
            print(f"# {name}: measured in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(report(rows))
    print(f"\nload average at the end: {' '.join(load)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
