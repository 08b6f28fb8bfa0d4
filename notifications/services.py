"""The outbox as staff administer it (list, read, retry a dead mail, preview a template), and the entry point
other packages queue mail through (:func:`queue_mail`, re-exported from :mod:`notifications.outbox`).

Mail only: this package takes recipients, template names and contexts, and knows nothing of panels, parks
or experts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ground.actor import Actor
from ground.audit import record
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l
from notifications.delivery import retry_message
from notifications.models import OutboxMessage
from notifications.outbox import queue_mail
from notifications.rendering import TemplateProblem, json_ready, render_mail, template_names

__all__ = ["queue_mail"]  # the promised entry point for other packages (``scheduling.notices``)


def outbox_page(state: str | None, related_type: str | None, related_id: str | None, page: int,
                page_size: int) -> dict[str, Any]:
    query = select(OutboxMessage)
    if state:
        query = query.where(OutboxMessage.state == state)
    if related_type:
        query = query.where(OutboxMessage.related_type == related_type)
    if related_id:
        query = query.where(OutboxMessage.related_id == related_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * page_size)
                                   .limit(page_size)))
    return {"items": rows, "total": total, "page": page, "page_size": page_size}


def require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise Forbidden(None, _l("The mail outbox is for the Office only."))


def get_outbox_message(actor: Actor, message_id: int) -> OutboxMessage:
    require_office(actor)
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        raise not_found(_l("Mail"), message_id)
    return row


def retry_outbox_message(actor: Actor, message_id: int, now: datetime) -> OutboxMessage:
    """Staff put a dead mail back in the queue (e.g. after fixing the address or the mail server)."""
    row = get_outbox_message(actor, message_id)
    if row.state not in ("dead", "queued"):
        raise Conflict("not_retryable", _l("A mail in state {state} cannot be retried.").format(state=row.state))
    previous = (row.state, row.attempts, row.last_error)
    retry_message(row, now)
    record(actor, "outbox.retry", "outbox_message", row.id,
           {"previous_state": previous[0], "attempts": previous[1], "last_error": previous[2]}, now=now)
    return row


def preview_template(template: str, language: str, context: dict[str, Any]) -> dict[str, Any]:
    if template not in template_names():
        raise InvalidInput("unknown_template", _l("No mail template {template}.").format(template=template),
                           {"template": [_l("Unknown template.")]})
    try:
        rendered = render_mail(template, language, json_ready(context))
    except TemplateProblem as exc:
        raise InvalidInput("template_context", _l("The template does not render: {exc}").format(exc=exc),
                           {"context": [str(exc)]}) from exc
    return {"template": template, "language": language, "subject": rendered.subject, "text": rendered.text,
            "html": rendered.html}
