"""Migrations and models agree, on every backend (CI fails if a model change has no revision)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_models_match_migrations(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_vocabulary_and_audit_head_are_seeded(db):
    from expert_pool.models import Specialty
    from ground.audit import AuditHead

    assert db.session.get(AuditHead, 1).seq == 0
    assert db.session.get(Specialty, "cleaner_production").name_zh == "清洁生产"
