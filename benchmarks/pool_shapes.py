"""Seeded pools of many shapes for the fairness benchmark (``fairness_shapes.py``), no database.

A ``Shape`` is a recipe: pool size, panel size, specialties (each expert holds each one independently with
its prevalence, so they overlap; some are rare), organisations (Zipf-skewed sizes, mostly nested in one
province), provinces (31, skewed), a cap per province or none, an own-province ban (the park's province
capped at 0), and a senior minimum. ``make_pool(shape)`` gives the engine's inputs with the production
group names (``spec:``, ``org:``, ``prov:``, ``senior``) and "at most 1 per organisation";
``write_sortition_csv`` writes the same draw in the format of the PyPI package ``sortition-algorithms``
(organisations as its "same address" rule, the banned province's experts left out because the package
cannot give a feature value a maximum of 0 to people who are in the pool).
Same shape and seed, same pool, on every machine: only ``random.Random`` is used.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from panels.solver import Candidate, Quota, caps_per_value

PROVINCES = tuple(f"p{i:02d}" for i in range(1, 32))
#: (code, prevalence): three common specialties, two mid, two rare ones.
SPECIALTIES = (("eia", 0.30), ("cp", 0.15), ("ce", 0.10), ("wat", 0.08), ("air", 0.06), ("sol", 0.02),
               ("eco", 0.01))
SENIOR_SHARE = 0.45


@dataclass(frozen=True)
class Shape:
    name: str
    n: int  # experts in the pool (before the own-province ban)
    k: int
    specialties: tuple[tuple[str, int], ...]  # (code, minimum on the panel)
    orgs: int
    org_skew: float  # Zipf exponent of organisation sizes (0 = equal)
    province_cap: int | None  # at most this many per province, or no province rule
    ban_own_province: bool  # the park's province (the largest) capped at 0
    senior_min: int
    seed: int = 1


SHAPES = (
    Shape("n200_k5_common", 200, 5, (("eia", 1), ("cp", 1)), 20, 1.2, 2, True, 1),
    Shape("n300_k7_rare", 300, 7, (("eia", 1), ("cp", 1), ("sol", 1)), 60, 1.0, 1, True, 2),
    Shape("n500_k5_fewcap", 500, 5, (("eia", 1), ("ce", 1)), 40, 1.5, 3, False, 1),
    Shape("n700_k9_accept", 700, 9, (("eia", 2), ("cp", 1), ("ce", 1), ("wat", 1)), 150, 1.0, 2, True, 3),
    Shape("n1200_k7_rare2", 1200, 7, (("cp", 1), ("sol", 1), ("eco", 1)), 300, 0.8, 3, True, 2),
    Shape("n400_k25_big", 400, 25, (("eia", 3), ("cp", 2), ("ce", 2)), 200, 0.6, 3, False, 8),
    Shape("n2000_k12", 2000, 12, (("eia", 2), ("cp", 2), ("ce", 1), ("air", 1)), 500, 1.0, 2, True, 4),
    Shape("n3000_k15_noprov", 3000, 15, (("eia", 2), ("cp", 1), ("ce", 1), ("sol", 1)), 40, 1.3, None, True, 5),
    Shape("n5000_k20_prov1", 5000, 20, (("eia", 3), ("cp", 2), ("ce", 1)), 1000, 1.0, 1, True, 6),
    Shape("n10000_k9_accept", 10_000, 9, (("eia", 2), ("cp", 1), ("ce", 1), ("wat", 1)), 1000, 1.0, 2, True, 3),
    Shape("n10000_k20_prov1", 10_000, 20, (("eia", 3), ("cp", 2), ("ce", 1), ("wat", 1)), 2000, 1.1, 1, True,
          6),
    Shape("n10000_k25_rare", 10_000, 25, (("eia", 3), ("cp", 2), ("sol", 1), ("eco", 1)), 2000, 1.2, 3, False,
          8),
    Shape("n10000_k31_prov2", 10_000, 31, (("eia", 4), ("cp", 2), ("ce", 2), ("air", 1)), 1500, 1.0, 2, True,
          10),
)
BY_NAME = {s.name: s for s in SHAPES}


@dataclass(frozen=True)
class Pool:
    shape: Shape
    people: tuple[dict, ...]  # id, org, province, senior, specialties
    banned: str | None

    @property
    def k(self) -> int:
        return self.shape.k


def generate(shape: Shape) -> Pool:
    rng = random.Random(f"{shape.name}/{shape.seed}")
    prov_weights = [1.0 / (i + 2) for i in range(len(PROVINCES))]
    org_weights = [1.0 / (i + 1) ** shape.org_skew for i in range(shape.orgs)]
    org_province = [rng.choices(PROVINCES, prov_weights)[0] for _ in range(shape.orgs)]
    people = []
    for i in range(shape.n):
        org = rng.choices(range(shape.orgs), org_weights)[0]
        # Most experts work in their organisation's province; some are seconded elsewhere.
        province = org_province[org] if rng.random() < 0.8 else rng.choices(PROVINCES, prov_weights)[0]
        specs = tuple(code for code, p in SPECIALTIES if rng.random() < p)
        people.append({"id": f"e{i}", "org": f"o{org}", "province": province,
                       "senior": rng.random() < SENIOR_SHARE, "specialties": specs})
    banned = PROVINCES[0] if shape.ban_own_province else None
    return Pool(shape, tuple(people), banned)


def engine_inputs(pool: Pool) -> tuple[tuple[Candidate, ...], tuple[Quota, ...]]:
    """Candidates and quotas as ``panels.rules.rulesets.quotas`` builds them for a draw."""
    shape = pool.shape
    cands = tuple(
        Candidate(p["id"], frozenset({f"org:{p['org']}", f"prov:{p['province']}",
                                      *(f"spec:{s}" for s in p["specialties"]),
                                      *(("senior",) if p["senior"] else ())}))
        for p in pool.people)
    quotas = [Quota(f"spec:{code}", lo) for code, lo in shape.specialties]
    quotas += caps_per_value(cands, "org", 1)
    if shape.province_cap is not None:
        for q in caps_per_value(cands, "prov", shape.province_cap):
            quotas.append(Quota(q.group, 0, 0) if q.group == f"prov:{pool.banned}" else q)
    elif pool.banned is not None:
        quotas.append(Quota(f"prov:{pool.banned}", 0, 0))
    if shape.senior_min:
        quotas.append(Quota("senior", shape.senior_min))
    return cands, tuple(quotas)


def eligible_ids(pool: Pool) -> list[str]:
    return [p["id"] for p in pool.people if p["province"] != pool.banned]


def write_sortition_csv(pool: Pool, directory: Path) -> Path:
    """The same draw in ``sortition-algorithms``' CSV format (maximin, HiGHS)."""
    shape = pool.shape
    directory.mkdir(parents=True, exist_ok=True)
    people = [p for p in pool.people if p["province"] != pool.banned]
    codes = [code for code, _ in shape.specialties]
    with (directory / "features.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["feature", "value", "min", "max"])
        for code, lo in shape.specialties:
            w.writerow([code, "yes", lo, shape.k])
            w.writerow([code, "no", 0, shape.k])
        provinces = sorted({p["province"] for p in people})
        for prov in provinces:
            w.writerow(["province", prov, 0, shape.province_cap if shape.province_cap is not None else shape.k])
        w.writerow(["senior", "yes", shape.senior_min, shape.k])
        w.writerow(["senior", "no", 0, shape.k])
    with (directory / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "org", "province", *codes, "senior"])
        for p in people:
            w.writerow([p["id"], p["id"], p["org"], p["province"],
                        *("yes" if c in p["specialties"] else "no" for c in codes),
                        "yes" if p["senior"] else "no"])
    (directory / "settings.toml").write_text(
        'id_column = "id"\ncolumns_to_keep = ["name"]\ncheck_same_address = true\n'
        'check_same_address_columns = ["org"]\nmax_attempts = 100\nselection_algorithm = "maximin"\n'
        'solver_backend = "highspy"\nrandom_number_seed = 0\n', encoding="utf-8")
    return directory
