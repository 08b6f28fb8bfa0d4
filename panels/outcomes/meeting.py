"""Writing a panel's meeting record and its attendance (the convening authority, or the Office).

The record opens when it is first written and is frozen once the panel concluded. Attendance is recorded on
or after the meeting day, only for the panel's seated members (refused for anyone else, naming the ids).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ground.actor import Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, InvalidInput
from ground.extensions import db
from ground.i18n import Msg, _l
from panels.models import ACTIVE_MEMBER, Panel, PanelMember
from panels.outcomes.models import Attendance, PanelMeeting
from panels.rules.meeting_documents import CHECKLIST_KEYS, score_sheet_problems
from panels.rules.quorum import ABSENT, LEFT_EARLY
from scheduling.rules.lifecycle import PanelKind
from scheduling.wording import rule_text


def seated_members(panel: Panel) -> list[PanelMember]:
    """The members holding the panel's seats (drawn, invited or accepted), the chair first."""
    seated = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    return sorted(seated, key=lambda m: (not m.is_chair, m.id))


def meeting_of(panel: Panel, *, lock: bool = False) -> PanelMeeting | None:
    query = select(PanelMeeting).where(PanelMeeting.panel_id == panel.id)
    return db.session.scalar(query.with_for_update() if lock else query)


def open_meeting(actor: Actor, panel: Panel, now: datetime) -> PanelMeeting:
    """The record to write to: refused for a cancelled panel and once concluded; created on first use."""
    if panel.status == "cancelled":
        raise Conflict("panel_closed", _l("The panel is cancelled."))
    meeting = meeting_of(panel, lock=True)
    if meeting is not None and meeting.conclusion is not None:
        raise Conflict("meeting_concluded", _l("The panel has concluded; its meeting record can no longer change."))
    if meeting is None:
        chair = next((m.expert_id for m in seated_members(panel) if m.is_chair), None)
        meeting = PanelMeeting(panel_id=panel.id, chair_expert_id=chair, place=panel.location or "", opinion="",
                               reasons="", updated_by=actor.label, updated_at=now)
        db.session.add(meeting)
    return meeting


def _field_error(field: str, message: Msg, code: str | None = None) -> InvalidInput:
    return InvalidInput(code, message, {field: [message]})


def update_meeting(actor: Actor, panel: Panel, data: dict[str, Any], now: datetime) -> PanelMeeting:
    """Write the given parts of the record (the others stay as they are)."""
    meeting = open_meeting(actor, panel, now)
    if "chair_expert_id" in data and data["chair_expert_id"] not in {m.expert_id for m in seated_members(panel)}:
        raise _field_error("chair_expert_id", _l("The chair must be a member of the panel."),
                           "not_a_member")
    if data.get("checklist") is not None:
        if panel.kind != PanelKind.TECHNICAL_VERIFICATION:
            raise _field_error("checklist", _l("The check-list is for technical verification panels only."))
        unknown = sorted(set(data["checklist"]) - set(CHECKLIST_KEYS))
        if unknown:
            raise _field_error("checklist", _l(
                "The items are Art. 17 (1)-(7); there is no {unknown}.").format(
                unknown=unknown))
        data["checklist"] = {**(meeting.checklist or {}), **data["checklist"]}
    if data.get("score_sheet") is not None:
        if panel.kind != PanelKind.PERFORMANCE_EVALUATION:
            raise _field_error("score_sheet", _l("The score sheet is for performance evaluation panels only."))
        problems = score_sheet_problems(data["score_sheet"])
        if problems:
            raise InvalidInput("bad_score_sheet", rule_text(problems[0]),
                               {"score_sheet": [rule_text(p) for p in problems]})
    changed = sorted(k for k in data if getattr(meeting, k) != data[k])
    for key, value in data.items():
        setattr(meeting, key, value)
    meeting.updated_by, meeting.updated_at = actor.label, now
    db.session.flush()
    record(actor, "panel.meeting_recorded", "panel", panel.id, {"changed": changed}, now=now)
    return meeting


def record_attendance(actor: Actor, panel: Panel, entries: list[dict[str, Any]], now: datetime) -> PanelMeeting:
    """Record (or correct) members' attendance: on or after the meeting day, for seated members only."""
    today = shanghai_date(now)
    if today < panel.meeting_date:
        raise Conflict("meeting_not_held", _l(
            "The meeting is on {meeting_date}; attendance is recorded on that day or later.").format(
            meeting_date=panel.meeting_date))
    seated = {m.expert_id for m in seated_members(panel)}
    ids = [e["expert_id"] for e in entries]
    strangers = sorted({i for i in ids if i not in seated})
    if strangers:
        raise InvalidInput("not_a_member", _l(
            "These experts are not members of the panel: {strangers}.").format(
            strangers=strangers),
                           {"entries": [_l("Only the panel's members attend.")]},
                           {"experts": strangers})
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise _field_error("entries", _l("Experts listed twice: {twice}.").format(twice=twice))
    for entry in entries:
        _check_times(entry)
    meeting = open_meeting(actor, panel, now)
    mine = {a.expert_id: a for a in meeting.attendance}
    for entry in entries:
        row = mine.get(entry["expert_id"])
        if row is None:
            row = Attendance(expert_id=entry["expert_id"], recorded_by=actor.label)
            meeting.attendance.append(row)
        row.status, row.signed_in_at, row.left_at = entry["status"], entry.get("signed_in_at"), entry.get("left_at")
        row.note, row.recorded_by, row.recorded_at = entry.get("note") or "", actor.label, now
    db.session.flush()
    record(actor, "panel.attendance_recorded", "panel", panel.id,
           {"entries": [{"expert_id": e["expert_id"], "status": e["status"]} for e in entries]}, now=now)
    return meeting


def _check_times(entry: dict[str, Any]) -> None:
    status, arrived, left = entry["status"], entry.get("signed_in_at"), entry.get("left_at")
    who = entry["expert_id"]
    if status == ABSENT and (arrived or left):
        raise _field_error("entries", _l("Expert {who} is absent: no sign-in or leaving time.").format(who=who))
    if status == LEFT_EARLY and left is None:
        raise _field_error("entries", _l("Expert {who} left early: give the time they left.").format(who=who))
    if status != LEFT_EARLY and left is not None:
        raise _field_error("entries", _l(
            "Only a member who left early has a leaving time (expert {who}).").format(
            who=who))
    if arrived and left and left <= arrived:
        raise _field_error("entries", _l("Expert {who} must leave after signing in.").format(who=who))

