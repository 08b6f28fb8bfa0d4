"""The mail outbox, queueing side: a mail is rendered and written in the business transaction, so a
rolled-back change sends nothing; ``dedupe_key`` makes queueing idempotent. Delivery after commit is
:mod:`notifications.delivery`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from flask import current_app
from sqlalchemy import select

from ground import clock
from ground.extensions import db
from notifications.models import OutboxAttachment, OutboxMessage
from notifications.rendering import json_ready, render_mail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str  # may carry parameters: ``text/calendar; method=REQUEST; charset=UTF-8``
    data: bytes


# --- queueing -----------------------------------------------------------------------------------------------

def _message_id_domain() -> str:
    configured = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN")
    if configured:
        return configured
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    address = parseaddr(sender if isinstance(sender, str) else sender[1])[1]
    return address.rpartition("@")[2] or "ecopanel.invalid"


def _insert_once(values: dict[str, Any]) -> int | None:
    """Insert unless a row with the same dedupe key exists (whatever the concurrency: ON CONFLICT DO NOTHING,
    no savepoint needed); the new id, or None."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = (dialect_insert(OutboxMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id))
    return db.session.execute(statement).scalar()


def queue_mail(recipients: list[str], template: str, context: dict, *, language: str = "zh",
               dedupe_key: str | None = None, related: tuple[str, str] | None = None,
               not_before: datetime | None = None,
               attachments: list[MailAttachment] | None = None) -> OutboxMessage:
    """Render ``template`` in ``language`` and queue it to ``recipients`` in the current transaction.

    The row goes out after the caller commits (never if it rolls back). With ``dedupe_key``, queueing the
    same key again returns the row already queued instead of a second mail. ``related`` ties the mail to a
    business object (``("invitation", "12")``) for its history; ``not_before`` delays the first attempt.
    """
    addresses = list(dict.fromkeys(a.strip() for a in recipients if a and a.strip()))
    if not addresses:
        raise ValueError("a mail needs at least one recipient")
    if dedupe_key is not None:
        existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    stored_context = json_ready(context)
    rendered = render_mail(template, language, stored_context)
    now = clock.now()
    values = {
        # random and short (no header folding); fixed here, so every attempt carries the same one
        "message_id": f"<{uuid.uuid4().hex}@{_message_id_domain()}>",
        "state": "queued", "recipients": addresses, "template": template, "language": language,
        "context": stored_context, "subject": rendered.subject, "body_text": rendered.text,
        "body_html": rendered.html, "dedupe_key": dedupe_key,
        "related_type": related[0] if related else None, "related_id": str(related[1]) if related else None,
        "attempts": 0, "max_attempts": int(current_app.config["OUTBOX_MAX_ATTEMPTS"]),
        "next_attempt_at": not_before or now, "created_at": now,
    }
    files = [OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
             for a in attachments or ()]
    if dedupe_key is None:
        row = OutboxMessage(**values, attachments=files)
        db.session.add(row)
        db.session.flush()
        return row
    row_id = _insert_once(values)
    if row_id is None:  # a concurrent transaction queued the same key first
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    row = db.session.get(OutboxMessage, row_id)
    row.attachments.extend(files)
    db.session.flush()
    return row
