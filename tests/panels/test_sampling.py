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


def test_sampled_panels_are_exactly_those_engine_1_4_drew(monkeypatch) -> None:
    """The draw of the panels was made faster (0/1 rows checked by one matrix product, the organisation rows
    alone entry by entry): the panels must stay exactly those engine 1.4 drew, or its bundles would no longer
    verify. The digests were taken with the code as engine 1.4 shipped it (1c3e0a2)."""
    import hashlib

    import panels.solver.prepare as prepare_module

    def digest(n: int, seed: int, k: int) -> str:
        cands, quotas = _pool(n=n, seed=seed)
        prep = prepare(cands, quotas, k)
        return hashlib.sha256(repr(sample_panels(build_type_model(prep, prep.live), 300)).encode()).hexdigest()

    assert digest(400, 3, 12) == "efcbc22b576ecae5b5a631994bb77dc1cd6369c8a9cc31e3999b3ea0dc938a58"  # org rows
    monkeypatch.setattr(prepare_module, "EXACT_TYPE_LIMIT", 10**9)  # exact types: quota rows only
    assert digest(400, 3, 12) == "e85f4f49587ddf21dab46ac83f4a756312189505d95fa946038f69db5fe0d5b3"
    assert digest(240, 7, 9) == "30be892cafca6a2f62e03c9e84580b3007ed71f34109c16e4f51659725c6ce5d"
