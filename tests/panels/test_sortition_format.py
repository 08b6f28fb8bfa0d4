"""Reader for the sortition-algorithms CSV format, and the simulate core behind `ecopanel draws simulate`."""

from __future__ import annotations

from pathlib import Path

import pytest

from panels.solver import Quota, build_lottery, panel_violations
from panels.sortition_format import read_instance, simulate

INSTANCES = Path(__file__).resolve().parents[2].parent / "shared" / "fairness-instances"
SMALL = INSTANCES / "example_small_20"

needs_instances = pytest.mark.skipif(not SMALL.exists(), reason="shared fairness instances not available")


@needs_instances
def test_reads_example_small_20() -> None:
    inst = read_instance(SMALL)
    assert len(inst.candidates) == 200
    assert inst.quotas == (
        Quota("gender:female", 9, 20),
        Quota("gender:male", 9, 20),
        Quota("leaning:liberal", 9, 20),
        Quota("leaning:conservative", 9, 20),
    )
    first = inst.candidates[0]
    assert first.id == "a0" and first.groups == frozenset({"gender:female", "leaning:conservative"})
    assert inst.settings == {}  # no settings.toml: no household rule


@needs_instances
def test_example_small_20_is_perfectly_fair_at_k20() -> None:
    inst = read_instance(SMALL)
    lottery = build_lottery(inst.candidates, inst.quotas, 20)
    assert lottery.min_probability == pytest.approx(0.10, abs=1e-9)  # the README's optimum: k / n
    assert max(lottery.marginals.values()) == pytest.approx(0.10, abs=1e-9)


@needs_instances
def test_simulate_counts_draws() -> None:
    out = simulate(SMALL, 20, draws=50, seed_offset=1000)
    assert out["draws"] == 50 and sum(out["counts"].values()) == 50 * 20
    assert set(out["counts"]) == set(out["marginals"])
    assert out["seconds"] >= out["precompute_seconds"] >= 0
    again = simulate(SMALL, 20, draws=50, seed_offset=1000)
    assert again["counts"] == out["counts"]


def _write(tmp_path: Path, settings: str | None) -> Path:
    (tmp_path / "features.csv").write_text(
        "feature,value,min,max\nspec,cp,1,3\nspec,none,0,3\nprovince,js,0,1\nprovince,zj,0,3\n",
        encoding="utf-8",
    )
    (tmp_path / "people.csv").write_text(
        "id,name,org,spec,province\n"
        "p1,A,o1,cp,js\np2,B,o1,cp,zj\np3,C,o2,none,zj\np4,D,o3,none,zj\np5,E,o3,none,js\n",
        encoding="utf-8",
    )
    if settings is not None:
        (tmp_path / "settings.toml").write_text(settings, encoding="utf-8")
    return tmp_path


def test_household_columns_become_caps(tmp_path: Path) -> None:
    directory = _write(
        tmp_path, 'id_column = "id"\ncheck_same_address = true\ncheck_same_address_columns = ["org"]\n'
    )
    inst = read_instance(directory)
    assert Quota("household:o1", 0, 1) in inst.quotas and Quota("household:o3", 0, 1) in inst.quotas
    lottery = build_lottery(inst.candidates, inst.quotas, 3)
    by_id = {c.id: c for c in inst.candidates}
    for seed in range(20):
        assert not panel_violations(lottery.draw(seed).members, by_id, inst.quotas, 3)
    # o1 holds both cp experts and may send one: every panel has exactly one of them.
    assert lottery.marginals["p1"] + lottery.marginals["p2"] == pytest.approx(1.0)


def test_without_settings_there_is_no_household_rule(tmp_path: Path) -> None:
    inst = read_instance(_write(tmp_path, None))
    assert not any(q.group.startswith("household:") for q in inst.quotas)


def test_unknown_feature_value_is_an_error(tmp_path: Path) -> None:
    directory = _write(tmp_path, None)
    (directory / "people.csv").write_text("id,spec,province\np1,eia,js\n", encoding="utf-8")
    with pytest.raises(ValueError, match="eia"):
        read_instance(directory)
