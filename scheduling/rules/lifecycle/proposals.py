"""Grounds for a warning the system puts before the Office (Art. 27): it proposes, people decide."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.rules.lifecycle.facts import (
    DEFAULT_RULES,
    LifecycleRules,
    ParkFacts,
    annual_report_problems,
    late_major_changes,
)
from scheduling.rules.lifecycle.vocabulary import WarningReason


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
    for problem in annual_report_problems(facts, rules):
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
