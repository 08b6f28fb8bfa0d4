"""Which panels each lifecycle state calls for: every state x kind, with and without the facts that matter."""

from __future__ import annotations

from datetime import date

import pytest

from scheduling.rules.lifecycle import (
    DEFAULT_RULES,
    PANEL_KIND_NAMES,
    STATE_NAMES,
    Evaluation,
    LifecycleRules,
    MajorChange,
    PanelKind,
    ParkFacts,
    State,
    evaluation_due,
    next_evaluation_due,
    panel_kinds_called_for,
)

S, K = State, PanelKind
TODAY = date(2026, 11, 24)
# No major change, no revision required, not named: only the kinds a state calls for by itself.
BARE = ParkFacts(today=TODAY)
# A reported major change, a plan revision required, named 3 years ago (the evaluation is due).
RICH = ParkFacts(today=TODAY, approved_on=date(2020, 1, 1), named_on=date(2023, 11, 1),
                 major_changes=(MajorChange(date(2026, 6, 1), date(2026, 7, 1)),), plan_revision_pending=True)

CREATION_RICH = {K.CHANGE_ARGUMENTATION, K.PLAN_REVISION}
NAMED_RICH = {K.PLAN_REVISION, K.PERFORMANCE_EVALUATION}
EXPECTED: dict[State, tuple[set[PanelKind], set[PanelKind]]] = {  # state -> (with BARE facts, with RICH facts)
    S.NEW: (set(), set()),
    S.APPLIED: (set(), set()),
    S.MATERIALS_RETURNED: (set(), set()),
    S.UNDER_PROVINCIAL_REVIEW: ({K.PLAN_ARGUMENTATION}, {K.PLAN_ARGUMENTATION}),
    S.PLAN_ARGUED: (set(), set()),
    S.IN_PUBLIC_NOTICE: (set(), set()),
    S.UNDER_CONSTRUCTION: (set(), CREATION_RICH),
    S.ACCEPTANCE_APPLIED: (set(), CREATION_RICH),
    S.AWAITING_VERIFICATION: ({K.TECHNICAL_VERIFICATION}, CREATION_RICH | {K.TECHNICAL_VERIFICATION}),
    S.UNDER_VERIFICATION: ({K.TECHNICAL_VERIFICATION}, CREATION_RICH | {K.TECHNICAL_VERIFICATION}),
    S.RECTIFYING_VERIFICATION: (set(), CREATION_RICH),
    S.VERIFICATION_PASSED: ({K.ACCEPTANCE_MEETING}, CREATION_RICH | {K.ACCEPTANCE_MEETING}),
    S.ACCEPTANCE_PASSED: (set(), CREATION_RICH),
    S.IN_NAMING_NOTICE: (set(), CREATION_RICH),
    S.ACCEPTANCE_FAILED: (set(), CREATION_RICH),
    S.NOT_NAMED: (set(), CREATION_RICH),
    S.NAMED: (set(), NAMED_RICH),
    S.WARNED: (set(), NAMED_RICH),
    S.UNDER_RECHECK: ({K.RECHECK}, NAMED_RICH | {K.RECHECK}),
    S.RECTIFICATION_FAILED: (set(), NAMED_RICH),
    S.APPLICATION_REJECTED: (set(), set()),
    S.WITHDRAWN: (set(), set()),
    S.CREATION_STOPPED: (set(), set()),
    S.CREATION_INCOMPLETE: (set(), set()),
    S.REVOKED: (set(), set()),
}


def test_the_table_covers_every_state():
    assert set(EXPECTED) == set(State)
    assert set(STATE_NAMES) == set(State) and set(PANEL_KIND_NAMES) == set(PanelKind)


@pytest.mark.parametrize("kind", list(PanelKind))
@pytest.mark.parametrize("state", list(State))
def test_every_state_and_kind(state, kind):
    bare, rich = EXPECTED[state]
    assert (kind in panel_kinds_called_for(state, BARE)) == (kind in bare)
    assert (kind in panel_kinds_called_for(state.value, RICH)) == (kind in rich)


def test_kinds_come_in_the_order_of_the_measures():
    assert panel_kinds_called_for(S.UNDER_RECHECK, RICH) == (K.PLAN_REVISION, K.PERFORMANCE_EVALUATION, K.RECHECK)


def test_change_argumentation_needs_a_reported_change():
    unreported = ParkFacts(today=TODAY, major_changes=(MajorChange(date(2026, 9, 1)),))
    assert K.CHANGE_ARGUMENTATION not in panel_kinds_called_for(S.UNDER_CONSTRUCTION, unreported)
    reported = ParkFacts(today=TODAY, major_changes=(MajorChange(date(2026, 9, 1), date(2026, 9, 5)),))
    assert panel_kinds_called_for(S.UNDER_CONSTRUCTION, reported) == (K.CHANGE_ARGUMENTATION,)


@pytest.mark.parametrize(("named_on", "evaluations", "today", "due"), [
    (date(2023, 11, 24), (), date(2026, 5, 23), False),  # due 2026-11-24, six months before is 05-24
    (date(2023, 11, 24), (), date(2026, 5, 24), True),
    (date(2023, 11, 24), (), date(2027, 6, 1), True),  # overdue and not held: still due
    (date(2020, 11, 24), (Evaluation(date(2023, 11, 20), True),), date(2026, 5, 24), True),  # the 2nd cycle
    (date(2023, 11, 24), (Evaluation(date(2026, 10, 1), True),), date(2026, 11, 24), False),  # held early
    (None, (), date(2026, 11, 24), False),
])
def test_evaluation_due_within_the_lead(named_on, evaluations, today, due):
    facts = ParkFacts(today=today, named_on=named_on, evaluations=evaluations)
    assert evaluation_due(facts) is due
    assert (K.PERFORMANCE_EVALUATION in panel_kinds_called_for(S.NAMED, facts)) is due


def test_the_lead_is_a_rule():
    facts = ParkFacts(today=date(2026, 10, 24), named_on=date(2023, 11, 24))
    assert next_evaluation_due(facts) == date(2026, 11, 24)
    assert evaluation_due(facts, DEFAULT_RULES)
    assert not evaluation_due(facts, LifecycleRules(evaluation_panel_lead_months=0))
