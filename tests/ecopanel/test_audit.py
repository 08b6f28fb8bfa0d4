"""The audit chain: every change appended, tampering of any kind detected, no fork under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text, update

from ground.actor import SYSTEM
from ground.audit import AuditEntry, record, verify_chain


def _entries(db, n=5):
    for i in range(n):
        record(SYSTEM, "test.action", "thing", i, {"i": i, "名称": "值"})
    db.session.commit()


def test_chain_verifies(db):
    _entries(db)
    report = verify_chain()
    assert report.ok and report.entries == 5


def test_edit_is_detected_at_that_entry(db):
    _entries(db)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(data={"i": 99}))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == 3


def test_delete_in_the_middle_is_detected(db):
    _entries(db)
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == 2


def test_delete_at_the_end_is_detected(db):
    _entries(db)
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    db.session.commit()
    assert not verify_chain().ok


def test_reorder_is_detected(db):
    _entries(db)
    db.session.execute(text("UPDATE audit_entries SET seq = -1 WHERE seq = 2"))
    db.session.execute(text("UPDATE audit_entries SET seq = 2 WHERE seq = 3"))
    db.session.execute(text("UPDATE audit_entries SET seq = 3 WHERE seq = -1"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == 2


def test_cli_names_the_first_bad_entry(app, db):
    _entries(db)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "5 entries" in ok.output
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(actor_label="mallory"))
    db.session.commit()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and "entry 4" in bad.output


@pytest.mark.postgres_only
def test_eight_concurrent_writers_leave_a_valid_chain(app, db):
    from ground.extensions import db as _db

    errors = []

    def writer(n):
        with app.app_context():
            try:
                for i in range(25):
                    record(SYSTEM, "concurrent", "writer", n, {"i": i})
                    _db.session.commit()
            except Exception as exc:
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and report.entries == 200
