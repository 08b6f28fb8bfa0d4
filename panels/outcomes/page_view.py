"""What the meeting's page shows, read through the same services as the API, in the reader's words: the record,
attendance with the quorum as a picture, the documents the kind asks for, the conclusion and what it did."""

from __future__ import annotations

from datetime import date
from typing import Any

from ground.extensions import db
from ground.i18n import _l, _ln, _lp, as_is
from panels.models import Panel
from panels.outcomes.present import present_meeting
from panels.rules.meeting_documents import FINDINGS
from panels.rules.quorum import ABSENT, ATTENDANCE_STATUSES, LEFT_EARLY, PRESENT
from scheduling.models import Park
from scheduling.pages.common import Failure, convener_name, day, say
from scheduling.rules.lifecycle import PANEL_KIND_NAMES, PanelKind
from scheduling.wording import action_name, conclusion_name, state_name

ATTENDANCE_NAMES = {PRESENT: _l("present"), ABSENT: _l("absent"),
                    LEFT_EARLY: _l("left early")}
STATUS_NAMES = {"drawn": _l("drawn"), "inviting": _l("inviting"),
                "confirmed": _l("confirmed"), "held": _l("held"),
                "cancelled": _l("cancelled")}
# seat colours of the attendance picture; the legend and the text beside it say the same in words
SEAT_FILL = {PRESENT: "#2e7d32", LEFT_EARLY: "#ef6c00", ABSENT: "#c62828", None: "#ffffff"}


def _kind_name(kind: str) -> str:
    try:
        name = say(_l(PANEL_KIND_NAMES[PanelKind(kind)]))
    except ValueError:
        return kind
    return name[:1].upper() + name[1:]  # a heading


def seats_picture(members: list[dict[str, Any]], size: int, quorum: dict[str, Any]) -> dict[str, Any]:
    """The panel's seats as circles, coloured by attendance, the chair ringed; vacant seats dashed."""
    per_row, step = 8, 40
    seats, vacant = [], say(_l("vacant"))
    for i in range(max(size, len(members))):
        member = members[i] if i < len(members) else None
        status = (member.get("attendance") or {}).get("status") if member else None
        seats.append({"x": 22 + (i % per_row) * step, "y": 22 + (i // per_row) * step,
                      "fill": SEAT_FILL.get(status, "#ffffff"), "chair": bool(member and member["is_chair"]),
                      "vacant": member is None,
                      "label": (member.get("name") or str(member["expert_id"])) if member else vacant})
    rows = (len(seats) + per_row - 1) // per_row or 1
    summary = say(_ln(
        "{present} of {seats} seat present; quorum {required}",
        "{present} of {seats} seats present; quorum {required}",
        quorum['seats'], present=quorum['present'], seats=quorum['seats'], required=quorum['required']))
    return {"seats": seats, "width": 4 + min(len(seats), per_row) * step, "height": 4 + rows * step,
            "summary": summary}


def _effects(effects: dict[str, Any]) -> list[str]:
    out = [say(action_name(t["action"])) for t in effects.get("transitions") or []]
    if effects.get("proposals"):
        out.append(say(_l("a decision was proposed (awaiting the decision)")))
    if effects.get("state"):
        out.append(say(_l("The park is now: ")) + say(state_name(effects["state"])))
    return out


def meeting_context(panel: Panel, today: date, failure: Failure | None = None) -> dict[str, Any]:
    meeting = present_meeting(panel)
    park = db.session.get(Park, panel.park_id)
    members = meeting["members"]
    for m in members:
        m["is_chair"] = m["expert_id"] == meeting["chair_expert_id"]  # who chairs the meeting, not who was drawn to
        status = (m.get("attendance") or {}).get("status")
        m["attendance_name"] = say(ATTENDANCE_NAMES[status]) if status else say(_l("not recorded"))
    conclusion = meeting["conclusion"]
    if conclusion:
        meeting["conclusion"] = {**conclusion, "name": say(conclusion["name"]),
                                 "effects_text": _effects(conclusion["effects"])}
    return {
        "panel": panel, "park": park, "today": today.isoformat(), "meeting": meeting, "failure": failure,
        "members": members,
        "kind_name": _kind_name(panel.kind), "convener": convener_name(panel.convened_by),
        "status_name": say(STATUS_NAMES.get(panel.status, as_is(panel.status))),
        "meeting_day": day(panel.meeting_date), "picture": seats_picture(members, panel.size, meeting["quorum"]),
        "attendance_choices": [(s, say(ATTENDANCE_NAMES[s])) for s in ATTENDANCE_STATUSES],
        "conclusion_choices": [(c, say(conclusion_name(c))) for c in meeting["conclusions_allowed"]],
        "finding_choices": [(code, say(_lp("checklist finding", name))) for code, name in FINDINGS.items()],
        "checklist": [{**item, "text": say(item["text"]), "finding_text": say(item["finding_text"])}
                      for item in meeting.get("checklist") or []],
        "score_rows": meeting.get("score_sheet") or meeting.get("score_sheet_template") or [],
        "is_evaluation": panel.kind == PanelKind.PERFORMANCE_EVALUATION,
        "open": conclusion is None and panel.status != "cancelled",
    }
