"""Conduct records: those the facts call for (a no-show from attendance; a late withdrawal and repeated declines
without a reason from the invitations themselves), kept in step with the facts (a corrected attendance voids
its record, never deletes it), and those the Office records (a breach of confidentiality, a complaint upheld)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from expert_pool.models import Expert
from ground.actor import SYSTEM, Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l
from panels.models import ACTIVE_MEMBER, Invitation, InvitationEvent, Panel, PanelMember
from panels.outcomes.models import Attendance, PanelMeeting
from panels.record.models import ConductRecord
from panels.rules.credit import AttendanceFact, InvitationFact, derived_conduct


def attendance_facts(expert_id: int) -> list[AttendanceFact]:
    rows = db.session.execute(
        select(Panel.id, Panel.meeting_date, Attendance.status)
        .join(PanelMeeting, PanelMeeting.panel_id == Panel.id)
        .join(Attendance, Attendance.meeting_id == PanelMeeting.id)
        .where(Attendance.expert_id == expert_id, Panel.status != "cancelled")).all()
    return [AttendanceFact(panel_id, on, status) for panel_id, on, status in rows]


def invitation_facts(expert_id: int) -> list[InvitationFact]:
    rows = db.session.execute(
        select(Invitation, PanelMember.status, PanelMember.changed_at, Panel.meeting_date, Panel.status)
        .join(PanelMember, PanelMember.id == Invitation.member_id).join(Panel, Panel.id == Invitation.panel_id)
        .where(Invitation.expert_id == expert_id)).all()
    reasons = dict(db.session.execute(
        select(InvitationEvent.invitation_id, InvitationEvent.detail)
        .where(InvitationEvent.kind == "declined",
               InvitationEvent.invitation_id.in_([inv.id for inv, *_ in rows]))).all()) if rows else {}
    out = []
    for inv, member_status, changed_at, meeting_date, panel_status in rows:
        answered = inv.responded_at or (inv.respond_by if inv.status == "expired" else None)
        withdrawn = shanghai_date(changed_at) if (inv.status == "accepted" and member_status not in ACTIVE_MEMBER
                                                  and panel_status != "cancelled") else None
        out.append(InvitationFact(inv.panel_id, meeting_date, inv.status,
                                  shanghai_date(answered) if answered else None,
                                  (reasons.get(inv.id) or {}).get("reason"), withdrawn))
    return out


def sync_conduct(expert_id: int, rules: dict[str, Any], now: datetime) -> list[ConductRecord]:
    """Bring the derived records in line with the facts; returns the records added (audited as the system's)."""
    wanted = {c.key: c for c in derived_conduct(expert_id, attendance_facts(expert_id), invitation_facts(expert_id),
                                                rules)}
    have = {r.key: r for r in db.session.scalars(select(ConductRecord).where(
        ConductRecord.expert_id == expert_id, ConductRecord.source == "derived"))}
    added = []
    for key, fact in wanted.items():
        row = have.get(key)
        if row is None:
            row = ConductRecord(expert_id=expert_id, kind=fact.kind, on=fact.on, panel_id=fact.panel_id,
                                source="derived", key=key, recorded_by="system", recorded_at=now)
            db.session.add(row)
            added.append(row)
        elif row.voided_at is not None:
            row.voided_at = None
            added.append(row)
    for key, row in have.items():
        if key not in wanted and row.voided_at is None:
            row.voided_at = now  # the facts changed (say the attendance was corrected)
            record(SYSTEM, "conduct.voided", "expert", expert_id, {"kind": row.kind, "key": key}, now=now)
    db.session.flush()
    for row in added:
        record(SYSTEM, "conduct.derived", "expert", expert_id,
               {"kind": row.kind, "on": row.on, "panel_id": row.panel_id, "key": row.key}, now=now)
    return added


def record_conduct(actor: Actor, expert: Expert, data: dict[str, Any], now: datetime) -> ConductRecord:
    """The Office records a breach of confidentiality or an upheld complaint (with the panel concerned)."""
    if not actor.is_office:
        raise Forbidden(None, _l("Only the Office records conduct."))
    on: date = data["on"]
    if on > shanghai_date(now):
        message = _l("The date cannot be in the future.")
        raise InvalidInput(None, message, {"on": [message]})
    panel_id = data.get("panel_id")
    if panel_id is not None:
        if db.session.get(Panel, panel_id) is None:
            raise not_found(_l("Panel"), panel_id)
        served = db.session.scalar(select(PanelMember.id).where(PanelMember.panel_id == panel_id,
                                                                PanelMember.expert_id == expert.id).limit(1))
        if served is None:
            message = _l("Expert {id} was not on panel {panel_id}.").format(id=expert.id, panel_id=panel_id)
            raise InvalidInput("not_a_member", message, {"panel_id": [message]})
    row = ConductRecord(expert_id=expert.id, kind=data["kind"], on=on, panel_id=panel_id, source="office",
                        note=data["note"], recorded_by=actor.label, recorded_at=now)
    db.session.add(row)
    db.session.flush()
    record(actor, "conduct.recorded", "expert", expert.id,
           {"id": row.id, "kind": row.kind, "on": on, "panel_id": panel_id, "note": row.note}, now=now)
    return row


def conduct_of(expert_id: int) -> list[ConductRecord]:
    """The expert's records in force, newest first."""
    return list(db.session.scalars(select(ConductRecord).where(
        ConductRecord.expert_id == expert_id, ConductRecord.voided_at.is_(None))
        .order_by(ConductRecord.on.desc(), ConductRecord.id)))
