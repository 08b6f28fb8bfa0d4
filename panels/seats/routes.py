"""HTTP API of a panel's seats: invitations, replacements, meetings moved or cancelled, an expert's own list."""

from __future__ import annotations

from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels.schemas import PanelSchema, ReplacementSchema
from panels.seats import invite as inviting
from panels.seats import meetings, present, schemas
from panels.seats.replace import vacate_seat
from panels.services import get_panel, present_panel

blp = Blueprint("seats", __name__, url_prefix="/api/v1",
                description="A panel's seats: invitations, replacements, meetings moved or cancelled")


@blp.route("/panels/<int:panel_id>/invitations", methods=["POST"])
@blp.arguments(schemas.InviteSchema)
@blp.response(201, schemas.InvitationListSchema)
def invite(data, panel_id):
    """Invite the drawn members (the convening authority; alternates once promoted); mails go after commit"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = get_panel(actor, panel_id, purpose="invite")
        return inviting.invite_members(actor, panel, respond_by=data.get("respond_by"),
                                       expert_ids=data.get("expert_ids"), now=now)

    created = retrying(work, what="invitations")
    return {"items": present.present_invitations(created, history=False), "total": len(created)}


@blp.route("/panels/<int:panel_id>/invitations", methods=["GET"])
@blp.arguments(schemas.PageQuerySchema, location="query")
@blp.response(200, schemas.InvitationPageSchema)
def list_invitations(args, panel_id):
    """Each invitation with its full history: queued, sent, delivered to the server, opened, answered"""
    actor = current_actor()
    panel = get_panel(actor, panel_id, purpose="invitations")
    return present.panel_invitations(actor, panel, args["page"], args["page_size"]), 200, {"Cache-Control": "no-store"}


@blp.route("/panels/<int:panel_id>/invitations/preview")
@blp.arguments(schemas.InvitationPreviewQuerySchema, location="query")
@blp.response(200, schemas.MailPreviewSchema)
def preview_invitation(args, panel_id):
    """The invitation mail and calendar entry as a member would get them (nothing is sent)"""
    actor = current_actor()
    panel = get_panel(actor, panel_id, purpose="invitation_preview")
    return present.invitation_preview(actor, panel, args.get("expert_id"), args.get("language"), clock.now())


@blp.route("/panels/<int:panel_id>/replacements", methods=["POST"])
@blp.arguments(ReplacementSchema)
@blp.response(200, PanelSchema)
def replace(data, panel_id):
    """A member declined: promote an alternate, or draw a replacement with the others fixed; the successor is
    invited at once when the rule set says so (as after a decline from the mail)"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = get_panel(actor, panel_id, purpose="replace")
        vacate_seat(actor, panel, data["expert_id"], data["reason"], data["conflict_of_interest"], now)
        return panel

    return present_panel(retrying(work, what="replacement"), reveal_all=actor.is_office)


@blp.route("/panels/<int:panel_id>/reschedule", methods=["POST"])
@blp.arguments(schemas.RescheduleSchema)
@blp.response(200, PanelSchema)
def reschedule(data, panel_id):
    """Move the meeting and/or change its place; invited experts get an updated calendar entry"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = get_panel(actor, panel_id, purpose="reschedule")
        return meetings.reschedule_meeting(actor, panel, meeting_date=data.get("meeting_date"),
                                           location=data.get("location"), reason=data["reason"], now=now)

    with refusals_on_record(actor):  # a move referred to the Office stays on record
        panel = retrying(work, what="reschedule")
    return present_panel(panel, reveal_all=actor.is_office)


@blp.route("/panels/<int:panel_id>/cancel", methods=["POST"])
@blp.arguments(schemas.CancelSchema)
@blp.response(200, PanelSchema)
def cancel(data, panel_id):
    """Cancel the meeting; bookings are released and invited experts get METHOD:CANCEL"""
    actor = current_actor()
    now = clock.now()

    def work():
        panel = get_panel(actor, panel_id, purpose="cancel")
        return meetings.cancel_meeting(actor, panel, reason=data["reason"], now=now)

    return present_panel(retrying(work, what="cancel"), reveal_all=actor.is_office)


@blp.route("/invitations/mine")
@blp.arguments(schemas.PageQuerySchema, location="query")
@blp.response(200, schemas.MyInvitationPageSchema)
def my_invitations(args):
    """The signed-in expert's own invitations"""
    return present.my_invitations(current_actor(), args["page"], args["page_size"], clock.now()), 200, {
        "Cache-Control": "no-store"}
