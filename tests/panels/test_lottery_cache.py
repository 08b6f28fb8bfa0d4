"""The lottery cache: same inputs reuse one lottery with unchanged results; any changed input is a new key."""

from __future__ import annotations

from dataclasses import replace

from panels.lottery_cache import LotteryCache, lottery_key
from panels.rules.bundle import run_draw
from panels.solver import ENGINE_VERSION, Candidate, Quota, build_lottery, caps_per_value


def _inputs(**changes):
    cands = [Candidate(f"{i}", frozenset({f"org:{i % 5}", f"prov:{i % 3}", *(["spec:eia"] if i % 4 == 0 else []),
                                           *(["senior"] if i % 2 else [])})) for i in range(1, 25)]
    quotas = [("spec:eia", 1, 100), ("senior", 2, 100)]
    quotas += [(q.group, 0, 1) for q in caps_per_value(cands, "org", 1)]
    inputs = {"engine_version": ENGINE_VERSION, "size": 4, "alternates": 2, "fixed": [], "excluded": [],
              "candidates": [[c.id, sorted(c.groups)] for c in cands], "quotas": [list(q) for q in quotas],
              "chair_senior": True, "funnel": {"available": 24}}
    inputs.update(changes)
    return inputs


def test_cached_draws_equal_fresh_draws_and_build_once() -> None:
    cache = LotteryCache()
    inputs = _inputs()
    for seed in (1, 2, 3):
        assert cache.run_draw(inputs, seed) == run_draw(inputs, seed)
    assert (cache.misses, cache.hits, len(cache)) == (1, 2, 1)


def test_key_ignores_seed_metadata_but_not_what_the_lottery_depends_on() -> None:
    base = lottery_key(_inputs())
    assert lottery_key(_inputs(alternates=5, funnel={"available": 1}, chair_senior=False)) == base
    changed = [
        _inputs(size=5),
        _inputs(fixed=["1"]),
        _inputs(excluded=["2"]),
        _inputs(quotas=[["spec:eia", 2, 100]]),
        _inputs(candidates=_inputs()["candidates"][1:]),  # one expert no longer eligible
        _inputs(engine_version="ecopanel-leximin/0.9"),
    ]
    keys = {lottery_key(i) for i in changed}
    assert base not in keys and len(keys) == len(changed)


def test_changed_inputs_build_a_new_lottery() -> None:
    cache = LotteryCache()
    first = cache.lottery_for(_inputs())
    assert cache.lottery_for(_inputs()) is first
    smaller = cache.lottery_for(_inputs(candidates=_inputs()["candidates"][1:]))
    assert smaller is not first and "1" not in smaller.marginals
    assert cache.misses == 2


def test_lru_bound_and_time_limited_lotteries_are_not_kept() -> None:
    cache = LotteryCache(max_entries=2)
    for size in (3, 4, 5):
        cache.lottery_for(_inputs(size=size))
    assert len(cache) == 2
    assert cache.get(lottery_key(_inputs(size=3))) is None
    lottery = build_lottery([Candidate("a"), Candidate("b")], [], 1)
    cache.clear()
    cache.put("k", replace(lottery, time_limited=True))
    assert len(cache) == 0


def test_feasibility_answers_are_remembered_and_a_cached_lottery_answers_yes(monkeypatch) -> None:
    import panels.lottery_cache as lottery_cache
    from panels.rules.bundle import request_from_inputs

    calls = []
    real = lottery_cache.panel_exists
    monkeypatch.setattr(lottery_cache, "panel_exists", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    cache = LotteryCache()
    inputs = _inputs()
    request = request_from_inputs(inputs, 0)
    cands, quotas = list(request.candidates), list(request.quotas)
    assert cache.panel_exists(cands, quotas, 4) and cache.panel_exists(cands, quotas, 4)
    assert not cache.panel_exists(cands, [*quotas, Quota("spec:eia", 5)], 4)  # 5 eia experts on a panel of 4
    assert len(calls) == 2
    cache.clear()
    cache.lottery_for(inputs)
    assert cache.panel_exists(list(reversed(cands)), quotas, 4) and len(calls) == 2  # same key, no solve


def test_inputs_serialised_once_give_the_same_commitment_and_key() -> None:
    """The draw path serialises the inputs once (``canonical_parts``) for both digests: the same bytes."""
    from panels.rules.bundle import canonical_from_parts, canonical_json, canonical_parts, commitment_of

    for inputs in (_inputs(), _inputs(fixed=["1"], funnel={"池": 3}), {"b": [1, "中"], "a": None}):
        parts = canonical_parts(inputs)
        assert canonical_from_parts(parts) == canonical_json(inputs)
        assert commitment_of(inputs, parts) == commitment_of(inputs)
        assert lottery_key(inputs, parts) == lottery_key(inputs)
    assert lottery_key(_inputs(), canonical_parts(_inputs())) != lottery_key(_inputs(size=5),
                                                                            canonical_parts(_inputs(size=5)))
