"""The expert's answer: accept with the pledge (Art. 37, 39), or decline and hand the seat over.

Each decision is a conditional ``UPDATE ... WHERE status = 'pending' AND respond_by > now``, so of two
concurrent POSTs exactly one wins."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import update

from ground.actor import Actor
from ground.audit import record
from ground.errors import InvalidInput
from ground.extensions import db
from ground.i18n import Msg, _l
from panels.models import ACTIVE_MEMBER, Invitation, Panel, PanelMember, add_event
from panels.seats.links import LinkProblem, check_answerable, link_actor
from panels.seats.mail import (
    queue_invitation_mail,
)
from panels.seats.replace import vacate_seat

log = logging.getLogger(__name__)


PLEDGE_VERSION = "2026-1"
PLEDGE = _l(
    "I undertake to review independently, objectively and impartially, free from interference by anyone; I have no "
    "interest in the park, its management agency, the companies in it or the third parties that prepared its plan "
    "or data, and will ask to be recused if I do; I will keep confidential all materials, information and opinions "
    "I learn in the review and not disclose them.")
DECLINE_REASONS: dict[str, Msg] = {
    "schedule": _l("I am not available on that date"),
    "conflict_of_interest": _l("I have a conflict of interest and must be recused"),
    "health": _l("Health reasons"),
    "other": _l("Another reason"),
}
SILENCE_REASON = "no response by the deadline (counts as a decline)"


# --- answering -----------------------------------------------------------------------------------------------------

def record_opened(invitation: Invitation, now: datetime, user_agent: str) -> None:
    """The confirmation page was shown (by the expert, or by a mail scanner following the link)."""
    if invitation.opened_at is None:
        invitation.opened_at = now
    add_event(invitation, "opened", now, user_agent=user_agent[:200])


def _decide(invitation: Invitation, now: datetime, **values: Any) -> None:
    """Take the pending invitation's single decision, or raise the reason it is no longer available."""
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending",
                                 Invitation.respond_by > now).values(responded_at=now, **values),
        execution_options={"synchronize_session": False})
    db.session.refresh(invitation)
    if result.rowcount != 1:
        check_answerable(invitation, now)
        raise LinkProblem(409, "already_answered", _l("You have already answered this invitation."), invitation)


def _confirm_if_complete(panel: Panel) -> None:
    seated = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    if panel.status in ("drawn", "inviting") and len(seated) >= panel.size and all(
            m.status == "accepted" for m in seated):
        panel.status = "confirmed"


def accept_invitation(invitation: Invitation, *, pledge: bool, now: datetime) -> Invitation:
    """Accept with the independence and confidentiality pledge (Art. 37, 39) ticked."""
    if not pledge:
        raise InvalidInput("pledge_required", _l(
            "Accepting requires ticking the independence and confidentiality pledge."),
                           {"pledge": [_l("Please tick the pledge.")]})
    _decide(invitation, now, status="accepted", pledge_version=PLEDGE_VERSION)
    member = db.session.get(PanelMember, invitation.member_id)
    member.status, member.changed_at = "accepted", now
    add_event(invitation, "accepted", now, pledge_version=PLEDGE_VERSION)
    panel = db.session.get(Panel, invitation.panel_id)
    _confirm_if_complete(panel)
    record(link_actor(invitation), "invitation.accept", "invitation", invitation.id,
           {"panel_id": panel.id, "expert_id": invitation.expert_id, "pledge_version": PLEDGE_VERSION}, now=now)
    queue_invitation_mail(invitation, "invitation_accepted", now, key="accepted")
    return invitation


def decline_reason_text(code: str, note: str) -> str:
    label = DECLINE_REASONS[code]
    return f"{code}: {label.zh}" + (f" — {note.strip()}" if note.strip() else "")


def decline_invitation(invitation: Invitation, *, reason: str, note: str, now: datetime) -> list[Invitation]:
    """Decline; the seat goes to the next valid alternate or a replacement draw (who is invited at once when
    the rule set says so). "Conflict of interest" is recorded as a declared conflict with the park, which
    recusal applies to every later draw for it. Returns the invitations sent to replacements."""
    if reason not in DECLINE_REASONS:
        raise InvalidInput("invalid_reason", _l("Please choose a reason."),
                           {"reason": [_l("Choose one.")]})
    if reason == "other" and not note.strip():
        raise InvalidInput("reason_note_required", _l("Please say briefly why when choosing 'another reason'."),
                           {"note": [_l("Required.")]})
    conflict = reason == "conflict_of_interest"
    text = decline_reason_text(reason, note)
    _decide(invitation, now, status="declined", decline_reason=text, conflict_of_interest=conflict)
    add_event(invitation, "declined", now, reason=reason, note=note.strip()[:500], conflict_of_interest=conflict)
    panel = db.session.get(Panel, invitation.panel_id)
    return hand_over_seat(link_actor(invitation), panel, invitation, text, conflict, now)


def hand_over_seat(actor: Actor, panel: Panel, invitation: Invitation, reason: str, conflict: bool,
                   now: datetime) -> list[Invitation]:
    """The expert declined or stayed silent: the seat goes on as when staff record a decline
    (:func:`panels.seats.replace.vacate_seat`); when no one can take it, the decline stands and staff must act."""
    try:
        outcome = vacate_seat(actor, panel, invitation.expert_id, reason, conflict, now)
    except InvalidInput as exc:
        # No valid alternate and no feasible replacement draw: the decline stands, staff must act.
        log.warning("panel %s: no replacement for expert %s: %s", panel.id, invitation.expert_id, exc.message.en)
        add_event(invitation, "replacement_failed", now, message_zh=exc.message.zh, message_en=exc.message.en)
        return []
    invited = [i.expert_id for i in outcome.invitations]
    if outcome.not_invited:  # the meeting is too close to invite anyone by mail
        add_event(invitation, "replacement", now, experts=outcome.successors, invited=invited,
                  note=outcome.not_invited.en)
    else:
        add_event(invitation, "replacement", now, experts=outcome.successors, invited=invited)
    return outcome.invitations
