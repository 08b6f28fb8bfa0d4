"""The scheduler: APScheduler only ticks the sweepers; the work itself is rows in the database.

Domain packages register sweepers in their ``tasks.py`` (``SWEEPERS``: name, interval in seconds,
function taking the current instant). Each tick runs in an app context and commits once. Sweepers claim
rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of worker processes can run.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from ecopanel import clock
from ecopanel.extensions import db
from ecopanel.timeutil import utcnow

log = logging.getLogger(__name__)
TASK_MODULES = ("expert_pool.tasks", "scheduling.tasks", "panels.tasks", "notifications.tasks")


@dataclass(frozen=True)
class Sweeper:
    name: str
    interval_seconds: int
    run: Callable  # (now: datetime) -> int, the number of rows handled


def registered_sweepers() -> list[Sweeper]:
    found: list[Sweeper] = []
    for module_name in TASK_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        found.extend(getattr(module, "SWEEPERS", ()))
    return found


def tick(app: Flask, sweeper: Sweeper) -> int:
    """Run one sweeper once in its own transaction."""
    with app.app_context():
        try:
            handled = sweeper.run(clock.now())
            db.session.commit()
            return handled
        except Exception:
            db.session.rollback()
            log.exception("sweeper %s failed; it will run again at its next tick", sweeper.name)
            return 0
        finally:
            db.session.remove()


def build_scheduler(app: Flask, scheduler_class):
    scheduler = scheduler_class(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for sweeper in registered_sweepers():
        scheduler.add_job(tick, "interval", seconds=sweeper.interval_seconds, args=(app, sweeper),
                          id=sweeper.name, next_run_time=utcnow())
    return scheduler


def start_embedded_scheduler(app: Flask):
    """The single-machine default: the scheduler runs in the web process."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start()
    log.info("embedded scheduler started with %d sweepers", len(scheduler.get_jobs()))
    return scheduler


def run_worker(app: Flask, stop: threading.Event | None = None) -> None:
    """``ecopanel worker``: the scheduler as a process of its own, until SIGTERM/SIGINT."""
    from apscheduler.schedulers.background import BackgroundScheduler

    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start()
    log.info("worker started with sweepers: %s", ", ".join(j.id for j in scheduler.get_jobs()) or "none")
    stop.wait()
    scheduler.shutdown(wait=True)
