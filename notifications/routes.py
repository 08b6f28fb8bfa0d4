"""HTTP API of the mail outbox and the mail templates (the Office)."""

from __future__ import annotations

from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor
from notifications import schemas, services

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="The mail outbox and the mail templates")


@blp.route("/outbox")
@blp.arguments(schemas.OutboxQuerySchema, location="query")
@blp.response(200, schemas.OutboxPageSchema)
def list_outbox(args):
    """Outgoing mail, newest first; ``state=dead`` lists what needs staff attention (Office)"""
    services.require_office(current_actor())
    return services.outbox_page(args.get("state"), args.get("related_type"), args.get("related_id"),
                                args["page"], args["page_size"])


@blp.route("/outbox/<int:message_id>")
@blp.response(200, schemas.OutboxMessageDetailSchema)
def read_outbox(message_id):
    """One mail as rendered when queued, with its attempts and the server's reply (Office)"""
    return services.get_outbox_message(current_actor(), message_id)


@blp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@blp.response(200, schemas.OutboxMessageSchema)
def retry_outbox(message_id):
    """Queue a dead mail again for an immediate attempt, with a fresh attempt budget (Office)"""
    return services.retry_outbox_message(current_actor(), message_id, clock.now())


@blp.route("/mail-templates/preview", methods=["POST"])
@blp.arguments(schemas.TemplatePreviewSchema)
@blp.response(200, schemas.MailPreviewSchema)
def preview_template(data):
    """Render any mail template with a given context (Office)"""
    services.require_office(current_actor())
    return services.preview_template(data["template"], data["language"], data["context"])
