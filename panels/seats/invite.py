"""Inviting the members of a panel (alternates only once promoted to members)."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select

from expert_pool.models import Expert
from ground.actor import Actor
from ground.audit import record_many
from ground.errors import Conflict, InvalidInput
from ground.extensions import db
from ground.i18n import _l
from panels.models import Invitation, Panel, PanelMember, add_event
from panels.seats.mail import (
    queue_invitation_mail,
    reminder_time,
    response_deadline,
)

# --- inviting ------------------------------------------------------------------------------------------------------

def create_invitation(actor: Actor, panel: Panel, member: PanelMember, deadline: datetime,
                       now: datetime) -> Invitation:
    expert = db.session.get(Expert, member.expert_id)
    invitation = Invitation(panel_id=panel.id, member_id=member.id, expert_id=expert.id, status="pending",
                            nonce=secrets.token_hex(16), language=expert.language if expert.language in ("zh", "en")
                            else "zh", respond_by=deadline, remind_at=reminder_time(deadline, now),
                            ical_sequence=0, created_by=actor.label, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    member.status, member.changed_at = "invited", now
    add_event(invitation, "created", now, by=actor.label, respond_by=deadline.isoformat())
    queue_invitation_mail(invitation, "invitation", now, key="invitation", method="REQUEST")
    return invitation


def invited_member_ids(panel: Panel) -> set[int]:
    return set(db.session.scalars(select(Invitation.member_id).where(Invitation.panel_id == panel.id)))


def invite_members(actor: Actor, panel: Panel, *, respond_by: date | None, expert_ids: list[int] | None,
                   now: datetime) -> list[Invitation]:
    """Invite the panel's drawn members not invited yet (all of them, or those in ``expert_ids``).

    Alternates are not invited: they are invited when a decline promotes them to members."""
    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", _l("The panel is cancelled or was held; no more invitations."))
    deadline = response_deadline(panel, respond_by, now)
    invited = invited_member_ids(panel)
    members = [m for m in panel.members if m.role == "member" and m.status == "drawn" and m.id not in invited]
    if expert_ids is not None:
        wanted = set(expert_ids)
        unknown = wanted - {m.expert_id for m in members}
        if unknown:
            raise InvalidInput("not_invitable", _l(
                "Experts {unknown} are not members "
                "waiting for an invitation (an "
                "alternate must be promoted first).").format(
                unknown=sorted(unknown)), {"expert_ids": [_l("Not invitable.")]})
        members = [m for m in members if m.expert_id in wanted]
    created = [create_invitation(actor, panel, m, deadline, now) for m in members]
    if created and panel.status == "drawn":
        panel.status = "inviting"
    record_many(actor, [("invitation.create", "invitation", i.id,
                         {"panel_id": panel.id, "expert_id": i.expert_id, "respond_by": i.respond_by})
                        for i in created], now=now)
    return created
