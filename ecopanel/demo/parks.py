"""The demo parks, registered and driven through the lifecycle services.

The plans of all parks (:mod:`ecopanel.demo.plans`) are replayed together in date order through the
services, as the people concerned would have entered them on the day (``now`` = that day), and the deadline
sweeper runs on every day a deadline falls due, so reminders, lapsed periods and warning proposals happen
as they would have.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ecopanel.demo.dates import DEMO_NOW, at
from ecopanel.demo.people import CITIES, INDUSTRIES
from ecopanel.demo.plans import Event, Plan, plan_histories
from expert_pool.models import Organization
from expert_pool.rules.regions import PROVINCES
from ground.actor import Actor, Role
from ground.extensions import db
from scheduling.calendar_service import ensure_seeded
from scheduling.materials import upload_material
from scheduling.models import DeadlineRecord, NoticeObjection, Park, WarningProposalRecord
from scheduling.reports import forward_report, review_report, submit_report
from scheduling.rules.lifecycle import PANEL_DECIDED
from scheduling.rules.periods import add_years
from scheduling.services import create_park, record_objection, resolve_objection, transition_park
from scheduling.tasks import sweep_deadlines

MATERIAL_TITLES = {
    "application_letter": "创建申请", "construction_plan": "生态工业园区建设规划",
    "compliance_commitment": "近三年环境守法承诺书", "planning_eia": "规划环境影响报告书及审查意见",
    "acceptance_application": "验收申请", "acceptance_report": "建设验收报告", "electronic_data": "指标电子数据",
    "annual_report": "年度工作报告", "rectification_report": "现场核查整改报告",
}
ACTION_DOCUMENTS = {
    "submit_application": ("application_letter", "construction_plan", "compliance_commitment", "planning_eia"),
    "resubmit_application": ("application_letter", "construction_plan", "compliance_commitment", "planning_eia"),
    "apply_acceptance": ("acceptance_application", "acceptance_report", "electronic_data"),
    "resubmit_after_rectification": ("rectification_report",),
}
COMMENTS = {
    "submit_application": "报送创建申请及建设规划等材料",
    "start_provincial_review": "材料齐全，启动省级审核",
    "return_materials": "建设规划指标体系不完整、规划环评审查意见缺失，退回补正",
    "resubmit_application": "按审核意见补正后重新报送",
    "pass_plan_argumentation": "建设规划通过专家论证",
    "publish_public_notice": "在省级生态环境部门网站公示",
    "approve_construction": "公示期满，同意开展生态工业园区创建",
    "request_extension": "部分重点项目建设滞后，申请延长建设期",
    "grant_extension": "同意延长建设期",
    "refuse_extension": "延期理由不充分，不予同意",
    "report_major_change": "园区规划范围及重点项目调整，书面报告",
    "argue_major_change": "组织专家对重大调整进行论证",
    "require_plan_revision": "调整涉及规划范围，须修编建设规划",
    "file_plan_revision": "修编后的建设规划已论证并备案",
    "apply_acceptance": "建设任务已完成，申请验收",
    "forward_acceptance": "省级初审通过，报送领导小组办公室",
    "start_verification": "组织现场技术核查",
    "request_rectification": "核查发现部分指标缺少佐证材料，请于一个月内整改",
    "resubmit_after_rectification": "报送整改后的验收材料",
    "pass_verification": "现场技术核查通过",
    "pass_acceptance_meeting": "验收会议审议通过",
    "publish_naming_notice": "命名公示",
    "name_park": "三部门联合发文命名",
    "pass_evaluation": "绩效评价达到要求",
    "fail_evaluation": "绩效评价未达到要求",
    "commend": "绩效评价优秀，予以通报表扬",
    "warn": "限期整改",
    "revoke": "整改后仍未达到要求，撤销命名",
}

# The demo replays years of history that happened before panels were drawn and concluded in this system; drawing
# them now would need the pool as it was on each past day and add ~100 draws to every start. The panel-decided
# steps are entered as the Office enters archived decisions: by its override, audited, with this reason.
PANEL_HISTORY = "历史记录：评审组结论早于本系统，依据档案录入（from the archive: the panel concluded before the system）"


@dataclass(frozen=True)
class ParkRef:
    id: int
    name: str
    province: str
    programme: str
    agency: str



def _pdf(text: str) -> bytes:
    """A small valid one-page PDF showing ``text`` (ASCII)."""
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)



class Driver:
    """Replays the plans through the services: the right role, the materials it must cite, ``now`` = the day."""

    def __init__(self, parks: list[Park], plans: list[Plan]):
        # What the driver needs of a park, read once: the session is emptied between events (see run()).
        self.parks = [ParkRef(p.id, p.name, p.province, p.programme, p.management_agency.name) for p in parks]
        self.plans = plans
        self.office = Actor(user_id=None, label="领导小组办公室", role=Role.OFFICE, is_admin=True)
        self._provinces: dict[str, Actor] = {}

    def province(self, code: str) -> Actor:
        if code not in self._provinces:
            zh = PROVINCES[code][0]
            department = "生态环境局" if code in ("11", "12", "31", "50") else "生态环境厅"
            self._provinces[code] = Actor(user_id=None, label=f"{zh}{department}", role=Role.PROVINCE,
                                          province=code)
        return self._provinces[code]

    def actor(self, park: ParkRef, who: str) -> tuple[Actor, bool]:
        """The user who acts as ``who``; in a provincial programme the province plays the Office's and the
        leading group's parts (Art. 41)."""
        if who == "park":
            return Actor(user_id=None, label=park.agency, role=Role.PARK, park_id=park.id), False
        if who == "province" or park.programme == "provincial":
            return self.province(park.province), False
        return self.office, who == "leading_group"

    def upload(self, park: ParkRef, kind: str, on: date, now: datetime, **meta: Any) -> int:
        title = MATERIAL_TITLES[kind] if "year" not in meta else f"{meta['year']}年度工作报告"
        if kind == "electronic_data":
            data = "指标,单位,目标值,完成值\n单位工业增加值能耗,吨标煤/万元,0.35,0.31\n" \
                   f"工业固体废物综合利用率,%,90,{92 + park.id % 6}\n".encode()
            filename = f"{title}.csv"
        else:
            data = _pdf(f"ecopanel demo - park {park.id} - {kind} - {on.isoformat()}")
            filename = f"{title}.pdf"
        actor, _ = self.actor(park, "park")
        return upload_material(actor, park.id, data, filename, {"kind": kind, "title": f"{park.name}{title}", **meta},
                               now).id

    def run(self) -> None:
        ensure_seeded(DEMO_NOW)  # the official holiday table the notices are counted with
        events = sorted(((event.on, index, n, event) for index, plan in enumerate(self.plans)
                         for n, event in enumerate(plan.events)), key=lambda item: item[:3])
        day = None
        for on, index, _n, event in events:
            # Keep the session small: the audit log's ORM UPDATE of its head scans every object the session
            # holds (synchronize_session), which with the whole expert pool in it costs 10 ms an entry.
            if len(db.session.identity_map) > 1000:
                db.session.flush()
                db.session.expunge_all()
            if on != day:
                self.sweep(at(on, 1))  # the nightly sweeper, before the day's work
                day = on
            self.handle(self.parks[index], event, at(on))
        self.sweep(DEMO_NOW)
        # The proposals' creation instant is left to the column default (the wall clock): pin it to their day.
        for proposal in db.session.scalars(select(WarningProposalRecord)):
            proposal.created_at = at(proposal.proposed_on, 1)
        db.session.flush()

    def sweep(self, until: datetime) -> None:
        """Fire what fell due up to ``until``, on the day it fell due (01:00), as the worker would have."""
        while True:
            first = db.session.scalar(select(func.min(DeadlineRecord.fire_at))
                                      .where(DeadlineRecord.state == "pending"))
            if first is None or first > until:
                return
            sweep_deadlines(min(first + timedelta(hours=1), until), commit=db.session.flush)

    def handle(self, park: ParkRef, event: Event, now: datetime) -> None:
        actor, as_leading_group = self.actor(park, event.who)
        on, data = event.on, dict(event.data)
        if event.op == "step":
            action = data["action"]
            documents = []
            for kind in ACTION_DOCUMENTS.get(action, ()):
                meta = {"covers_from": add_years(on, -3), "covers_to": on - timedelta(days=1)} \
                    if kind == "compliance_commitment" else {}
                documents.append(self.upload(park, kind, on, now, **meta))
            data.setdefault("comment", COMMENTS.get(action, ""))
            if action in PANEL_DECIDED:
                # A history that predates the system: the panels concluded on paper, so the Office enters
                # what they decided by its audited override, with the reason (see PANEL_HISTORY).
                actor, data["panel_override_reason"] = self.office, PANEL_HISTORY
            transition_park(actor, park.id, {**data, "date": on, "documents": documents,
                                             "as_leading_group": as_leading_group}, now)
        elif event.op == "objection":
            record_objection(actor, park.id, {"notice": "public_notice", "received_on": on, **data}, now)
        elif event.op == "resolve":
            objection = db.session.scalar(select(NoticeObjection.id).where(
                NoticeObjection.park_id == park.id, NoticeObjection.resolved_on.is_(None)))
            resolve_objection(actor, park.id, objection, {"resolved_on": on, "upheld": False, **data}, now)
        elif event.op == "report_submit":
            material = self.upload(park, "annual_report", on, now, year=data["year"])
            submit_report(actor, park.id, {"year": data["year"], "material_id": material, "submitted_on": on}, now)
        elif event.op == "report_review":
            review_report(actor, park.id, data["year"], {"compliant": True, "reviewed_on": on,
                                                        "comment": "内容完整，数据可信"}, now)
        elif event.op == "report_forward":
            forward_report(actor, park.id, data["year"], {"forwarded_on": on}, now)
        else:  # pragma: no cover
            raise ValueError(event.op)



def register_parks(rng: random.Random, orgs: dict[str, list[Organization]], seed: int) -> tuple[list[Park], list[Plan]]:
    """Register the demo parks through the service, each on the day before its history starts."""
    specs = []
    for code in PROVINCES:
        cities = CITIES[code]
        kinds = [("经济技术开发区", "national_etdz"), ("高新技术产业开发区", "national_htz")]
        if len(cities) > 2:
            kinds.append(("化工园区", "provincial"))
        for i, (suffix, park_type) in enumerate(kinds):
            city = cities[i % len(cities)]
            name = f"{city}{suffix}"
            agency = Organization(name=f"{name}管理委员会", type="park_agency", province=code)
            db.session.add(agency)
            planners = [o for o in orgs["third_party"] if o.province == code] or orgs["third_party"]
            in_province = [o for o in orgs["enterprise"] if o.province == code]
            planner = rng.choice(planners)
            industries = rng.sample(INDUSTRIES, 2)
            rng.randrange(10)  # the draw that once picked the park's state: kept, so what follows stays as it was
            enterprises = rng.sample(in_province, min(2, len(in_province)))
            specs.append({"name": name, "province": code, "city": city, "park_type": park_type,
                          "programme": "provincial" if park_type == "provincial" else "national",
                          "agency": agency, "planning_institution_id": planner.id, "leading_industries": industries,
                          "enterprise_ids": [o.id for o in enterprises]})
    db.session.flush()
    _kinds, plans = plan_histories(seed, [spec["programme"] for spec in specs])
    driver = Driver([], plans)
    parks = []
    for spec, plan in zip(specs, plans, strict=True):
        agency = spec.pop("agency")
        parks.append(create_park(driver.province(spec["province"]), {**spec, "management_agency_id": agency.id},
                                 at(plan.registered)))
    return parks, plans

