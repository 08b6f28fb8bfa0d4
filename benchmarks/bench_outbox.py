"""Benchmark: 10,000 queued mails delivered to a local SMTP server by one worker process, then by two.

    .venv/bin/python benchmarks/bench_outbox.py [--mails 10000] [--backend auto|sqlite|postgresql]
        [--batch 50] [--workers 1,2]

Each run gets a fresh database (PostgreSQL ``ecopanel_bench`` when reachable with ``auto``, else a temporary
SQLite file), queues ``--mails`` rendered mails through :func:`notifications.outbox.queue_mail` in one
transaction, then starts the worker processes (each builds its own app, as ``ecopanel worker`` would) and
an aiosmtpd sink in a process of its own. It reports the throughput from the workers' start to the last
delivery, and checks the sink received every Message-ID exactly once and every row is ``sent``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import database_url, machine

CONTEXT = {"park_id": 1, "park_name": "苏州工业园区", "province": "32", "kind": "annual_report",
           "kind_name": "annual report", "due": "2027-06-30", "article": 23,
           "provisional": False, "days_left": 7, "reminder": True, "recomputed": False, "previous_due": None}


def _sink(port: int, ready, stop, results) -> None:
    """The SMTP server: accepts everything, remembers each Message-ID it received (and how often)."""
    from aiosmtpd.controller import Controller

    seen: Counter[str] = Counter()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            start = content.find(b"Message-ID:")
            end = content.find(b"\n", start)
            seen[content[start + 11:end].strip().decode()] += 1
            return "250 2.0.0 Ok"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    results.put(dict(seen))


def _app(url: str, port: int, batch: int):
    import os
    import tempfile

    from ecopanel.app import create_app

    os.environ["ECOPANEL_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="ecopanel-bench-instance-")
    return create_app({"ENVIRONMENT": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "AUDIT_HMAC_KEY": "bench", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                       "MAIL_SUPPRESS_SEND": False, "MAIL_LOCAL_HOSTNAME": "bench.local",
                       "OUTBOX_BATCH_SIZE": batch})


def _worker(url: str, port: int, batch: int, name: str, go, results) -> None:
    from sqlalchemy import func, select

    from ground.clock import wall_now
    from ground.extensions import db
    from notifications.delivery import send_due
    from notifications.models import OutboxMessage

    app = _app(url, port, batch)
    handled = 0
    with app.app_context():
        db.session.execute(select(1))  # connect before the clock starts
        db.session.rollback()
        go.wait()
        while True:
            done = send_due(wall_now(), worker=name)
            handled += done
            if done == 0:
                left = db.session.scalar(select(func.count()).where(OutboxMessage.state.in_(("queued", "sending"))))
                db.session.rollback()
                if left == 0:
                    break
                time.sleep(0.05)  # the other worker holds the last rows: wait for it, do not spin
        results.put((name, handled, time.perf_counter()))


def run(backend: str, mails: int, workers: int, batch: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from ground.extensions import db
    from notifications.models import OutboxMessage
    from notifications.outbox import queue_mail
    from tests.notifications.conftest import free_port

    url = database_url(backend)
    if url is None:
        raise SystemExit(f"{backend} is not reachable")
    port = free_port()
    app = _app(url, port, batch)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        for i in range(mails):
            queue_mail([f"expert{i}@example.cn"], "deadline_reminder", CONTEXT, language="zh" if i % 3 else "en",
                       related=("park", "1"))
        db.session.commit()
        queued_s = time.perf_counter() - started
        db.engine.dispose()

    context = multiprocessing.get_context("spawn")
    ready, stop, go = context.Event(), context.Event(), context.Event()
    sink_results, worker_results = context.Queue(), context.Queue()
    sink = context.Process(target=_sink, args=(port, ready, stop, sink_results), daemon=True)
    sink.start()
    assert ready.wait(60), "the SMTP sink did not start"
    processes = [context.Process(target=_worker, args=(url, port, batch, f"w{n}", go, worker_results), daemon=True)
                 for n in range(workers)]
    for p in processes:
        p.start()
    time.sleep(3)  # let the workers import and connect; the clock starts at ``go``
    t0 = time.perf_counter()
    go.set()
    finished = [worker_results.get(timeout=3600) for _ in processes]
    elapsed = max(end for _, _, end in finished) - t0
    for p in processes:
        p.join(timeout=60)
    stop.set()
    seen = sink_results.get(timeout=60)
    sink.join(timeout=30)

    with app.app_context():
        states = dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
        ids = set(db.session.scalars(select(OutboxMessage.message_id)))
        db.engine.dispose()
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    lost = len(ids - set(seen))
    return {"backend": backend, "workers": workers, "mails": mails, "batch": batch, "queue_s": queued_s,
            "send_s": elapsed, "per_s": mails / elapsed, "per_worker": {n: h for n, h, _ in finished},
            "received": sum(seen.values()), "duplicates": duplicates, "lost": lost, "states": states}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--backend", choices=("auto", "sqlite", "postgresql"), default="auto")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    backend = args.backend
    if backend == "auto":
        backend = "postgresql" if database_url("postgresql") else "sqlite"
    print(f"machine: {machine()}")
    failed = False
    for workers in (int(w) for w in args.workers.split(",")):
        r = run(backend, args.mails, workers, args.batch)
        print(f"{r['backend']}, {r['workers']} worker(s), batch {r['batch']}: queued {r['mails']} in "
              f"{r['queue_s']:.1f} s; delivered in {r['send_s']:.1f} s = {r['per_s']:.0f} mails/s; "
              f"per worker {r['per_worker']}; received {r['received']}, duplicates {r['duplicates']}, "
              f"lost {r['lost']}, rows {r['states']}")
        failed |= r["duplicates"] != 0 or r["lost"] != 0 or r["states"] != {"sent": r["mails"]}
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
