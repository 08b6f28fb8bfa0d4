"""The audit chain: every change appended, tampering of any kind detected, no fork under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text, update

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


# --- checkpoints: the head anchored outside the database ---------------------------------------------------


def _erase_newest(db, keep: int) -> None:
    """What an attacker with write access to the database does to hide their traces: delete the newest
    entries and set the head back to the last entry kept, so every remaining link still verifies."""
    from ground.audit import AuditHead

    last = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == keep))
    db.session.execute(text("DELETE FROM audit_entries WHERE seq > :keep"), {"keep": keep})
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=keep, last_hash=last))
    db.session.commit()


def _checkpoint(app) -> str:
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("ecopanel-audit-checkpoint:v1:") and "\n" not in line
    return line


def test_deleting_the_newest_entries_is_detected_since_a_checkpoint(app, db):
    _entries(db)
    checkpoint = _checkpoint(app)  # entry 6 records the checkpoint itself
    _entries(db, 2)
    _erase_newest(db, 3)
    runner = app.test_cli_runner()
    # The chain alone cannot tell (the known gap the checkpoint closes) ...
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # ... the checkpoint, kept outside the database, can.
    result = runner.invoke(args=["audit", "verify", "--since", checkpoint])
    assert result.exit_code == 1
    assert "3 entries, fewer than the 6 of the checkpoint" in result.output


def test_replacing_the_checkpoint_entry_is_detected(app, db):
    _entries(db)
    checkpoint = _checkpoint(app)
    _erase_newest(db, 5)
    # Append an innocent-looking entry 6 (with the key: the chain verifies, but it is not the one checkpointed)
    record(SYSTEM, "test.action", "thing", 6, {})
    db.session.commit()
    assert verify_chain().ok
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--since", checkpoint])
    assert result.exit_code == 1 and "entry 6 no longer matches the checkpoint" in result.output


def test_an_intact_chain_verifies_since_its_checkpoints_from_a_file(app, db, tmp_path):
    _entries(db)
    first = _checkpoint(app)
    _entries(db, 3)
    second = _checkpoint(app)
    _entries(db, 1)
    kept = tmp_path / "checkpoints.txt"
    kept.write_text(f"mailed on Monday:\n{first}\n{second}\n")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--since", str(kept)])
    assert result.exit_code == 0, result.output
    assert "audit chain ok: 11 entries, holding 2 checkpoint(s) up to entry 10" in result.output


def test_a_forged_or_altered_checkpoint_is_refused(app, db):
    _entries(db)
    checkpoint = _checkpoint(app)
    seq, count = checkpoint.split(":")[2:4]
    altered = checkpoint.replace(f":v1:{seq}:{count}:", ":v1:2:2:", 1)  # an older head, to hide what followed
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--since", altered])
    assert result.exit_code == 1 and "signature does not match" in result.output
    assert app.test_cli_runner().invoke(args=["audit", "verify", "--since", "nonsense"]).exit_code == 1


def test_no_checkpoint_of_a_broken_chain(app, db):
    _entries(db)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor_label="mallory"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "entry 2" in result.output and result.stdout == ""


def test_checkpoints_are_mailed_to_the_configured_addresses(app, db, monkeypatch):
    from notifications.models import OutboxMessage

    runner = app.test_cli_runner()
    refused = runner.invoke(args=["audit", "checkpoint", "--mail"])
    assert refused.exit_code == 1 and "AUDIT_CHECKPOINT_RECIPIENTS" in refused.output
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_RECIPIENTS", ["audit@mee.example.cn", "cio@mee.example.cn"])
    _entries(db)
    mailed = runner.invoke(args=["audit", "checkpoint", "--mail"])
    assert mailed.exit_code == 0, mailed.output
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "audit_checkpoint"))
    assert message.recipients == ["audit@mee.example.cn", "cio@mee.example.cn"]
    assert mailed.stdout.strip() in message.body_text


def test_the_worker_mails_one_checkpoint_per_period(app, db, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from ecopanel.audit import sweep_checkpoints
    from ecopanel.worker import registered_sweepers
    from notifications.models import OutboxMessage

    assert "audit_checkpoints" in {s.name for s in registered_sweepers()}
    now = datetime(2026, 12, 1, 3, tzinfo=UTC)
    assert sweep_checkpoints(now) == 0  # no addresses configured: nothing to do
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_RECIPIENTS", ["audit@mee.example.cn"])
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_HOURS", 24)
    _entries(db)
    assert sweep_checkpoints(now) == 1
    db.session.commit()
    assert sweep_checkpoints(now + timedelta(hours=5)) == 0  # same day
    assert sweep_checkpoints(now + timedelta(days=1)) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
