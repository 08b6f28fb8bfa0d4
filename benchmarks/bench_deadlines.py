"""Benchmark: 10,000 parks with due deadlines on PostgreSQL — a full sweep, and the timeline query.

    .venv/bin/python benchmarks/bench_deadlines.py [--parks 10000] [--workers 1] [--batch 200]
        [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--database ecopanel_bench]

Creates (drops first) the database, migrates it, seeds ``--parks`` parks under construction whose
construction period lapsed (each sweep applies a system transition, re-derives the park's deadlines and
audits), then times one full sweep by ``--workers`` processes, and the p50/p95 of the timeline service for
parks with a realistic history. Target: the sweep of 10,000 due deadlines in <= 10 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.scheduling.bulk import SWEEP_AT, effects, make_worker_app, seed_due_parks, sweeper_process  # noqa: E402


def _fresh_database(admin_url: str, name: str) -> str:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d "
                             "AND pid <> pg_backend_pid()"), {"d": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _drop_database(admin_url: str, name: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _history(park_id: int, office, province) -> None:
    """Application to naming, a reported change and an evaluation, through the services."""
    from ground.actor import Actor, Role
    from scheduling.materials import upload_material
    from scheduling.rules.lifecycle import PANEL_DECIDED
    from scheduling.services import transition_park
    from tests.scheduling.conftest import PDF, at

    me = Actor(user_id=None, label="bench-park", role=Role.PARK, park_id=park_id)

    def docs(kinds, on, covers=None):
        out = []
        for kind in kinds:
            data, name = (b"a,b\n1,2\n", "data.csv") if kind == "electronic_data" else (PDF, f"{kind}.pdf")
            meta = {"kind": kind}
            if kind == "compliance_commitment":
                meta |= {"covers_from": covers[0], "covers_to": covers[1]}
            out.append(upload_material(office, park_id, data, name, meta, at(on)).id)
        return out

    def step(actor, action, on, **data):
        if action in PANEL_DECIDED:  # a history without drawn panels: the Office's audited override
            actor, data["panel_override_reason"] = office, "benchmark history"
        transition_park(actor, park_id, {"action": action, "date": on, **data}, at(on))

    applied = date(2019, 3, 1)
    step(me, "submit_application", applied, documents=docs(
        ["application_letter", "construction_plan", "compliance_commitment", "planning_eia"], applied,
        (date(2016, 1, 1), date(2019, 2, 28))))
    step(province, "start_provincial_review", date(2019, 3, 5))
    step(province, "pass_plan_argumentation", date(2019, 4, 1))
    step(province, "publish_public_notice", date(2019, 4, 8))
    step(province, "approve_construction", date(2019, 5, 6))
    step(me, "report_major_change", date(2020, 2, 1), changed_on=date(2019, 12, 1), subjects=["scope"])
    step(me, "apply_acceptance", date(2021, 9, 1), documents=docs(
        ["acceptance_application", "acceptance_report", "electronic_data"], date(2021, 9, 1)))
    step(province, "forward_acceptance", date(2021, 9, 10))
    step(office, "start_verification", date(2021, 10, 8))
    step(office, "pass_verification", date(2021, 10, 20))
    step(office, "pass_acceptance_meeting", date(2021, 11, 10))
    step(office, "publish_naming_notice", date(2021, 11, 15))
    step(office, "name_park", date(2021, 12, 1), as_leading_group=True)
    step(office, "pass_evaluation", date(2024, 11, 20), excellent=True)


def _timeline_parks(count: int) -> list[int]:
    """Parks with a realistic history to read the timeline of."""
    from expert_pool.models import Organization
    from ground.actor import Actor, Role
    from ground.extensions import db
    from scheduling.services import create_park
    from tests.scheduling.conftest import at

    office = Actor(user_id=None, label="bench-office", role=Role.OFFICE, is_admin=True)
    province = Actor(user_id=None, label="bench-32", role=Role.PROVINCE, province="32")
    ids = []
    for i in range(count):
        agency = Organization(name=f"时间线园区{i}管委会", type="park_agency", province="32")
        db.session.add(agency)
        db.session.flush()
        park = create_park(office, {"name": f"时间线园区{i}", "province": "32", "management_agency_id": agency.id},
                           at(date(2019, 1, 2)))
        _history(park.id, office, province)
        db.session.commit()
        ids.append(park.id)
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parks", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--timeline-parks", type=int, default=20)
    parser.add_argument("--timeline-queries", type=int, default=200)
    parser.add_argument("--admin-url", default=os.environ.get(
        "ECOPANEL_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--database", default="ecopanel_bench")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()

    os.environ.setdefault("ECOPANEL_INSTANCE_PATH", tempfile.mkdtemp(prefix="ecopanel-bench-"))
    url = _fresh_database(args.admin_url, args.database)
    app = make_worker_app(url, "bench-setup")
    from flask_migrate import upgrade

    from ground.extensions import db

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        seed_due_parks(args.parks)
        print(f"seeded {args.parks} parks with due deadlines in {time.perf_counter() - started:.1f} s")
        db.session.remove()

    if args.workers == 1:
        with app.app_context():
            from scheduling.tasks import sweep_deadlines

            started = time.perf_counter()
            handled = sweep_deadlines(SWEEP_AT, batch_size=args.batch)
            elapsed = time.perf_counter() - started
            db.session.remove()
    else:
        # Worker processes as `ecopanel worker` runs them: started and connected first, then timed together.
        context = multiprocessing.get_context("spawn")
        results, start = context.Queue(), context.Event()
        processes = [context.Process(target=sweeper_process, args=(url, f"bench-{i}", args.batch, results, start))
                     for i in range(args.workers)]
        for p in processes:
            p.start()
        for _ in processes:
            results.get(timeout=120)
        started = time.perf_counter()
        start.set()
        handled = sum(results.get()[1] for _ in processes)
        elapsed = time.perf_counter() - started
        for p in processes:
            p.join()
    with app.app_context():
        counted = effects()
        db.session.remove()
    print(f"sweep: {handled} deadlines in {elapsed:.2f} s ({handled / elapsed:.0f}/s) with {args.workers} "
          f"worker(s), batch {args.batch}; target <= 10 s for 10,000 -> {'OK' if elapsed <= 10 else 'MISSED'}")
    print(f"effects: {counted}")

    with app.app_context():
        from ground.actor import Actor, Role
        from scheduling.services import timeline
        from tests.scheduling.conftest import at

        ids = _timeline_parks(args.timeline_parks)
        reader = Actor(user_id=None, label="bench-reader", role=Role.OFFICE)
        now = at(date(2025, 3, 1))
        samples = []
        for i in range(args.timeline_queries):
            park_id = ids[i % len(ids)]
            db.session.expire_all()
            t0 = time.perf_counter()
            result = timeline(reader, park_id, now)
            samples.append((time.perf_counter() - t0) * 1000)
            db.session.rollback()
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"timeline: {len(result['events'])} events, {len(result['due'])} due; "
              f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms over {len(samples)} queries "
              f"(database of {args.parks + len(ids)} parks)")
        db.session.remove()
        db.engine.dispose()
    if not args.keep:
        _drop_database(args.admin_url, args.database)
    return 0 if elapsed <= 10 or args.parks < 10_000 else 1


if __name__ == "__main__":
    sys.exit(main())
