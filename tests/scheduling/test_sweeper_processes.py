"""Several sweeper processes on one PostgreSQL database: every deadline fires exactly once, even when a
sweeper is killed with SIGKILL in the middle of a batch."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
import sqlalchemy as sa

from tests.scheduling.bulk import effects, hanging_sweeper, seed_due_parks, sweeper_process

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def _url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def _context():
    # Children start from a fork server that imported the app once and never opened a connection, so they
    # inherit no database socket from the test process and do not pay the imports four times.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.scheduling.bulk", "ecopanel.app", "scheduling.services",
                                    "scheduling.deadlines"])
    return context


def _processes(target, args_list):
    context = _context()
    processes = [context.Process(target=target, args=args, daemon=True) for args in args_list]
    for p in processes:
        p.start()
    return processes


def test_four_sweeper_processes_fire_2000_deadlines_exactly_once(app, db):
    seed_due_parks(2000)
    db.session.remove()
    context = _context()
    results, start = context.Queue(), context.Event()
    workers = _processes(sweeper_process, [(_url(app), f"sweeper-{i}", 50, results, start) for i in range(4)])
    assert all(results.get(timeout=120)[1] is None for _ in workers)  # all four connected: go
    start.set()
    handled = dict(results.get(timeout=240) for _ in workers)
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(handled.values()) == 2000
    assert sum(1 for n in handled.values() if n > 0) >= 2, handled  # they really shared the work
    assert effects() == {"fired": 2000, "pending_due": 0, "failed": 0, "system_transitions": 2000,
                         "parks_transitioned_twice": 0, "proposals": 0}
    from ground.audit import verify_chain

    report = verify_chain()
    assert report.ok and report.entries >= 2000  # one audited transition each, and one chain


def test_a_sweeper_killed_mid_batch_and_restarted_fires_everything_once(app, db):
    seed_due_parks(600)
    db.session.remove()
    context = _context()
    ready = context.Event()
    [victim] = _processes(hanging_sweeper, [(_url(app), "sweeper-victim", 100, 2, ready)])
    assert ready.wait(timeout=120), "the sweeper never reached the middle of its batch"
    with db.engine.connect() as conn:  # mid-batch: 200 committed, 100 more applied but not committed
        fired = conn.scalar(sa.text("SELECT count(*) FROM park_deadlines WHERE state = 'fired'"))
        assert fired == 200
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=30)
    assert victim.exitcode == -signal.SIGKILL
    with db.engine.connect() as conn:  # the server ends the dead client's session (waits up to 10 s for it)
        conn.execute(sa.text("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                             "WHERE application_name = 'sweeper-victim' AND datname = current_database()"))

    results = context.Queue()
    [restarted] = _processes(sweeper_process, [(_url(app), "sweeper-restarted", 100, results)])
    assert results.get(timeout=240) == ("sweeper-restarted", 400)
    restarted.join(timeout=60)
    assert effects() == {"fired": 600, "pending_due": 0, "failed": 0, "system_transitions": 600,
                         "parks_transitioned_twice": 0, "proposals": 0}
    from ground.audit import verify_chain

    assert verify_chain().ok
