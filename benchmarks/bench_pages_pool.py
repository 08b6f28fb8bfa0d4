"""The pool's list page (``GET /experts``, rendered on the server) over 10,000 experts in 1,000 organisations.

Target (issue 12): p50 <= 200 ms, for the Office (identifiers whole) and a province (masked), with the filters
people choose from the lists (province, specialty, title, status, organisation), a keyword, sorts and pages.
Each request is the whole page: sign-in check, the query and its count, the lists of the filter form (the
1,000 organisations among them) and the template. Run: ``.venv/bin/python benchmarks/bench_pages_pool.py``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from bench_pool import fill_pool
from common import database_url, machine, make_app

N_EXPERTS = 10_000
N_ORGANIZATIONS = 1_000


def add_organizations(app) -> None:
    from expert_pool.models import Organization
    from expert_pool.rules.regions import PROVINCES
    from ground.extensions import db

    provinces = list(PROVINCES)
    with app.app_context():
        db.session.execute(Organization.__table__.insert(), [
            {"name": f"基准单位{i:04d}（{provinces[i % len(provinces)]}）", "type": "university",
             "province": provinces[i % len(provinces)]} for i in range(N_ORGANIZATIONS)])
        db.session.commit()


def signed_in_client(app, role: str, **kwargs):
    """A test client with a page session, as the sign-in leaves it (the benchmark is of the page, not of the
    password hash)."""
    from flask_login.utils import _create_identifier

    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM
    from ground.extensions import db

    with app.app_context():
        user = create_user(SYSTEM, f"bench-{role}@example.cn", role, **kwargs)
        db.session.commit()
        user_id, version = user.id, user.session_version
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        ident = _create_identifier()
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": str(user_id), "_fresh": True, "_id": ident, "auth_at": now, "seen_at": now,
                        "auth_v": version})
    return client


def queries(n: int, org_ids: list[int]) -> list[dict]:
    from expert_pool.rules.regions import PROVINCES

    rng = random.Random(12)
    provinces = list(PROVINCES)
    codes = ["circular_economy", "cleaner_production", "eia", "water_pollution", "low_carbon", "park_planning"]
    out = []
    for i in range(n):
        params: dict = {"page": rng.randrange(1, 6), "page_size": rng.choice([20, 20, 50, 100])}
        if i % 2 == 0:
            params["province"] = rng.choice(provinces)
        if i % 3 != 2:
            params["specialty"] = rng.choice(codes)
        if i % 4 == 0:
            params["status"] = "active"
        if i % 5 == 0:
            params["title_rank"] = "senior"
        if i % 7 == 0:
            params["organization_id"] = rng.choice(org_ids)
        if i % 11 == 0:
            params = {"q": f"池专家{rng.randrange(100)}", "page": 1}
        params["sort"] = rng.choice(["name", "-updated_at", "term_end", "-id"])
        out.append(params)
    return out


def bench(client, plan: list[dict]) -> tuple[float, float, float, float]:
    """(p50, p95, p50 of this process's CPU time per page, size of the last page in KiB). The CPU time does not
    count waiting for a core, so on a shared machine it tells the page's own cost (the database server's work
    on PostgreSQL is not in it)."""
    for params in plan[:5]:  # warm the caches (templates, statements) as a running server has them
        client.get("/experts", query_string=params)
    times, cpu = [], []
    for params in plan:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/experts", query_string=params)
        body = response.get_data()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, (params, response.status_code)
        assert b"data-testid=\"total\"" in body
    times.sort()
    return (statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000, statistics.median(cpu) * 1000,
            len(body) / 1024)


def run(backend: str, n: int) -> dict | None:
    url = database_url(backend, "ecopanel_bench_pages")
    if url is None:
        print(f"{backend}: not reachable, skipped")
        return None
    app = make_app(url)
    add_organizations(app)
    fill_pool(app, N_EXPERTS)
    with app.app_context():
        import sqlalchemy as sa

        from expert_pool.models import Organization
        from ground.extensions import db

        org_ids = list(db.session.scalars(sa.select(Organization.id)))
    plan = queries(n, org_ids)
    result = {}
    for label, client in (("office", signed_in_client(app, "office")),
                          ("province", signed_in_client(app, "province", province="32"))):
        result[label] = bench(client, plan)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.1f}")
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        r = run(backend, args.requests)
        if r:
            for who, (p50, p95, cpu, kib) in r.items():
                print(f"{backend:<10} {who:<8} pool list page over {N_EXPERTS:,} experts, {N_ORGANIZATIONS:,} "
                      f"organisations: p50 {p50:.1f} ms, p95 {p95:.1f} ms, CPU p50 {cpu:.1f} ms, last page "
                      f"{kib:.0f} KiB (target p50 <= 200 ms)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
