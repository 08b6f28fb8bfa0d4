"""The guards: pure functions of a :class:`GuardContext` that say why an action is refused, or None.

Each guard is registered by name in :data:`GUARDS`; the transition table names the guards of each action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from scheduling.rules.lifecycle.facts import (
    LifecycleRules,
    ParkFacts,
    annual_report_problems,
    construction_end,
    extension_pending,
    late_major_changes,
)
from scheduling.rules.lifecycle.vocabulary import (
    REVOCATION_REASON_ITEM,
    Action,
    RevocationReason,
    State,
    StopReason,
    WarningReason,
)
from scheduling.rules.periods import construction_deadline, reapplication_ban_end, rectification_deadline


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
    action: Action | None = None  # the action being checked (the engine fills it in)
    panel_override: bool = False  # the Office overrides the panel rule with a stated reason


Guard = Callable[[GuardContext], Blocked | None]
_GUARDS: dict[str, Guard] = {}


def _guard(func: Guard) -> Guard:
    _GUARDS[func.__name__] = func
    return func


register_guard = _guard  # for a guard kept in a module of its own (panel_guard)


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
    if reason is WarningReason.ANNUAL_REPORT and not annual_report_problems(f, ctx.rules):
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
