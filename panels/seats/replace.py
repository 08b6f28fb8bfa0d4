"""A seat falls vacant (the expert declined, stayed silent, or staff recorded a decline): promote the first
valid alternate or draw a replacement, and invite the successor when the rule set says so.

:func:`vacate_seat` is the one path for all three causes, so ``auto_invite_replacements`` applies alike to an
expert's decline from the mail, to silence at the deadline and to ``POST /panels/{id}/replacements``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select

from expert_pool.models import ConflictDeclaration
from ground import clock
from ground.actor import Actor
from ground.audit import record, record_many
from ground.clock import shanghai_date
from ground.errors import InvalidInput, NotFound
from ground.extensions import db
from ground.i18n import Msg, _l
from panels.models import ACTIVE_MEMBER, Booking, Invitation, Panel, PanelMember
from panels.seats.invite import create_invitation, invited_member_ids
from panels.seats.mail import response_deadline
from panels.services.draws import book, draw_round, lock_meeting_day
from panels.solver import Candidate, Quota, promote
from scheduling.models import Park


@dataclass
class SeatOutcome:
    successors: list[int]
    """The experts who now hold the vacated seat (a promoted alternate or the newly drawn)."""
    invitations: list[Invitation] = field(default_factory=list)
    """The successors' invitations, sent at once when the rule set says so."""
    not_invited: Msg | None = None
    """Why the successors were not invited although the rule set says so (the meeting is too close)."""


def vacate_seat(actor: Actor, panel: Panel, expert_id: int, reason: str, conflict_of_interest: bool,
                now: datetime) -> SeatOutcome:
    """The member ``expert_id`` gives up the seat: fill it (:func:`replace_member`) and, once the panel's
    invitations have begun and ``auto_invite_replacements`` (default true) says so, invite the successors.

    Raises :class:`InvalidInput` when no valid alternate and no replacement draw can fill the seat (nothing
    is then changed by this call: the request or the sweeper's tick rolls back or records it)."""
    before = {m.id for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER}
    inviting = panel.status in ("inviting", "confirmed")
    if panel.status == "confirmed":
        panel.status = "inviting"  # a seat is open again
    replace_member(actor, panel, expert_id, reason, conflict_of_interest, shanghai_date(now))
    db.session.flush()  # new members (a replacement draw) get their ids
    successors = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER
                  and m.id not in before]
    outcome = SeatOutcome([m.expert_id for m in successors])
    if not inviting or not bool(panel.rule_set.rules.get("auto_invite_replacements", True)):
        return outcome
    invited = invited_member_ids(panel)
    waiting = [m for m in successors if m.status == "drawn" and m.id not in invited]
    if not waiting:
        return outcome
    try:
        deadline = response_deadline(panel, None, now)
    except InvalidInput as exc:
        outcome.not_invited = exc.message
        return outcome
    outcome.invitations = [create_invitation(actor, panel, m, deadline, now) for m in waiting]
    record_many(actor, [("invitation.create", "invitation", i.id,
                         {"panel_id": panel.id, "expert_id": i.expert_id, "respond_by": i.respond_by,
                          "automatic": True}) for i in outcome.invitations], now=now)
    return outcome


def replace_member(actor: Actor, panel: Panel, expert_id: int, reason: str, conflict_of_interest: bool,
                   today: date) -> Panel:
    """A member declined: promote the first alternate whose promotion keeps every rule satisfied, else draw a
    replacement with the remaining members fixed. Nothing is deleted: the declined row keeps its outcome."""
    member = next((m for m in panel.members if m.expert_id == expert_id and m.role == "member"
                   and m.status in ACTIVE_MEMBER), None)
    if member is None:
        raise NotFound("not_a_member", _l(
            "Expert {expert_id} is not a current member of this panel.").format(
            expert_id=expert_id))
    lock_meeting_day(panel.meeting_date)
    member.status, member.status_reason = "declined", reason
    member.changed_at = clock.now()  # when the seat was given up (a late withdrawal is a conduct record)
    db.session.execute(delete(Booking).where(Booking.expert_id == expert_id, Booking.day == panel.meeting_date,
                                             Booking.panel_id == panel.id))
    if conflict_of_interest:
        db.session.add(ConflictDeclaration(expert_id=expert_id, park_id=panel.park_id, relation="interest",
                                           note=reason, valid_from=today, source="invitation"))
    record(actor, "panel.decline", "panel", panel.id, {"expert_id": expert_id, "reason": reason,
                                                       "conflict_of_interest": conflict_of_interest})
    remaining = [str(m.expert_id) for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    first = panel.draws[0]
    groups = {cid: frozenset(g) for cid, g in first.inputs["candidates"]}
    cands = {cid: Candidate(cid, g) for cid, g in groups.items()}
    rule_quotas = [Quota(g, lo, hi) for g, lo, hi in first.inputs["quotas"]]
    waiting = [m for m in sorted(panel.members, key=lambda m: m.rank) if m.role == "alternate"
               and m.status == "drawn"]
    booked_elsewhere = set(db.session.scalars(select(Booking.expert_id).where(
        Booking.day == panel.meeting_date, Booking.expert_id.in_([m.expert_id for m in waiting]))))
    candidates_in_order = [str(m.expert_id) for m in waiting if m.expert_id not in booked_elsewhere]
    chosen = promote([*remaining, str(expert_id)], str(expert_id), candidates_in_order, cands, rule_quotas)
    if chosen is not None:
        alt = next(m for m in waiting if str(m.expert_id) == chosen)
        alt.role, alt.status, alt.status_reason = "member", "drawn", f"promoted for {expert_id}"
        book(panel, [alt.expert_id])
        record(actor, "panel.promote", "panel", panel.id, {"expert_id": alt.expert_id, "replaces": expert_id})
        return panel
    park = db.session.get(Park, panel.park_id)
    declined = [str(m.expert_id) for m in panel.members if m.status in ("declined", "withdrawn")]
    draw, result = draw_round(actor, panel, park, purpose="replacement", fixed=remaining, excluded=declined,
                               alternates=0, seed=None, witness=None)
    new = [int(m) for m in result["drawn"]]
    for new_id in new:
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=new_id, role="member",
                                   status_reason=f"replacement for {expert_id}"))
    book(panel, new)
    return panel


