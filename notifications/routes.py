"""HTTP API of invitations, meetings (move, cancel) and the mail outbox."""

from __future__ import annotations

from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor
from ground.uow import retrying
from notifications import schemas, services
from panels.schemas import PanelSchema
from panels.services import present_panel

blp = Blueprint("notifications", __name__, url_prefix="/api/v1",
                description="Invitations to panels, meetings moved or cancelled, and the mail outbox")


@blp.route("/panels/<int:panel_id>/invitations", methods=["POST"])
@blp.arguments(schemas.InviteSchema)
@blp.response(201, schemas.InvitationListSchema)
def invite(data, panel_id):
    """Invite the drawn members (the convening authority; alternates once promoted); mails go after commit"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = services.managed_panel(actor, panel_id, "invite")
        return services.invite_members(actor, panel, respond_by=data.get("respond_by"),
                                       expert_ids=data.get("expert_ids"), now=now)

    created = retrying(work, what="invitations")
    return {"items": services.present_invitations(created, history=False), "total": len(created)}


@blp.route("/panels/<int:panel_id>/invitations", methods=["GET"])
@blp.arguments(schemas.PageQuerySchema, location="query")
@blp.response(200, schemas.InvitationPageSchema)
def list_invitations(args, panel_id):
    """Each invitation with its full history: queued, sent, delivered to the server, opened, answered"""
    panel = services.managed_panel(current_actor(), panel_id, "invitations")
    return services.panel_invitations(panel, args["page"], args["page_size"]), 200, {"Cache-Control": "no-store"}


@blp.route("/panels/<int:panel_id>/invitations/preview")
@blp.arguments(schemas.InvitationPreviewQuerySchema, location="query")
@blp.response(200, schemas.MailPreviewSchema)
def preview_invitation(args, panel_id):
    """The invitation mail and calendar entry as a member would get them (nothing is sent)"""
    panel = services.managed_panel(current_actor(), panel_id, "invitation_preview")
    return services.invitation_preview(panel, args.get("expert_id"), args.get("language"), clock.now())


@blp.route("/panels/<int:panel_id>/reschedule", methods=["POST"])
@blp.arguments(schemas.RescheduleSchema)
@blp.response(200, PanelSchema)
def reschedule(data, panel_id):
    """Move the meeting and/or change its place; invited experts get an updated calendar entry"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = services.managed_panel(actor, panel_id, "reschedule")
        return services.reschedule_meeting(actor, panel, meeting_date=data.get("meeting_date"),
                                           location=data.get("location"), reason=data["reason"], now=now)

    return present_panel(retrying(work, what="reschedule"))


@blp.route("/panels/<int:panel_id>/cancel", methods=["POST"])
@blp.arguments(schemas.CancelSchema)
@blp.response(200, PanelSchema)
def cancel(data, panel_id):
    """Cancel the meeting; bookings are released and invited experts get METHOD:CANCEL"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = services.managed_panel(actor, panel_id, "cancel")
        return services.cancel_meeting(actor, panel, reason=data["reason"], now=now)

    return present_panel(retrying(work, what="cancel"))


@blp.route("/invitations/mine")
@blp.arguments(schemas.PageQuerySchema, location="query")
@blp.response(200, schemas.MyInvitationPageSchema)
def my_invitations(args):
    """The signed-in expert's own invitations"""
    return services.my_invitations(current_actor(), args["page"], args["page_size"], clock.now()), 200, {
        "Cache-Control": "no-store"}


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
