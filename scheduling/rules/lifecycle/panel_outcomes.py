"""What a review panel's conclusion does to the park (Art. 10, 12, 17-18, 24-28, 37).

A panel concludes *pass*, *pass after rectification* (通过，修改完善/整改后通过) or *fail*. Each kind and
conclusion is one row of :data:`PANEL_OUTCOMES`: the lifecycle action the panel **decides** (e.g. a technical
verification that passes decides ``pass_verification``), the ordinary actions that follow in the same breath
(a change argued acceptable only with a revised plan also requires the revision), and the decision it only
**proposes** where people decide: naming (the leading group, Art. 20), a warning (the Office, Art. 26-27),
revocation (the leading group, Art. 28), stopping a creation (the province, Art. 12).

An action a panel decides can be taken only on a conclusion of such a panel that has not been acted on yet
(the ``panel_concluded`` guard over :attr:`ParkFacts.panel_outcomes`), or by an Office override with a stated
reason. Scheduling never asks ``panels`` about that: the facts carry the outcomes, supplied by a source the
app registers (see ``scheduling.facts.register_panel_outcome_source``).

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from scheduling.rules.lifecycle.vocabulary import (
    Action,
    PanelKind,
    RevocationReason,
    State,
    StopReason,
    WarningReason,
)
from scheduling.rules.messages import NP_


class Conclusion(StrEnum):
    """What a panel concluded; the values are stored with the meeting and shown in the API."""

    PASS = "pass"
    PASS_AFTER_RECTIFICATION = "pass_after_rectification"
    FAIL = "fail"


#: Each conclusion in words for people: English msgids (``scheduling.wording.conclusion_name`` translates them).
CONCLUSION_NAMES: Mapping[Conclusion, str] = MappingProxyType({
    Conclusion.PASS: NP_("panel conclusion", "pass"),
    Conclusion.PASS_AFTER_RECTIFICATION: NP_("panel conclusion", "pass after rectification"),
    Conclusion.FAIL: NP_("panel conclusion", "fail"),
})


@dataclass(frozen=True)
class PanelOutcome:
    """A fact: a panel of the park's current cycle concluded, and its conclusion has not been acted on yet.

    ``ref`` identifies the conclusion to the source that supplied it; it is never shown to anyone.
    """

    ref: str
    kind: PanelKind
    conclusion: Conclusion
    concluded_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PanelKind(self.kind))
        object.__setattr__(self, "conclusion", Conclusion(self.conclusion))


@dataclass(frozen=True)
class ProposedDecision:
    """A decision a conclusion puts before the people who take it: the action, its reason, the article."""

    action: Action
    reason: str
    article: int
    item: int = 0


@dataclass(frozen=True)
class OutcomeRule:
    kind: PanelKind
    conclusion: Conclusion
    decides: Action | None  # the action only a panel's conclusion (or an Office override) takes
    follow_up: tuple[Action, ...] = ()  # ordinary actions taken with it
    proposes: ProposedDecision | None = None


K, C, A = PanelKind, Conclusion, Action
_NAMING = ProposedDecision(A.NAME_PARK, "naming", 20)
PANEL_OUTCOMES: tuple[OutcomeRule, ...] = (
    # Art. 10: a plan passed (with amendments to make before the notice) goes to public notice; a failed plan
    # goes back to the park, which may revise and resubmit it (the province may still reject the application).
    OutcomeRule(K.PLAN_ARGUMENTATION, C.PASS, A.PASS_PLAN_ARGUMENTATION),
    OutcomeRule(K.PLAN_ARGUMENTATION, C.PASS_AFTER_RECTIFICATION, A.PASS_PLAN_ARGUMENTATION),
    OutcomeRule(K.PLAN_ARGUMENTATION, C.FAIL, None, (A.RETURN_MATERIALS,)),
    # Art. 12: the change is argued; acceptable only with a revised plan -> the revision is required; not
    # acceptable -> the province decides whether to stop the creation.
    OutcomeRule(K.CHANGE_ARGUMENTATION, C.PASS, A.ARGUE_MAJOR_CHANGE),
    OutcomeRule(K.CHANGE_ARGUMENTATION, C.PASS_AFTER_RECTIFICATION, A.ARGUE_MAJOR_CHANGE, (A.REQUIRE_PLAN_REVISION,)),
    OutcomeRule(K.CHANGE_ARGUMENTATION, C.FAIL, A.ARGUE_MAJOR_CHANGE,
                proposes=ProposedDecision(A.STOP_CREATION, StopReason.MAJOR_CHANGE_IMPACT, 12)),
    # Art. 24: a revision that fails stays pending; the park revises again and a new panel argues it.
    OutcomeRule(K.PLAN_REVISION, C.PASS, A.FILE_PLAN_REVISION),
    OutcomeRule(K.PLAN_REVISION, C.PASS_AFTER_RECTIFICATION, A.FILE_PLAN_REVISION),
    OutcomeRule(K.PLAN_REVISION, C.FAIL, None),
    # Art. 17-18: problems found -> rectify within 1 month; the rectified materials go to a verification panel
    # again, whose conclusion passes or fails the park.
    OutcomeRule(K.TECHNICAL_VERIFICATION, C.PASS, A.PASS_VERIFICATION),
    OutcomeRule(K.TECHNICAL_VERIFICATION, C.PASS_AFTER_RECTIFICATION, A.REQUEST_RECTIFICATION),
    OutcomeRule(K.TECHNICAL_VERIFICATION, C.FAIL, A.FAIL_VERIFICATION),
    # Art. 18-20: the meeting's acceptance opinion; naming follows the notice, decided by the leading group.
    OutcomeRule(K.ACCEPTANCE_MEETING, C.PASS, A.PASS_ACCEPTANCE_MEETING, proposes=_NAMING),
    OutcomeRule(K.ACCEPTANCE_MEETING, C.PASS_AFTER_RECTIFICATION, A.PASS_ACCEPTANCE_MEETING, proposes=_NAMING),
    OutcomeRule(K.ACCEPTANCE_MEETING, C.FAIL, A.FAIL_ACCEPTANCE_MEETING),
    # Art. 25-27: a failed evaluation is a ground for a warning (27 (3)), which the Office decides.
    OutcomeRule(K.PERFORMANCE_EVALUATION, C.PASS, A.PASS_EVALUATION),
    OutcomeRule(K.PERFORMANCE_EVALUATION, C.PASS_AFTER_RECTIFICATION, A.PASS_EVALUATION),
    OutcomeRule(K.PERFORMANCE_EVALUATION, C.FAIL, A.FAIL_EVALUATION,
                proposes=ProposedDecision(A.WARN, WarningReason.FAILED_EVALUATION, 27, 3)),
    # Art. 26, 28: the recheck judges a finished rectification, so it has no "after rectification"; a failed
    # one is a ground for revocation (28 (3)), which the leading group decides.
    OutcomeRule(K.RECHECK, C.PASS, A.PASS_RECHECK),
    OutcomeRule(K.RECHECK, C.FAIL, A.FAIL_RECHECK,
                proposes=ProposedDecision(A.REVOKE, RevocationReason.FAILED_AFTER_RECTIFICATION, 28, 3)),
)
del K, C, A

_RULES: Mapping[tuple[PanelKind, Conclusion], OutcomeRule] = MappingProxyType(
    {(r.kind, r.conclusion): r for r in PANEL_OUTCOMES})

#: Each action a panel decides, and the kind of panel whose conclusion it needs.
PANEL_DECIDED: Mapping[Action, PanelKind] = MappingProxyType(
    {r.decides: r.kind for r in PANEL_OUTCOMES if r.decides is not None})


def conclusions_for(kind: PanelKind | str) -> tuple[Conclusion, ...]:
    """The conclusions a panel of ``kind`` may reach."""
    return tuple(r.conclusion for r in PANEL_OUTCOMES if r.kind is PanelKind(kind))


def outcome_rule(kind: PanelKind | str, conclusion: Conclusion | str) -> OutcomeRule | None:
    """The row for a kind and conclusion; None for a conclusion that kind cannot reach."""
    return _RULES.get((PanelKind(kind), Conclusion(conclusion)))


def outcome_steps(rule: OutcomeRule, state: State | str) -> tuple[Action, ...]:
    """The actions recording the conclusion takes from ``state``, in order.

    The technical verification panel's meeting *is* the on-site verification: a park still awaiting it is put
    under verification first (the Office's ``start_verification``), as of the same day.
    """
    lead_in: tuple[Action, ...] = ()
    if rule.kind is PanelKind.TECHNICAL_VERIFICATION and State(state) is State.AWAITING_VERIFICATION:
        lead_in = (Action.START_VERIFICATION,)
    decided = (rule.decides,) if rule.decides is not None else ()
    return lead_in + decided + rule.follow_up


def outcome_for(action: Action | str, outcomes: tuple[PanelOutcome, ...]) -> PanelOutcome | None:
    """The outcome (not yet acted on) that decides ``action``, the latest first; None if there is none."""
    action = Action(action)
    kind = PANEL_DECIDED.get(action)
    if kind is None:
        return None
    for outcome in sorted(outcomes, key=lambda o: o.concluded_on, reverse=True):
        rule = _RULES.get((outcome.kind, outcome.conclusion))
        if rule is not None and rule.decides is action:
            return outcome
    return None
