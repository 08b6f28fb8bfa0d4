"""Shared fixtures: the app on SQLite and (when reachable) PostgreSQL, per-test cleanup, factories.

Every test that uses ``app`` (or ``client``, ``db`` ...) runs once per database backend. In CI
``ECOPANEL_REQUIRE_POSTGRES=1`` turns an unreachable PostgreSQL into a hard failure instead of a skip.

Speed (the suite runs in parallel under pytest-xdist, ``-n auto`` in scripts/test.sh): each process migrates
one database per backend once, and a test's writes are deleted after it (not truncated: TRUNCATE makes new
files for every table, about a second per test on PostgreSQL); commits do not wait for the disk and password
hashes are cheap, in tests only. Each xdist worker has its own PostgreSQL database, instance folder (its own
``tmp_path_factory``), SMTP ports and live server; the controller adds up the PostgreSQL runs.
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import date

import pytest
import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("ECOPANEL_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One database per test process (``..._gw0``, ``..._gw1`` for xdist's workers), so concurrent runs (two
# developers, a CI job) and the workers of one run never share one.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
PG_TEST_DB = os.environ.get("ECOPANEL_TEST_PG_DB", f"ecopanel_test_{os.getpid()}") + (f"_{WORKER}" if WORKER else "")
REQUIRE_POSTGRES = os.environ.get("ECOPANEL_REQUIRE_POSTGRES") == "1"
TEST_KEYS = {"SECRET_KEY": "test-secret-key", "AUDIT_HMAC_KEY": "test-audit-key"}
# argon2id at its minimum: the library's parameters cost a tenth of a second per hash and verification. The
# tests that are about the cost itself (tests/ecopanel/test_confidentiality.py) set the real ones back.
CHEAP_PASSWORD_HASHES = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _pg_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _prepare_postgres(database: str) -> str | None:
    """Drop and create a fresh test database; None if PostgreSQL is not reachable."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                {"d": database})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
            # A throw-away database: a commit need not wait for the disk (every connection to it, the
            # subprocesses' too; the server is never crashed on purpose, only backends are terminated).
            conn.execute(sa.text(f'ALTER DATABASE "{database}" SET synchronous_commit = off'))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        if REQUIRE_POSTGRES:  # a failure, not pytest.exit: that would crash an xdist worker, not report
            pytest.fail(f"PostgreSQL is required (ECOPANEL_REQUIRE_POSTGRES=1) but unreachable: {exc}", pytrace=False)
        return None
    return _pg_url(database)


_PG_STATE: dict[str, str | None] = {}


def postgres_url() -> str | None:
    if "url" not in _PG_STATE:
        _PG_STATE["url"] = _prepare_postgres(PG_TEST_DB)
    return _PG_STATE["url"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only against SQLite")


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    """In CI, an unreachable PostgreSQL stops the run before any test (and before xdist starts workers)."""
    if REQUIRE_POSTGRES and not _is_worker(session.config):
        try:
            engine = sa.create_engine(PG_ADMIN_URL)
            with engine.connect():
                pass
            engine.dispose()
        except sa.exc.OperationalError as exc:
            pytest.exit(f"PostgreSQL is required (ECOPANEL_REQUIRE_POSTGRES=1) but unreachable: {exc}", returncode=3)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow tests first: under xdist a minute-long test dealt out last would keep one worker busy alone
    while the others wait. (Stable, so every worker sees the same order; the database apps are kept per
    backend for the whole session, so mixing backends costs nothing.)"""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


_POSTGRES_PASSED = [0]


def pytest_runtest_logreport(report):
    """Count the PostgreSQL runs that passed. Under xdist the controller gets every worker's reports here too,
    so its count is the whole run's."""
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _POSTGRES_PASSED[0] += 1


def pytest_terminal_summary(terminalreporter, config):
    """The line .ci/run looks for (a worker's own summary goes nowhere: only the controller, or a run without
    xdist, prints it)."""
    if _is_worker(config):
        return
    ran = _POSTGRES_PASSED[0]
    terminalreporter.write_line(f"ecopanel: {ran} PostgreSQL test runs passed")
    if REQUIRE_POSTGRES and ran == 0:
        terminalreporter.write_line("ecopanel: ERROR no PostgreSQL test ran although ECOPANEL_REQUIRE_POSTGRES=1",
                                    red=True, bold=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """With ECOPANEL_REQUIRE_POSTGRES=1 a run in which no PostgreSQL test passed fails, whatever else passed."""
    if REQUIRE_POSTGRES and exitstatus == 0 and not _is_worker(session.config) and _POSTGRES_PASSED[0] == 0 \
            and session.testscollected:
        session.exitstatus = 3


def make_app(database_url: str, tmp_path_factory, **overrides):
    from ecopanel.app import create_app

    instance = tmp_path_factory.mktemp("instance")
    os.environ["ECOPANEL_INSTANCE_PATH"] = str(instance)
    # Rate limits are off unless a test turns them on (tests/ecopanel/test_auth_hardening.py): a suite that
    # signs in many times from one address must not trip them.
    config = {"ENVIRONMENT": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
              "WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": "http://testserver", "RATELIMIT_ENABLED": False,
              "PASSWORD_HASH_PARAMETERS": CHEAP_PASSWORD_HASHES, **TEST_KEYS, **overrides}
    app = create_app(config)
    if database_url.startswith("sqlite"):
        from ground.extensions import db

        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_without_fsync)
    return app


def _sqlite_without_fsync(dbapi_connection, connection_record) -> None:
    # In WAL mode, NORMAL syncs at checkpoints only, not at every commit (6 ms each on this disk): what a test
    # database can afford to lose is nothing it needs after the run.
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def upgrade(app) -> None:
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade(directory=app.extensions["migrate"].directory)


_SEEDS: dict[str, dict[str, list[dict]]] = {}
_SEQUENCES: dict[str, list[tuple[str, str, str]]] = {}


def snapshot_seeds(app) -> None:
    """Remember what the migrations seeded (vocabulary, audit head, default rule sets, holidays ...), and on
    PostgreSQL which sequence numbers which column."""
    from ground.extensions import db

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context(), db.engine.connect() as conn:
        _SEEDS[url] = {
            table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables
        }
        if db.engine.dialect.name == "postgresql":
            _SEQUENCES[url] = [tuple(row) for row in conn.execute(sa.text(
                "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL"))]


def clean_database(app) -> None:
    """Put the database back to what the migrations left: every test starts from the same state."""
    from ground.extensions import db

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    seeds = _SEEDS[url]
    with app.app_context():
        db.session.remove()
        engine = db.engine
        tables = db.metadata.sorted_tables
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                # DELETE in one round trip, not TRUNCATE (new files for every table and index, ~1 s a test).
                conn.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in reversed(tables)))
            else:
                for table in reversed(tables):
                    conn.execute(table.delete())
            for table in tables:
                if seeds.get(table.name):
                    conn.execute(table.insert(), seeds[table.name])
            if engine.dialect.name == "postgresql":
                # Ids start again after the seeds, as TRUNCATE ... RESTART IDENTITY did (one statement).
                conn.exec_driver_sql("SELECT " + ", ".join(
                    f"setval('{sequence}', (SELECT coalesce(max(\"{column}\"), 0) + 1 FROM \"{table}\"), false)"
                    for table, column, sequence in _SEQUENCES[url]))


def _backends():
    return [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]


@pytest.fixture(scope="session", params=_backends())
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def _apps(tmp_path_factory):
    """The app per backend, built (database created and migrated) on first use and kept for the whole session:
    a session fixture parametrized by backend would be torn down and rebuilt at every switch of backend."""
    apps: dict[str, object] = {}

    def get(backend: str):
        if backend not in apps:
            if backend == "postgresql":
                url = postgres_url()
                if url is None:
                    apps[backend] = None
                    return None
            else:
                url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
            app = make_app(url, tmp_path_factory)
            upgrade(app)
            snapshot_seeds(app)
            apps[backend] = app
        return apps[backend]

    yield get
    from ground.extensions import db

    for backend, app in apps.items():
        if app is None:
            continue
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if backend == "postgresql":
            _drop_postgres(PG_TEST_DB)


@pytest.fixture
def _session_app(backend, _apps):
    app = _apps(backend)
    if app is None:
        pytest.skip("PostgreSQL not reachable")
    return app


_DROP = """
import sys
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1], isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": sys.argv[2]})
    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sys.argv[2]}"'))
"""


def _drop_postgres(database: str) -> None:
    """Drop a test database from a detached process: DROP DATABASE makes PostgreSQL (15) checkpoint the whole
    server, which takes seconds to a minute on a busy machine, and nothing waits for the database to go."""
    import subprocess
    import sys

    # Through a shell that puts it in the background and returns at once: no child left for this process to reap.
    subprocess.run(["sh", "-c", '"$0" -c "$1" "$2" "$3" </dev/null >/dev/null 2>&1 &', sys.executable, _DROP,
                    PG_ADMIN_URL, database], check=True, start_new_session=True)


@pytest.fixture
def app(_session_app, request):
    if request.node.get_closest_marker("postgres_only") and _session_app.config[
            "SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    if request.node.get_closest_marker("sqlite_only") and not _session_app.config[
            "SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    ctx = _session_app.app_context()
    ctx.push()
    try:
        yield _session_app
    finally:
        ctx.pop()
        clean_database(_session_app)


@pytest.fixture
def db(app):
    from ground.extensions import db as _db

    return _db


@pytest.fixture
def client(app):
    return app.test_client()


# --- factories ------------------------------------------------------------------------------------------

_serial = itertools.count(1)


def valid_id_number(province: str = "32", birth: date = date(1970, 5, 17), male: bool = True,
                    serial: int | None = None) -> str:
    from expert_pool.rules.normalize import id_number_check_digit

    n = next(_serial) if serial is None else serial
    seq = (n % 500) * 2 + (1 if male else 0)
    region = f"{province}{(n // 500) % 90 + 1:02d}01"
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_digit(first17)


@pytest.fixture
def make_org(db):
    from expert_pool.models import Organization

    def make(name: str | None = None, type: str = "university", province: str | None = "32"):
        org = Organization(name=name or f"测试单位{next(_serial)}", type=type, province=province)
        db.session.add(org)
        db.session.flush()
        return org

    return make


@pytest.fixture
def expert_payload(make_org):
    def payload(**overrides):
        n = next(_serial)
        male = overrides.pop("male", True)
        province = overrides.get("province", "32")
        birth = date(1960 + n % 25, 1 + n % 12, 1 + n % 28)
        data = {
            "name": f"专家{n}", "gender": "M" if male else "F", "birth_year": birth.year,
            "id_number": valid_id_number(province, birth, male, n), "mobile": f"139{n:08d}",
            "email": f"expert{n}@example.com", "organization_id": make_org().id, "title_rank": "senior",
            "specialties": ["circular_economy", "eia"], "province": province, "city": "南京",
            "recommended_by": "MEE", "term_start": "2024-01-01", "term_end": "2028-12-31", "status": "active",
        }
        data.update(overrides)
        return data

    return payload


@pytest.fixture
def make_expert(db, expert_payload):
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM

    def make(**overrides):
        data = expert_payload(**overrides)
        contributed_by = data.pop("contributed_by", None)
        for key in ("term_start", "term_end"):
            if isinstance(data.get(key), str):
                data[key] = date.fromisoformat(data[key])
        data["contributed_by"] = contributed_by
        expert = create_expert(SYSTEM, data, date(2026, 11, 24))
        db.session.commit()
        return expert

    return make


@pytest.fixture
def make_user(db):
    from ecopanel.auth.services import create_user, issue_token
    from ground.actor import SYSTEM

    def make(role: str = "office", **kwargs):
        email = kwargs.pop("email", f"{role}{next(_serial)}@example.com")
        user = create_user(SYSTEM, email, role, password=kwargs.pop("password", "correct-horse-battery"), **kwargs)
        token = issue_token(SYSTEM, user)
        db.session.commit()
        return user, token

    return make


class Api:
    """A tiny client for ``/api/v1`` with a bearer token and a language."""

    def __init__(self, client, token: str | None, lang: str = "zh"):
        self.client, self.token, self.lang = client, token, lang

    def _headers(self, extra=None):
        headers = {"Accept-Language": self.lang}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, **kw):
        return self.client.post("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path, **kw):
        return self.client.patch("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path, **kw):
        return self.client.put("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def office_api(client, make_user):
    _, token = make_user("office")
    return Api(client, token)


@pytest.fixture
def api_as(client, make_user):
    def make(role: str = "office", lang: str = "zh", **kwargs):
        _, token = make_user(role, **kwargs)
        return Api(client, token, lang)

    return make


@pytest.fixture
def rng():
    return random.Random(1234)
