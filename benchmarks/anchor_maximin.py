"""Run the anchor, ``sortition csv`` of ``sortition-algorithms`` (maximin, HiGHS), and record its optimum.

    .venv/bin/python benchmarks/anchor_maximin.py DIR K OUT.json

The package's own command line runs unchanged; two of its functions are wrapped only to keep what it
computes anyway: the distribution ``find_distribution_maximin`` returns (its smallest selection probability
is the maximin the package found) and the last bound of its column generation (the heaviest committee under
the final dual weights: no lottery's minimum exceeds it). The package stops when the two are within its
absolute tolerance (``EPS``, 0.05 percentage points), so on pools where the optimum is below ~1 % its
"optimum" may be noticeably short of the true one: both are kept.
Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    directory, k, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    started = time.perf_counter()
    from sortition_algorithms import __main__ as cli_module
    from sortition_algorithms import core
    from sortition_algorithms.committee_generation import maximin

    seen: dict = {"bounds": []}
    inner = core.find_distribution_maximin
    report_update = maximin._add_report_update

    def recording(*args, **kwargs):
        t0 = time.perf_counter()
        committees, probabilities, report = inner(*args, **kwargs)
        marginals: dict[str, float] = {}
        for committee, p in zip(committees, probabilities, strict=True):
            for person in committee:
                marginals[person] = marginals.get(person, 0.0) + p
        seen.update(maximin_s=time.perf_counter() - t0, marginals=marginals, committees=len(committees))
        return committees, probabilities, report

    def bounds(report, value, upper, committees):
        seen["bounds"].append((value, upper))
        return report_update(report, value, upper, committees)

    core.find_distribution_maximin = recording
    maximin._add_report_update = bounds
    args = ["csv", "-S", str(directory / "settings.toml"), "-f", str(directory / "features.csv"),
            "-p", str(directory / "people.csv"), "-s", str(directory / "selected.csv"),
            "-r", str(directory / "remaining.csv"), "-n", str(k), "--no-progress"]
    try:
        cli_module.cli.main(args=args, standalone_mode=False)
    finally:
        people = sum(1 for _ in (directory / "people.csv").open(encoding="utf-8")) - 1
        marginals = seen.get("marginals", {})
        # People in no committee have probability 0; the package's minimum is over everyone in the pool.
        found = min(marginals.values()) if marginals and len(marginals) == people else 0.0
        last = seen["bounds"][-1] if seen["bounds"] else (None, None)
        out.write_text(json.dumps({
            "wall_s": time.perf_counter() - started, "maximin_s": seen.get("maximin_s"),
            "maximin_found": found, "bound": last[0], "restricted_value": last[1],
            "committees": seen.get("committees"), "people": people}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
