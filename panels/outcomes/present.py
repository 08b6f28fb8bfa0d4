"""A panel's meeting record as the API shows it to the convening authority and the Office."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from expert_pool.models import Expert
from ground.extensions import db
from ground.i18n import _l, _lp
from panels.models import Panel
from panels.outcomes.conclude import quorum_of
from panels.outcomes.meeting import meeting_of, seated_members
from panels.outcomes.models import PanelMeeting
from panels.rules.meeting_documents import (
    CHECKLIST_ITEMS,
    CHECKLIST_KEYS,
    FINDINGS,
    SCORE_SHEET_TEMPLATE,
    score_total,
)
from scheduling.rules.lifecycle import PanelKind, conclusions_for
from scheduling.wording import conclusion_name


def present_meeting(panel: Panel, meeting: PanelMeeting | None = None) -> dict[str, Any]:
    meeting = meeting or meeting_of(panel)
    seated = seated_members(panel)
    attendance = {a.expert_id: a for a in meeting.attendance} if meeting is not None else {}
    ids = {m.expert_id for m in seated} | set(attendance)
    names = dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(ids))).all()) \
        if ids else {}
    quorum = quorum_of(panel, meeting)
    out: dict[str, Any] = {
        "panel": {"id": panel.id, "kind": panel.kind, "meeting_date": panel.meeting_date, "status": panel.status,
                  "size": panel.size},
        "place": meeting.place if meeting else (panel.location or ""),
        "video_link": meeting.video_link if meeting else "",
        "start_time": meeting.start_time if meeting else None,
        "chair_expert_id": meeting.chair_expert_id if meeting else next(
            (m.expert_id for m in seated if m.is_chair), None),
        "opinion": meeting.opinion if meeting else "",
        "members": [{"expert_id": m.expert_id, "name": names.get(m.expert_id), "is_chair": m.is_chair,
                     "attendance": _attendance(attendance.get(m.expert_id))} for m in seated],
        "quorum": {"seats": quorum.seats, "required": quorum.required, "present": quorum.present,
                   "chair_required": quorum.chair_required, "chair_present": quorum.chair_present,
                   "met": quorum.met},
        "conclusions_allowed": [c.value for c in conclusions_for(panel.kind)],
        "conclusion": None,
    }
    if panel.kind == PanelKind.TECHNICAL_VERIFICATION:
        stored = (meeting.checklist if meeting else None) or {}
        out["checklist"] = []
        for key in CHECKLIST_KEYS:
            entry = stored.get(key) or {}
            finding = entry.get("finding")
            out["checklist"].append({
                "item": int(key), "text": _l(CHECKLIST_ITEMS[int(key) - 1]), "finding": finding,
                "finding_text": _lp("checklist finding", FINDINGS[finding]) if finding else None,
                "note": entry.get("note", "")})
    if panel.kind == PanelKind.PERFORMANCE_EVALUATION:
        rows = (meeting.score_sheet if meeting else None) or []
        out["score_sheet"] = rows
        out["score_total"] = score_total(rows)
        out["score_sheet_template"] = [{"item": item, "max": weight} for item, weight in SCORE_SHEET_TEMPLATE]
    if meeting is not None and meeting.conclusion is not None:
        out["conclusion"] = {"conclusion": meeting.conclusion, "name": conclusion_name(meeting.conclusion),
                             "reasons": meeting.reasons,
                             "excellent": meeting.excellent, "concluded_on": meeting.concluded_on,
                             "concluded_by": meeting.concluded_by, "effects": meeting.effects or {}}
    return out


def _attendance(row) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"status": row.status, "signed_in_at": row.signed_in_at, "left_at": row.left_at, "note": row.note,
            "recorded_by": row.recorded_by}
