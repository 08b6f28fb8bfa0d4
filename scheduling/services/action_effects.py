"""What each lifecycle action changes in the park's recorded facts (dated columns, evaluations, changes, proposals).

The pure table decides *whether* an action may be taken; this module records *what it did*, so the next
:class:`ParkFacts` snapshot (``scheduling.facts.build_facts``) sees it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ground.actor import Actor
from ground.errors import Conflict
from ground.i18n import _l
from scheduling.calendar_service import get_calendar
from scheduling.facts import lifecycle_rules
from scheduling.models import EvaluationRecord, MajorChangeRecord, Park, ParkTransition
from scheduling.rules.lifecycle import ENDED_STATES, Action
from scheduling.rules.periods import warning_rectification_deadline
from scheduling.services.messages import invalid

# Facts of a creation cycle, cleared when a new application starts the next one (Art. 21).
CYCLE_FACTS = ("applied_on", "public_notice_published_on", "public_notice_last_day", "approved_on",
               "extension_requested_on", "extension_granted_on", "extension_refused_on", "extension_months",
               "acceptance_applied_on", "verification_feedback_on", "naming_notice_published_on",
               "naming_notice_last_day", "named_on", "warned_on", "rectification_deadline",
               "revocation_requested_on")


def _notice_end(start: date, days: int, now: datetime) -> tuple[date, bool]:
    result = get_calendar(now).add_working_days(start, days)
    return result.date, result.provisional


def _mark_proposals(park: Park, ids: list[int] | None, reasons: set[str], on: date, actor: Actor,
                    comment: str, proposed: str | None = None) -> list[str]:
    """Proposals an action settles: the ones named, else every open one of the action's reason; and every
    open proposal of the decision the action takes (``proposed``, e.g. a panel's proposal to name)."""
    keys = []
    for p in park.proposals:
        if p.status != "open":
            continue
        if (ids and p.id in ids) or (not ids and p.reason in reasons and p.proposed_action is None) or (
                proposed is not None and p.proposed_action == proposed):
            p.status, p.decided_on, p.decided_by_label, p.decision_comment = "acted", on, actor.label, comment
            keys.append(p.key)
    return keys


def _settled(park: Park, on: date, actor: Actor, comment: str, decision: Action) -> dict[str, Any]:
    """The panels' proposals of ``decision`` that this action settles (nothing recorded when there are none)."""
    keys = _mark_proposals(park, None, set(), on, actor, comment, decision.value)
    return {"proposals": keys} if keys else {}


def record_action_effects(park: Park, action: Action, on: date, reason: str | None, params: dict[str, Any],
                          actor: Actor, comment: str, now: datetime, transition: ParkTransition) -> dict[str, Any]:
    """What the action changes in the park's facts; returns the data stored with the transition."""
    rules = lifecycle_rules()
    A = Action
    data: dict[str, Any] = {}
    if action is A.SUBMIT_APPLICATION:
        if transition.from_state in {s.value for s in ENDED_STATES}:
            park.cycle += 1  # a new creation cycle (Art. 21): the old cycle's facts stay in the history
            for name in CYCLE_FACTS:
                setattr(park, name, None)
            park.public_notice_provisional = park.naming_notice_provisional = False
            park.plan_revision_pending = False
            park.failed_rectifications = 0
        park.applied_on = on
    elif action is A.PUBLISH_PUBLIC_NOTICE:
        last, provisional = _notice_end(on, rules.time.public_notice_working_days, now)
        park.public_notice_published_on, park.public_notice_last_day = on, last
        park.public_notice_provisional = provisional
        data = {"last_day": last.isoformat(), "provisional": provisional}
    elif action is A.APPROVE_CONSTRUCTION:
        park.approved_on = on
    elif action is A.REQUEST_EXTENSION:
        park.extension_requested_on = on
    elif action is A.GRANT_EXTENSION:
        months = params.get("extension_months") or rules.time.extension_max_months
        if not 1 <= months <= rules.time.extension_max_months:
            raise invalid("extension_months", _l(
                "An extension is 1-{extension_max_months} months (Art. 11).").format(
                extension_max_months=rules.time.extension_max_months))
        park.extension_granted_on, park.extension_months = on, months
        data = {"extension_months": months}
    elif action is A.REFUSE_EXTENSION:
        park.extension_refused_on = on
    elif action is A.REPORT_MAJOR_CHANGE:
        changed_on: date = params["changed_on"]
        if changed_on > on:
            raise invalid("changed_on", _l("The change cannot be after its report."))
        change = next((c for c in park.major_changes if c.cycle == park.cycle and c.changed_on == changed_on), None)
        if change is not None and change.reported_on is not None:
            raise Conflict("already_reported", _l(
                "The change of {changed_on} was reported on {reported_on}.").format(
                changed_on=changed_on, reported_on=change.reported_on))
        if change is None:
            change = MajorChangeRecord(cycle=park.cycle, changed_on=changed_on, recorded_by_label=actor.label,
                                       created_at=now, subjects=[], description="")
            park.major_changes.append(change)
        change.reported_on = on
        change.subjects = list(params.get("subjects") or change.subjects or [])
        change.description = params.get("description") or change.description or ""
        data = {"changed_on": changed_on.isoformat(), "subjects": change.subjects}
    elif action is A.REQUIRE_PLAN_REVISION:
        park.plan_revision_pending = True
    elif action is A.FILE_PLAN_REVISION:
        park.plan_revision_pending = False
    elif action is A.APPLY_ACCEPTANCE:
        park.acceptance_applied_on = on
    elif action is A.REQUEST_RECTIFICATION:
        park.verification_feedback_on = on
    elif action is A.PUBLISH_NAMING_NOTICE:
        last, provisional = _notice_end(on, rules.time.naming_notice_working_days, now)
        park.naming_notice_published_on, park.naming_notice_last_day = on, last
        park.naming_notice_provisional = provisional
        data = {"last_day": last.isoformat(), "provisional": provisional}
    elif action is A.NAME_PARK:
        park.named_on = on
        data = _settled(park, on, actor, comment, A.NAME_PARK)
    elif action in (A.DECLINE_NAMING, A.UPHOLD_COMPLAINT):
        data = _settled(park, on, actor, comment, A.NAME_PARK)
    elif action in (A.PASS_EVALUATION, A.FAIL_EVALUATION):
        passed = action is A.PASS_EVALUATION
        excellent = bool(params.get("excellent")) and passed
        park.evaluations.append(EvaluationRecord(cycle=park.cycle, evaluated_on=on, passed=passed,
                                                 excellent=excellent, transition=transition))
        data = {"passed": passed, "excellent": excellent}
    elif action is A.WARN:
        try:
            deadline = warning_rectification_deadline(on, params.get("rectification_months"), rules.time)
        except ValueError:
            limit = rules.time.warning_rectification_max_months
            raise invalid("rectification_months", _l(
                "The rectification period is 1-{limit} months (Art. 26).").format(
                limit=limit)) from None
        park.warned_on, park.rectification_deadline = on, deadline
        data = {"rectification_deadline": deadline.isoformat(),
                "proposals": _mark_proposals(park, params.get("proposal_ids"), {reason or ""}, on, actor, comment)}
    elif action is A.STOP_CREATION:
        reasons = {"unreported_major_change"} if reason == "unreported_major_change" else set()
        data = {"proposals": _mark_proposals(park, params.get("proposal_ids"), reasons, on, actor, comment,
                                             A.STOP_CREATION.value)}
    elif action is A.PASS_RECHECK:
        park.warned_on = park.rectification_deadline = None
    elif action in (A.FAIL_RECHECK, A.EXPIRE_RECTIFICATION):
        park.failed_rectifications += 1
    elif action is A.REQUEST_REVOCATION:
        park.revocation_requested_on = on
    elif action is A.REVOKE:
        park.revoked_on, park.revocation_reason = on, reason
        data = _settled(park, on, actor, comment, A.REVOKE)
    return data
