"""Which review panels a park's lifecycle state calls for (Art. 10, 12, 17-18, 24-26, 37).

Lifecycle knowledge, so it lives with the lifecycle rules; ``panels`` asks it before it draws. Each
:class:`PanelCall` names the kind, the states that need it, the fact that must hold besides (a major change
reported, a plan revision required, the evaluation due) and the article. The states and facts are the ones
the transition table already uses for the action the panel prepares (e.g. change argumentation where
``argue_major_change`` may be taken, with its guard), so the two cannot drift apart.

Who convenes a kind (the Office, the province, a delegated province) is not decided here but in
``panels.rules.authority``: a delegated evaluation or recheck is called for by the same states and facts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scheduling.rules.lifecycle.facts import DEFAULT_RULES, LifecycleRules, ParkFacts, next_evaluation_due
from scheduling.rules.lifecycle.guards import GuardContext, has_reported_major_change
from scheduling.rules.lifecycle.table import rule_for
from scheduling.rules.lifecycle.vocabulary import Action, PanelKind, State
from scheduling.rules.periods import add_months


def evaluation_due(facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES) -> bool:
    """The next evaluation is due: its date is at most ``rules.evaluation_panel_lead_months`` away, or past."""
    due = next_evaluation_due(facts, rules)
    return due is not None and facts.today >= add_months(due, -rules.evaluation_panel_lead_months)


@dataclass(frozen=True)
class PanelCall:
    """A kind of panel, the states that call for it, and the fact that must hold besides (None: none)."""

    kind: PanelKind
    states: frozenset[State]
    article: int
    condition: Callable[[State, ParkFacts, LifecycleRules], bool] | None = None


def _major_change_reported(state: State, facts: ParkFacts, rules: LifecycleRules) -> bool:
    return has_reported_major_change(GuardContext(state, facts, rules, None)) is None


def _plan_revision_required(state: State, facts: ParkFacts, rules: LifecycleRules) -> bool:
    return facts.plan_revision_pending


def _evaluation_due(state: State, facts: ParkFacts, rules: LifecycleRules) -> bool:
    return evaluation_due(facts, rules)


S, K = State, PanelKind
PANEL_CALLS: tuple[PanelCall, ...] = (
    # the application is under provincial review (Art. 10)
    PanelCall(K.PLAN_ARGUMENTATION, rule_for(Action.PASS_PLAN_ARGUMENTATION).from_states, 10),
    # a major change was reported, where the province may argue it (Art. 12)
    PanelCall(K.CHANGE_ARGUMENTATION, rule_for(Action.ARGUE_MAJOR_CHANGE).from_states, 12, _major_change_reported),
    # the province required a plan revision that is not filed yet (Art. 12, 24)
    PanelCall(K.PLAN_REVISION, rule_for(Action.FILE_PLAN_REVISION).from_states, 24, _plan_revision_required),
    # acceptance was forwarded to the Office, until verification ends (Art. 16-18); not while the park
    # rectifies: it resubmits, and verification resumes
    PanelCall(K.TECHNICAL_VERIFICATION, frozenset({S.AWAITING_VERIFICATION, S.UNDER_VERIFICATION}), 17),
    # verification passed (Art. 18)
    PanelCall(K.ACCEPTANCE_MEETING, rule_for(Action.PASS_ACCEPTANCE_MEETING).from_states, 18),
    # the park is named and its evaluation is due (Art. 25), whether the Office holds it or delegates it
    PanelCall(K.PERFORMANCE_EVALUATION, rule_for(Action.PASS_EVALUATION).from_states, 25, _evaluation_due),
    # the warning's rectification was submitted (Art. 26)
    PanelCall(K.RECHECK, rule_for(Action.PASS_RECHECK).from_states, 26),
)
del S, K


def panel_kinds_called_for(state: State | str, facts: ParkFacts,
                           rules: LifecycleRules = DEFAULT_RULES) -> tuple[PanelKind, ...]:
    """The kinds of panel the park's ``state`` (with its ``facts``) calls for, in the order of the Measures."""
    state = State(state)
    return tuple(c.kind for c in PANEL_CALLS
                 if state in c.states and (c.condition is None or c.condition(state, facts, rules)))
