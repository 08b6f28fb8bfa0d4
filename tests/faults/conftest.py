"""Fault injection on PostgreSQL: backends terminated under the app, processes killed with SIGKILL.

Every test here is PostgreSQL-only. Their SQLite variants are skipped at collection time (before any fixture
runs), so a run without PostgreSQL skips cleanly and costs nothing; with ``ECOPANEL_REQUIRE_POSTGRES=1`` an
unreachable server fails the run (see ``tests/conftest.py``).

Only the backends of *this run's* test database are ever terminated (``datname = current_database()`` on a
connection to that database): the shared PostgreSQL server is never restarted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

HERE = Path(__file__).resolve().parent

TERMINATE_ALL = ("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="fault injection runs on PostgreSQL only")
    for item in items:
        if Path(str(item.path)).is_relative_to(HERE) and "[sqlite" in item.nodeid:
            item.add_marker(skip)


class DatabaseKiller:
    """Terminates every other backend of the test database, now or when the app reaches a chosen point.

    ``arm(pattern, nth)`` kills when the app is about to send the ``nth`` statement matching ``pattern`` (a
    regular expression on the SQL) on its connection; ``pattern="COMMIT"`` kills just before the ``nth``
    COMMIT. The kill happens on a separate connection and waits until the backends are gone, so the app's
    very next round trip meets a dead connection, as after a database restart.
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.admin = sa.create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.kills = 0
        self._armed: list[tuple[re.Pattern[str], list[int]]] = []
        sa.event.listen(engine, "before_cursor_execute", self._on_execute)
        sa.event.listen(engine, "commit", self._on_commit)

    def kill_all(self) -> int:
        """Terminate every backend of the database but the admin one; the number terminated."""
        with self.admin.connect() as conn:
            killed = sum(1 for (ok,) in conn.execute(sa.text(TERMINATE_ALL)) if ok)
        self.kills += 1
        return killed

    def arm(self, pattern: str, nth: int = 1) -> None:
        self._armed.append((re.compile(pattern, re.IGNORECASE | re.DOTALL), [nth]))

    def disarm(self) -> None:
        self._armed.clear()

    def _hit(self, text: str) -> None:
        for pattern, countdown in self._armed:
            if countdown[0] > 0 and pattern.match(text):
                countdown[0] -= 1
                if countdown[0] == 0:
                    self.kill_all()

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self._hit(statement.lstrip())

    def _on_commit(self, conn):
        self._hit("COMMIT")

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._on_execute)
        sa.event.remove(self.engine, "commit", self._on_commit)
        self.admin.dispose()


@pytest.fixture
def killer(app, db):
    db.session.remove()
    k = DatabaseKiller(db.engine)
    yield k
    k.close()
    db.session.remove()
    db.engine.dispose()  # nothing dead stays in the pool for the next test


@pytest.fixture
def pg(app, db) -> Callable[..., object]:
    """A scalar query on a connection of its own (sees only committed data)."""
    admin = sa.create_engine(db.engine.url, poolclass=NullPool)

    def scalar(sql: str, **params):
        with admin.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    yield scalar
    admin.dispose()


# --- victim processes ----------------------------------------------------------------------------------------

ROOT = HERE.parent.parent


class Victim:
    """``python -m tests.faults.driver ...`` against the test database, identified by its application_name."""

    def __init__(self, url: str, instance: Path, *args: str, stall: str | None = None, nth: int = 1,
                 env: dict[str, str] | None = None):
        import os
        import subprocess
        import sys
        import uuid

        self.name = f"faults-{uuid.uuid4().hex[:10]}"
        environment = {**os.environ, "DATABASE_URL": url, "ECOPANEL_INSTANCE_PATH": str(instance),
                       "PGAPPNAME": self.name, "ECOPANEL_SECRET_KEY": "test-secret-key",
                       "ECOPANEL_AUDIT_HMAC_KEY": "test-audit-key", **(env or {})}
        environment.pop("FAULTS_STALL", None)
        if stall:
            environment.update(FAULTS_STALL=stall, FAULTS_STALL_NTH=str(nth))
        self.process = subprocess.Popen([sys.executable, "-m", "tests.faults.driver", *args], cwd=ROOT,
                                        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)

    def wait_stalled(self, timeout: float = 90) -> int:
        """The backend pid of the victim's connection once it has stopped at its stall point."""
        import selectors
        import time

        deadline = time.monotonic() + timeout
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        try:
            while time.monotonic() < deadline:
                if selector.select(timeout=0.5):
                    line = self.process.stdout.readline()
                    if line.startswith("STALLED "):
                        return int(line.split()[1])
                    if not line and self.process.poll() is not None:
                        break
        finally:
            selector.close()
        self.process.kill()
        _, err = self.process.communicate(timeout=30)
        raise AssertionError(f"the victim never reached its stall point (exit {self.process.returncode}):\n{err}")

    def sigkill(self) -> None:
        import os
        import signal

        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL
        self.process.stdout.close()
        self.process.stderr.close()

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


@pytest.fixture
def victims(app, db, tmp_path):
    """Start victims; after the test, none is left running."""
    started: list[Victim] = []
    url = db.engine.url.render_as_string(hide_password=False)

    def start(*args: str, **kwargs) -> Victim:
        victim = Victim(url, tmp_path, *args, **kwargs)
        started.append(victim)
        return victim

    yield start
    for victim in started:
        if victim.process.poll() is None:
            victim.process.kill()
            victim.process.communicate(timeout=30)


def session_of(pg, name: str) -> dict | None:
    return pg("SELECT json_build_object('pid', pid, 'state', state, 'xid', backend_xid::text) "
              "FROM pg_stat_activity WHERE datname = current_database() AND application_name = :n", n=name)


def wrote_to(pg, pid: int, table: str) -> bool:
    """Whether the backend holds a row-exclusive lock on ``table``, i.e. has written to it in its transaction."""
    return bool(pg("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                   "WHERE l.pid = :pid AND c.relname = :t AND l.mode = 'RowExclusiveLock'", pid=pid, t=table))


def wait_session_gone(pg, name: str, timeout: float = 10) -> None:
    """The server ends a killed client's session when it notices the closed socket; make sure it has (the
    session may hold row locks the rerun needs). Only sessions of this run's own database are touched."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if session_of(pg, name) is None:
            return
        time.sleep(0.05)
    pg("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
       "WHERE datname = current_database() AND application_name = :n", n=name)
    assert session_of(pg, name) is None
