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
from scheduling.rules.messages import N_, Text
from scheduling.rules.periods import construction_deadline, reapplication_ban_end, rectification_deadline


@dataclass(frozen=True)
class Blocked:
    """Why a guard refuses an action: a stable code, the article, and the message for people (an English msgid
    and its values, translated where it is shown)."""

    code: str
    article: int
    text: Text

    @property
    def message_en(self) -> str:
        return str(self.text)


def _blocked(code: str, article: int, message: str, **values: object) -> Blocked:
    return Blocked(code, article, Text(message, values))


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
        return _blocked("reapplication_banned", 28, N_(
            "The park's title was revoked under Art. 28 ({item}); no new application until after {end}."),
            item=item, end=end)
    return None


@_guard
def public_notice_over(ctx: GuardContext) -> Blocked | None:
    """Art. 10: approval only after the 5-working-day public notice has ended."""
    last = ctx.facts.public_notice_last_day
    if last is None:
        return _blocked("public_notice_missing", 10, N_("No public notice period is recorded."))
    if ctx.facts.today <= last:
        return _blocked("public_notice_running", 10, N_(
            "The public notice runs until {last}; approval is possible from the next day."), last=last)
    return None


@_guard
def no_open_objections(ctx: GuardContext) -> Blocked | None:
    """Art. 10: objections must be investigated (and found untrue) before approval."""
    if ctx.facts.open_objections > 0:
        return _blocked("objections_open", 10, N_(
            "{n} objection(s) to the public notice are still under investigation."), n=ctx.facts.open_objections)
    return None


@_guard
def extension_not_requested_before(ctx: GuardContext) -> Blocked | None:
    """Art. 11: one extension, of at most 1 year."""
    if ctx.facts.extension_requested_on is not None:
        return _blocked("extension_already_requested", 11, N_(
            "An extension has already been requested; the construction period can be extended once."))
    return None


@_guard
def within_base_construction_period(ctx: GuardContext) -> Blocked | None:
    """Art. 11: the extension is requested within the 3 years (3年内无法完成建设任务可申请延期)."""
    f = ctx.facts
    if f.approved_on is None:
        return _blocked("not_approved", 11, N_("The park has not been approved for construction."))
    end = construction_deadline(f.approved_on, False, ctx.rules.time)
    if f.today > end:
        return _blocked("construction_period_over", 11, N_(
            "The 3-year construction period ended on {end}; an extension can no longer be requested."), end=end)
    return None


@_guard
def extension_awaiting_decision(ctx: GuardContext) -> Blocked | None:
    """Art. 11: the province decides a pending extension request."""
    if not extension_pending(ctx.facts):
        return _blocked("no_pending_extension", 11, N_("There is no pending extension request."))
    return None


@_guard
def no_late_major_change(ctx: GuardContext) -> Blocked | None:
    """Art. 12: a major change not reported within 6 months -> no acceptance work."""
    late = late_major_changes(ctx.facts, ctx.rules)
    if late:
        day = late[0].changed_on
        return _blocked("major_change_not_reported_in_time", 12, N_(
            "The major change of {day} was not reported within 6 months; no acceptance can take place."), day=day)
    return None


@_guard
def no_pending_plan_revision(ctx: GuardContext) -> Blocked | None:
    """Art. 12, 24: a plan revision the province required is argued and filed before acceptance [rule]."""
    if ctx.facts.plan_revision_pending:
        return _blocked("plan_revision_pending", 12, N_(
            "The plan revision required by the provincial departments has not been argued and filed yet."))
    return None


@_guard
def acceptance_within_construction_period(ctx: GuardContext) -> Blocked | None:
    """Art. 21: apply for acceptance within the construction period (or while an extension is pending)."""
    f = ctx.facts
    end = construction_end(f, ctx.rules)
    if end is None:
        return _blocked("not_approved", 11, N_("The park has not been approved for construction."))
    if f.today > end and not extension_pending(f):
        return _blocked("construction_period_over", 21, N_(
            "The construction period ended on {end}; creation is deemed incomplete and must start anew."), end=end)
    return None


@_guard
def construction_period_expired(ctx: GuardContext) -> Blocked | None:
    """Art. 21: creation is incomplete once the period has passed with no acceptance application pending and
    no extension request pending."""
    f = ctx.facts
    end = construction_end(f, ctx.rules)
    if end is None:
        return _blocked("not_approved", 11, N_("The park has not been approved for construction."))
    if f.today <= end:
        return _blocked("construction_period_running", 21, N_("The construction period runs until {end}."), end=end)
    if extension_pending(f):
        return _blocked("extension_pending", 11, N_("An extension request awaits the province's decision."))
    return None


@_guard
def within_verification_rectification_period(ctx: GuardContext) -> Blocked | None:
    """Art. 18: rectified acceptance materials are resubmitted within 1 month of the feedback."""
    feedback = ctx.facts.verification_feedback_on
    if feedback is None:
        return _blocked("no_feedback", 18, N_("No verification feedback is recorded."))
    end = rectification_deadline(feedback, ctx.rules.time)
    if ctx.facts.today > end:
        return _blocked("rectification_period_over", 18, N_("Rectified materials were due by {end}."), end=end)
    return None


@_guard
def verification_rectification_period_over(ctx: GuardContext) -> Blocked | None:
    """Art. 18: only once the 1-month rectification period has lapsed."""
    feedback = ctx.facts.verification_feedback_on
    if feedback is None:
        return _blocked("no_feedback", 18, N_("No verification feedback is recorded."))
    end = rectification_deadline(feedback, ctx.rules.time)
    if ctx.facts.today <= end:
        return _blocked("rectification_period_running", 18, N_("The rectification period runs until {end}."), end=end)
    return None


@_guard
def naming_notice_over(ctx: GuardContext) -> Blocked | None:
    """Art. 19-20: naming only after the 5-working-day naming notice."""
    last = ctx.facts.naming_notice_last_day
    if last is None:
        return _blocked("naming_notice_missing", 19, N_("No naming notice period is recorded."))
    if ctx.facts.today <= last:
        return _blocked("naming_notice_running", 19, N_(
            "The naming notice runs until {last}; naming is possible from the next day."), last=last)
    return None


@_guard
def no_open_complaints(ctx: GuardContext) -> Blocked | None:
    """Art. 19: complaints received during the naming notice are investigated first."""
    if ctx.facts.open_complaints > 0:
        return _blocked("complaints_open", 19, N_("{n} complaint(s) are still under investigation."),
                        n=ctx.facts.open_complaints)
    return None


@_guard
def latest_evaluation_excellent(ctx: GuardContext) -> Blocked | None:
    """Art. 26: commendation follows an excellent evaluation."""
    evaluations = ctx.facts.evaluations
    if not evaluations or not evaluations[-1].excellent:
        return _blocked("evaluation_not_excellent", 26, N_("The latest performance evaluation is not rated excellent."))
    return None


@_guard
def rectification_period_over(ctx: GuardContext) -> Blocked | None:
    """Art. 26: the warning's rectification period (at most 1 year) has lapsed."""
    end = ctx.facts.rectification_deadline
    if end is None:
        return _blocked("no_rectification_deadline", 26, N_("No rectification deadline is recorded."))
    if ctx.facts.today <= end:
        return _blocked("rectification_period_running", 26, N_("The rectification period runs until {end}."), end=end)
    return None


@_guard
def has_reported_major_change(ctx: GuardContext) -> Blocked | None:
    """Art. 12: change argumentation is about a reported change."""
    if not any(c.reported_on is not None for c in ctx.facts.major_changes):
        return _blocked("no_reported_major_change", 12, N_("No major change has been reported."))
    return None


@_guard
def plan_revision_required(ctx: GuardContext) -> Blocked | None:
    """Art. 24: filing a plan revision presupposes that one was required."""
    if not ctx.facts.plan_revision_pending:
        return _blocked("no_plan_revision_pending", 24, N_("No plan revision is pending."))
    return None


def _unsupported(article: int, message: str, **values: object) -> Blocked:
    return _blocked("reason_not_supported_by_facts", article, message, **values)


@_guard
def stop_reason_supported(ctx: GuardContext) -> Blocked | None:
    """Art. 12, 14: a stop on the grounds of a change needs the change on record."""
    if not ctx.rules.check_stated_reasons:
        return None
    if ctx.reason is StopReason.UNREPORTED_MAJOR_CHANGE and not late_major_changes(ctx.facts, ctx.rules):
        return _unsupported(14, N_("No major change on record was reported late."))
    if ctx.reason is StopReason.MAJOR_CHANGE_IMPACT and not ctx.facts.major_changes:
        return _unsupported(12, N_("No major change is on record."))
    return None


@_guard
def warning_reason_supported(ctx: GuardContext) -> Blocked | None:
    """Art. 27: grounds (2)-(4) must be visible in the facts; (1) and (5) are people's findings."""
    if not ctx.rules.check_stated_reasons:
        return None
    f, reason = ctx.facts, ctx.reason
    if reason is WarningReason.UNREPORTED_MAJOR_CHANGE and not late_major_changes(f, ctx.rules):
        return _unsupported(27, N_("No major change on record was reported late."))
    if reason is WarningReason.FAILED_EVALUATION and not (f.evaluations and not f.evaluations[-1].passed):
        return _unsupported(27, N_("The latest performance evaluation did not fail."))
    if reason is WarningReason.ANNUAL_REPORT and not annual_report_problems(f, ctx.rules):
        return _unsupported(27, N_("No annual report on record is late or non-compliant."))
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
        return _unsupported(28, N_("Requires a failed evaluation whose rectification has failed."))
    if reason is RevocationReason.TWO_FAILED_EVALUATIONS and not (
        len(f.evaluations) >= 2 and not f.evaluations[-1].passed and not f.evaluations[-2].passed
    ):
        return _unsupported(28, N_("The last two performance evaluations did not both fail."))
    if reason is RevocationReason.REPEATED_WARNINGS and f.failed_rectifications < ctx.rules.repeated_warnings_threshold:
        return _unsupported(28, N_("Fewer than {n} warnings ended with a failed rectification."),
                            n=ctx.rules.repeated_warnings_threshold)
    if reason is RevocationReason.VOLUNTARY and f.revocation_requested_on is None:
        return _unsupported(28, N_("The management agency has not requested revocation."))
    return None


GUARDS: Mapping[str, Guard] = MappingProxyType(_GUARDS)
