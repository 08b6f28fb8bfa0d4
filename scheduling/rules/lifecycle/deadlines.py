"""The dates the Measures attach to a park's current situation, and the system action each one triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduling.rules.lifecycle.facts import (
    DEFAULT_RULES,
    LifecycleRules,
    ParkFacts,
    annual_report_years,
    construction_end,
    next_evaluation_due,
)
from scheduling.rules.lifecycle.vocabulary import CONSTRUCTION_STATES, PHASE_OF, Action, Phase, State
from scheduling.rules.periods import (
    annual_report_due,
    major_change_report_deadline,
    reapplication_ban_end,
    rectification_deadline,
)


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
        for year in annual_report_years(facts, rules):
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
        cycle = sum(1 for e in facts.evaluations if e.on >= facts.named_on) + 1
        due = next_evaluation_due(facts, rules)
        assert due is not None
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
