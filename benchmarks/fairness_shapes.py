"""The fair draw on pools of many shapes, side by side with the anchor (``sortition-algorithms`` maximin).

    .venv/bin/python benchmarks/fairness_shapes.py --list
    .venv/bin/python benchmarks/fairness_shapes.py                      # every shape, anchor where it finishes
    .venv/bin/python benchmarks/fairness_shapes.py --only n300_k7_rare --anchor-timeout 600 --json out.json
    .venv/bin/python benchmarks/fairness_shapes.py --skip-anchor --repeat 1
    .venv/bin/python benchmarks/fairness_shapes.py --compare-1-2 --anchor-max-eligible 300 --anchor-timeout 120
    .venv/bin/python benchmarks/fairness_shapes.py --compare-1-3 --anchor-max-eligible 300 --repeat 3

Shapes come from ``pool_shapes.py`` (seeded: a shape's name and seed give the same pool anywhere). For each
shape it measures, in the same run:

- *ours*: ``build_lottery`` + the first draw (what a meeting's first draw costs; later draws of the same
  meeting reuse the lottery, see ``panels/lottery_cache.py``), median of ``--repeat`` runs;
- the engine's exact minimum selection probability and its certificate: ``gap`` (no lottery over valid
  panels gives its least-chance expert more than ``min + gap``), also capped by ``k / eligible``, which no
  minimum can exceed; *cert ratio* = min / (min + gap);
- the anchor (``anchor_maximin.py``: ``sortition csv``, maximin, HiGHS, as a user installs it with the
  ``bench`` extra), on the shapes with at most ``--anchor-max-eligible`` eligible experts, in a subprocess
  cut off after ``--anchor-timeout`` seconds; its time is the whole command (start-up included), its optimum
  the smallest probability of the distribution it returns (within its tolerance of the true optimum);
- *fairness ratio* = our minimum / the anchor's minimum (>= 0.95 is the target; above 1 means the anchor's
  tolerance left it short of the optimum) and *speed ratio* = anchor time / our time (target >= 100).

The CPU model and the load average before and after each shape are printed with the table: the machine is
shared, and a figure without its load is not a figure. The worst shape is reported, not the best.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402
from pool_shapes import BY_NAME, SHAPES, eligible_ids, engine_inputs, generate, write_sortition_csv  # noqa: E402

from panels.solver import build_lottery  # noqa: E402


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"  # 1-minute load average


#: Earlier engines still in the code (to verify their draws): version -> (work limit, unit).
EARLIER = {"1.2": (300_000, "terms"), "1.3": (0.2, "dtime")}


def earlier_engine(shape, time_limit: float, version: str = "1.2") -> dict:
    """An earlier engine (1.2: the work bound in term-solves; 1.3: in deterministic time, the coarse leximin
    free to spend it all), run on the same shape just before ours."""
    candidates, quotas = engine_inputs(generate(shape))
    limit, unit = EARLIER[version]
    started, cpu_started = time.perf_counter(), time.process_time()
    lottery = build_lottery(candidates, quotas, shape.k, time_limit_s=time_limit, work_limit=limit, work_unit=unit)
    lottery.draw(0)
    limited = "time" if lottery.time_limited else ("work" if lottery.stats.get("iteration_limited") else "no")
    return {"s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu_started,
            "min": lottery.min_probability, "limited": limited, "version": version}


def ours(shape, repeat: int, time_limit: float) -> dict:
    pool = generate(shape)
    candidates, quotas = engine_inputs(pool)
    eligible = len(eligible_ids(pool))
    runs, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        lottery = build_lottery(candidates, quotas, shape.k, time_limit_s=time_limit)
        lottery.draw(0)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    low = lottery.min_probability
    bound = min(low + lottery.gap, shape.k / eligible)
    return {"eligible": eligible, "ours_s": statistics.median(runs), "ours_runs_s": runs,
            "ours_cpu_s": statistics.median(cpu), "engine": lottery.engine_version, "min": low,
            "bound": bound, "gap": bound - low, "cert_ratio": low / bound if bound > 0 else float("nan"),
            "optimal": lottery.optimal, "time_limited": lottery.time_limited,
            "iteration_limited": bool(lottery.stats.get("iteration_limited", 0)),
            "rounds": lottery.stats.get("rounds"), "types": lottery.stats.get("types")}


def anchor(shape, timeout: float, workdir: Path, cache: Path | None) -> dict | None:
    if cache is not None and (cache / f"{shape.name}.json").exists():
        found = json.loads((cache / f"{shape.name}.json").read_text())
        found["cached"] = True
        return found
    directory = write_sortition_csv(generate(shape), workdir / shape.name)
    out = workdir / f"{shape.name}.json"
    started = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        subprocess.run([sys.executable, str(HERE / "anchor_maximin.py"), str(directory), str(shape.k), str(out)],
                       check=True, timeout=timeout, capture_output=True)
    except subprocess.TimeoutExpired:
        return {"timeout_s": timeout}
    except subprocess.CalledProcessError as exc:
        return {"error": exc.stderr.decode(errors="replace")[-300:]}
    found = json.loads(out.read_text())
    found["wall_s"] = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found["cpu_s"] = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{shape.name}.json").write_text(json.dumps(found))
    return found


def fmt(value, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def table(rows: list[dict], cpu: str) -> str:
    head = ["shape", "eligible", "k", "anchor s (CPU s)", "ours s (CPU s)", "speed ratio", "fairness ratio",
            "cert ratio", "gap", "limited", "earlier engine s (CPU s, limited)", "min / earlier min", "CPU",
            "load before/after"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        a = r.get("anchor") or {}
        anchor_s = a.get("wall_s")
        speed = anchor_s / r["ours_s"] if anchor_s else None
        speed_cpu = a["cpu_s"] / r["ours_cpu_s"] if anchor_s and "cpu_s" in a else None
        fair = r["min"] / a["maximin_found"] if a.get("maximin_found") else None
        anchor_cell = (f"{anchor_s:.1f} ({a['cpu_s']:.1f})" if "cpu_s" in a else f"{anchor_s:.1f}") if anchor_s else (
            f"> {a['timeout_s']:.0f}" if "timeout_s" in a else "—")
        limited = "time" if r["time_limited"] else ("work" if r["iteration_limited"] else "no")
        lines.append("| " + " | ".join([
            r["shape"], f"{r['eligible']:,}", str(r["k"]), anchor_cell, f"{r['ours_s']:.2f} ({r['ours_cpu_s']:.2f})",
            fmt(speed, ".0f") + ("x" if speed else "") + (f" ({speed_cpu:.0f}x)" if speed_cpu else ""),
            fmt(fair, ".3f"), f"{r['cert_ratio']:.3f}",
            f"{r['gap']:.2e}", limited,
            (f"{r['v12']['version']}: {r['v12']['s']:.2f} ({r['v12'].get('cpu_s', 0):.2f}, {r['v12']['limited']})"
             if "v12" in r else "—"),
            f"{r['min'] / r['v12']['min']:.3f}" if r.get("v12", {}).get("min") else "—",
            cpu, f"{r['load_before']}/{r['load_after']}"]) + " |")
    worst = [r for r in rows if r.get("anchor", {}) and r["anchor"].get("wall_s")]
    if worst:
        w = min(worst, key=lambda r: r["anchor"]["wall_s"] / r["ours_s"])
        lines.append(f"\nworst speed ratio: {w['shape']} ({w['anchor']['wall_s'] / w['ours_s']:.0f}x)")
    w = min(rows, key=lambda r: r["cert_ratio"])
    lines.append(f"worst certified ratio: {w['shape']} ({w['cert_ratio']:.3f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="shape names (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0, help="the engine's wall-clock safety net")
    parser.add_argument("--skip-anchor", action="store_true")
    parser.add_argument("--anchor-timeout", type=float, default=900.0)
    parser.add_argument("--anchor-max-eligible", type=int, default=1500)
    parser.add_argument("--anchor-cache", type=Path, help="reuse / store anchor results here (same session!)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare-1-2", action="store_true", help="also run engine 1.2, just before ours")
    parser.add_argument("--compare-1-3", action="store_true", help="also run engine 1.3, just before ours")
    args = parser.parse_args(argv)
    if args.list:
        for s in SHAPES:
            print(s)
        return 0
    shapes = [BY_NAME[n] for n in args.only] if args.only else list(SHAPES)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?") if Path("/proc/cpuinfo").exists() else "?"
    print(f"machine: {machine()}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ecopanel-shapes-") as tmp:
        for shape in shapes:
            row = {"shape": shape.name, "k": shape.k, "load_before": load()}
            if args.compare_1_2 or args.compare_1_3:  # the same run, just before ours
                row["v12"] = earlier_engine(shape, args.time_limit, "1.3" if args.compare_1_3 else "1.2")
            row.update(ours(shape, args.repeat, args.time_limit))
            if not args.skip_anchor and row["eligible"] <= args.anchor_max_eligible:
                row["anchor"] = anchor(shape, args.anchor_timeout, Path(tmp), args.anchor_cache)
            row["load_after"] = load()
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(table(rows, cpu))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
