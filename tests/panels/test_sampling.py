"""Engine 1.4's random starting panels (``panels.solver.sampling``): valid, distinct, the same on every run."""

from __future__ import annotations

import random

from panels.solver import Candidate, Quota, caps_per_value
from panels.solver.prepare import build_type_model, prepare
from panels.solver.sampling import sample_panels


def _pool(n: int = 240, seed: int = 7):
    rng = random.Random(seed)
    cands = []
    for i in range(n):
        groups = {f"prov:p{rng.randrange(10)}", f"org:{rng.randrange(n // 4)}"}
        groups |= {f"spec:{s}" for s, p in (("eia", 0.3), ("cp", 0.15), ("sol", 0.04)) if rng.random() < p}
        if rng.random() < 0.45:
            groups.add("senior")
        cands.append(Candidate(f"e{i:03d}", frozenset(groups)))
    quotas = [Quota("spec:eia", 2), Quota("spec:cp", 1), Quota("spec:sol", 1), Quota("senior", 3)]
    quotas += caps_per_value(cands, "org", 1) + caps_per_value(cands, "prov", 2)
    return cands, quotas


def test_sampled_panels_keep_every_rule_and_repeat_exactly() -> None:
    cands, quotas = _pool()
    prep = prepare(cands, quotas, 9)
    tm = build_type_model(prep, prep.live)
    panels = sample_panels(tm, 400)
    assert len(panels) > 100 and len(set(panels)) == len(panels)
    for col in panels:
        counts = dict(col)
        assert sum(counts.values()) == tm.seats
        assert all(0 < n <= tm.ub[t] for t, n in col)
        for row in tm.rows:
            assert row.lo <= sum(counts.get(t, 0) for t in row.types) <= row.hi, row.group
    assert sample_panels(tm, 400) == panels  # deterministic: the same seed, the same panels
    assert sample_panels(tm, 400, seed=1) != panels


def test_sampled_panels_respect_the_organisation_rows_of_the_aggregated_model(monkeypatch) -> None:
    """With the organisations left out of the types, every panel keeps their (expected-value) rows."""
    import panels.solver.prepare as prepare_module

    monkeypatch.setattr(prepare_module, "EXACT_TYPE_LIMIT", 10)  # force the organisation family
    cands, quotas = _pool(n=400, seed=3)
    prep = prepare(cands, quotas, 12)
    tm = build_type_model(prep, prep.live)
    assert tm.family == "org" and tm.fractional
    panels = sample_panels(tm, 300)
    assert panels
    sizes = tm.sizes
    for col in panels:
        counts = dict(col)
        for frow in tm.fractional:
            assert sum(n * counts.get(t, 0) / sizes[t] for t, n in frow.share) <= frow.hi + 1e-9, frow.group
