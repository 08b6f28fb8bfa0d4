"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis, in-process over WSGI).

Every operation of ``/openapi.json`` is called with generated input as an Office administrator (a bearer
token issued in the fixture), and every response is checked:

* ``not_a_server_error``: no 5xx, whatever the input;
* ``status_code_conformance``: the status is one the document declares for the operation;
* ``content_type_conformance``: the Content-Type is one the document declares;
* ``response_schema_conformance``: the body matches the declared schema (errors: the ``default`` error shape);
* ``response_headers_conformance``: declared response headers are present and well-formed;
* ``negative_data_rejection``: input the document forbids is refused with a 4xx.

It is about the API's behaviour, not the database: it runs on SQLite only (its own database, migrated once
for the module), with a bounded, deterministic number of examples per operation.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.conftest import TEST_KEYS, upgrade, valid_id_number

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]
MAX_EXAMPLES = 20

#: Operations left out, and why. None today: the multipart uploads (expert import, materials, calendar years)
#: are fuzzed too (schemathesis generates the files; the services must refuse garbage with a 422).
EXCLUDED: dict[tuple[str, str], str] = {}


def _build_app():
    """The app under test, built at import: schemathesis needs the schema when it parametrizes the test (its
    fixture-based loader does not work with this pytest). Its own SQLite database, migrated by ``fuzz_db``."""
    from ecopanel.app import create_app

    previous = os.environ.get("ECOPANEL_INSTANCE_PATH")
    os.environ["ECOPANEL_INSTANCE_PATH"] = os.path.join(WORKDIR, "instance")
    try:
        return create_app({"ENVIRONMENT": "test", "TESTING": True, "WTF_CSRF_ENABLED": True,
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(WORKDIR, 'fuzz.db')}",
                           "PUBLIC_BASE_URL": "http://testserver", "RATELIMIT_ENABLED": False, **TEST_KEYS})
    finally:
        if previous is None:
            os.environ.pop("ECOPANEL_INSTANCE_PATH", None)
        else:
            os.environ["ECOPANEL_INSTANCE_PATH"] = previous


WORKDIR = tempfile.mkdtemp(prefix="ecopanel-fuzz-")
APP = _build_app()


@pytest.fixture(scope="module", autouse=True)
def fuzz_db():
    upgrade(APP)
    with APP.app_context():
        _seed()
    yield
    from ground.extensions import db

    with APP.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(WORKDIR, ignore_errors=True)


def _seed() -> None:
    """A few rows with small ids, so generated ids sometimes hit something real."""
    from ecopanel.auth.services import create_user
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db
    from scheduling.models import Park

    orgs = [Organization(name=f"模糊测试单位{i}", type="university", province="32") for i in range(3)]
    db.session.add_all(orgs)
    db.session.flush()
    for i, org in enumerate(orgs):
        birth = date(1970, 1, 1 + i)
        create_expert(SYSTEM, {
            "name": f"模糊专家{i}", "gender": "M", "birth_year": 1970, "id_number": valid_id_number("32", birth, True, 8800 + i),
            "mobile": f"1390000{i:04d}", "email": f"fuzz{i}@example.cn", "organization_id": org.id,
            "title_rank": "senior", "specialties": ["eia"], "province": "32", "recommended_by": "MEE",
            "status": "active", "contributed_by": "32",
        }, date(2026, 11, 24))
    db.session.add(Park(name="模糊测试园区", province="32", city="南京", management_agency=orgs[0],
                        state="under_construction", approved_on=date(2024, 3, 15)))
    create_user(SYSTEM, "fuzz-office@example.cn", "office", is_admin=True)
    db.session.commit()


def _schema():
    loaded = schemathesis.openapi.from_wsgi("/openapi.json", APP)
    for path, method in EXCLUDED:
        loaded = loaded.exclude(path=path, method=method)
    return loaded


schema = _schema()


@pytest.fixture
def office_token():
    """A fresh token per operation: fuzzing ``DELETE /tokens/{id}`` may revoke the previous one."""
    from sqlalchemy import select

    from ecopanel.auth.services import issue_token
    from ground.accounts import User
    from ground.actor import SYSTEM
    from ground.extensions import db

    with APP.app_context():
        user = db.session.scalar(select(User).where(User.email == "fuzz-office@example.cn"))
        token = issue_token(SYSTEM, user, name="fuzz")
        db.session.commit()
        db.session.remove()
    return token


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])  # the token is per operation, on purpose
def test_api_conforms_to_its_openapi_document(case, office_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {office_token}", "Accept-Language": "en"},
                           checks=CHECKS)
