"""The demo's expert pool: 2,400 experts across all 31 provincial-level regions, with their careers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ecopanel.demo.dates import DEMO_TODAY
from ecopanel.demo.people import CITIES, GIVEN, SURNAMES, id_number
from expert_pool.models import (
    ConflictDeclaration,
    Employment,
    Expert,
    Organization,
    Specialty,
    StatusChange,
    Unavailability,
)
from expert_pool.rules.regions import PROVINCES
from ground.extensions import db
from scheduling.models import Park

# Relative frequency of each specialty in the demo pool: leading-industry experts are rarer.
SPECIALTY_WEIGHTS = {
    "industrial_symbiosis": 5, "circular_economy": 8, "cleaner_production": 8, "resource_efficiency": 6,
    "water_pollution": 7, "air_pollution": 6, "solid_waste": 6, "soil_groundwater": 3, "eia": 8,
    "env_management": 7, "env_monitoring": 5, "low_carbon": 6, "park_planning": 5, "green_finance": 2,
    "env_risk": 3, "industry_chemical": 3, "industry_steel": 2, "industry_petrochemical": 2,
    "industry_nonferrous": 1, "industry_building_materials": 1, "industry_electronics": 1,
    "industry_pharma": 1, "industry_equipment": 1, "industry_energy": 2, "industry_textile": 1,
}


def add_experts(rng: random.Random, count: int, orgs: dict[str, list[Organization]], parks: list[Park]) -> list[Expert]:
    """``count`` experts in ``orgs``; a few once worked at a park's agency or declare a conflict with a park."""
    specialties = {s.code: s for s in db.session.scalars(select(Specialty))}
    codes = [c for c in SPECIALTY_WEIGHTS if c in specialties]
    weights = [SPECIALTY_WEIGHTS[c] for c in codes]
    used_ids: set[str] = set()
    provinces = list(PROVINCES)
    province_weights = [6 if p in ("11", "32", "31", "44", "37", "33") else 2 if p in ("54", "63", "64") else 3
                        for p in provinces]
    agencies = [p.management_agency for p in parks]
    rows = []
    for i in range(1, count + 1):
        province = rng.choices(provinces, province_weights)[0]
        male = rng.random() < 0.7
        birth_year = rng.randrange(1958, 1990)
        birth = date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29))
        local = [o for k in ("university", "institute", "enterprise", "third_party") for o in orgs[k]
                 if o.province == province]
        pool = local * 4 + orgs["national"] + orgs["design_institute"]
        org = rng.choice(pool)
        status = rng.choices(["active", "applicant", "suspended", "retired", "removed"], [88, 5, 3, 3, 1])[0]
        term_start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
        term_end = term_start + relativedelta(years=5) - timedelta(days=1)
        if rng.random() < 0.03:  # some terms end within the Office's 60-day review window
            term_end = DEMO_TODAY + timedelta(days=rng.randrange(5, 60))
        recommended = rng.choices(["MEE", "MOFCOM", "MOST", province], [15, 5, 5, 75])[0]
        chosen = set()
        for _ in range(rng.choice([1, 2, 2, 3])):
            chosen.add(rng.choices(codes, weights)[0])
        expert = Expert(
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
            gender="M" if male else "F", birth_year=birth_year,
            id_number=id_number(rng, province, birth, male, used_ids),
            mobile=f"1{rng.choice('3589')}{(i * 7919 + 10_000_019) % 10**9:09d}",
            email=f"expert{i:05d}@pool.example", organization=org, title_rank=rng.choices(
                ["senior", "deputy_senior", "intermediate"], [45, 40, 15])[0],
            province=province, city=rng.choice(CITIES[province]), recommended_by=recommended,
            contributed_by=None if rng.random() < 0.5 else province, term_start=term_start, term_end=term_end,
            status=status, data_confirmed_on=DEMO_TODAY - timedelta(days=rng.randrange(0, 500)),
            language="en" if rng.random() < 0.03 else "zh",
            specialties=[specialties[c] for c in sorted(chosen)],
        )
        start = date(rng.randrange(1995, 2020), rng.randrange(1, 13), 1)
        if rng.random() < 0.3:
            # Earlier employment, sometimes at a park's agency: recusal must look three years back.
            before = rng.choice(agencies) if rng.random() < 0.3 else rng.choice(pool)
            left = date(rng.randrange(2019, 2026), rng.randrange(1, 13), 1)
            expert.employments.append(Employment(organization=before, position="工程师",
                                                 start_date=left.replace(year=left.year - 6), end_date=left))
            start = left
        expert.employments.append(Employment(organization=org, position=rng.choice(
            ["教授", "研究员", "高级工程师", "副教授", "副研究员", "总工程师"]), start_date=start))
        expert.status_changes.append(StatusChange(from_status=None, to_status=status, reason="demo",
                                                  effective_on=term_start, actor_label="system"))
        if rng.random() < 0.02:
            expert.conflicts.append(ConflictDeclaration(relation="relative", note="近亲属在园区企业任职",
                                                        valid_from=term_start))
        if rng.random() < 0.04:
            first = DEMO_TODAY + timedelta(days=rng.randrange(0, 90))
            expert.unavailabilities.append(Unavailability(start_date=first,
                                                          end_date=first + timedelta(days=rng.randrange(3, 30)),
                                                          reason="出差"))
        rows.append(expert)
    # Conflicts need a park: attach them now that the parks have ids.
    for expert in rows:
        for conflict in expert.conflicts:
            conflict.park_id = rng.choice(parks).id
    db.session.add_all(rows)
    db.session.flush()
    return rows
