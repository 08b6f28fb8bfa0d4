"""Many due deadlines at once, and sweeper processes, for the concurrency tests and the benchmark.

Kept importable (no fixtures) so that ``multiprocessing`` children and ``benchmarks/bench_deadlines.py`` can use
it: each child builds its own app against the same database URL, as a separate ``ecopanel worker`` would.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

TEST_KEYS = {"SECRET_KEY": "test-secret-key", "AUDIT_HMAC_KEY": "test-audit-key"}
APPROVED = date(2020, 1, 10)  # construction period ends 2023-01-10 (Art. 11)
SWEEP_AT = datetime(2023, 8, 1, 4, 0, tzinfo=UTC)


def seed_due_parks(n: int, *, province: str = "32", annual_share: float = 0.0, prefix: str = "批量园区") -> list[int]:
    """``n`` parks under construction, each with one due deadline (in the caller's app context; commits).

    A share ``annual_share`` of them has a missing annual report due instead (a warning proposal when fired);
    the others a lapsed construction period (a system transition to creation_incomplete when fired).
    """
    from expert_pool.models import Organization
    from ground.extensions import db
    from scheduling.facts import start_of_day
    from scheduling.models import DeadlineRecord, Park
    from scheduling.rules.periods import annual_report_due, construction_deadline

    agency = Organization(name=f"{prefix}管理委员会", type="park_agency", province=province)
    db.session.add(agency)
    db.session.flush()
    now = datetime(2023, 1, 1, tzinfo=UTC)
    ids = list(db.session.scalars(insert(Park).returning(Park.id, sort_by_parameter_order=True), [
        {"name": f"{prefix}{i:05d}", "province": province, "city": "", "programme": "national",
         "park_type": "other", "management_agency_id": agency.id, "leading_industries": [],
         "state": "under_construction", "created_at": now, "cycle": 1, "approved_on": APPROVED,
         "applied_on": date(2019, 6, 1), "last_transition_on": APPROVED, "public_notice_provisional": False,
         "naming_notice_provisional": False, "plan_revision_pending": False, "failed_rectifications": 0}
        for i in range(n)]))
    annual = int(n * annual_share)
    end = construction_deadline(APPROVED, False)
    rows = []
    for index, park_id in enumerate(ids):
        if index < annual:
            due = annual_report_due(2021)
            rows.append({"park_id": park_id, "kind": "annual_report", "key": "annual_report:2021", "due": due,
                         "fire_at": start_of_day(date(2022, 7, 1)), "article": 23, "consequence": None})
        else:
            rows.append({"park_id": park_id, "kind": "construction_period", "key": f"construction:{APPROVED}",
                         "due": end, "fire_at": start_of_day(date(2023, 1, 11)), "article": 21,
                         "consequence": "mark_creation_incomplete"})
    db.session.execute(insert(DeadlineRecord), [
        {**r, "provisional": False, "state": "pending", "detail": {}, "created_at": now} for r in rows])
    db.session.commit()
    return ids


def effects() -> dict[str, int]:
    """What the sweepers did, counted from the database."""
    from ground.extensions import db
    from scheduling.models import DeadlineRecord, ParkTransition, WarningProposalRecord

    def count(query):
        return db.session.scalar(query)

    return {
        "fired": count(select(func.count()).select_from(DeadlineRecord).where(DeadlineRecord.state == "fired",
                                                                               DeadlineRecord.kind != "reminder")),
        "pending_due": count(select(func.count()).select_from(DeadlineRecord).where(
            DeadlineRecord.state == "pending", DeadlineRecord.fire_at <= SWEEP_AT)),
        "failed": count(select(func.count()).select_from(DeadlineRecord).where(DeadlineRecord.state == "failed")),
        "system_transitions": count(select(func.count()).select_from(ParkTransition).where(
            ParkTransition.actor == "system")),
        "parks_transitioned_twice": count(select(func.count()).select_from(
            select(ParkTransition.park_id).where(ParkTransition.actor == "system")
            .group_by(ParkTransition.park_id).having(func.count() > 1).subquery())),
        "proposals": count(select(func.count()).select_from(WarningProposalRecord)),
    }


def make_worker_app(url: str, name: str):
    from ecopanel.app import create_app

    return create_app({"ENVIRONMENT": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **TEST_KEYS,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                                     "connect_args": {"application_name": name}}})


def sweeper_process(url: str, name: str, batch_size: int, results, start=None) -> None:
    """A worker process: its own app and connection; sweeps until nothing is due; reports what it handled.

    With ``start`` (an Event) it first reports ``(name, None)`` once connected, then waits for the start, so a
    benchmark can time the sweep without the processes' start-up.
    """
    from sqlalchemy import text

    from ground.extensions import db
    from scheduling.tasks import sweep_deadlines

    app = make_worker_app(url, name)
    with app.app_context():
        if start is not None:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
            import scheduling.services  # noqa: F401  (imported before the clock starts)

            results.put((name, None))
            start.wait(120)
        handled = sweep_deadlines(SWEEP_AT, batch_size=batch_size)
        db.session.remove()
        db.engine.dispose()
    results.put((name, handled))


def hanging_sweeper(url: str, name: str, batch_size: int, committed_batches: int, ready) -> None:
    """Commits ``committed_batches`` batches, claims and applies one more, then stops before committing it
    and waits to be killed (``ready`` tells the parent it is mid-batch, holding its row locks)."""
    from scheduling.tasks import sweep_batch, sweep_deadlines

    app = make_worker_app(url, name)
    with app.app_context():
        sweep_deadlines(SWEEP_AT, batch_size=batch_size, max_batches=committed_batches)
        sweep_batch(SWEEP_AT, batch_size)
        ready.set()
        threading.Event().wait(120)  # killed long before; bounded so a broken test cannot hang CI for ever
