"""Reading the audit log for the Office: filtered pages of entries, the chain's verification, its checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, or_, select

from ecopanel.auditlog.phrases import VIEW_ACTIONS
from ground.audit import AuditEntry, AuditHead, ChainReport, verify_chain
from ground.audit_checkpoints import BadCheckpoint, parse_checkpoints, verify_since
from ground.clock import SHANGHAI
from ground.extensions import db

PAGE_SIZE = 50
#: Up to this many entries the page verifies the chain on every visit (about 0.25 ms an entry: half a second
#: for the demo's log); beyond, when the Office asks (``?verify=1``).
VERIFY_INLINE_LIMIT = 2_000


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    views_only: bool = False


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)


def _filtered(filters: Filters) -> Select:
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(AuditEntry.actor_label.icontains(filters.actor, autoescape=True))
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.start:
        query = query.where(AuditEntry.created_at >= _day_start(filters.start))
    if filters.end:  # the whole last day, in the programme's time zone
        query = query.where(AuditEntry.created_at < _day_start(filters.end + timedelta(days=1)))
    if filters.views_only:
        query = query.where(or_(AuditEntry.action.in_(VIEW_ACTIONS), AuditEntry.action.like("%.view")))
    return query


def entries_page(filters: Filters, page: int) -> tuple[list[AuditEntry], int, int, int]:
    """``(entries, total, page, last_page)``, newest first; a page past the end shows the last one."""
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    last_page = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), last_page)
    entries = db.session.scalars(query.order_by(AuditEntry.seq.desc()).offset((page - 1) * PAGE_SIZE)
                                 .limit(PAGE_SIZE)).all()
    return list(entries), total, page, last_page


@dataclass(frozen=True)
class ChainState:
    entries: int
    report: ChainReport | None  # None: not verified on this visit (too many entries; ask for it)
    last_checkpoint: AuditEntry | None
    since_checkpoint: int  # entries appended after the last checkpoint: what no checkpoint covers yet
    recipients: list[str]
    hours: int


def chain_state(*, verify: bool) -> ChainState:
    head = db.session.get(AuditHead, 1)
    entries = head.seq if head else 0
    report = verify_chain() if verify or entries <= VERIFY_INLINE_LIMIT else None
    last = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.checkpoint")
                              .order_by(AuditEntry.seq.desc()).limit(1)).first()
    configured = current_app.config.get("AUDIT_CHECKPOINT_RECIPIENTS") or []
    return ChainState(entries=entries, report=report, last_checkpoint=last,
                      since_checkpoint=entries - last.seq if last else entries,
                      recipients=[configured] if isinstance(configured, str) else list(configured),
                      hours=int(current_app.config.get("AUDIT_CHECKPOINT_HOURS") or 24))


def check_checkpoint(text: str) -> tuple[ChainReport | None, str | None]:
    """Verify the chain since a pasted checkpoint line: ``(report, None)``, or ``(None, why it is no checkpoint)``."""
    try:
        checkpoints = parse_checkpoints(text)
    except BadCheckpoint as exc:
        return None, str(exc)
    return verify_since(checkpoints), None


def details(entry: AuditEntry) -> list[tuple[str, Any]]:
    """The entry's data as (key, value) pairs for the small print; nested values flattened to text."""
    out = []
    for key, value in sorted((entry.data or {}).items()):
        if isinstance(value, (dict, list)):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(
                str(v) for v in value)
        out.append((key, value))
    return out
