"""Audit checkpoints, issued: verify the chain, record the checkpoint in it, print it and mail it.

The signed checkpoint itself is :mod:`ground.audit_checkpoints`; this is the roof's part, which may mail it
through the outbox to ``AUDIT_CHECKPOINT_RECIPIENTS`` (people who keep it away from the database), from the
command line (``ecopanel audit checkpoint --mail``) or every ``AUDIT_CHECKPOINT_HOURS`` from the worker.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ground.actor import SYSTEM
from ground.audit import ChainReport, record, verify_chain
from ground.audit_checkpoints import Checkpoint, take_checkpoint
from ground.extensions import db
from ground.sweeper import Sweeper
from notifications.models import OutboxMessage
from notifications.outbox import queue_mail


class ChainBroken(Exception):
    """No checkpoint of a chain that does not verify: it would vouch for the tampering."""

    def __init__(self, report: ChainReport):
        super().__init__(f"audit chain broken at entry {report.first_bad_seq}: {report.reason}")
        self.report = report


def recipients() -> list[str]:
    configured = current_app.config.get("AUDIT_CHECKPOINT_RECIPIENTS") or []
    return [configured] if isinstance(configured, str) else list(configured)


def issue_checkpoint(now: datetime, *, mail: bool = False, dedupe_key: str | None = None) -> Checkpoint:
    """Verify the chain, record the checkpoint as its newest entry, and return it (mailed if ``mail``).

    Flushes; the caller commits (the mail, like every mail, leaves after the commit).
    """
    to = recipients()
    if mail and not to:
        raise ValueError("AUDIT_CHECKPOINT_RECIPIENTS is empty: no one to mail the checkpoint to")
    report = verify_chain()
    if not report.ok:
        raise ChainBroken(report)
    record(SYSTEM, "audit.checkpoint", "audit", None, {"entries": report.entries + 1, "mailed_to": to if mail else []},
           now=now)
    db.session.flush()
    checkpoint = take_checkpoint(now)
    if mail:
        queue_mail(to, "audit_checkpoint", {
            "checkpoint": checkpoint.text(), "seq": checkpoint.seq, "count": checkpoint.count,
            "taken_at": checkpoint.taken_at.strftime("%Y-%m-%d %H:%M:%S")},
            dedupe_key=dedupe_key, related=("audit", str(checkpoint.seq)))
    return checkpoint


def sweep_checkpoints(now: datetime) -> int:
    """The worker's periodic checkpoint: one mail per ``AUDIT_CHECKPOINT_HOURS`` period, whatever the number of
    workers (the outbox's dedupe key names the period); nothing without recipients."""
    if not recipients():
        return 0
    hours = int(current_app.config.get("AUDIT_CHECKPOINT_HOURS") or 24)
    period = int(now.timestamp() // (hours * 3600))
    key = f"audit-checkpoint:{hours}h:{period}"
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None:
        return 0
    issue_checkpoint(now, mail=True, dedupe_key=key)
    return 1


SWEEPERS = [Sweeper("audit_checkpoints", 3600, sweep_checkpoints)]
