"""Signed checkpoints of the audit chain: its head anchored outside the database.

The chain alone cannot show that its newest entries were deleted: whoever can write the database can delete
the last rows and set ``audit_head`` back to the last one kept, and every remaining link still verifies. A
checkpoint (the head's sequence number and hash, the number of entries, when it was taken; HMAC-signed) is
printed or mailed to people who keep it away from the database. Verifying the chain ``since`` a checkpoint
then also requires that the chain still holds that checkpoint's entry with the same hash and at least as
many entries. What the checkpoint does not cover (entries appended after it) is only as safe as the chain.

The text form is one line, easy to paste into a ticket, a mail or a file of checkpoints::

    ecopanel-audit-checkpoint:v1:<seq>:<count>:<hash>:<taken at, ISO 8601 UTC>:<HMAC-SHA256>
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select

from ground.audit import AuditEntry, AuditHead, ChainReport, verify_chain
from ground.extensions import db

PREFIX = "ecopanel-audit-checkpoint"
VERSION = "v1"
PATTERN = re.compile(rf"{PREFIX}:{VERSION}:(\d+):(\d+):([0-9a-f]{{64}}):([0-9T:.+\-]+):([0-9a-f]{{64}})")
# The checkpoint MAC uses the chain's key under its own label, so no chain entry can pass for a checkpoint.
_LABEL = b"ecopanel audit checkpoint\x00"


class BadCheckpoint(ValueError):
    """The text is no checkpoint, or its signature does not match (forged, altered or another key)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    count: int
    hash: str
    taken_at: datetime

    def _body(self) -> str:
        return (f"{PREFIX}:{VERSION}:{self.seq}:{self.count}:{self.hash}:"
                f"{self.taken_at.astimezone(UTC).isoformat(timespec='seconds')}")

    def text(self) -> str:
        """The signed one-line form."""
        return f"{self._body()}:{_mac(self._body())}"


def _mac(body: str) -> str:
    key = current_app.config["AUDIT_HMAC_KEY"].encode()
    return hmac.new(key, _LABEL + body.encode(), hashlib.sha256).hexdigest()


def take_checkpoint(now: datetime) -> Checkpoint:
    """The current head as a checkpoint (read in the caller's transaction)."""
    head = _head()
    count = _entry_count()
    return Checkpoint(seq=head.seq, count=count, hash=head.last_hash, taken_at=now)


def _head() -> AuditHead:
    head = db.session.get(AuditHead, 1, populate_existing=True)
    if head is None:
        raise LookupError("the audit chain has no head row (was the database migrated?)")
    return head


def _entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """Every checkpoint in ``text`` (one printed line, or a file of them), each signature checked."""
    found = []
    for match in PATTERN.finditer(text):
        seq, count, digest, taken_at, mac = match.groups()
        checkpoint = Checkpoint(int(seq), int(count), digest, datetime.fromisoformat(taken_at).astimezone(UTC))
        if checkpoint.text() != match.group(0) or not hmac.compare_digest(_mac(checkpoint._body()), mac):
            raise BadCheckpoint(f"checkpoint {seq}: the signature does not match (altered, or signed with another key)")
        found.append(checkpoint)
    if not found:
        raise BadCheckpoint(f"no checkpoint found (a line starting {PREFIX}:{VERSION}:)")
    return found


def verify_since(checkpoints: list[Checkpoint]) -> ChainReport:
    """:func:`~ground.audit.verify_chain`, and the chain must still hold each checkpoint's entry, unchanged,
    and at least as many entries as each checkpoint counted."""
    report = verify_chain()
    if not report.ok:
        return report
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        taken = checkpoint.taken_at.isoformat(timespec="seconds")
        if report.entries < checkpoint.count:
            return ChainReport(False, report.entries, report.entries + 1,
                               f"the chain holds {report.entries} entries, fewer than the {checkpoint.count} of the "
                               f"checkpoint taken at {taken} (entries removed at the end?)")
        kept = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.seq))
        if checkpoint.seq and kept != checkpoint.hash:
            return ChainReport(False, report.entries, checkpoint.seq,
                               f"entry {checkpoint.seq} no longer matches the checkpoint taken at {taken}")
    return report
