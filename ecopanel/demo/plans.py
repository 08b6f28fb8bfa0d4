"""What happens to each demo park: its history as dated events, drawn from a seeded generator.

Every park gets a plan: dated events (application, review, notice, approval, extensions, major changes,
annual reports, acceptance, naming, evaluations, warnings ...) drawn from their own seeded generator.
:mod:`ecopanel.demo.parks` replays the plans of all parks together in date order through the services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ecopanel.demo.dates import DEMO_TODAY, workday
from scheduling.rules.periods import add_months, add_years

# How many demo parks end in each situation on DEMO_TODAY; the rest is under construction (approved 2023-2025).
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


@dataclass
class Event:
    on: date
    op: str  # step | objection | resolve | report_submit | report_review | report_forward
    who: str = "province"  # park | province | office | leading_group
    data: dict[str, Any] = field(default_factory=dict)


class Plan:
    """One park's history as dated events; replayed with every other park's in date order."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.events: list[Event] = []
        self.registered = DEMO_TODAY

    def after(self, day: date, lo: int, hi: int) -> date:
        return workday(day + timedelta(days=self.rng.randint(lo, hi)))

    def before(self, day: date, lo: int, hi: int) -> date:
        return workday(day - timedelta(days=self.rng.randint(lo, hi)), back=True)

    def between(self, first: date, last: date) -> date:
        day = workday(first + timedelta(days=self.rng.randint(0, (last - first).days)), back=True)
        return day if day >= first else workday(first)

    def step(self, on: date, action: str, who: str = "province", **data: Any) -> date:
        self.events.append(Event(on, "step", who, {"action": action, **data}))
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
            self.events.append(Event(received, "objection", data={
                "summary": "群众来信反映园区内企业夜间排放异味"}))
            self.events.append(Event(self.after(received, 5, 10), "resolve", data={
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
            self.events.append(Event(submitted, "report_submit", "park", {"year": year}))
            self.events.append(Event(reviewed, "report_review", data={"year": year}))
            self.events.append(Event(forwarded, "report_forward", data={"year": year}))

    def acceptance(self, last_action: str, rectify: bool, *, start: date | None = None,
                   end: date | None = None) -> date:
        """The acceptance steps up to ``last_action``, forward from ``start`` or back from ``end``;
        returns the date of the first (``end`` given) or the last step."""
        steps = [s for s in ACCEPTANCE_STEPS if rectify or s[0] not in RECTIFICATION_STEPS]
        steps = steps[:[s[0] for s in steps].index(last_action) + 1]
        if end is not None:
            dates = [workday(end, back=True)]
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


def _construction(plan: Plan, approved: date, extras: set[str]) -> None:
    """A park under construction on DEMO_TODAY: extensions, major changes and reports as ``extras`` say."""
    rng = plan.rng
    plan.approved(approved, objection="objection" in extras)
    base_end = add_years(approved, 3)
    last = DEMO_TODAY - timedelta(days=1)
    if "extension_granted" in extras:
        request = plan.step(plan.before(base_end, 45, 150), "request_extension", "park")
        months = rng.choice([m for m in (6, 9, 12) if add_months(base_end, m) > DEMO_TODAY + timedelta(days=90)])
        plan.step(min(plan.after(request, 15, 45), workday(last, back=True)), "grant_extension",
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


def _named(plan: Plan, approved: date, extras: set[str]) -> None:
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


def _revoked(plan: Plan, approved: date) -> None:
    """Named, failed its first evaluation, warned, did not rectify in time, revoked (Art. 26-28)."""
    plan.approved(approved)
    named = plan.acceptance("name_park", False, start=plan.after(add_months(approved, 26), 0, 90))
    failed = plan.step(plan.before(add_years(named, 3), 20, 60), "fail_evaluation", "office")
    warned = plan.step(plan.after(failed, 20, 45), "warn", "office", reason="failed_evaluation",
                       rectification_months=12, comment="绩效评价未达到要求，限期一年整改")
    revoked = plan.step(plan.after(add_months(warned, 12), 45, 100), "revoke", "leading_group",
                        reason="failed_after_rectification")
    plan.reports(approved.year, DEMO_TODAY.year - 1, until=revoked)


def _plan(kind: str, rng: random.Random, approved: date | None, extras: set[str]) -> Plan:
    plan = Plan(rng)
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
            plan.events.append(Event(min(plan.after(notice, 1, 3), DEMO_TODAY), "objection", data={
                "summary": "周边村民反映园区规划范围涉及基本农田"}))
    elif kind == "under_construction":
        assert approved is not None
        _construction(plan, approved, extras)
    elif kind in ACCEPTANCE_TARGETS:
        last_action, rectify = ACCEPTANCE_TARGETS[kind]
        lead = (3, 25) if kind == "rectifying" else (3, 40)  # a rectification runs one month (Art. 18)
        applied = plan.acceptance(last_action, rectify, end=plan.before(DEMO_TODAY, *lead))
        approved = workday(add_years(applied, -3) + timedelta(days=rng.randint(30, 200)), back=True)
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
    return [workday(first + timedelta(days=round(i * step) + rng.randint(-14, 14)), back=True) for i in range(n)]


def plan_histories(seed: int, programmes: list[str]) -> tuple[list[str], list[Plan]]:
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
            approved[i] = workday(date(2020, 3, 2) + timedelta(days=rng.randint(0, 180)))
        elif kind == "revoked":
            approved[i] = workday(date(2017, 2, 6) + timedelta(days=rng.randint(0, 90)))
    notices = [i for i, k in enumerate(kinds) if k == "public_notice"]
    if notices:
        extras[rng.choice(notices)].add("objection")
    return kinds, [_plan(kind, rng, approved[i], extras[i]) for i, kind in enumerate(kinds)]

