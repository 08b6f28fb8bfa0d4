"""The honoraria's fee sheet of a held meeting, for finance: one line per seated member (attendance, days, the
rate of their title from the Office's table in use, the chair's extra, travel from another city than the park's),
as an XLSX workbook written by the pool's spreadsheet writer (every text cell typed as text, formulas
neutralised: a name or organisation starting with "=" stays text)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from expert_pool.models import Expert
from expert_pool.rules.tabular.writing import write_xlsx
from expert_pool.services import present as present_expert
from ground.actor import Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict
from ground.extensions import db
from ground.i18n import _l
from panels.models import Panel
from panels.outcomes.meeting import meeting_of, seated_members
from panels.record.rule_data import current_fee_table
from panels.rules.fees import FeeMember, fee_lines
from scheduling.models import Park

COLUMNS = ("expert_id", "name", "title", "organization", "city", "role", "attendance", "days", "rate",
           "chair_extra", "travel", "travel_allowance", "amount")
HEADERS = {"expert_id": ("专家编号", "Expert id"), "name": ("姓名", "Name"), "title": ("职称", "Title"),
           "organization": ("工作单位", "Organisation"), "city": ("所在城市", "City"), "role": ("角色", "Role"),
           "attendance": ("出席情况", "Attendance"), "days": ("计酬天数", "Days paid"),
           "rate": ("日标准（元）", "Rate per day (CNY)"), "chair_extra": ("组长加发（元/天）", "Chair extra per day"),
           "travel": ("异地专家", "From another city"), "travel_allowance": ("交通补助（元）", "Travel allowance"),
           "amount": ("应发金额（元）", "Amount (CNY)")}
TITLES = {"senior": ("正高级", "Senior"), "deputy_senior": ("副高级", "Deputy senior"),
          "intermediate": ("中级", "Intermediate"), "junior": ("初级", "Junior")}
ATTENDANCE = {"present": ("出席", "Present"), "left_early": ("提前离会", "Left early"), "absent": ("缺席", "Absent"),
              None: ("未记录", "Not recorded")}


def fee_sheet(actor: Actor, panel: Panel, days: int, lang: str, now: datetime) -> tuple[bytes, dict[str, Any]]:
    """The workbook and its figures; 409 ``meeting_not_held`` before the meeting's attendance is recorded."""
    meeting = meeting_of(panel)
    if meeting is None or not meeting.attendance or shanghai_date(now) < panel.meeting_date:
        raise Conflict("meeting_not_held", _l(
            "The meeting has not been held or its attendance is not recorded; there is no fee sheet yet."))
    park = db.session.get(Park, panel.park_id)
    attendance = {a.expert_id: a.status for a in meeting.attendance}
    seated = seated_members(panel)
    ids = [m.expert_id for m in seated]
    experts = {e.id: e for e in db.session.scalars(select(Expert).where(Expert.id.in_(ids)))}
    chair = meeting.chair_expert_id
    members = [FeeMember(e.id, e.name, e.title_rank, e.organization.name, e.city or "", e.id == chair,
                         attendance.get(e.id)) for e in (experts[i] for i in ids)]
    table = current_fee_table()
    lines = fee_lines(members, days, park.city or "", table.rates)
    i = 0 if lang == "zh" else 1
    # The city as the pool shows it to the reader: a number written inside masked for all but the Office
    # (red-team finding 12); the travel allowance above was judged on the city as stored.
    cities = {e.id: present_expert(actor, e).city or "" for e in experts.values()}
    rows = [{**line, "city": cities[line["expert_id"]],
             "title": TITLES.get(line["title_rank"], (line["title_rank"],) * 2)[i],
             "role": ("组长", "Chair")[i] if line["is_chair"] else ("成员", "Member")[i],
             "attendance": ATTENDANCE.get(line["attendance"], ATTENDANCE[None])[i]} for line in lines]
    total = sum(line["amount"] for line in lines)
    rows.append({"name": ("合计", "Total")[i], "amount": total})
    data = write_xlsx(COLUMNS, rows, lang, headers=HEADERS, sheet_title=("劳务费", "Honoraria")[i])
    figures = {"panel_id": panel.id, "days": days, "rate_version": table.version, "total": total,
               "paid": sum(1 for line in lines if line["days"])}
    record(actor, "panel.fee_sheet", "panel", panel.id, figures, now=now)
    return data, figures
