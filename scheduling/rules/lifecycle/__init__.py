"""The park lifecycle of the Measures as a pure transition table.

A park moves through four phases (see :data:`PHASE_OF`):

* **application** (Art. 6-10): ``applied`` -> ``under_provincial_review`` -> ``plan_argued`` (the plan
  argumentation panel) -> ``in_public_notice`` (5 working days) -> approval to start construction;
* **creation** (Art. 11-21): ``under_construction`` (3 years, one extension of at most 1 year), acceptance
  (provincial review, on-site technical verification with a 1-month rectification, acceptance meeting,
  5-working-day naming notice); a park that fails any of Art. 16-19 is ``acceptance_failed`` / ``not_named``
  and may rectify and apply for acceptance again while its construction period lasts (Art. 21);
* **named** (Art. 20-28): ``named``, ``warned`` (rectifying within at most 1 year; title not to be used),
  ``under_recheck``, ``rectification_failed``;
* **ended**: ``application_rejected``, ``withdrawn``, ``creation_stopped`` (Art. 12, 14),
  ``creation_incomplete`` (Art. 21), ``revoked`` (Art. 28). From every ended state the park may submit a new
  application (Art. 21: 重新申请创建), after revocation for reasons (1)-(3) only once the 3-year ban is over.

Each :class:`TransitionRule` names the states it leaves from, the state it leads to (``None``: the action is
an event recorded on the park that leaves its state alone, e.g. reporting a major change), who may take it,
its article, and its guards. Guards are pure functions of a :class:`ParkFacts` snapshot that the service
derives from the park's history; today's date is one of the facts, never read from the clock.

A provincial programme (Art. 41) follows the same table; :func:`actors_for` hands the Office's and the leading
group's parts to the provincial departments.

The system *proposes*, people decide: :func:`warning_proposal_reasons` lists grounds for a warning, it never
warns. The only transitions the ``system`` actor takes are the ones the Measures attach to a lapsed deadline
(Art. 18, 21, 26).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from scheduling.periods import DEFAULT_RULES as DEFAULT_TIME_RULES
from scheduling.periods import (
    TimeRules,
    add_years,
    annual_report_due,
    construction_deadline,
    major_change_report_deadline,
    reapplication_ban_end,
    rectification_deadline,
)

__all__ = [
    "ACCEPTANCE_STATES",
    "APPLICATION_STATES",
    "CONSTRUCTION_STATES",
    "CREATION_STATES",
    "DEFAULT_RULES",
    "ENDED_STATES",
    "GUARDS",
    "NAMED_STATES",
    "PHASE_OF",
    "REVOCATION_REASON_ITEM",
    "TRANSITIONS",
    "WARNING_REASON_ITEM",
    "Action",
    "ActionOption",
    "Actor",
    "ActorNotAllowed",
    "AnnualReport",
    "Blocked",
    "Deadline",
    "Evaluation",
    "GuardContext",
    "GuardFailed",
    "IllegalTransition",
    "LifecycleError",
    "LifecycleRules",
    "MajorChange",
    "ParkFacts",
    "Phase",
    "Programme",
    "RevocationReason",
    "State",
    "StopReason",
    "Transition",
    "TransitionRule",
    "WarningProposal",
    "WarningReason",
    "action_options",
    "actors_for",
    "allowed_actions",
    "apply",
    "construction_end",
    "extension_pending",
    "is_publicly_listed",
    "late_major_changes",
    "may_use_title",
    "pending_deadlines",
    "rule_for",
    "warning_proposal_reasons",
]


# -- vocabulary --------------------------------------------------------------------------------------------


class State(StrEnum):
    """Where a park stands. Values are stored in ``parks.state`` (String(40))."""

    NEW = "new"  # known to the system, no application yet
    # application (Art. 9-10)
    APPLIED = "applied"
    MATERIALS_RETURNED = "materials_returned"
    UNDER_PROVINCIAL_REVIEW = "under_provincial_review"
    PLAN_ARGUED = "plan_argued"
    IN_PUBLIC_NOTICE = "in_public_notice"
    # creation (Art. 11-21)
    UNDER_CONSTRUCTION = "under_construction"
    ACCEPTANCE_APPLIED = "acceptance_applied"
    AWAITING_VERIFICATION = "awaiting_verification"
    UNDER_VERIFICATION = "under_verification"
    RECTIFYING_VERIFICATION = "rectifying_verification"
    VERIFICATION_PASSED = "verification_passed"
    ACCEPTANCE_PASSED = "acceptance_passed"
    IN_NAMING_NOTICE = "in_naming_notice"
    ACCEPTANCE_FAILED = "acceptance_failed"
    NOT_NAMED = "not_named"
    # named (Art. 20-28)
    NAMED = "named"
    WARNED = "warned"
    UNDER_RECHECK = "under_recheck"
    RECTIFICATION_FAILED = "rectification_failed"
    # ended
    APPLICATION_REJECTED = "application_rejected"
    WITHDRAWN = "withdrawn"
    CREATION_STOPPED = "creation_stopped"
    CREATION_INCOMPLETE = "creation_incomplete"
    REVOKED = "revoked"


class Phase(StrEnum):
    APPLICATION = "application"
    CREATION = "creation"
    NAMED = "named"
    ENDED = "ended"


class Action(StrEnum):
    # application
    SUBMIT_APPLICATION = "submit_application"
    START_PROVINCIAL_REVIEW = "start_provincial_review"
    RETURN_MATERIALS = "return_materials"
    RESUBMIT_APPLICATION = "resubmit_application"
    PASS_PLAN_ARGUMENTATION = "pass_plan_argumentation"
    PUBLISH_PUBLIC_NOTICE = "publish_public_notice"
    APPROVE_CONSTRUCTION = "approve_construction"
    REJECT_APPLICATION = "reject_application"
    WITHDRAW = "withdraw"
    # construction
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    REPORT_MAJOR_CHANGE = "report_major_change"
    ARGUE_MAJOR_CHANGE = "argue_major_change"
    REQUIRE_PLAN_REVISION = "require_plan_revision"
    FILE_PLAN_REVISION = "file_plan_revision"
    STOP_CREATION = "stop_creation"
    MARK_CREATION_INCOMPLETE = "mark_creation_incomplete"
    # acceptance
    APPLY_ACCEPTANCE = "apply_acceptance"
    REJECT_ACCEPTANCE = "reject_acceptance"
    FORWARD_ACCEPTANCE = "forward_acceptance"
    START_VERIFICATION = "start_verification"
    REQUEST_RECTIFICATION = "request_rectification"
    RESUBMIT_AFTER_RECTIFICATION = "resubmit_after_rectification"
    EXPIRE_VERIFICATION_RECTIFICATION = "expire_verification_rectification"
    PASS_VERIFICATION = "pass_verification"
    FAIL_VERIFICATION = "fail_verification"
    PASS_ACCEPTANCE_MEETING = "pass_acceptance_meeting"
    FAIL_ACCEPTANCE_MEETING = "fail_acceptance_meeting"
    PUBLISH_NAMING_NOTICE = "publish_naming_notice"
    UPHOLD_COMPLAINT = "uphold_complaint"
    NAME_PARK = "name_park"
    DECLINE_NAMING = "decline_naming"
    # named
    PASS_EVALUATION = "pass_evaluation"
    FAIL_EVALUATION = "fail_evaluation"
    COMMEND = "commend"
    WARN = "warn"
    SUBMIT_RECTIFICATION = "submit_rectification"
    PASS_RECHECK = "pass_recheck"
    FAIL_RECHECK = "fail_recheck"
    EXPIRE_RECTIFICATION = "expire_rectification"
    REQUEST_REVOCATION = "request_revocation"
    REVOKE = "revoke"


class Actor(StrEnum):
    PARK = "park"  # 园区管理机构
    PROVINCE = "province"  # 省级生态环境部门会同商务、科技行政主管部门
    OFFICE = "office"  # 领导小组办公室
    LEADING_GROUP = "leading_group"  # 领导小组
    SYSTEM = "system"  # deadline-driven consequences only


class Programme(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"  # Art. 41: a province's own programme run the same way


class StopReason(StrEnum):
    """Why the province stops a creation (Art. 12, Art. 14)."""

    POLLUTION_COMPLAINTS = "pollution_complaints"  # Art. 14 (1)
    UNREPORTED_MAJOR_CHANGE = "unreported_major_change"  # Art. 14 (2)
    OTHER = "other"  # Art. 14 (3)
    MAJOR_CHANGE_IMPACT = "major_change_impact"  # Art. 12: the argued change makes creation untenable


class WarningReason(StrEnum):
    """Grounds for a warning (Art. 27 items (1)-(5))."""

    POLLUTION_COMPLAINTS = "pollution_complaints"  # (1)
    UNREPORTED_MAJOR_CHANGE = "unreported_major_change"  # (2)
    FAILED_EVALUATION = "failed_evaluation"  # (3), also Art. 26
    ANNUAL_REPORT = "annual_report"  # (4) late or non-compliant annual report
    OTHER = "other"  # (5)


class RevocationReason(StrEnum):
    """Grounds for revocation (Art. 28 items (1)-(8))."""

    SERIOUS_POLLUTION = "serious_pollution"  # (1) incl. major emergencies, international conventions
    FALSIFIED_DATA = "falsified_data"  # (2)
    FAILED_AFTER_RECTIFICATION = "failed_after_rectification"  # (3)
    TWO_FAILED_EVALUATIONS = "two_failed_evaluations"  # (4)
    REPEATED_WARNINGS = "repeated_warnings"  # (5)
    NO_DEDICATED_BODY = "no_dedicated_body"  # (6)
    VOLUNTARY = "voluntary"  # (7)
    OTHER = "other"  # (8)


WARNING_REASON_ITEM: Mapping[WarningReason, int] = MappingProxyType(
    {reason: item for item, reason in enumerate(WarningReason, start=1)}
)
REVOCATION_REASON_ITEM: Mapping[RevocationReason, int] = MappingProxyType(
    {reason: item for item, reason in enumerate(RevocationReason, start=1)}
)

APPLICATION_STATES = frozenset(
    {
        State.APPLIED,
        State.MATERIALS_RETURNED,
        State.UNDER_PROVINCIAL_REVIEW,
        State.PLAN_ARGUED,
        State.IN_PUBLIC_NOTICE,
    }
)
# States in which the park is building and may (re)apply for acceptance (Art. 11, 15, 21).
CONSTRUCTION_STATES = frozenset({State.UNDER_CONSTRUCTION, State.ACCEPTANCE_FAILED, State.NOT_NAMED})
ACCEPTANCE_STATES = frozenset(
    {
        State.ACCEPTANCE_APPLIED,
        State.AWAITING_VERIFICATION,
        State.UNDER_VERIFICATION,
        State.RECTIFYING_VERIFICATION,
        State.VERIFICATION_PASSED,
        State.ACCEPTANCE_PASSED,
        State.IN_NAMING_NOTICE,
    }
)
CREATION_STATES = CONSTRUCTION_STATES | ACCEPTANCE_STATES
NAMED_STATES = frozenset({State.NAMED, State.WARNED, State.UNDER_RECHECK, State.RECTIFICATION_FAILED})
ENDED_STATES = frozenset(
    {
        State.APPLICATION_REJECTED,
        State.WITHDRAWN,
        State.CREATION_STOPPED,
        State.CREATION_INCOMPLETE,
        State.REVOKED,
    }
)

PHASE_OF: Mapping[State, Phase] = MappingProxyType(
    {
        State.NEW: Phase.APPLICATION,
        **{s: Phase.APPLICATION for s in APPLICATION_STATES},
        **{s: Phase.CREATION for s in CREATION_STATES},
        **{s: Phase.NAMED for s in NAMED_STATES},
        **{s: Phase.ENDED for s in ENDED_STATES},
    }
)


def may_use_title(state: State | str) -> bool:
    """Whether the park may use the title 生态文明建设示范区（生态工业园区）.

    Not before naming (Art. 11) and not while rectifying after a warning (Art. 26). We keep the title
    suspended until the recheck passes, i.e. also while the recheck is pending or after it failed [rule].
    """
    return State(state) is State.NAMED


def is_publicly_listed(state: State | str) -> bool:
    """Whether the park appears on the public list of named and under-construction parks (Art. 22).

    Parks approved for construction (through acceptance) and named parks, including warned ones; a park whose
    creation is incomplete is off the list (Art. 21) [rule].
    """
    return PHASE_OF[State(state)] in (Phase.CREATION, Phase.NAMED)


# -- facts and rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MajorChange:
    """A major change (Art. 12: name, management agency, scope, indicators, key projects)."""

    changed_on: date
    reported_on: date | None = None


@dataclass(frozen=True)
class Evaluation:
    """A performance evaluation result (Art. 25-26)."""

    on: date
    passed: bool
    excellent: bool = False


@dataclass(frozen=True)
class AnnualReport:
    """The annual report for ``year`` (Art. 23); ``submitted_on`` = forwarded to the Office after review."""

    year: int
    submitted_on: date | None = None
    compliant: bool | None = None  # None: not yet judged


@dataclass(frozen=True)
class ParkFacts:
    """What the guards need to know about a park, as of ``today`` (an Asia/Shanghai date passed in).

    The service derives it from the park's recorded transitions and documents. Dates refer to the current
    creation cycle: after a new application the previous cycle's approval, changes etc. are not carried over,
    except ``revoked_on``/``revocation_reason`` which the re-application ban needs.
    """

    today: date
    programme: Programme = Programme.NATIONAL
    # application (Art. 10)
    public_notice_last_day: date | None = None  # from WorkingDayCalendar.add_working_days(published_on, 5)
    open_objections: int = 0
    # construction (Art. 11-12, 24)
    approved_on: date | None = None
    extension_requested_on: date | None = None
    extension_granted_on: date | None = None
    extension_refused_on: date | None = None
    extension_months: int | None = None  # granted length; None = the maximum (1 year)
    major_changes: tuple[MajorChange, ...] = ()
    plan_revision_pending: bool = False
    # acceptance (Art. 15-19)
    acceptance_applied_on: date | None = None
    verification_feedback_on: date | None = None  # the feedback that asked for rectification (Art. 18)
    naming_notice_last_day: date | None = None
    open_complaints: int = 0
    # named (Art. 20-28)
    named_on: date | None = None
    evaluations: tuple[Evaluation, ...] = ()  # in date order
    warned_on: date | None = None  # the warning currently being rectified
    rectification_deadline: date | None = None  # set with that warning (<= 1 year, Art. 26)
    failed_rectifications: int = 0  # warnings whose rectification failed (recheck failed or deadline passed)
    annual_reports: tuple[AnnualReport, ...] = ()
    revocation_requested_on: date | None = None  # Art. 28 (7)
    revoked_on: date | None = None
    revocation_reason: RevocationReason | None = None
    # proposals the Office has already acted on (warned or dismissed): see warning_proposal_reasons()
    addressed_proposal_keys: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # The service reads these from string columns; coerce so that a typo fails here, not in a guard.
        object.__setattr__(self, "programme", Programme(self.programme))
        if self.revocation_reason is not None:
            object.__setattr__(self, "revocation_reason", RevocationReason(self.revocation_reason))
        object.__setattr__(self, "addressed_proposal_keys", frozenset(self.addressed_proposal_keys))


@dataclass(frozen=True)
class LifecycleRules:
    """The lifecycle's configurable interpretations [rule]; defaults follow DOMAIN.md."""

    time: TimeRules = DEFAULT_TIME_RULES
    # Art. 28: revocation reasons that bar a new application for the ban period.
    ban_reasons: frozenset[RevocationReason] = frozenset(
        {
            RevocationReason.SERIOUS_POLLUTION,
            RevocationReason.FALSIFIED_DATA,
            RevocationReason.FAILED_AFTER_RECTIFICATION,
        }
    )
    # Art. 28 (5) 多次被提出警告整改不到位: "repeatedly" read as at least this many failed rectifications.
    repeated_warnings_threshold: int = 2
    # Art. 23 每年: the first annual report due is for the year of approval (else the year after).
    annual_report_from_approval_year: bool = True
    # Check a stated warning/stop/revocation reason against the facts where the facts can show it
    # (e.g. "two failed evaluations" needs two failed evaluations on record). Off: any reason is accepted.
    check_stated_reasons: bool = True


DEFAULT_RULES = LifecycleRules()


# -- derived facts ------------------------------------------------------------------------------------------


def extension_pending(facts: ParkFacts) -> bool:
    """An extension was requested and the province has not decided yet."""
    return (
        facts.extension_requested_on is not None
        and facts.extension_granted_on is None
        and facts.extension_refused_on is None
    )


def construction_end(facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> date | None:
    """Last day of the construction period (Art. 11), with the granted extension; None before approval."""
    if facts.approved_on is None:
        return None
    extended = facts.extension_granted_on is not None
    return construction_deadline(
        facts.approved_on, extended, rules.time, extension_months=facts.extension_months if extended else None
    )


def late_major_changes(facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> tuple[MajorChange, ...]:
    """Major changes not reported within 6 months (Art. 12): reported late, or unreported and overdue."""
    late = []
    for change in facts.major_changes:
        due = major_change_report_deadline(change.changed_on, rules.time)
        reported = change.reported_on
        if (reported is None and facts.today > due) or (reported is not None and reported > due):
            late.append(change)
    return tuple(late)


def _annual_report_years(facts: ParkFacts, rules: LifecycleRules) -> range:
    start = facts.approved_on or facts.named_on
    if start is None:
        return range(0)
    first = start.year if rules.annual_report_from_approval_year else start.year + 1
    return range(first, facts.today.year + 1)


@dataclass(frozen=True)
class _ReportProblem:
    year: int
    code: str  # missing | late | non_compliant
    due: date


def _annual_report_problems(facts: ParkFacts, rules: LifecycleRules) -> list[_ReportProblem]:
    reports = {r.year: r for r in facts.annual_reports}
    problems = []
    for year in _annual_report_years(facts, rules):
        due = annual_report_due(year, rules.time)
        report = reports.get(year)
        if report is None or report.submitted_on is None:
            if facts.today > due:
                problems.append(_ReportProblem(year, "missing", due))
        elif report.submitted_on > due:
            problems.append(_ReportProblem(year, "late", due))
        if report is not None and report.compliant is False:
            problems.append(_ReportProblem(year, "non_compliant", due))
    return problems


# -- guards -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocked:
    """Why a guard refuses an action: a stable code, the article, and messages for people."""

    code: str
    article: int
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class GuardContext:
    state: State
    facts: ParkFacts
    rules: LifecycleRules
    reason: StrEnum | None


Guard = Callable[[GuardContext], Blocked | None]
_GUARDS: dict[str, Guard] = {}


def _guard(func: Guard) -> Guard:
    _GUARDS[func.__name__] = func
    return func


@_guard
def reapplication_ban_over(ctx: GuardContext) -> Blocked | None:
    """Art. 28: revoked for reasons (1)-(3) -> no new application for 3 years."""
    f = ctx.facts
    if f.revoked_on is None or f.revocation_reason not in ctx.rules.ban_reasons:
        return None
    end = reapplication_ban_end(f.revoked_on, ctx.rules.time)
    if f.today <= end:
        item = REVOCATION_REASON_ITEM[f.revocation_reason]
        return Blocked(
            "reapplication_banned",
            28,
            f"园区因第二十八条第（{item}）项被撤销称号，{end} 前不得再次申请创建。",
            f"The park's title was revoked under Art. 28 ({item}); no new application until after {end}.",
        )
    return None


@_guard
def public_notice_over(ctx: GuardContext) -> Blocked | None:
    """Art. 10: approval only after the 5-working-day public notice has ended."""
    last = ctx.facts.public_notice_last_day
    if last is None:
        return Blocked("public_notice_missing", 10, "尚未记录公示期。", "No public notice period is recorded.")
    if ctx.facts.today <= last:
        return Blocked(
            "public_notice_running",
            10,
            f"公示期至 {last} 结束，之后方可批准。",
            f"The public notice runs until {last}; approval is possible from the next day.",
        )
    return None


@_guard
def no_open_objections(ctx: GuardContext) -> Blocked | None:
    """Art. 10: objections must be investigated (and found untrue) before approval."""
    if ctx.facts.open_objections > 0:
        return Blocked(
            "objections_open",
            10,
            f"尚有 {ctx.facts.open_objections} 项公示异议未调查核实。",
            f"{ctx.facts.open_objections} objection(s) to the public notice are still under investigation.",
        )
    return None


@_guard
def extension_not_requested_before(ctx: GuardContext) -> Blocked | None:
    """Art. 11: one extension, of at most 1 year."""
    if ctx.facts.extension_requested_on is not None:
        return Blocked(
            "extension_already_requested",
            11,
            "已申请过延期，建设期只能延期一次。",
            "An extension has already been requested; the construction period can be extended once.",
        )
    return None


@_guard
def within_base_construction_period(ctx: GuardContext) -> Blocked | None:
    """Art. 11: the extension is requested within the 3 years (3年内无法完成建设任务可申请延期)."""
    f = ctx.facts
    if f.approved_on is None:
        return Blocked("not_approved", 11, "园区尚未获批建设。", "The park has not been approved for construction.")
    end = construction_deadline(f.approved_on, False, ctx.rules.time)
    if f.today > end:
        return Blocked(
            "construction_period_over",
            11,
            f"3年建设期已于 {end} 届满，不能再申请延期。",
            f"The 3-year construction period ended on {end}; an extension can no longer be requested.",
        )
    return None


@_guard
def extension_awaiting_decision(ctx: GuardContext) -> Blocked | None:
    """Art. 11: the province decides a pending extension request."""
    if not extension_pending(ctx.facts):
        return Blocked("no_pending_extension", 11, "没有待决定的延期申请。", "There is no pending extension request.")
    return None


@_guard
def no_late_major_change(ctx: GuardContext) -> Blocked | None:
    """Art. 12: a major change not reported within 6 months -> no acceptance work."""
    late = late_major_changes(ctx.facts, ctx.rules)
    if late:
        day = late[0].changed_on
        return Blocked(
            "major_change_not_reported_in_time",
            12,
            f"{day} 发生的重大调整未在6个月内书面报告，不予开展验收工作。",
            f"The major change of {day} was not reported within 6 months; no acceptance can take place.",
        )
    return None


@_guard
def no_pending_plan_revision(ctx: GuardContext) -> Blocked | None:
    """Art. 12, 24: a plan revision the province required is argued and filed before acceptance [rule]."""
    if ctx.facts.plan_revision_pending:
        return Blocked(
            "plan_revision_pending",
            12,
            "省级部门要求的《建设规划》修编尚未论证备案。",
            "The plan revision required by the provincial departments has not been argued and filed yet.",
        )
    return None


@_guard
def acceptance_within_construction_period(ctx: GuardContext) -> Blocked | None:
    """Art. 21: apply for acceptance within the construction period (or while an extension is pending)."""
    f = ctx.facts
    end = construction_end(f, ctx.rules)
    if end is None:
        return Blocked("not_approved", 11, "园区尚未获批建设。", "The park has not been approved for construction.")
    if f.today > end and not extension_pending(f):
        return Blocked(
            "construction_period_over",
            21,
            f"建设期已于 {end} 届满，视为创建未完成，需重新申请创建。",
            f"The construction period ended on {end}; creation is deemed incomplete and must start anew.",
        )
    return None


@_guard
def construction_period_expired(ctx: GuardContext) -> Blocked | None:
    """Art. 21: creation is incomplete once the period has passed with no acceptance application pending and
    no extension request pending."""
    f = ctx.facts
    end = construction_end(f, ctx.rules)
    if end is None:
        return Blocked("not_approved", 11, "园区尚未获批建设。", "The park has not been approved for construction.")
    if f.today <= end:
        return Blocked(
            "construction_period_running",
            21,
            f"建设期至 {end} 届满。",
            f"The construction period runs until {end}.",
        )
    if extension_pending(f):
        return Blocked(
            "extension_pending",
            11,
            "延期申请待省级部门决定。",
            "An extension request awaits the province's decision.",
        )
    return None


@_guard
def within_verification_rectification_period(ctx: GuardContext) -> Blocked | None:
    """Art. 18: rectified acceptance materials are resubmitted within 1 month of the feedback."""
    feedback = ctx.facts.verification_feedback_on
    if feedback is None:
        return Blocked("no_feedback", 18, "没有核查整改意见记录。", "No verification feedback is recorded.")
    end = rectification_deadline(feedback, ctx.rules.time)
    if ctx.facts.today > end:
        return Blocked(
            "rectification_period_over",
            18,
            f"整改材料应于 {end} 前提交，已逾期。",
            f"Rectified materials were due by {end}.",
        )
    return None


@_guard
def verification_rectification_period_over(ctx: GuardContext) -> Blocked | None:
    """Art. 18: only once the 1-month rectification period has lapsed."""
    feedback = ctx.facts.verification_feedback_on
    if feedback is None:
        return Blocked("no_feedback", 18, "没有核查整改意见记录。", "No verification feedback is recorded.")
    end = rectification_deadline(feedback, ctx.rules.time)
    if ctx.facts.today <= end:
        return Blocked(
            "rectification_period_running",
            18,
            f"整改期至 {end}。",
            f"The rectification period runs until {end}.",
        )
    return None


@_guard
def naming_notice_over(ctx: GuardContext) -> Blocked | None:
    """Art. 19-20: naming only after the 5-working-day naming notice."""
    last = ctx.facts.naming_notice_last_day
    if last is None:
        return Blocked("naming_notice_missing", 19, "尚未记录命名公示期。", "No naming notice period is recorded.")
    if ctx.facts.today <= last:
        return Blocked(
            "naming_notice_running",
            19,
            f"命名公示期至 {last} 结束。",
            f"The naming notice runs until {last}; naming is possible from the next day.",
        )
    return None


@_guard
def no_open_complaints(ctx: GuardContext) -> Blocked | None:
    """Art. 19: complaints received during the naming notice are investigated first."""
    if ctx.facts.open_complaints > 0:
        return Blocked(
            "complaints_open",
            19,
            f"尚有 {ctx.facts.open_complaints} 项举报未调查核实。",
            f"{ctx.facts.open_complaints} complaint(s) are still under investigation.",
        )
    return None


@_guard
def latest_evaluation_excellent(ctx: GuardContext) -> Blocked | None:
    """Art. 26: commendation follows an excellent evaluation."""
    evaluations = ctx.facts.evaluations
    if not evaluations or not evaluations[-1].excellent:
        return Blocked(
            "evaluation_not_excellent",
            26,
            "最近一次绩效评价结果不是优秀。",
            "The latest performance evaluation is not rated excellent.",
        )
    return None


@_guard
def rectification_period_over(ctx: GuardContext) -> Blocked | None:
    """Art. 26: the warning's rectification period (at most 1 year) has lapsed."""
    end = ctx.facts.rectification_deadline
    if end is None:
        return Blocked("no_rectification_deadline", 26, "没有整改期限记录。", "No rectification deadline is recorded.")
    if ctx.facts.today <= end:
        return Blocked(
            "rectification_period_running",
            26,
            f"整改期至 {end}。",
            f"The rectification period runs until {end}.",
        )
    return None


@_guard
def has_reported_major_change(ctx: GuardContext) -> Blocked | None:
    """Art. 12: change argumentation is about a reported change."""
    if not any(c.reported_on is not None for c in ctx.facts.major_changes):
        return Blocked("no_reported_major_change", 12, "没有已报告的重大调整。", "No major change has been reported.")
    return None


@_guard
def plan_revision_required(ctx: GuardContext) -> Blocked | None:
    """Art. 24: filing a plan revision presupposes that one was required."""
    if not ctx.facts.plan_revision_pending:
        return Blocked("no_plan_revision_pending", 24, "没有待修编的《建设规划》。", "No plan revision is pending.")
    return None


def _unsupported(article: int, zh: str, en: str) -> Blocked:
    return Blocked("reason_not_supported_by_facts", article, zh, en)


@_guard
def stop_reason_supported(ctx: GuardContext) -> Blocked | None:
    """Art. 12, 14: a stop on the grounds of a change needs the change on record."""
    if not ctx.rules.check_stated_reasons:
        return None
    if ctx.reason is StopReason.UNREPORTED_MAJOR_CHANGE and not late_major_changes(ctx.facts, ctx.rules):
        return _unsupported(14, "没有逾期未报告的重大调整记录。", "No major change on record was reported late.")
    if ctx.reason is StopReason.MAJOR_CHANGE_IMPACT and not ctx.facts.major_changes:
        return _unsupported(12, "没有重大调整记录。", "No major change is on record.")
    return None


@_guard
def warning_reason_supported(ctx: GuardContext) -> Blocked | None:
    """Art. 27: grounds (2)-(4) must be visible in the facts; (1) and (5) are people's findings."""
    if not ctx.rules.check_stated_reasons:
        return None
    f, reason = ctx.facts, ctx.reason
    if reason is WarningReason.UNREPORTED_MAJOR_CHANGE and not late_major_changes(f, ctx.rules):
        return _unsupported(27, "没有逾期未报告的重大调整记录。", "No major change on record was reported late.")
    if reason is WarningReason.FAILED_EVALUATION and not (f.evaluations and not f.evaluations[-1].passed):
        return _unsupported(27, "最近一次绩效评价并非未达要求。", "The latest performance evaluation did not fail.")
    if reason is WarningReason.ANNUAL_REPORT and not _annual_report_problems(f, ctx.rules):
        return _unsupported(
            27, "没有逾期或不符合要求的年度工作报告。", "No annual report on record is late or non-compliant."
        )
    return None


@_guard
def revocation_reason_supported(ctx: GuardContext) -> Blocked | None:
    """Art. 28: grounds (3), (4), (5), (7) must be visible in the facts; the others are people's findings."""
    if not ctx.rules.check_stated_reasons:
        return None
    f, reason = ctx.facts, ctx.reason
    if reason is RevocationReason.FAILED_AFTER_RECTIFICATION and not (
        ctx.state is State.RECTIFICATION_FAILED and f.evaluations and not f.evaluations[-1].passed
    ):
        return _unsupported(
            28,
            "须为绩效评价未通过且整改后仍未达到要求（整改失败）的园区。",
            "Requires a failed evaluation whose rectification has failed.",
        )
    if reason is RevocationReason.TWO_FAILED_EVALUATIONS and not (
        len(f.evaluations) >= 2 and not f.evaluations[-1].passed and not f.evaluations[-2].passed
    ):
        return _unsupported(
            28, "最近两次绩效评价并非均未达要求。", "The last two performance evaluations did not both fail."
        )
    if reason is RevocationReason.REPEATED_WARNINGS and f.failed_rectifications < ctx.rules.repeated_warnings_threshold:
        return _unsupported(
            28,
            f"警告整改不到位的次数少于 {ctx.rules.repeated_warnings_threshold} 次。",
            f"Fewer than {ctx.rules.repeated_warnings_threshold} warnings ended with a failed rectification.",
        )
    if reason is RevocationReason.VOLUNTARY and f.revocation_requested_on is None:
        return _unsupported(28, "园区管理机构未提出撤销申请。", "The management agency has not requested revocation.")
    return None


GUARDS: Mapping[str, Guard] = MappingProxyType(_GUARDS)


# -- the table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionRule:
    """One action: where it may start, where it leads (None: the state is unchanged), who, why, and guards.

    ``actors`` are the roles of the national programme; see :func:`actors_for` for a provincial one.
    ``reason`` is the enum a reason must come from when the action needs one (stop, warn, revoke).
    """

    action: Action
    from_states: frozenset[State]
    to_state: State | None
    actors: frozenset[Actor]
    article: int
    guards: tuple[str, ...] = ()
    reason: type[StrEnum] | None = None
    see_also: tuple[int, ...] = ()


def _rule(
    action: Action,
    from_states: Iterable[State] | State,
    to_state: State | None,
    actors: Iterable[Actor] | Actor,
    article: int,
    *guards: str,
    reason: type[StrEnum] | None = None,
    see_also: tuple[int, ...] = (),
) -> TransitionRule:
    from_set = frozenset({from_states}) if isinstance(from_states, State) else frozenset(from_states)
    actor_set = frozenset({actors}) if isinstance(actors, Actor) else frozenset(actors)
    return TransitionRule(action, from_set, to_state, actor_set, article, tuple(guards), reason, see_also)


S, A, P = State, Action, Actor
_REVIEWERS = (P.OFFICE, P.PROVINCE)  # Art. 25-26: the Office, or the province it delegates to
_STAY = None

TRANSITIONS: tuple[TransitionRule, ...] = (
    # application (Art. 9-10); a new application after an ended cycle (Art. 21, 28)
    _rule(
        A.SUBMIT_APPLICATION,
        {S.NEW} | ENDED_STATES,
        S.APPLIED,
        P.PARK,
        9,
        "reapplication_ban_over",
        see_also=(21, 28),
    ),
    _rule(A.START_PROVINCIAL_REVIEW, S.APPLIED, S.UNDER_PROVINCIAL_REVIEW, P.PROVINCE, 10),
    _rule(A.RETURN_MATERIALS, {S.APPLIED, S.UNDER_PROVINCIAL_REVIEW}, S.MATERIALS_RETURNED, P.PROVINCE, 10),
    _rule(A.RESUBMIT_APPLICATION, S.MATERIALS_RETURNED, S.APPLIED, P.PARK, 9),
    _rule(A.PASS_PLAN_ARGUMENTATION, S.UNDER_PROVINCIAL_REVIEW, S.PLAN_ARGUED, P.PROVINCE, 10, see_also=(37,)),
    _rule(A.PUBLISH_PUBLIC_NOTICE, S.PLAN_ARGUED, S.IN_PUBLIC_NOTICE, P.PROVINCE, 10),
    _rule(
        A.APPROVE_CONSTRUCTION,
        S.IN_PUBLIC_NOTICE,
        S.UNDER_CONSTRUCTION,
        P.PROVINCE,
        10,
        "public_notice_over",
        "no_open_objections",
        see_also=(11,),
    ),
    _rule(A.REJECT_APPLICATION, APPLICATION_STATES, S.APPLICATION_REJECTED, P.PROVINCE, 10),
    _rule(A.WITHDRAW, APPLICATION_STATES | CREATION_STATES, S.WITHDRAWN, P.PARK, 7),
    # construction (Art. 11-14, 21, 24)
    _rule(
        A.REQUEST_EXTENSION,
        CONSTRUCTION_STATES,
        _STAY,
        P.PARK,
        11,
        "extension_not_requested_before",
        "within_base_construction_period",
    ),
    _rule(A.GRANT_EXTENSION, CREATION_STATES, _STAY, P.PROVINCE, 11, "extension_awaiting_decision"),
    _rule(A.REFUSE_EXTENSION, CREATION_STATES, _STAY, P.PROVINCE, 11, "extension_awaiting_decision"),
    _rule(A.REPORT_MAJOR_CHANGE, CREATION_STATES | NAMED_STATES, _STAY, P.PARK, 12, see_also=(24, 27)),
    _rule(
        A.ARGUE_MAJOR_CHANGE,
        CREATION_STATES,
        _STAY,
        P.PROVINCE,
        12,
        "has_reported_major_change",
        see_also=(37,),
    ),
    _rule(A.REQUIRE_PLAN_REVISION, CREATION_STATES | NAMED_STATES, _STAY, P.PROVINCE, 12, see_also=(24,)),
    _rule(A.FILE_PLAN_REVISION, CREATION_STATES | NAMED_STATES, _STAY, P.PROVINCE, 24, "plan_revision_required"),
    _rule(
        A.STOP_CREATION,
        CREATION_STATES,
        S.CREATION_STOPPED,
        P.PROVINCE,
        14,
        "stop_reason_supported",
        reason=StopReason,
        see_also=(12,),
    ),
    _rule(
        A.MARK_CREATION_INCOMPLETE,
        CONSTRUCTION_STATES,
        S.CREATION_INCOMPLETE,
        P.SYSTEM,
        21,
        "construction_period_expired",
    ),
    # acceptance (Art. 15-20)
    _rule(
        A.APPLY_ACCEPTANCE,
        CONSTRUCTION_STATES,
        S.ACCEPTANCE_APPLIED,
        P.PARK,
        15,
        "acceptance_within_construction_period",
        "no_late_major_change",
        "no_pending_plan_revision",
        see_also=(12, 21),
    ),
    _rule(A.REJECT_ACCEPTANCE, S.ACCEPTANCE_APPLIED, S.ACCEPTANCE_FAILED, P.PROVINCE, 16, see_also=(21,)),
    _rule(
        A.FORWARD_ACCEPTANCE,
        S.ACCEPTANCE_APPLIED,
        S.AWAITING_VERIFICATION,
        P.PROVINCE,
        16,
        "no_late_major_change",
        "no_pending_plan_revision",
        see_also=(12,),
    ),
    _rule(
        A.START_VERIFICATION,
        S.AWAITING_VERIFICATION,
        S.UNDER_VERIFICATION,
        P.OFFICE,
        17,
        "no_late_major_change",
        see_also=(12,),
    ),
    _rule(A.REQUEST_RECTIFICATION, S.UNDER_VERIFICATION, S.RECTIFYING_VERIFICATION, P.OFFICE, 18),
    _rule(
        A.RESUBMIT_AFTER_RECTIFICATION,
        S.RECTIFYING_VERIFICATION,
        S.UNDER_VERIFICATION,
        P.PARK,
        18,
        "within_verification_rectification_period",
    ),
    _rule(
        A.EXPIRE_VERIFICATION_RECTIFICATION,
        S.RECTIFYING_VERIFICATION,
        S.ACCEPTANCE_FAILED,
        P.SYSTEM,
        18,
        "verification_rectification_period_over",
        see_also=(21,),
    ),
    _rule(
        A.PASS_VERIFICATION,
        S.UNDER_VERIFICATION,
        S.VERIFICATION_PASSED,
        P.OFFICE,
        18,
        "no_late_major_change",
        see_also=(17,),
    ),
    _rule(
        A.FAIL_VERIFICATION,
        {S.UNDER_VERIFICATION, S.RECTIFYING_VERIFICATION},
        S.ACCEPTANCE_FAILED,
        P.OFFICE,
        18,
        see_also=(21,),
    ),
    _rule(
        A.PASS_ACCEPTANCE_MEETING,
        S.VERIFICATION_PASSED,
        S.ACCEPTANCE_PASSED,
        P.OFFICE,
        18,
        "no_late_major_change",
    ),
    _rule(A.FAIL_ACCEPTANCE_MEETING, S.VERIFICATION_PASSED, S.ACCEPTANCE_FAILED, P.OFFICE, 18, see_also=(21,)),
    _rule(A.PUBLISH_NAMING_NOTICE, S.ACCEPTANCE_PASSED, S.IN_NAMING_NOTICE, P.OFFICE, 19),
    _rule(A.UPHOLD_COMPLAINT, S.IN_NAMING_NOTICE, S.NOT_NAMED, P.OFFICE, 19, see_also=(21,)),
    _rule(
        A.NAME_PARK,
        S.IN_NAMING_NOTICE,
        S.NAMED,
        P.LEADING_GROUP,
        20,
        "naming_notice_over",
        "no_open_complaints",
    ),
    _rule(A.DECLINE_NAMING, S.IN_NAMING_NOTICE, S.NOT_NAMED, P.LEADING_GROUP, 20, see_also=(21,)),
    # named (Art. 25-28)
    _rule(A.PASS_EVALUATION, NAMED_STATES, _STAY, _REVIEWERS, 25),
    _rule(A.FAIL_EVALUATION, NAMED_STATES, _STAY, _REVIEWERS, 25, see_also=(26,)),
    _rule(A.COMMEND, S.NAMED, _STAY, P.OFFICE, 26, "latest_evaluation_excellent"),
    _rule(
        A.WARN,
        NAMED_STATES,
        S.WARNED,
        P.OFFICE,
        27,
        "warning_reason_supported",
        reason=WarningReason,
        see_also=(26,),
    ),
    _rule(A.SUBMIT_RECTIFICATION, S.WARNED, S.UNDER_RECHECK, P.PARK, 26),
    _rule(A.PASS_RECHECK, S.UNDER_RECHECK, S.NAMED, _REVIEWERS, 26),
    _rule(A.FAIL_RECHECK, S.UNDER_RECHECK, S.RECTIFICATION_FAILED, _REVIEWERS, 26, see_also=(28,)),
    _rule(
        A.EXPIRE_RECTIFICATION,
        S.WARNED,
        S.RECTIFICATION_FAILED,
        P.SYSTEM,
        26,
        "rectification_period_over",
        see_also=(28,),
    ),
    _rule(A.REQUEST_REVOCATION, NAMED_STATES, _STAY, P.PARK, 28),
    _rule(
        A.REVOKE,
        NAMED_STATES,
        S.REVOKED,
        P.LEADING_GROUP,
        28,
        "revocation_reason_supported",
        reason=RevocationReason,
    ),
)
del S, A, P

_BY_ACTION: Mapping[Action, TransitionRule] = MappingProxyType({r.action: r for r in TRANSITIONS})


def rule_for(action: Action | str) -> TransitionRule:
    return _BY_ACTION[Action(action)]


def actors_for(action: Action | str, programme: Programme | str = Programme.NATIONAL) -> frozenset[Actor]:
    """Who may take ``action`` in ``programme``.

    In a provincial programme (Art. 41: 参照本办法) the provincial departments play the Office's and the
    leading group's parts too: they verify, hold the acceptance meeting, name, evaluate, warn, revoke [rule].
    """
    actors = rule_for(action).actors
    if Programme(programme) is Programme.PROVINCIAL:
        national = {Actor.OFFICE, Actor.LEADING_GROUP}
        actors = frozenset(Actor.PROVINCE if a in national else a for a in actors)
    return actors


# -- applying the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """The outcome of a permitted action: what the service records on the park (with documents, comment)."""

    from_state: State
    action: Action
    to_state: State
    actor: Actor
    article: int
    on: date
    reason: StrEnum | None = None
    see_also: tuple[int, ...] = ()

    @property
    def changes_state(self) -> bool:
        return self.from_state is not self.to_state


class LifecycleError(Exception):
    """Base of the lifecycle's refusals. Plain exception classes: see CalendarFileError for why not frozen."""


class IllegalTransition(LifecycleError):
    """The action does not start from the current state (HTTP 409): names the state and what is allowed."""

    def __init__(self, current_state: State, action: Action, allowed_actions: tuple[Action, ...]) -> None:
        super().__init__(current_state, action, allowed_actions)
        self.current_state = current_state
        self.action = action
        self.allowed_actions = allowed_actions

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed_actions) or "none"
        return f"cannot {self.action} from state {self.current_state}; allowed: {allowed}"


class ActorNotAllowed(LifecycleError):
    """The action exists from this state but this actor may not take it (HTTP 403)."""

    def __init__(self, action: Action, actor: Actor, allowed_actors: frozenset[Actor]) -> None:
        super().__init__(action, actor, allowed_actors)
        self.action = action
        self.actor = actor
        self.allowed_actors = allowed_actors

    def __str__(self) -> str:
        return f"{self.actor} may not {self.action}; allowed: {', '.join(sorted(self.allowed_actors))}"


class GuardFailed(LifecycleError):
    """A guard refused the action (HTTP 409 with the code): the rule that blocks it and its article."""

    def __init__(self, code: str, article: int, message_zh: str, message_en: str) -> None:
        super().__init__(code, article, message_zh, message_en)
        self.code = code
        self.article = article
        self.message_zh = message_zh
        self.message_en = message_en

    @classmethod
    def from_blocked(cls, blocked: Blocked) -> GuardFailed:
        return cls(blocked.code, blocked.article, blocked.message_zh, blocked.message_en)

    def __str__(self) -> str:
        return f"{self.code} (Art. {self.article}): {self.message_en}"


def _first_block(rule: TransitionRule, ctx: GuardContext) -> Blocked | None:
    for name in rule.guards:
        blocked = GUARDS[name](ctx)
        if blocked is not None:
            return blocked
    return None


def _check_reason(rule: TransitionRule, reason: StrEnum | str | None) -> StrEnum | None:
    if rule.reason is None:
        if reason is not None:
            raise GuardFailed(
                "reason_not_applicable",
                rule.article,
                "此操作不需要理由类别。",
                f"{rule.action} takes no reason.",
            )
        return None
    if reason is None:
        choices = ", ".join(rule.reason)
        raise GuardFailed(
            "reason_required",
            rule.article,
            f"请选择第{rule.article}条规定的情形。",
            f"{rule.action} needs a reason under Art. {rule.article}: one of {choices}.",
        )
    try:
        return rule.reason(reason)
    except ValueError:
        raise GuardFailed(
            "bad_reason",
            rule.article,
            f"理由“{reason}”不是第{rule.article}条规定的情形。",
            f"{reason!r} is not a reason under Art. {rule.article}; one of {', '.join(rule.reason)}.",
        ) from None


def _blocked_for_any_reason(rule: TransitionRule, ctx: GuardContext) -> Blocked | None:
    # Without a reason in hand, an action is available if *some* reason would pass its guards.
    if rule.reason is None:
        return _first_block(rule, ctx)
    first: Blocked | None = None
    for reason in rule.reason:
        blocked = _first_block(rule, GuardContext(ctx.state, ctx.facts, ctx.rules, reason))
        if blocked is None:
            return None
        first = first or blocked
    return first


@dataclass(frozen=True)
class ActionOption:
    """An action the actor could take from the state, and what blocks it (None: it is allowed)."""

    action: Action
    article: int
    blocked: Blocked | None


def action_options(
    state: State | str, actor: Actor | str, facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES
) -> list[ActionOption]:
    """Every action starting from ``state`` that ``actor`` may take, each with its guard's verdict."""
    state, actor = State(state), Actor(actor)
    ctx = GuardContext(state, facts, rules, None)
    return [
        ActionOption(rule.action, rule.article, _blocked_for_any_reason(rule, ctx))
        for rule in TRANSITIONS
        if state in rule.from_states and actor in actors_for(rule.action, facts.programme)
    ]


def allowed_actions(
    state: State | str, actor: Actor | str, facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES
) -> tuple[Action, ...]:
    """The actions ``actor`` can take now from ``state`` (guards passing), in table order."""
    return tuple(o.action for o in action_options(state, actor, facts, rules) if o.blocked is None)


def apply(
    state: State | str,
    action: Action | str,
    actor: Actor | str,
    facts: ParkFacts,
    *,
    reason: StrEnum | str | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
) -> Transition:
    """Check one action against the table and return the transition to record.

    Raises :class:`IllegalTransition` if the action does not start from ``state``, :class:`ActorNotAllowed`
    if the actor may not take it, :class:`GuardFailed` if a guard (or a missing/invalid reason) blocks it.
    """
    state, action, actor = State(state), Action(action), Actor(actor)
    rule = rule_for(action)
    if state not in rule.from_states:
        raise IllegalTransition(state, action, allowed_actions(state, actor, facts, rules))
    permitted = actors_for(action, facts.programme)
    if actor not in permitted:
        raise ActorNotAllowed(action, actor, permitted)
    checked_reason = _check_reason(rule, reason)
    blocked = _first_block(rule, GuardContext(state, facts, rules, checked_reason))
    if blocked is not None:
        raise GuardFailed.from_blocked(blocked)
    return Transition(
        from_state=state,
        action=action,
        to_state=state if rule.to_state is None else rule.to_state,
        actor=actor,
        article=rule.article,
        on=facts.today,
        reason=checked_reason,
        see_also=rule.see_also,
    )


# -- proposals and deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningProposal:
    """A ground for a warning the system puts before the Office (Art. 27); people decide.

    ``key`` identifies the ground (e.g. ``annual_report:2025``) so the service can keep one proposal per
    ground and drop the ones the Office has addressed (``ParkFacts.addressed_proposal_keys``).
    """

    reason: WarningReason
    key: str
    article: int
    item: int
    message_zh: str
    message_en: str


def warning_proposal_reasons(facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> list[WarningProposal]:
    """Grounds for a warning visible in the facts, not yet addressed: late/unreported major changes (Art. 27
    (2)), a failed latest evaluation (27 (3), 26), late, missing or non-compliant annual reports (27 (4)).

    Meant for named parks. For a park still under creation the same grounds go to the province instead
    (an unreported change can stop the creation, Art. 14 (2)); the service routes them [rule].
    """
    proposals: list[WarningProposal] = []
    for change in late_major_changes(facts, rules):
        proposals.append(
            WarningProposal(
                WarningReason.UNREPORTED_MAJOR_CHANGE,
                f"major_change:{change.changed_on.isoformat()}",
                27,
                2,
                f"{change.changed_on} 发生的重大调整未在6个月内报告。",
                f"The major change of {change.changed_on} was not reported within 6 months.",
            )
        )
    if facts.evaluations and not facts.evaluations[-1].passed:
        failed = facts.evaluations[-1].on
        proposals.append(
            WarningProposal(
                WarningReason.FAILED_EVALUATION,
                f"failed_evaluation:{failed.isoformat()}",
                27,
                3,
                f"{failed} 的绩效评价未达到要求。",
                f"The performance evaluation of {failed} failed.",
            )
        )
    for problem in _annual_report_problems(facts, rules):
        y, due = problem.year, problem.due
        if problem.code == "non_compliant":
            key = f"annual_report_non_compliant:{y}"
            zh, en = (
                f"{y} 年度工作报告不符合要求。",
                f"The annual report for {y} does not meet the requirements.",
            )
        elif problem.code == "late":
            key = f"annual_report:{y}"
            zh, en = (
                f"{y} 年度工作报告逾期提交（应于 {due} 前）。",
                f"The annual report for {y} was late (due {due}).",
            )
        else:
            key = f"annual_report:{y}"
            zh, en = (
                f"{y} 年度工作报告未提交（应于 {due} 前）。",
                f"The annual report for {y} is missing (due {due}).",
            )
        proposals.append(WarningProposal(WarningReason.ANNUAL_REPORT, key, 27, 4, zh, en))
    return [p for p in proposals if p.key not in facts.addressed_proposal_keys]


@dataclass(frozen=True)
class Deadline:
    """A date the Measures attach to the park's current situation.

    ``key`` is unique per park, kind and period (the service's deadline rows use it). ``consequence`` is the
    system action a sweeper applies once the date has passed (its guards re-check the facts), or None when
    the date only triggers reminders and proposals. ``due`` is the last day on time.
    """

    kind: str
    key: str
    due: date
    article: int
    consequence: Action | None = None


def pending_deadlines(state: State | str, facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> list[Deadline]:
    """The deadlines open for a park in ``state``, sorted by due date. Notice ends are included when the facts
    carry them (the service computes them with the working-day calendar and knows if they are provisional)."""
    state = State(state)
    phase = PHASE_OF[state]
    out: list[Deadline] = []
    if state is State.IN_PUBLIC_NOTICE and facts.public_notice_last_day is not None:
        out.append(
            Deadline(
                "public_notice",
                f"public_notice:{facts.public_notice_last_day.isoformat()}",
                facts.public_notice_last_day,
                10,
            )
        )
    if state in CONSTRUCTION_STATES and facts.approved_on is not None:
        end = construction_end(facts, rules)
        assert end is not None
        out.append(
            Deadline(
                "construction_period",
                f"construction:{facts.approved_on.isoformat()}",
                end,
                21,
                Action.MARK_CREATION_INCOMPLETE,
            )
        )
    if phase in (Phase.CREATION, Phase.NAMED):
        for change in facts.major_changes:
            if change.reported_on is None:
                due = major_change_report_deadline(change.changed_on, rules.time)
                out.append(Deadline("major_change_report", f"major_change:{change.changed_on.isoformat()}", due, 12))
        reports = {r.year: r for r in facts.annual_reports if r.submitted_on is not None}
        for year in _annual_report_years(facts, rules):
            if year not in reports:
                out.append(Deadline("annual_report", f"annual_report:{year}", annual_report_due(year, rules.time), 23))
    if state is State.RECTIFYING_VERIFICATION and facts.verification_feedback_on is not None:
        due = rectification_deadline(facts.verification_feedback_on, rules.time)
        out.append(
            Deadline(
                "verification_rectification",
                f"verification_rectification:{facts.verification_feedback_on.isoformat()}",
                due,
                18,
                Action.EXPIRE_VERIFICATION_RECTIFICATION,
            )
        )
    if state is State.IN_NAMING_NOTICE and facts.naming_notice_last_day is not None:
        out.append(
            Deadline(
                "naming_notice",
                f"naming_notice:{facts.naming_notice_last_day.isoformat()}",
                facts.naming_notice_last_day,
                19,
            )
        )
    if phase is Phase.NAMED and facts.named_on is not None:
        # The next evaluation after those already held since naming, counted from the naming date (Art. 25).
        held = sum(1 for e in facts.evaluations if e.on >= facts.named_on)
        cycle = held + 1
        due = add_years(facts.named_on, cycle * rules.time.evaluation_interval_years)
        out.append(Deadline("performance_evaluation", f"evaluation:{facts.named_on.isoformat()}:{cycle}", due, 25))
    if state is State.WARNED and facts.rectification_deadline is not None and facts.warned_on is not None:
        out.append(
            Deadline(
                "warning_rectification",
                f"warning_rectification:{facts.warned_on.isoformat()}",
                facts.rectification_deadline,
                26,
                Action.EXPIRE_RECTIFICATION,
            )
        )
    if state is State.REVOKED and facts.revoked_on is not None and facts.revocation_reason in rules.ban_reasons:
        end = reapplication_ban_end(facts.revoked_on, rules.time)
        out.append(Deadline("reapplication_ban", f"reapplication_ban:{facts.revoked_on.isoformat()}", end, 28))
    return sorted(out, key=lambda d: (d.due, d.kind, d.key))


# Keep the public name list honest: every guard named in the table exists.
_missing = {g for r in TRANSITIONS for g in r.guards} - set(GUARDS)
if _missing:  # pragma: no cover - a typo in the table must fail at import, not at a user's request
    raise RuntimeError(f"unknown guards in TRANSITIONS: {sorted(_missing)}")
del _missing
