"""From rows to the lifecycle's plain values: :class:`ParkFacts`, the rules in force, deadline instants.

Not pure (it reads the app's config and the park's rows); the dataclasses it fills are, in
:mod:`scheduling.rules.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, current_app

from ground.clock import SHANGHAI
from scheduling.models import Park
from scheduling.rules.lifecycle import (
    DEFAULT_RULES,
    AnnualReport,
    Evaluation,
    LifecycleRules,
    MajorChange,
    PanelOutcome,
    ParkFacts,
)

ONE_DAY = timedelta(days=1)

#: A source of panel outcomes: the park -> the conclusions of its current cycle that no action has taken yet.
PanelOutcomeSource = Callable[[Park], Iterable[PanelOutcome]]
_OUTCOME_SOURCES = "scheduling.panel_outcome_sources"


def register_panel_outcome_source(app: Flask, source: PanelOutcomeSource) -> None:
    """Panels (a package above) tell the lifecycle which conclusions are waiting to be acted on; scheduling
    never imports them. Without a source no conclusion exists, so the actions panels decide stay refused."""
    app.extensions.setdefault(_OUTCOME_SOURCES, []).append(source)


def panel_outcomes(park: Park) -> tuple[PanelOutcome, ...]:
    return tuple(o for source in current_app.extensions.get(_OUTCOME_SOURCES, ()) for o in source(park))


def lifecycle_rules() -> LifecycleRules:
    """The rules in force: ``app.config["SCHEDULING_LIFECYCLE_RULES"]`` if a deployment set one, else defaults."""
    rules = current_app.config.get("SCHEDULING_LIFECYCLE_RULES")
    return rules if isinstance(rules, LifecycleRules) else DEFAULT_RULES


def start_of_day(day: date) -> datetime:
    """00:00 of ``day`` in Asia/Shanghai, as a UTC instant."""
    return datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)


def open_objections(park: Park, notice: str) -> int:
    """Objections (public notice) or complaints (naming notice) not yet found untrue in the current notice.

    An objection found true still counts: approval (Art. 10) and naming (Art. 19) need none or only untrue
    ones; the province rejects, or the Office upholds the complaint, instead.
    """
    since = park.public_notice_published_on if notice == "public_notice" else park.naming_notice_published_on
    return sum(
        1 for o in park.objections
        if o.cycle == park.cycle and o.notice == notice and (since is None or o.received_on >= since)
        and (o.resolved_on is None or o.upheld)
    )


def build_facts(park: Park, today: date, *, with_panels: bool = False) -> ParkFacts:
    """The lifecycle's snapshot of ``park`` as of ``today`` (its current creation cycle).

    ``with_panels`` asks the registered sources for the panel outcomes awaiting action: only where an action
    a panel decides is checked or offered, so the sweeper's many snapshots cost no query for them (without
    them such an action is refused, never wrongly allowed).
    """
    cycle = park.cycle
    return ParkFacts(
        today=today,
        programme=park.programme,
        public_notice_last_day=park.public_notice_last_day,
        open_objections=open_objections(park, "public_notice"),
        approved_on=park.approved_on,
        extension_requested_on=park.extension_requested_on,
        extension_granted_on=park.extension_granted_on,
        extension_refused_on=park.extension_refused_on,
        extension_months=park.extension_months,
        major_changes=tuple(MajorChange(c.changed_on, c.reported_on) for c in park.major_changes
                            if c.cycle == cycle),
        plan_revision_pending=park.plan_revision_pending,
        acceptance_applied_on=park.acceptance_applied_on,
        verification_feedback_on=park.verification_feedback_on,
        naming_notice_last_day=park.naming_notice_last_day,
        open_complaints=open_objections(park, "naming_notice"),
        named_on=park.named_on,
        evaluations=tuple(Evaluation(e.evaluated_on, e.passed, e.excellent) for e in park.evaluations
                          if e.cycle == cycle),
        warned_on=park.warned_on,
        rectification_deadline=park.rectification_deadline,
        failed_rectifications=park.failed_rectifications,
        annual_reports=tuple(AnnualReport(r.year, r.forwarded_on, r.compliant) for r in park.annual_reports),
        revocation_requested_on=park.revocation_requested_on,
        revoked_on=park.revoked_on,
        revocation_reason=park.revocation_reason,
        addressed_proposal_keys=frozenset(p.key for p in park.proposals if p.status != "open"),
        panel_outcomes=panel_outcomes(park) if with_panels else (),
    )
