"""The scheduler: APScheduler only ticks the sweepers; the work itself is rows in the database.

Domain packages list their sweepers in their ``tasks.py`` (``SWEEPERS``: name, interval in seconds,
function taking the current instant); this module, in the roof, names those packages. Each tick runs in
an app context and commits once. Sweepers claim rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
any number of worker processes can run.
"""

from __future__ import annotations

import logging
import signal
import threading

from flask import Flask

from ecopanel import audit
from ground import clock
from ground.clock import wall_now
from ground.extensions import db
from ground.sweeper import Sweeper
from notifications import tasks as notification_tasks
from panels import tasks as panel_tasks
from scheduling import tasks as scheduling_tasks

log = logging.getLogger(__name__)


def registered_sweepers() -> list[Sweeper]:
    """Every domain package's scheduled work, in the order they tick at start-up."""
    return [*scheduling_tasks.SWEEPERS, *notification_tasks.SWEEPERS, *panel_tasks.SWEEPERS, *audit.SWEEPERS]


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
                          id=sweeper.name, next_run_time=wall_now())
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
