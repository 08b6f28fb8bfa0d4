"""The fair-draw engine: pure functions on plain data, no Flask, no SQLAlchemy.

Entry points:

- ``draw_panel(DrawRequest) -> DrawResult``: precompute and draw in one call.
- ``build_lottery(candidates, quotas, size, fixed=..., excluded=...) -> FairLottery`` (cacheable per
  meeting), then ``lottery.draw(seed, alternates) -> DrawResult`` (milliseconds).
- ``promote(members, declined, alternates, candidates, quotas)``: first valid alternate, or None.
- ``is_feasible(candidates, quotas, size, fixed=..., excluded=...)``: one solve, for what-ifs.
- ``panel_violations(members, candidates, quotas, size)``: the rules a panel breaks.
- ``caps_per_value(candidates, prefix, n)``: quotas for "at most n per organisation/province/...".
- ``draw_random_weights_baseline(DrawRequest)``: the unfair baseline, for benchmarks.

``InfeasibleDraw`` carries an ``Infeasibility``: a minimal set of conflicting quota bounds and verified
single-bound relaxations.
"""

from .baseline import RandomWeightsBaseline, draw_random_weights_baseline
from .lottery import FairLottery, build_lottery, draw_panel, is_feasible
from .model import (
    ENGINE_VERSION,
    ENGINE_WORK,
    WORK_LIMIT,
    WORK_UNIT,
    Candidate,
    DrawRequest,
    DrawResult,
    Infeasibility,
    InfeasibleDraw,
    Quota,
    QuotaBound,
    Relaxation,
    caps_per_value,
)
from .rules import panel_violations, promote

__all__ = [
    "ENGINE_VERSION",
    "ENGINE_WORK",
    "WORK_LIMIT",
    "WORK_UNIT",
    "Candidate",
    "DrawRequest",
    "DrawResult",
    "FairLottery",
    "Infeasibility",
    "InfeasibleDraw",
    "Quota",
    "QuotaBound",
    "RandomWeightsBaseline",
    "Relaxation",
    "build_lottery",
    "caps_per_value",
    "draw_panel",
    "draw_random_weights_baseline",
    "is_feasible",
    "panel_violations",
    "promote",
]
