"""A victim process for the SIGKILL tests: ``python -m tests.faults.driver COMMAND ...``.

It runs one real operation against ``DATABASE_URL`` and, when ``FAULTS_STALL`` (a regular expression, or
``COMMIT``) is set, stops just before the ``FAULTS_STALL_NTH``-th matching statement is sent: it prints
``STALLED <backend pid>`` and waits to be killed, its transaction open and its writes made but uncommitted.

Commands:
  cli ARGS...               the ``ecopanel`` command line (e.g. ``cli experts import FILE``)
  post PATH JSON            an API request with the bearer token in ``FAULTS_TOKEN`` (through the app's full
                            request handling, commit included); prints the status and the body
  sweep-deadlines           one worker tick of the deadline sweeper at tests.scheduling.bulk.SWEEP_AT, in
                            batches of 100; prints the number of rows handled
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine

STALL_SECONDS = 120  # killed long before; bounded so a broken test cannot leave a process behind for ever


def install_stall(pattern: str, nth: int) -> None:
    regex = re.compile(pattern, re.IGNORECASE | re.DOTALL)
    seen = [0]

    def hit(conn, text: str) -> None:
        if regex.match(text):
            seen[0] += 1
            if seen[0] == nth:
                pid = conn.connection.dbapi_connection.info.backend_pid
                print(f"STALLED {pid}", flush=True)
                time.sleep(STALL_SECONDS)
                sys.exit(9)

    @event.listens_for(Engine, "before_cursor_execute")
    def _execute(conn, cursor, statement, parameters, context, executemany):
        hit(conn, statement.lstrip())

    @event.listens_for(Engine, "commit")
    def _commit(conn):
        hit(conn, "COMMIT")


def app_with_clock():
    from ecopanel.app import create_app

    app = create_app()
    if os.environ.get("FAULTS_CLOCK"):
        instant = datetime.fromisoformat(os.environ["FAULTS_CLOCK"])
        app.config["CLOCK"] = lambda: instant
    return app


def main(argv: list[str]) -> int:
    if os.environ.get("FAULTS_STALL"):
        install_stall(os.environ["FAULTS_STALL"], int(os.environ.get("FAULTS_STALL_NTH", "1")))
    command, args = argv[0], argv[1:]
    if command == "cli":
        from ecopanel.cli import main as cli

        return cli.main(args=args, prog_name="ecopanel", standalone_mode=False) or 0
    if command == "post":
        path, body = args
        client = app_with_clock().test_client()
        response = client.post(path, json=json.loads(body),
                               headers={"Authorization": f"Bearer {os.environ['FAULTS_TOKEN']}"})
        print(response.status_code, response.get_data(as_text=True)[:500], flush=True)
        return 0 if response.status_code < 400 else 1
    if command == "sweep-deadlines":
        from ecopanel.worker import Sweeper, tick
        from scheduling.tasks import sweep_deadlines
        from tests.scheduling.bulk import SWEEP_AT

        app = app_with_clock()
        app.config["CLOCK"] = lambda: SWEEP_AT
        handled = tick(app, Sweeper("deadlines", 60, lambda now: sweep_deadlines(now, batch_size=100)))
        print(f"HANDLED {handled}", flush=True)
        return 0
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
