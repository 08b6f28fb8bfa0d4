"""End to end: POST /api/v1/panels on a 10,000-expert pool (issue 3: p50 <= 1 s on PostgreSQL, or say why not).

The pool is realistic in shape: 31 provinces, ~1,000 organisations, specialties drawn with the demo's
frequencies, 45 % senior. Each request is a default acceptance meeting (9 members, 3 alternates: quotas on
four specialties, at least 3 senior, at most 1 per organisation and 2 per province, none from the park's
province) on its own date, so every draw sees the same pool.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta

from common import database_url, machine, make_app

N_POOL = 10_000


def fill(app, n: int) -> None:
    import sqlalchemy as sa

    from ecopanel.demo import SPECIALTY_WEIGHTS
    from expert_pool.models import Expert, Organization, expert_specialties
    from expert_pool.rules.normalize import id_number_check_digit
    from expert_pool.rules.regions import PROVINCES
    from ground.clock import wall_now
    from ground.extensions import db

    rng = random.Random(11)
    provinces = list(PROVINCES)
    codes, weights = list(SPECIALTY_WEIGHTS), list(SPECIALTY_WEIGHTS.values())
    now = wall_now()
    with app.app_context():
        db.session.execute(sa.insert(Organization), [
            {"name": f"基准单位{i}", "type": "university", "province": provinces[i % 31], "created_at": now}
            for i in range(1000)])
        org_ids = list(db.session.scalars(sa.select(Organization.id).order_by(Organization.id)))
        rows, links = [], []
        for i in range(n):
            province = rng.choice(provinces)
            birth = date(1960 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
            first17 = f"{province}{i // 10000 % 90 + 10:02d}01{birth:%Y%m%d}{(i % 1000):03d}"
            rows.append({"id": i + 1, "name": f"基准专家{i}", "gender": "M" if int(first17[-1]) % 2 else "F",
                         "birth_year": birth.year, "id_number": first17 + id_number_check_digit(first17),
                         "mobile": f"13{i:09d}", "email": f"b{i}@example.cn", "organization_id": rng.choice(org_ids),
                         "title_rank": rng.choices(["senior", "deputy_senior", "intermediate"], [45, 40, 15])[0],
                         "province": province, "city": "", "recommended_by": "MEE", "status": "active",
                         "language": "zh", "version": 1, "created_at": now, "updated_at": now})
            for code in {rng.choices(codes, weights)[0] for _ in range(rng.choice([1, 2, 2, 3]))}:
                links.append({"expert_id": i + 1, "specialty_code": code})
        db.session.execute(sa.insert(Expert), rows)
        db.session.execute(sa.insert(expert_specialties), links)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SELECT setval('experts_id_seq', (SELECT max(id) FROM experts))"))
        db.session.commit()


def run(backend: str, draws: int, pg_db: str = "ecopanel_bench") -> None:
    url = database_url(backend, pg_db)
    if url is None:
        print(f"{backend}: not reachable, skipped")
        return
    app = make_app(url)
    fill(app, N_POOL)
    with app.app_context():
        from ecopanel.auth.services import create_user, issue_token
        from expert_pool.models import Organization
        from ground.actor import SYSTEM
        from ground.extensions import db
        from scheduling.models import Park

        agency = Organization(name="基准园区管委会", type="park_agency", province="32")
        # verification passed: the stage that calls for the acceptance meeting the benchmark draws
        park = Park(name="基准园区", province="32", management_agency=agency, state="verification_passed")
        db.session.add_all([agency, park])
        token = issue_token(SYSTEM, create_user(SYSTEM, "bench@example.cn", "office"))
        db.session.commit()
        park_id = park.id
    client = app.test_client()
    times, cpu = [], []
    day = date(2027, 4, 5)
    load = os.getloadavg()[0]
    for i in range(draws):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/panels", headers={"Authorization": f"Bearer {token}"}, json={
            "park_id": park_id, "kind": "acceptance_meeting", "meeting_date": (day + timedelta(days=7 * i)).isoformat(),
            "size": 9, "alternates": 3})
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        assert response.status_code == 201, response.json
    eligible = response.json["draw"]["funnel"]["available"]
    print(f"{backend:<10} POST /panels, {N_POOL:,} experts ({eligible:,} eligible), "
          f"9 + 3 alternates: p50 {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s "
          f"over {draws} draws (the first builds the lottery: {times[0]:.2f} s); CPU of this process p50 "
          f"{statistics.median(cpu):.2f} s; load {load:.1f} -> {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--pg-db", default="ecopanel_bench", help="PostgreSQL database (dropped and recreated)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        run(backend, args.draws, args.pg_db)


if __name__ == "__main__":
    main()
