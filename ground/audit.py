"""The append-only, tamper-evident audit log.

Each entry carries ``hash = HMAC(key, prev_hash || canonical(entry))``. Appends serialise on the single
``audit_head`` row (``UPDATE ... RETURNING`` takes a row lock on PostgreSQL and the write lock on
SQLite, both held to commit), so the chain never forks, whatever the number of processes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Integer, String, Text, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ground.actor import Actor
from ground.clock import UTCDateTime, as_utc, wall_now
from ground.extensions import db

GENESIS = "0" * 64


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Index for "everything that happened to object X"
    __table_args__ = (db.Index("ix_audit_entries_object", "object_type", "object_id"),)


class AuditHead(db.Model):
    """The chain's head: one row, seeded by the first migration."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    note: Mapped[str | None] = mapped_column(Text)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def _payload(seq: int, created_at: datetime, actor_user_id, actor_label, actor_role, action, object_type,
             object_id, data) -> str:
    return canonical({
        "seq": seq, "at": as_utc(created_at).isoformat(timespec="microseconds"), "uid": actor_user_id,
        "who": actor_label, "role": actor_role, "action": action, "type": object_type,
        "id": object_id, "data": data,
    })


def _mac(key: str, prev_hash: str, payload: str) -> str:
    return hmac.new(key.encode(), (prev_hash + payload).encode(), hashlib.sha256).hexdigest()


def record(actor: Actor, action: str, object_type: str, object_id: Any, data: dict[str, Any] | None = None,
           *, now: datetime | None = None) -> None:
    """Append one entry in the current transaction (the caller commits)."""
    record_many(actor, [(action, object_type, object_id, data)], now=now)


def record_many(actor: Actor, items: list[tuple[str, str, Any, dict[str, Any] | None]], *,
                now: datetime | None = None) -> None:
    """Append several entries ``(action, object_type, object_id, data)`` with one claim on the head."""
    if not items:
        return
    key = current_app.config["AUDIT_HMAC_KEY"]
    created_at = (now or wall_now()).astimezone(UTC)
    # Pending ORM changes must reach the database first, so the log never precedes what it records.
    db.session.flush()
    seq, prev_hash = db.session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + len(items))
        .returning(AuditHead.seq, AuditHead.last_hash),
        # Nobody holds the head row in the session; skip scanning the identity map for it on every append.
        execution_options={"synchronize_session": False},
    ).one()
    seq -= len(items)
    rows = []
    for action, object_type, object_id, data in items:
        seq += 1
        # Normalise through JSON so what we hash is exactly what the database returns later.
        data = json.loads(canonical(data or {}))
        oid = None if object_id is None else str(object_id)
        digest = _mac(key, prev_hash, _payload(seq, created_at, actor.user_id, actor.label, str(actor.role),
                                               action, object_type, oid, data))
        rows.append({"seq": seq, "created_at": created_at, "actor_user_id": actor.user_id,
                     "actor_label": actor.label, "actor_role": str(actor.role), "action": action,
                     "object_type": object_type, "object_id": oid, "data": data, "prev_hash": prev_hash,
                     "hash": digest})
        prev_hash = digest
    # Plain executemany: no ORM identity bookkeeping for rows nobody reads back in this transaction.
    db.session.execute(insert(AuditEntry), rows)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev_hash),
                       execution_options={"synchronize_session": False})


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(batch: int = 5000) -> ChainReport:
    """Recompute every link; name the first entry that was edited, removed, inserted or reordered."""
    key = current_app.config["AUDIT_HMAC_KEY"]
    head = db.session.get(AuditHead, 1)
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_id = 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for e in rows:
            last_id = e.id
            if e.seq != expected_seq:
                return ChainReport(False, count, expected_seq,
                                   f"entry {expected_seq} is missing or out of order (found {e.seq})")
            if e.prev_hash != prev:
                return ChainReport(False, count, e.seq, "link to the previous entry is broken")
            payload = _payload(e.seq, e.created_at, e.actor_user_id, e.actor_label, e.actor_role, e.action,
                               e.object_type, e.object_id, e.data)
            if not hmac.compare_digest(_mac(key, prev, payload), e.hash):
                return ChainReport(False, count, e.seq, "content does not match its hash")
            prev = e.hash
            expected_seq += 1
            count += 1
        db.session.expunge_all()
    if head is None or head.seq != count or head.last_hash != prev:
        return ChainReport(False, count, count + 1 if head is None or head.seq > count else count,
                           "the chain's head does not match its last entry (entries removed at the end?)")
    return ChainReport(True, count)
