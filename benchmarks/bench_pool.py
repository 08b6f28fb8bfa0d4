"""Pool benchmark: import 10,000 experts (CSV and XLSX) and query 100,000 through the API.

Targets (issue 2): each import <= 10 s; a filtered, paginated query p50 <= 30 ms, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from datetime import date

from common import database_url, machine, make_app

N_IMPORT = 10_000
N_POOL = 100_000


def id_number(province: str, birth: date, serial: int, male: bool) -> str:
    from expert_pool.rules.normalize import id_number_check_digit

    seq = (serial % 500) * 2 + (1 if male else 0)
    first17 = f"{province}{(serial // 500) % 99 + 1:02d}{(serial // 49500) % 99 + 1:02d}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_digit(first17)


def import_rows(offset: int, n: int, rng: random.Random) -> list[dict]:
    from expert_pool.rules.regions import PROVINCES

    provinces = list(PROVINCES)
    specialties = ["循环经济", "清洁生产", "环境影响评价", "水污染防治", "低碳与碳达峰碳中和", "园区规划"]
    rows = []
    for i in range(offset, offset + n):
        male = i % 3 != 0
        birth = date(1960 + i % 30, 1 + i % 12, 1 + i % 28)
        province = provinces[i % len(provinces)]
        rows.append({
            "name": f"基准专家{i}", "gender": "男" if male else "女", "id_number": id_number(province, birth, i, male),
            "mobile": f"13{i:09d}", "email": f"bench{i}@example.cn", "organization": f"基准单位{i % 500}",
            "organization_type": "高等院校", "title": ["正高级", "副高级", "中级"][i % 3],
            "specialties": "；".join(rng.sample(specialties, 2)), "province": province, "city": "",
            "term_start": date(2025, 1, 1), "term_end": date(2029, 12, 31),
        })
    return rows


def bench_import(app, client, token: str, fmt: str, offset: int) -> float:
    from expert_pool.rules import tabular

    rows = import_rows(offset, N_IMPORT, random.Random(offset))
    columns = list(rows[0])
    data = tabular.write_csv(columns, rows, "zh") if fmt == "csv" else tabular.write_xlsx(columns, rows, "zh")
    start = time.perf_counter()
    response = client.post("/api/v1/experts/import", headers={"Authorization": f"Bearer {token}"},
                           data={"file": (io.BytesIO(data), f"experts.{fmt}"), "dry_run": "false"},
                           content_type="multipart/form-data")
    elapsed = time.perf_counter() - start
    assert response.status_code == 201, response.json
    assert response.json["created"] == N_IMPORT
    return elapsed


def fill_pool(app, total: int) -> None:
    """Bulk-insert experts up to ``total`` (Core inserts: the benchmark is of the query, not the insert)."""
    import sqlalchemy as sa

    from expert_pool.models import Expert, Organization, expert_specialties
    from expert_pool.rules.regions import PROVINCES
    from ground.extensions import db

    rng = random.Random(7)
    codes = ["circular_economy", "cleaner_production", "eia", "water_pollution", "air_pollution", "low_carbon",
             "park_planning", "industry_chemical", "solid_waste", "green_finance"]
    with app.app_context():
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Expert))
        org_ids = list(db.session.scalars(sa.select(Organization.id)))
        provinces = list(PROVINCES)
        batch, links = [], []
        next_id = (db.session.scalar(sa.select(sa.func.max(Expert.id))) or 0) + 1
        for i in range(have, total):
            male = rng.random() < 0.7
            birth = date(1958 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
            province = rng.choice(provinces)
            batch.append({
                "id": next_id, "name": f"池专家{i}", "gender": "M" if male else "F", "birth_year": birth.year,
                "id_number": id_number(province, birth, 200_000 + i, male), "mobile": f"15{i:09d}",
                "email": f"pool{i}@example.cn", "organization_id": rng.choice(org_ids),
                "title_rank": rng.choice(["senior", "deputy_senior", "intermediate"]), "province": province,
                "city": "", "recommended_by": "MEE", "contributed_by": None, "status": rng.choices(
                    ["active", "suspended", "retired"], [90, 5, 5])[0], "language": "zh", "version": 1,
                "data_confirmed_on": date(2026, 1, 1), "created_at": None, "updated_at": None,
            })
            for code in rng.sample(codes, rng.choice([1, 2, 3])):
                links.append({"expert_id": next_id, "specialty_code": code})
            next_id += 1
            if len(batch) == 5000:
                _flush(db, Expert, expert_specialties, batch, links)
                batch, links = [], []
        if batch:
            _flush(db, Expert, expert_specialties, batch, links)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SELECT setval('experts_id_seq', (SELECT max(id) FROM experts))"))
            db.session.commit()
            # What autovacuum does to a table at rest: visibility map and statistics after the bulk load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


def _flush(db, Expert, link_table, batch, links):
    from ground.clock import wall_now

    now = wall_now()
    for row in batch:
        row["created_at"] = row["updated_at"] = now
    db.session.execute(Expert.__table__.insert(), batch)
    db.session.execute(link_table.insert(), links)
    db.session.commit()


def bench_query(client, token: str, n: int = 300) -> tuple[float, float]:
    rng = random.Random(3)
    from expert_pool.rules.regions import PROVINCES

    provinces = list(PROVINCES)
    codes = ["circular_economy", "cleaner_production", "eia", "water_pollution", "low_carbon", "park_planning"]
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for i in range(n):
        params = {"status": "active", "page": rng.randrange(1, 6), "page_size": 20}
        if i % 2 == 0:
            params["province"] = rng.choice(provinces)
        if i % 3 != 2:
            params["specialty"] = rng.choice(codes)
        if i % 5 == 0:
            params["title_rank"] = "senior"
        params["sort"] = rng.choice(["name", "-updated_at", "id"])
        start = time.perf_counter()
        response = client.get("/api/v1/experts", query_string=params, headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.json
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def run(backend: str) -> dict | None:
    url = database_url(backend)
    if url is None:
        print(f"{backend}: not reachable, skipped")
        return None
    app = make_app(url)
    client = app.test_client()
    with app.app_context():
        from ecopanel.auth.services import create_user, issue_token
        from ground.actor import SYSTEM
        from ground.extensions import db

        token = issue_token(SYSTEM, create_user(SYSTEM, "bench@example.cn", "office"))
        db.session.commit()
    result = {"csv": bench_import(app, client, token, "csv", 0),
              "xlsx": bench_import(app, client, token, "xlsx", N_IMPORT)}
    fill_pool(app, N_POOL)
    result["p50"], result["p95"] = bench_query(client, token)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        r = run(backend)
        if r:
            print(f"{backend:<10} import 10,000 CSV {r['csv']:.2f} s | XLSX {r['xlsx']:.2f} s (target <= 10 s) | "
                  f"query over {N_POOL:,} experts p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms (target p50 <= 30 ms)")


if __name__ == "__main__":
    main()
