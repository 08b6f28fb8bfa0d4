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

A provincial programme (Art. 41) follows the same table; :func:`parties_for` hands the Office's and the leading
group's parts to the provincial departments.

The system *proposes*, people decide: :func:`warning_proposal_reasons` lists grounds for a warning, it never
warns. The only transitions the ``system`` actor takes are the ones the Measures attach to a lapsed deadline
(Art. 18, 21, 26).

The package splits it by responsibility: :mod:`.vocabulary` (states, actions, parties, reasons), :mod:`.facts`
(the snapshot and derived facts), :mod:`.guards`, :mod:`.table`, :mod:`.engine` (applying the table),
:mod:`.proposals` (warning grounds), :mod:`.panel_calls` (which panels a state calls for),
:mod:`.panel_outcomes` (what a panel's conclusion does, and the actions only a conclusion takes) and
:mod:`.deadlines` (pending deadlines). This module is the lifecycle's public vocabulary: import from here.
"""

from scheduling.rules.lifecycle.deadlines import Deadline, pending_deadlines
from scheduling.rules.lifecycle.engine import (
    ActionOption,
    GuardFailed,
    IllegalTransition,
    LifecycleError,
    PartyNotAllowed,
    Transition,
    action_options,
    allowed_actions,
    apply,
)
from scheduling.rules.lifecycle.facts import (
    DEFAULT_RULES,
    AnnualReport,
    Evaluation,
    LifecycleRules,
    MajorChange,
    ParkFacts,
    construction_end,
    extension_pending,
    late_major_changes,
    next_evaluation_due,
)
from scheduling.rules.lifecycle.guards import GUARDS, Blocked, GuardContext
from scheduling.rules.lifecycle.panel_calls import (
    PANEL_CALLS,
    PanelCall,
    evaluation_due,
    panel_kinds_called_for,
)
from scheduling.rules.lifecycle.panel_outcomes import (
    CONCLUSION_NAMES,
    PANEL_DECIDED,
    PANEL_OUTCOMES,
    Conclusion,
    OutcomeRule,
    PanelOutcome,
    ProposedDecision,
    conclusions_for,
    outcome_for,
    outcome_rule,
    outcome_steps,
)
from scheduling.rules.lifecycle.proposals import WarningProposal, warning_proposal_reasons
from scheduling.rules.lifecycle.table import TRANSITIONS, TransitionRule, parties_for, rule_for
from scheduling.rules.lifecycle.vocabulary import (
    ACCEPTANCE_STATES,
    APPLICATION_STATES,
    CONSTRUCTION_STATES,
    CREATION_STATES,
    ENDED_STATES,
    NAMED_STATES,
    PANEL_KIND_NAMES,
    PHASE_OF,
    REVOCATION_REASON_ITEM,
    STATE_CONTEXT,
    STATE_NAMES,
    WARNING_REASON_ITEM,
    Action,
    PanelKind,
    Party,
    Phase,
    Programme,
    RevocationReason,
    State,
    StopReason,
    WarningReason,
    is_publicly_listed,
    may_use_title,
)

__all__ = [
    "ACCEPTANCE_STATES",
    "APPLICATION_STATES",
    "CONCLUSION_NAMES",
    "CONSTRUCTION_STATES",
    "CREATION_STATES",
    "DEFAULT_RULES",
    "ENDED_STATES",
    "GUARDS",
    "NAMED_STATES",
    "PANEL_CALLS",
    "PANEL_DECIDED",
    "PANEL_KIND_NAMES",
    "PANEL_OUTCOMES",
    "PHASE_OF",
    "REVOCATION_REASON_ITEM",
    "STATE_CONTEXT",
    "STATE_NAMES",
    "TRANSITIONS",
    "WARNING_REASON_ITEM",
    "Action",
    "ActionOption",
    "AnnualReport",
    "Blocked",
    "Conclusion",
    "Deadline",
    "Evaluation",
    "GuardContext",
    "GuardFailed",
    "IllegalTransition",
    "LifecycleError",
    "LifecycleRules",
    "MajorChange",
    "OutcomeRule",
    "PanelCall",
    "PanelKind",
    "PanelOutcome",
    "ParkFacts",
    "Party",
    "PartyNotAllowed",
    "Phase",
    "Programme",
    "ProposedDecision",
    "RevocationReason",
    "State",
    "StopReason",
    "Transition",
    "TransitionRule",
    "WarningProposal",
    "WarningReason",
    "action_options",
    "allowed_actions",
    "apply",
    "conclusions_for",
    "construction_end",
    "evaluation_due",
    "extension_pending",
    "is_publicly_listed",
    "late_major_changes",
    "may_use_title",
    "next_evaluation_due",
    "outcome_for",
    "outcome_rule",
    "outcome_steps",
    "panel_kinds_called_for",
    "parties_for",
    "pending_deadlines",
    "rule_for",
    "warning_proposal_reasons",
]
