"""Shared set-up for the benchmarks: fresh databases, an app, the machine description."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PG_ADMIN_URL = os.environ.get("ECOPANEL_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores{mem}, {cpu}, {system}, Python {platform.python_version()}"


def database_url(backend: str, name: str = "ecopanel_bench") -> str | None:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='ecopanel-bench-')}/bench.db"
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except sa.exc.OperationalError:
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def make_app(url: str):
    from flask_migrate import upgrade

    from ecopanel.app import create_app

    os.environ["ECOPANEL_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="ecopanel-bench-instance-")
    app = create_app({"ENVIRONMENT": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "AUDIT_HMAC_KEY": "bench", "MAX_CONTENT_LENGTH": 64 * 1024 * 1024})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def demo_app(description: str, db_name: str, runs: int):
    """Command-line set-up of the page benchmarks: ``--backend``, ``--runs`` (default ``runs``) and ``--reuse``; an
    app on a database holding the demo data (loaded unless reused), its clock at the demo's "today".
    Returns ``(app, args)``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--reuse", metavar="URL", help="a database the demo data was loaded into before (faster)")
    args = parser.parse_args()
    url = args.reuse or database_url(args.backend, db_name)
    if url is None:
        raise SystemExit("PostgreSQL is not reachable")
    app = make_app(url)
    started = time.perf_counter()
    from ecopanel import demo
    from ecopanel.demo import DEMO_NOW

    with app.app_context():
        if demo.is_empty():
            demo.load()
    app.config["CLOCK"] = lambda: DEMO_NOW  # the demo's "today": its deadlines and history as shipped
    print(f"demo data ready in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    return app, args
