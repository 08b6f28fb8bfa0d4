"""Engines 1.2-1.4: a deterministic work bound instead of the wall clock (1.2 in term-solves, 1.3 and 1.4 in
CP-SAT deterministic time), and bundles of engines 1.1, 1.2 and 1.3 still verify."""

from __future__ import annotations

import random

import pytest

from panels.rules.bundle import WORK_LIMITS, request_from_inputs
from panels.solver import ENGINE_VERSION, WORK_LIMIT, WORK_UNIT, Candidate, Quota, build_lottery, caps_per_value

PROVINCES = [f"p{i:02d}" for i in range(12)]


def _one_per_province(n: int = 160, k: int = 8, seed: int = 3):
    """A small copy of the hard case: at most 1 per province and per organisation, specialty and senior mins."""
    rng = random.Random(seed)
    cands = []
    for i in range(n):
        groups = {f"prov:{rng.choice(PROVINCES)}", f"org:{rng.randrange(n // 3)}"}
        groups |= {f"spec:{s}" for s, p in (("eia", 0.3), ("cp", 0.15), ("sol", 0.05)) if rng.random() < p}
        if rng.random() < 0.45:
            groups.add("senior")
        cands.append(Candidate(f"e{i:03d}", frozenset(groups)))
    quotas = [Quota("spec:eia", 2), Quota("spec:cp", 1), Quota("spec:sol", 1), Quota("senior", 3)]
    quotas += caps_per_value(cands, "org", 1) + caps_per_value(cands, "prov", 1)
    return cands, quotas, k


@pytest.mark.parametrize(("limit", "unit", "version"), [(3_000, "terms", "ecopanel-leximin/1.2"),
                                                         (0.004, "dtime", "ecopanel-leximin/1.3"),
                                                         (0.004, WORK_UNIT, ENGINE_VERSION)])
def test_work_bound_stops_deterministically_with_a_valid_certificate(limit, unit, version) -> None:
    cands, quotas, k = _one_per_province()
    full = build_lottery(cands, quotas, k, work_limit=None, time_limit_s=300)
    cut = [build_lottery(cands, quotas, k, work_limit=limit, work_unit=unit, time_limit_s=300) for _ in range(2)]
    assert cut[0].stats["iteration_limited"] and not cut[0].time_limited
    assert cut[0].engine_version == version
    assert cut[0].digest == cut[1].digest  # the same stopping point on every run
    assert [cut[0].draw(s).members for s in range(5)] == [cut[1].draw(s).members for s in range(5)]
    # the certificate holds: the full run's minimum (optimal or not) never exceeds min + gap of the cut run
    assert full.min_probability <= cut[0].min_probability + cut[0].gap + 1e-9
    assert abs(sum(cut[0].marginals.values()) - k) < 1e-6


def test_default_bound_leaves_finishing_builds_unchanged() -> None:
    cands, quotas, k = _one_per_province(n=90, k=5, seed=5)
    bounded = build_lottery(cands, quotas, k, work_limit=300_000, work_unit="terms")  # engine 1.2
    assert bounded.stats["work"] < 300_000 and not bounded.stats["iteration_limited"]
    unbounded = build_lottery(cands, quotas, k, work_limit=None)  # engine 1.1: the digest names that version
    assert (bounded.panels, bounded.weights) == (unbounded.panels, unbounded.weights)
    assert bounded.digest != unbounded.digest and unbounded.engine_version == "ecopanel-leximin/1.1"
    assert bounded.engine_version == "ecopanel-leximin/1.2"
    # engine 1.4 (lazy organisation rows, quick covering panels) finishes too, at the same optimum
    current = build_lottery(cands, quotas, k)
    assert current.engine_version == ENGINE_VERSION and WORK_UNIT == "dtime-1.4"
    assert not current.stats["iteration_limited"] and current.optimal
    assert current.stats["work"] < WORK_LIMIT
    assert abs(current.min_probability - unbounded.min_probability) <= 1e-9


def test_bundles_name_the_bound_of_their_engine() -> None:
    inputs = {"candidates": [["a", []], ["b", []]], "quotas": [], "size": 1, "alternates": 0, "fixed": [],
              "excluded": [], "engine_version": "ecopanel-leximin/1.1"}
    assert request_from_inputs(inputs, 1).work_limit is None
    old = request_from_inputs({**inputs, "engine_version": "ecopanel-leximin/1.2"}, 1)
    assert (old.work_limit, old.work_unit) == (300_000, "terms")
    last = request_from_inputs({**inputs, "engine_version": "ecopanel-leximin/1.3"}, 1)
    assert (last.work_limit, last.work_unit) == (0.2, "dtime")
    now = request_from_inputs({**inputs, "engine_version": ENGINE_VERSION}, 1)
    assert (now.work_limit, now.work_unit) == (WORK_LIMIT, "dtime-1.4")
    assert set(WORK_LIMITS) == {"ecopanel-leximin/1.1", "ecopanel-leximin/1.2", "ecopanel-leximin/1.3",
                                ENGINE_VERSION}


def test_a_bundle_drawn_by_engine_1_1_still_verifies() -> None:
    """``bundle_engine_1_1.json`` was made by the engine 1.1 code (f1e947b): a derived seed, 3 alternates."""
    from pathlib import Path

    from panels.rules.bundle import verify_bundle

    text = (Path(__file__).parent / "bundle_engine_1_1.json").read_text(encoding="utf-8")
    assert '"engine_version":"ecopanel-leximin/1.1"' in text
    assert verify_bundle(text).ok, verify_bundle(text).problems
    assert not verify_bundle(text.replace('"seed_source":"derived"', '"seed_source":"caller"', 1)
                             .replace('"members":["19","2"', '"members":["19","3"', 1)).ok


def test_a_bundle_drawn_by_engine_1_2_still_verifies() -> None:
    """``bundle_engine_1_2.json`` was made by the engine 1.2 code (55340c9) from the 1.1 bundle's pool."""
    from pathlib import Path

    from panels.rules.bundle import verify_bundle

    text = (Path(__file__).parent / "bundle_engine_1_2.json").read_text(encoding="utf-8")
    assert '"engine_version":"ecopanel-leximin/1.2"' in text
    assert verify_bundle(text).ok, verify_bundle(text).problems
    assert not verify_bundle(text.replace('"engine_version":"ecopanel-leximin/1.2"',
                                          '"engine_version":"ecopanel-leximin/1.0"')).ok


def test_a_bundle_drawn_by_engine_1_3_still_verifies() -> None:
    """``bundle_engine_1_3.json`` was made by the engine 1.3 code (this branch before engine 1.4) from the 1.2
    bundle's pool, with its inputs naming engine 1.3 (so a new commitment and derived seed)."""
    from pathlib import Path

    from panels.rules.bundle import verify_bundle

    text = (Path(__file__).parent / "bundle_engine_1_3.json").read_text(encoding="utf-8")
    assert '"engine_version":"ecopanel-leximin/1.3"' in text
    assert verify_bundle(text).ok, verify_bundle(text).problems
    assert not verify_bundle(text.replace('"members":["19","2"', '"members":["19","3"', 1)).ok


def test_engine_1_4_shares_the_budget_on_the_relaxation_path_and_1_3_re_runs_as_it_was(monkeypatch) -> None:
    """A pool where the relaxation falls short within the budget: engine 1.4 (the coarse leximin held to a
    share of the budget, the fine panels kept) draws another lottery than 1.3, here a fairer one (0.0121
    against 0.0071; not so on every budget), and engine 1.3 still re-runs to its own."""
    import panels.solver.prepare as prepare_module

    cands, quotas, k = _one_per_province(n=600, k=10, seed=5)
    monkeypatch.setattr(prepare_module, "RELAX_TYPE_LIMIT", 20)  # the relaxation path on a small pool
    old = [build_lottery(cands, quotas, k, work_unit="dtime", work_limit=0.03) for _ in range(2)]
    new = build_lottery(cands, quotas, k, work_limit=0.03)
    assert old[0].engine_version == "ecopanel-leximin/1.3" and old[0].digest == old[1].digest
    assert new.engine_version == ENGINE_VERSION
    assert (new.panels, new.weights) != (old[0].panels, old[0].weights)
    assert new.min_probability > 1.5 * old[0].min_probability
    # each certificate bounds the other engine's minimum too: both bound the same optimum
    assert old[0].min_probability <= new.min_probability + new.gap + 1e-9
    assert new.min_probability <= old[0].min_probability + old[0].gap + 1e-9
