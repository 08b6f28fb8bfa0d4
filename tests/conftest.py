"""Shared fixtures: the app on SQLite and (when reachable) PostgreSQL, per-test cleanup, factories.

Every test that uses ``app`` (or ``client``, ``db`` ...) runs once per database backend. In CI
``ECOPANEL_REQUIRE_POSTGRES=1`` turns an unreachable PostgreSQL into a hard failure instead of a skip.
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import date

import pytest
import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("ECOPANEL_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One database per test session, so concurrent runs (two developers, a CI job) never share one.
PG_TEST_DB = os.environ.get("ECOPANEL_TEST_PG_DB", f"ecopanel_test_{os.getpid()}")
REQUIRE_POSTGRES = os.environ.get("ECOPANEL_REQUIRE_POSTGRES") == "1"
TEST_KEYS = {"SECRET_KEY": "test-secret-key", "AUDIT_HMAC_KEY": "test-audit-key"}


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
        engine.dispose()
    except sa.exc.OperationalError as exc:
        if REQUIRE_POSTGRES:
            pytest.exit(f"PostgreSQL is required (ECOPANEL_REQUIRE_POSTGRES=1) but unreachable: {exc}", returncode=3)
        return None
    return _pg_url(database)


_PG_STATE: dict[str, str | None] = {}


def postgres_url() -> str | None:
    if "url" not in _PG_STATE:
        _PG_STATE["url"] = _prepare_postgres(PG_TEST_DB)
    return _PG_STATE["url"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only against SQLite")


def pytest_terminal_summary(terminalreporter):
    ran = sum(1 for rep in terminalreporter.stats.get("passed", []) if "[postgresql" in rep.nodeid)
    terminalreporter.write_line(f"ecopanel: {ran} PostgreSQL test runs passed")
    if REQUIRE_POSTGRES and ran == 0:
        terminalreporter.write_line("ecopanel: ERROR no PostgreSQL test ran although ECOPANEL_REQUIRE_POSTGRES=1")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_POSTGRES and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        ran = sum(1 for rep in reporter.stats.get("passed", []) if "[postgresql" in rep.nodeid) if reporter else 0
        if ran == 0 and session.testscollected:
            session.exitstatus = 3


def make_app(database_url: str, tmp_path_factory, **overrides):
    from ecopanel.app import create_app

    instance = tmp_path_factory.mktemp("instance")
    os.environ["ECOPANEL_INSTANCE_PATH"] = str(instance)
    # Rate limits are off unless a test turns them on (tests/ecopanel/test_auth_hardening.py): a suite that
    # signs in many times from one address must not trip them.
    config = {"ENVIRONMENT": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
              "WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": "http://testserver", "RATELIMIT_ENABLED": False,
              **TEST_KEYS, **overrides}
    return create_app(config)


def upgrade(app) -> None:
    from flask_migrate import upgrade as alembic_upgrade

    with app.app_context():
        alembic_upgrade(directory=app.extensions["migrate"].directory)


_SEEDS: dict[str, dict[str, list[dict]]] = {}


def snapshot_seeds(app) -> None:
    """Remember what the migrations seeded (vocabulary, audit head, default rule sets, holidays ...)."""
    from ground.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        _SEEDS[app.config["SQLALCHEMY_DATABASE_URI"]] = {
            table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables
        }


def clean_database(app) -> None:
    """Put the database back to what the migrations left: every test starts from the same state."""
    from ground.extensions import db

    seeds = _SEEDS[app.config["SQLALCHEMY_DATABASE_URI"]]
    with app.app_context():
        db.session.remove()
        engine = db.engine
        tables = db.metadata.sorted_tables
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(tables):
                    conn.execute(table.delete())
            for table in tables:
                if seeds.get(table.name):
                    conn.execute(table.insert(), seeds[table.name])
                    if engine.dialect.name == "postgresql" and "id" in table.c and isinstance(
                            table.c.id.type, sa.Integer):
                        conn.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM \"{table.name}\"))"))


def _backends():
    return [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]


@pytest.fixture(scope="session", params=_backends())
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def _session_app(backend, tmp_path_factory):
    if backend == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL not reachable")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = make_app(url, tmp_path_factory)
    upgrade(app)
    snapshot_seeds(app)
    yield app
    from ground.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "postgresql":
        _drop_postgres(PG_TEST_DB)


def _drop_postgres(database: str) -> None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": database})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
    engine.dispose()


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
