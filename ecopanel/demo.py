"""Deterministic demo data that looks like the real programme (seeded: a bug report can cite it).

2,400 experts across all 31 provincial-level regions, universities, institutes, design institutes,
enterprises, third-party consultancies (three of them blacklisted), 71 parks with their management
agencies, and one account per role.

The parks are registered and driven through the lifecycle services (application, review, notice, approval,
extensions, major changes, annual reports, acceptance, naming, evaluations, warnings, revocation) on fixed
historical dates up to ``DEMO_TODAY``, so each has its history, facts, materials, deadlines and proposals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from expert_pool.models import (
    Blacklisting,
    ConflictDeclaration,
    Employment,
    Expert,
    Organization,
    Specialty,
    StatusChange,
    Unavailability,
)
from expert_pool.rules.normalize import id_number_check_digit
from expert_pool.rules.regions import PROVINCES
from ground.actor import SYSTEM, Actor, Role
from ground.audit import record
from ground.clock import SHANGHAI
from ground.extensions import db
from scheduling.models import DeadlineRecord, NoticeObjection, Park, WarningProposalRecord
from scheduling.periods import add_months, add_years

SEED = 20261124
EXPERTS = 2400
DEMO_TODAY = date(2026, 11, 24)

CITIES = {
    "11": ["北京"], "12": ["天津"], "13": ["石家庄", "唐山", "沧州"], "14": ["太原", "长治"],
    "15": ["呼和浩特", "包头", "鄂尔多斯"], "21": ["沈阳", "大连", "营口"], "22": ["长春", "吉林"],
    "23": ["哈尔滨", "大庆"], "31": ["上海"], "32": ["南京", "苏州", "无锡", "常州", "南通"],
    "33": ["杭州", "宁波", "嘉兴", "绍兴"], "34": ["合肥", "芜湖"], "35": ["福州", "厦门", "泉州"],
    "36": ["南昌", "九江"], "37": ["济南", "青岛", "烟台", "潍坊"], "41": ["郑州", "洛阳"],
    "42": ["武汉", "宜昌"], "43": ["长沙", "株洲"], "44": ["广州", "深圳", "惠州", "佛山"],
    "45": ["南宁", "柳州"], "46": ["海口", "洋浦"], "50": ["重庆"], "51": ["成都", "泸州"], "52": ["贵阳", "遵义"],
    "53": ["昆明", "曲靖"], "54": ["拉萨"], "61": ["西安", "榆林"], "62": ["兰州", "金昌"], "63": ["西宁", "格尔木"],
    "64": ["银川", "宁东"], "65": ["乌鲁木齐", "克拉玛依", "石河子"],
}
UNIVERSITIES = {
    "11": ["清华大学", "北京大学", "北京师范大学", "中国人民大学", "北京工业大学"], "12": ["南开大学", "天津大学"],
    "13": ["河北工业大学", "河北大学"], "14": ["太原理工大学"], "15": ["内蒙古大学"], "21": ["大连理工大学", "东北大学"],
    "22": ["吉林大学"], "23": ["哈尔滨工业大学"], "31": ["同济大学", "复旦大学", "上海交通大学", "华东理工大学"],
    "32": ["南京大学", "东南大学", "河海大学", "南京工业大学", "江南大学"], "33": ["浙江大学", "浙江工业大学"],
    "34": ["中国科学技术大学", "合肥工业大学"], "35": ["厦门大学", "福州大学"], "36": ["南昌大学"],
    "37": ["山东大学", "中国海洋大学", "青岛科技大学"], "41": ["郑州大学"], "42": ["武汉大学", "华中科技大学"],
    "43": ["湖南大学", "中南大学"], "44": ["中山大学", "华南理工大学"], "45": ["广西大学"], "46": ["海南大学"],
    "50": ["重庆大学"], "51": ["四川大学", "西南交通大学"], "52": ["贵州大学"], "53": ["云南大学", "昆明理工大学"],
    "54": ["西藏大学"], "61": ["西安交通大学", "西安建筑科技大学"], "62": ["兰州大学"], "63": ["青海大学"],
    "64": ["宁夏大学"], "65": ["新疆大学", "石河子大学"],
}
NATIONAL_INSTITUTES = ["中国环境科学研究院", "生态环境部环境规划院", "生态环境部环境工程评估中心",
                       "中国科学院生态环境研究中心", "中国科学院过程工程研究所", "中国循环经济协会",
                       "商务部国际贸易经济合作研究院", "中国科学技术发展战略研究院", "中国节能协会"]
DESIGN_INSTITUTES = ["中国寰球工程有限公司", "中国成达工程有限公司", "中冶京诚工程技术有限公司",
                     "中国轻工业北京设计院", "华东建筑设计研究院有限公司", "中国市政工程华北设计研究总院",
                     "中国电力工程顾问集团华东电力设计院", "中石化洛阳工程有限公司"]
INDUSTRIES = ["化工", "钢铁", "石化", "新材料", "电子信息", "装备制造", "医药", "纺织", "能源", "有色金属"]
CONSULTANCY_WORDS = ["绿源", "清源", "蓝天", "碧水", "环科", "中环", "恒绿", "生态源", "远景", "绿洲"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力宁波斌宇浩凯健俊帆鹏飞晨阳欣怡佳琪子涵雨思源博文嘉瑞志远海峰国庆建国卫东晓东晓明立新永红"
# Relative frequency of each specialty in the demo pool: leading-industry experts are rarer.
SPECIALTY_WEIGHTS = {
    "industrial_symbiosis": 5, "circular_economy": 8, "cleaner_production": 8, "resource_efficiency": 6,
    "water_pollution": 7, "air_pollution": 6, "solid_waste": 6, "soil_groundwater": 3, "eia": 8,
    "env_management": 7, "env_monitoring": 5, "low_carbon": 6, "park_planning": 5, "green_finance": 2,
    "env_risk": 3, "industry_chemical": 3, "industry_steel": 2, "industry_petrochemical": 2,
    "industry_nonferrous": 1, "industry_building_materials": 1, "industry_electronics": 1,
    "industry_pharma": 1, "industry_equipment": 1, "industry_energy": 2, "industry_textile": 1,
}
DEMO_PASSWORDS = {
    "office@ecopanel.demo": "office-demo-2026",
    "admin@ecopanel.demo": "admin-demo-2026",
    "jiangsu@ecopanel.demo": "jiangsu-demo-2026",
    "guangdong@ecopanel.demo": "guangdong-demo-2026",
    "park1@ecopanel.demo": "park1-demo-2026",
    "expert1@ecopanel.demo": "expert1-demo-2026",
}


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Expert))


def _id_number(rng: random.Random, province: str, birth: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{province}{rng.choice(['01', '02', '05'])}{rng.randrange(1, 30):02d}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_number_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _organizations(rng: random.Random) -> dict[str, list[Organization]]:
    by_kind: dict[str, list[Organization]] = {k: [] for k in (
        "university", "institute", "design_institute", "enterprise", "third_party", "national")}

    def add(name: str, kind: str, province: str | None, bucket: str | None = None) -> Organization:
        org = Organization(name=name, type=kind, province=province)
        db.session.add(org)
        by_kind[bucket or kind].append(org)
        return org

    for name in NATIONAL_INSTITUTES:
        add(name, "association" if "协会" in name else "institute", "11", "national")
    for name in DESIGN_INSTITUTES:
        add(name, "design_institute", "11", "design_institute")
    for code, (zh, _en) in PROVINCES.items():
        short = zh.removesuffix("省").removesuffix("市").removesuffix("自治区")
        for name in UNIVERSITIES[code]:
            add(name, "university", code)
        add(f"{zh}环境科学研究院" if code != "54" else "西藏自治区生态环境科学研究院", "institute", code)
        add(f"{zh}生态环境监测中心", "institute", code)
        for city in CITIES[code]:
            industry = rng.choice(INDUSTRIES)
            add(f"{city}{industry}集团有限公司", "enterprise", code)
            add(f"{city}{rng.choice(CONSULTANCY_WORDS)}环境咨询有限公司", "third_party", code)
        if len(CITIES[code]) == 1:
            add(f"{short}{rng.choice(INDUSTRIES)}股份有限公司", "enterprise", code)
    db.session.flush()
    return by_kind


# --- parks: registered and driven through the lifecycle services ---------------------------------------------
#
# Every park gets a plan: dated events (application, review, notice, approval, extensions, major changes,
# annual reports, acceptance, naming, evaluations, warnings ...) drawn from their own seeded generator. The
# plans of all parks are replayed together in date order through the services, as the people concerned
# would have entered them on the day (``now`` = that day), and the deadline sweeper runs on every day a
# deadline falls due, so reminders, lapsed periods and warning proposals happen as they would have.

DEMO_NOW = datetime.combine(DEMO_TODAY, time(12), SHANGHAI).astimezone(UTC)  # the demo's "now"
# How many demo parks end in each situation on DEMO_TODAY; the rest is under construction (approved 2023-2025).
PARK_SCENARIOS = {
    "applied": 3, "resubmitted": 1, "under_review": 5, "returned": 1,  # application in 2026
    "plan_argued": 3, "public_notice": 3,
    "acceptance_applied": 2, "awaiting_verification": 1, "under_verification": 1, "reverified": 1,
    "rectifying": 2, "acceptance_passed": 1,
    "named": 11,  # named 2019-2023; one commended, one warned
    "creation_incomplete": 1, "revoked": 1,
}
# Acceptance (Art. 15-20): action, who, and the days since the previous step.
ACCEPTANCE_STEPS = (
    ("apply_acceptance", "park", 0, 0), ("forward_acceptance", "province", 14, 40),
    ("start_verification", "office", 20, 60), ("request_rectification", "office", 7, 20),
    ("resubmit_after_rectification", "park", 10, 24), ("pass_verification", "office", 7, 30),
    ("pass_acceptance_meeting", "office", 20, 60), ("publish_naming_notice", "office", 14, 40),
    ("name_park", "leading_group", 21, 45),
)
RECTIFICATION_STEPS = ("request_rectification", "resubmit_after_rectification")
# Scenario -> (last acceptance step reached, with a rectification round)
ACCEPTANCE_TARGETS = {
    "acceptance_applied": ("apply_acceptance", False), "awaiting_verification": ("forward_acceptance", False),
    "under_verification": ("start_verification", False), "rectifying": ("request_rectification", True),
    "reverified": ("resubmit_after_rectification", True), "acceptance_passed": ("pass_acceptance_meeting", True),
}
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


def _at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in Shanghai on ``day``, as a UTC instant: when a demo event was entered."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


def _workday(day: date, back: bool = False) -> date:
    """The nearest Monday-Friday from ``day`` (offices act on weekdays), later or (``back``) earlier."""
    while day.weekday() >= 5:
        day += timedelta(days=-1 if back else 1)
    return day


@dataclass(frozen=True)
class _ParkRef:
    id: int
    name: str
    province: str
    programme: str
    agency: str


@dataclass
class _Event:
    on: date
    op: str  # step | objection | resolve | report_submit | report_review | report_forward
    who: str = "province"  # park | province | office | leading_group
    data: dict[str, Any] = field(default_factory=dict)


class _Plan:
    """One park's history as dated events; replayed with every other park's in date order."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.events: list[_Event] = []
        self.registered = DEMO_TODAY

    def after(self, day: date, lo: int, hi: int) -> date:
        return _workday(day + timedelta(days=self.rng.randint(lo, hi)))

    def before(self, day: date, lo: int, hi: int) -> date:
        return _workday(day - timedelta(days=self.rng.randint(lo, hi)), back=True)

    def between(self, first: date, last: date) -> date:
        day = _workday(first + timedelta(days=self.rng.randint(0, (last - first).days)), back=True)
        return day if day >= first else _workday(first)

    def step(self, on: date, action: str, who: str = "province", **data: Any) -> date:
        self.events.append(_Event(on, "step", who, {"action": action, **data}))
        return on

    def apply(self, applied: date) -> None:
        self.registered = self.before(applied, 20, 90)
        self.step(applied, "submit_application", "park")

    def approved(self, approved: date, objection: bool = False) -> None:
        """Application, provincial review, plan argumentation and public notice up to approval (Art. 9-10)."""
        notice = self.before(approved, 24, 45)
        argued = self.before(notice, 14, 45)
        review = self.before(argued, 30, 90)
        self.apply(self.before(review, 5, 20))
        self.step(review, "start_provincial_review")
        self.step(argued, "pass_plan_argumentation")
        self.step(notice, "publish_public_notice")
        if objection:
            received = self.after(notice, 1, 3)
            self.events.append(_Event(received, "objection", data={
                "summary": "群众来信反映园区内企业夜间排放异味"}))
            self.events.append(_Event(self.after(received, 5, 10), "resolve", data={
                "finding": "经现场调查核实，反映情况不属实"}))
        self.step(approved, "approve_construction")

    def reports(self, first: int, last: int, *, until: date | None = None, late: int | None = None,
                missing: int | None = None) -> None:
        """Annual reports (Art. 23): submitted in spring, reviewed and forwarded before 30 June."""
        for year in range(first, last + 1):
            if year == missing:
                continue
            if year == late:
                submitted = self.between(date(year + 1, 7, 6), date(year + 1, 7, 24))
            else:
                submitted = self.between(date(year + 1, 3, 2), date(year + 1, 5, 25))
            reviewed = self.after(submitted, 5, 14)
            forwarded = self.after(reviewed, 2, 10)
            if until is not None and forwarded >= until:
                break
            self.events.append(_Event(submitted, "report_submit", "park", {"year": year}))
            self.events.append(_Event(reviewed, "report_review", data={"year": year}))
            self.events.append(_Event(forwarded, "report_forward", data={"year": year}))

    def acceptance(self, last_action: str, rectify: bool, *, start: date | None = None,
                   end: date | None = None) -> date:
        """The acceptance steps up to ``last_action``, forward from ``start`` or back from ``end``;
        returns the date of the first (``end`` given) or the last step."""
        steps = [s for s in ACCEPTANCE_STEPS if rectify or s[0] not in RECTIFICATION_STEPS]
        steps = steps[:[s[0] for s in steps].index(last_action) + 1]
        if end is not None:
            dates = [_workday(end, back=True)]
            for _action, _who, lo, hi in reversed(steps[1:]):
                dates.append(self.before(dates[-1], lo, hi))
            dates.reverse()
        else:
            assert start is not None
            dates = [start]
            for _action, _who, lo, hi in steps[1:]:
                dates.append(self.after(dates[-1], lo, hi))
        for (action, who, _lo, _hi), on in zip(steps, dates, strict=True):
            self.step(on, action, who)
        return dates[0] if end is not None else dates[-1]

    def evaluations(self, named: date, *, excellent_first: bool = False) -> list[date]:
        """Performance evaluations every 3 years from naming (Art. 25), held a little before they are due."""
        held = []
        for k in range(1, 4):
            on = self.before(add_years(named, 3 * k), 20, 80)
            if on >= DEMO_TODAY:
                break
            excellent = excellent_first if k == 1 else self.rng.random() < 0.25
            held.append(self.step(on, "pass_evaluation", "office", excellent=excellent))
        return held


def _construction(plan: _Plan, approved: date, extras: set[str]) -> None:
    """A park under construction on DEMO_TODAY: extensions, major changes and reports as ``extras`` say."""
    rng = plan.rng
    plan.approved(approved, objection="objection" in extras)
    base_end = add_years(approved, 3)
    last = DEMO_TODAY - timedelta(days=1)
    if "extension_granted" in extras:
        request = plan.step(plan.before(base_end, 45, 150), "request_extension", "park")
        months = rng.choice([m for m in (6, 9, 12) if add_months(base_end, m) > DEMO_TODAY + timedelta(days=90)])
        plan.step(min(plan.after(request, 15, 45), _workday(last, back=True)), "grant_extension",
                  extension_months=months, comment=f"同意延长建设期{months}个月")
    elif "extension_pending" in extras:
        plan.step(plan.between(max(DEMO_TODAY - timedelta(days=75), approved), DEMO_TODAY - timedelta(days=3)),
                  "request_extension", "park")
    elif "extension_refused" in extras:
        request = plan.step(plan.between(DEMO_TODAY - timedelta(days=100), DEMO_TODAY - timedelta(days=60)),
                            "request_extension", "park")
        plan.step(plan.after(request, 20, 40), "refuse_extension")
    if "major_change" in extras:
        changed = plan.after(approved, 120, 300)
        reported = plan.after(changed, 30, 150)  # within the 6 months of Art. 12
        argued = plan.after(reported, 20, 60)
        if argued < DEMO_TODAY:
            plan.step(reported, "report_major_change", "park", changed_on=changed, subjects=["scope", "key_projects"],
                      description="园区规划范围向东扩展，新增循环化改造重点项目三项")
            plan.step(argued, "argue_major_change")
            if "plan_revision" in extras:
                required = plan.step(plan.after(argued, 3, 10), "require_plan_revision")
                filed = plan.after(required, 60, 120)
                if filed < DEMO_TODAY:
                    plan.step(filed, "file_plan_revision")
    plan.reports(approved.year, DEMO_TODAY.year - 1, late=DEMO_TODAY.year - 1 if "late_report" in extras else None,
                 missing=DEMO_TODAY.year - 1 if "missing_report" in extras else None)


def _named(plan: _Plan, approved: date, extras: set[str]) -> None:
    """Approved, accepted and named (some after a rectification round); evaluated every 3 years."""
    rng = plan.rng
    plan.approved(approved)
    start = plan.after(add_months(approved, 26), 0, 120)  # within the 3-year construction period (Art. 21)
    named = plan.acceptance("name_park", rng.random() < 0.4, start=start)
    plan.reports(approved.year, DEMO_TODAY.year - 1, late=DEMO_TODAY.year - 1 if "warned" in extras else None)
    held = plan.evaluations(named, excellent_first="commend" in extras)
    if "commend" in extras and held:
        plan.step(plan.after(held[0], 20, 60), "commend", "office")
    if "warned" in extras:  # the late annual report was proposed as a ground; the Office warns (Art. 27 (4))
        plan.step(plan.between(date(DEMO_TODAY.year, 9, 1), date(DEMO_TODAY.year, 10, 30)), "warn", "office",
                  reason="annual_report", rectification_months=6, comment="年度工作报告逾期报送，限期六个月整改")


def _revoked(plan: _Plan, approved: date) -> None:
    """Named, failed its first evaluation, warned, did not rectify in time, revoked (Art. 26-28)."""
    plan.approved(approved)
    named = plan.acceptance("name_park", False, start=plan.after(add_months(approved, 26), 0, 90))
    failed = plan.step(plan.before(add_years(named, 3), 20, 60), "fail_evaluation", "office")
    warned = plan.step(plan.after(failed, 20, 45), "warn", "office", reason="failed_evaluation",
                       rectification_months=12, comment="绩效评价未达到要求，限期一年整改")
    revoked = plan.step(plan.after(add_months(warned, 12), 45, 100), "revoke", "leading_group",
                        reason="failed_after_rectification")
    plan.reports(approved.year, DEMO_TODAY.year - 1, until=revoked)


def _plan(kind: str, rng: random.Random, approved: date | None, extras: set[str]) -> _Plan:
    plan = _Plan(rng)
    year = DEMO_TODAY.year
    if kind == "applied":
        plan.apply(plan.between(date(year, 9, 1), date(year, 11, 20)))
    elif kind in ("resubmitted", "returned", "under_review", "plan_argued"):
        first, last = {"resubmitted": ((4, 1), (6, 15)), "returned": ((7, 1), (9, 30)),
                       "under_review": ((2, 2), (10, 15)), "plan_argued": ((1, 5), (5, 29))}[kind]
        applied = plan.between(date(year, *first), date(year, *last))
        plan.apply(applied)
        review = plan.step(plan.after(applied, 5, 20), "start_provincial_review")
        if kind in ("resubmitted", "returned"):
            returned = plan.step(plan.after(review, 20, 40), "return_materials")
            if kind == "resubmitted":
                plan.step(plan.after(returned, 30, 60), "resubmit_application", "park")
        elif kind == "plan_argued":
            plan.step(plan.after(review, 40, 120), "pass_plan_argumentation")
    elif kind == "public_notice":
        notice = plan.between(date(year, 11, 9), DEMO_TODAY)
        argued = plan.before(notice, 14, 40)
        review = plan.before(argued, 40, 100)
        plan.apply(plan.before(review, 5, 20))
        plan.step(review, "start_provincial_review")
        plan.step(argued, "pass_plan_argumentation")
        plan.step(notice, "publish_public_notice")
        if "objection" in extras:  # received, still under investigation: approval has to wait (Art. 10)
            plan.events.append(_Event(min(plan.after(notice, 1, 3), DEMO_TODAY), "objection", data={
                "summary": "周边村民反映园区规划范围涉及基本农田"}))
    elif kind == "under_construction":
        assert approved is not None
        _construction(plan, approved, extras)
    elif kind in ACCEPTANCE_TARGETS:
        last_action, rectify = ACCEPTANCE_TARGETS[kind]
        lead = (3, 25) if kind == "rectifying" else (3, 40)  # a rectification runs one month (Art. 18)
        applied = plan.acceptance(last_action, rectify, end=plan.before(DEMO_TODAY, *lead))
        approved = _workday(add_years(applied, -3) + timedelta(days=rng.randint(30, 200)), back=True)
        plan.approved(approved)
        plan.reports(approved.year, year - 1)
    elif kind == "named":
        assert approved is not None
        _named(plan, approved, extras)
    elif kind == "creation_incomplete":  # the extension was refused and the period lapsed (Art. 11, 21)
        assert approved is not None
        plan.approved(approved)
        base_end = add_years(approved, 3)
        request = plan.step(plan.before(base_end, 90, 150), "request_extension", "park")
        plan.step(plan.after(request, 20, 50), "refuse_extension")
        plan.reports(approved.year, year - 1, until=base_end)
    elif kind == "revoked":
        assert approved is not None
        _revoked(plan, approved)
    else:  # pragma: no cover - a typo in PARK_SCENARIOS
        raise ValueError(kind)
    plan.events.sort(key=lambda e: e.on)  # stable: same-day events keep their order
    assert all(e.on <= DEMO_TODAY for e in plan.events), kind
    return plan


def _spread(first: date, last: date, n: int, rng: random.Random) -> list[date]:
    """``n`` weekdays spread evenly from ``first`` to ``last``, each moved by up to two weeks."""
    step = (last - first).days / max(n - 1, 1)
    return [_workday(first + timedelta(days=round(i * step) + rng.randint(-14, 14)), back=True) for i in range(n)]


def _plans(seed: int, programmes: list[str]) -> tuple[list[str], list[_Plan]]:
    """What happens to each park (index 0, the demo park account's, is under construction)."""
    rng = random.Random(f"{seed}:parks")
    count = len(programmes)
    kinds = [kind for kind, n in PARK_SCENARIOS.items() for _ in range(n)]
    kinds += ["under_construction"] * (count - len(kinds))
    rng.shuffle(kinds)
    first = kinds.index("under_construction")
    kinds[0], kinds[first] = kinds[first], kinds[0]
    # The revocation is the leading group's decision in the national programme (Art. 28); show that one.
    for i, kind in enumerate(kinds):
        if kind == "revoked" and programmes[i] != "national":
            j = next(j for j in range(1, count) if kinds[j] == "under_construction" and programmes[j] == "national")
            kinds[i], kinds[j] = kinds[j], kinds[i]
    extras: list[set[str]] = [set() for _ in kinds]
    approved: list[date | None] = [None] * count

    building = [i for i, k in enumerate(kinds) if k == "under_construction"]
    dates = _spread(date(2023, 5, 4), date(2025, 12, 12), len(building), rng)
    rng.shuffle(dates)
    # The demo park account's park (index 0) was approved in spring 2024: a construction period well under way.
    closest = min(range(len(dates)), key=lambda j: abs((dates[j] - date(2024, 4, 15)).days))
    dates[0], dates[closest] = dates[closest], dates[0]
    for i, day in zip(building, dates, strict=True):
        approved[i] = day
    soon = sorted((i for i in building if DEMO_TODAY + timedelta(days=30) < add_years(approved[i], 3)
                   <= DEMO_TODAY + timedelta(days=150)), key=lambda i: approved[i])
    for i in building:
        if add_years(approved[i], 3) <= DEMO_TODAY + timedelta(days=30):
            extras[i].add("extension_granted")
    for i, extra in zip(soon, ("extension_pending", "extension_pending", "extension_refused"), strict=False):
        extras[i].add(extra)
    extras[0] |= {"major_change", "plan_revision"}
    others = [i for i in building if i != 0]
    rng.shuffle(others)
    early = [i for i in others if approved[i] <= date(2025, 3, 31)]
    for i in early[:2]:
        extras[i].add("major_change")
    for i, extra in zip(others[-4:], ("objection", "objection", "late_report", "missing_report"), strict=True):
        extras[i].add(extra)

    named = [i for i, k in enumerate(kinds) if k == "named"]
    for i, day in zip(named, sorted(_spread(date(2016, 10, 3), date(2020, 5, 15), len(named), rng)), strict=True):
        approved[i] = day
    national = [i for i in named if programmes[i] == "national"] or named
    extras[national[0]].add("commend")
    extras[rng.choice(national[1:] or national)].add("warned")
    for i, kind in enumerate(kinds):
        if kind == "creation_incomplete":
            approved[i] = _workday(date(2020, 3, 2) + timedelta(days=rng.randint(0, 180)))
        elif kind == "revoked":
            approved[i] = _workday(date(2017, 2, 6) + timedelta(days=rng.randint(0, 90)))
    notices = [i for i, k in enumerate(kinds) if k == "public_notice"]
    if notices:
        extras[rng.choice(notices)].add("objection")
    return kinds, [_plan(kind, rng, approved[i], extras[i]) for i, kind in enumerate(kinds)]


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


class _Driver:
    """Replays the plans through the services: the right role, the materials it must cite, ``now`` = the day."""

    def __init__(self, parks: list[Park], plans: list[_Plan]):
        # What the driver needs of a park, read once: the session is emptied between events (see run()).
        self.parks = [_ParkRef(p.id, p.name, p.province, p.programme, p.management_agency.name) for p in parks]
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

    def actor(self, park: _ParkRef, who: str) -> tuple[Actor, bool]:
        """The user who acts as ``who``; in a provincial programme the province plays the Office's and the
        leading group's parts (Art. 41)."""
        if who == "park":
            return Actor(user_id=None, label=park.agency, role=Role.PARK, park_id=park.id), False
        if who == "province" or park.programme == "provincial":
            return self.province(park.province), False
        return self.office, who == "leading_group"

    def upload(self, park: _ParkRef, kind: str, on: date, now: datetime, **meta: Any) -> int:
        from scheduling.materials import upload_material

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
        from scheduling.calendar_service import ensure_seeded

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
                self.sweep(_at(on, 1))  # the nightly sweeper, before the day's work
                day = on
            self.handle(self.parks[index], event, _at(on))
        self.sweep(DEMO_NOW)
        # The proposals' creation instant is left to the column default (the wall clock): pin it to their day.
        for proposal in db.session.scalars(select(WarningProposalRecord)):
            proposal.created_at = _at(proposal.proposed_on, 1)
        db.session.flush()

    def sweep(self, until: datetime) -> None:
        """Fire what fell due up to ``until``, on the day it fell due (01:00), as the worker would have."""
        from scheduling.deadlines import sweep_deadlines

        while True:
            first = db.session.scalar(select(func.min(DeadlineRecord.fire_at))
                                      .where(DeadlineRecord.state == "pending"))
            if first is None or first > until:
                return
            sweep_deadlines(min(first + timedelta(hours=1), until), commit=db.session.flush)

    def handle(self, park: _ParkRef, event: _Event, now: datetime) -> None:
        from scheduling.reports import forward_report, review_report, submit_report
        from scheduling.services import record_objection, resolve_objection, transition_park

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


def _parks(rng: random.Random, orgs: dict[str, list[Organization]], seed: int) -> tuple[list[Park], list[_Plan]]:
    """Register the demo parks through the service, each on the day before its history starts."""
    from scheduling.services import create_park

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
    _kinds, plans = _plans(seed, [spec["programme"] for spec in specs])
    driver = _Driver([], plans)
    parks = []
    for spec, plan in zip(specs, plans, strict=True):
        agency = spec.pop("agency")
        parks.append(create_park(driver.province(spec["province"]), {**spec, "management_agency_id": agency.id},
                                 _at(plan.registered)))
    return parks, plans


def load(seed: int = SEED, experts: int = EXPERTS) -> None:
    """Fill an empty database with the demo programme (flushes and commits: a CLI boundary)."""
    from ecopanel.auth.services import create_user

    rng = random.Random(seed)
    specialties = {s.code: s for s in db.session.scalars(select(Specialty))}
    codes = [c for c in SPECIALTY_WEIGHTS if c in specialties]
    weights = [SPECIALTY_WEIGHTS[c] for c in codes]
    orgs = _organizations(rng)
    parks, plans = _parks(rng, orgs, seed)
    third_parties = orgs["third_party"]
    for org in rng.sample(third_parties, 3):
        db.session.add(Blacklisting(organization=org, listed_on=date(2025, rng.randrange(1, 12), 15),
                                    reason="编制园区规划时数据弄虚作假，被生态环境部通报（第三十八条）"))

    used_ids: set[str] = set()
    provinces = list(PROVINCES)
    province_weights = [6 if p in ("11", "32", "31", "44", "37", "33") else 2 if p in ("54", "63", "64") else 3
                        for p in provinces]
    agencies = [p.management_agency for p in parks]
    rows = []
    for i in range(1, experts + 1):
        province = rng.choices(provinces, province_weights)[0]
        male = rng.random() < 0.7
        birth_year = rng.randrange(1958, 1990)
        birth = date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29))
        local = [o for k in ("university", "institute", "enterprise", "third_party") for o in orgs[k]
                 if o.province == province]
        pool = local * 4 + orgs["national"] + orgs["design_institute"]
        org = rng.choice(pool)
        status = rng.choices(["active", "applicant", "suspended", "retired", "removed"], [88, 5, 3, 3, 1])[0]
        term_start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
        term_end = term_start + relativedelta(years=5) - timedelta(days=1)
        if rng.random() < 0.03:  # some terms end within the Office's 60-day review window
            term_end = DEMO_TODAY + timedelta(days=rng.randrange(5, 60))
        recommended = rng.choices(["MEE", "MOFCOM", "MOST", province], [15, 5, 5, 75])[0]
        chosen = set()
        for _ in range(rng.choice([1, 2, 2, 3])):
            chosen.add(rng.choices(codes, weights)[0])
        expert = Expert(
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
            gender="M" if male else "F", birth_year=birth_year,
            id_number=_id_number(rng, province, birth, male, used_ids),
            mobile=f"1{rng.choice('3589')}{(i * 7919 + 10_000_019) % 10**9:09d}",
            email=f"expert{i:05d}@pool.example", organization=org, title_rank=rng.choices(
                ["senior", "deputy_senior", "intermediate"], [45, 40, 15])[0],
            province=province, city=rng.choice(CITIES[province]), recommended_by=recommended,
            contributed_by=None if rng.random() < 0.5 else province, term_start=term_start, term_end=term_end,
            status=status, data_confirmed_on=DEMO_TODAY - timedelta(days=rng.randrange(0, 500)),
            language="en" if rng.random() < 0.03 else "zh",
            specialties=[specialties[c] for c in sorted(chosen)],
        )
        start = date(rng.randrange(1995, 2020), rng.randrange(1, 13), 1)
        if rng.random() < 0.3:
            # Earlier employment, sometimes at a park's agency: recusal must look three years back.
            before = rng.choice(agencies) if rng.random() < 0.3 else rng.choice(pool)
            left = date(rng.randrange(2019, 2026), rng.randrange(1, 13), 1)
            expert.employments.append(Employment(organization=before, position="工程师",
                                                 start_date=left.replace(year=left.year - 6), end_date=left))
            start = left
        expert.employments.append(Employment(organization=org, position=rng.choice(
            ["教授", "研究员", "高级工程师", "副教授", "副研究员", "总工程师"]), start_date=start))
        expert.status_changes.append(StatusChange(from_status=None, to_status=status, reason="demo",
                                                  effective_on=term_start, actor_label="system"))
        if rng.random() < 0.02:
            expert.conflicts.append(ConflictDeclaration(relation="relative", note="近亲属在园区企业任职",
                                                        valid_from=term_start))
        if rng.random() < 0.04:
            first = DEMO_TODAY + timedelta(days=rng.randrange(0, 90))
            expert.unavailabilities.append(Unavailability(start_date=first,
                                                          end_date=first + timedelta(days=rng.randrange(3, 30)),
                                                          reason="出差"))
        rows.append(expert)
    # Conflicts need a park: attach them now that the parks have ids.
    for expert in rows:
        for conflict in expert.conflicts:
            conflict.park_id = rng.choice(parks).id
    db.session.add_all(rows)
    db.session.flush()
    _Driver(parks, plans).run()
    _users(parks, rows, create_user)
    record(SYSTEM, "demo.load", "database", None, {"seed": seed, "experts": len(rows), "parks": len(parks)})
    db.session.commit()


def _users(parks, experts, create_user) -> None:
    expert = next(e for e in experts if e.status == "active")
    # Office staff browse at once; the administrator (calendar loads, everyone's tokens) needs TOTP, so it
    # is a separate account that sets up its authenticator at the first sign-in.
    create_user(SYSTEM, "office@ecopanel.demo", "office", password=DEMO_PASSWORDS["office@ecopanel.demo"])
    create_user(SYSTEM, "admin@ecopanel.demo", "office", password=DEMO_PASSWORDS["admin@ecopanel.demo"],
                is_admin=True)
    create_user(SYSTEM, "jiangsu@ecopanel.demo", "province", province="32",
                password=DEMO_PASSWORDS["jiangsu@ecopanel.demo"])
    create_user(SYSTEM, "guangdong@ecopanel.demo", "province", province="44",
                password=DEMO_PASSWORDS["guangdong@ecopanel.demo"])
    create_user(SYSTEM, "park1@ecopanel.demo", "park", park_id=parks[0].id,
                password=DEMO_PASSWORDS["park1@ecopanel.demo"])
    create_user(SYSTEM, "expert1@ecopanel.demo", "expert", expert_id=expert.id,
                password=DEMO_PASSWORDS["expert1@ecopanel.demo"])


def logins_text(base_url: str) -> str:
    lines = [f"ecopanel demo at {base_url}/  (API: {base_url}/api/v1, OpenAPI: {base_url}/openapi.json)",
             "Demo logins (email / password):"]
    roles = {"office": "Office staff", "admin": "Office administrator (sets up TOTP at first sign-in)", "jiangsu": "Jiangsu province (32)",
             "guangdong": "Guangdong province (44)", "park1": "park user (park 1)", "expert1": "expert user"}
    for email, password in DEMO_PASSWORDS.items():
        lines.append(f"  {email:<26} {password:<22} {roles[email.split('@')[0]]}")
    lines.append("API token: ecopanel tokens issue office@ecopanel.demo")
    return "\n".join(lines)

