"""What the guards know about a park: the facts snapshot, the configurable rules, and facts derived from them.

Plain frozen dataclasses; ``scheduling.facts`` builds a :class:`ParkFacts` from the database rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduling.rules.lifecycle.panel_outcomes import PanelOutcome
from scheduling.rules.lifecycle.vocabulary import Programme, RevocationReason
from scheduling.rules.periods import DEFAULT_RULES as DEFAULT_TIME_RULES
from scheduling.rules.periods import (
    TimeRules,
    add_years,
    annual_report_due,
    construction_deadline,
    major_change_report_deadline,
)


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
    # review panels of this cycle that concluded and whose conclusion no action has taken yet (panel_outcomes)
    panel_outcomes: tuple[PanelOutcome, ...] = ()

    def __post_init__(self) -> None:
        # The service reads these from string columns; coerce so that a typo fails here, not in a guard.
        object.__setattr__(self, "programme", Programme(self.programme))
        if self.revocation_reason is not None:
            object.__setattr__(self, "revocation_reason", RevocationReason(self.revocation_reason))
        object.__setattr__(self, "addressed_proposal_keys", frozenset(self.addressed_proposal_keys))
        object.__setattr__(self, "panel_outcomes", tuple(self.panel_outcomes))


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
    # Art. 25: a performance evaluation panel may be convened from this many months before the evaluation's
    # due date (and any time after it, while it is still outstanding).
    evaluation_panel_lead_months: int = 6


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


def next_evaluation_due(facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> date | None:
    """Due date of the next performance evaluation (Art. 25: every 3 years from the naming date), counting the
    evaluations already held since naming; None before naming."""
    if facts.named_on is None:
        return None
    held = sum(1 for e in facts.evaluations if e.on >= facts.named_on)
    return add_years(facts.named_on, (held + 1) * rules.time.evaluation_interval_years)


def annual_report_years(facts: ParkFacts, rules: LifecycleRules) -> range:
    start = facts.approved_on or facts.named_on
    if start is None:
        return range(0)
    first = start.year if rules.annual_report_from_approval_year else start.year + 1
    return range(first, facts.today.year + 1)


@dataclass(frozen=True)
class ReportProblem:
    year: int
    code: str  # missing | late | non_compliant
    due: date


def annual_report_problems(facts: ParkFacts, rules: LifecycleRules) -> list[ReportProblem]:
    reports = {r.year: r for r in facts.annual_reports}
    problems = []
    for year in annual_report_years(facts, rules):
        due = annual_report_due(year, rules.time)
        report = reports.get(year)
        if report is None or report.submitted_on is None:
            if facts.today > due:
                problems.append(ReportProblem(year, "missing", due))
        elif report.submitted_on > due:
            problems.append(ReportProblem(year, "late", due))
        if report is not None and report.compliant is False:
            problems.append(ReportProblem(year, "non_compliant", due))
    return problems
