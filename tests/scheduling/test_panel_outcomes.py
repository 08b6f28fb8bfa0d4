"""What a panel's conclusion does to the park, and the guard that makes it the only way (pure, no app)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scheduling.rules.lifecycle import (
    PANEL_DECIDED,
    PANEL_OUTCOMES,
    TRANSITIONS,
    Action,
    Conclusion,
    GuardFailed,
    PanelKind,
    PanelOutcome,
    ParkFacts,
    Party,
    State,
    action_options,
    allowed_actions,
    apply,
    conclusions_for,
    outcome_for,
    outcome_rule,
    outcome_steps,
)

D = date
TODAY = D(2027, 5, 10)


def outcome(kind, conclusion, on=TODAY):
    return PanelOutcome(ref="t", kind=kind, conclusion=conclusion, concluded_on=on)


def test_every_kind_and_conclusion_has_a_row_and_recheck_has_no_rectification():
    for kind in PanelKind:
        expected = {Conclusion.PASS, Conclusion.FAIL} if kind is PanelKind.RECHECK else set(Conclusion)
        assert set(conclusions_for(kind)) == expected
    assert outcome_rule(PanelKind.RECHECK, Conclusion.PASS_AFTER_RECTIFICATION) is None
    assert len({(r.kind, r.conclusion) for r in PANEL_OUTCOMES}) == len(PANEL_OUTCOMES)


def test_the_panel_decided_actions_are_exactly_those_with_the_guard():
    guarded = {r.action for r in TRANSITIONS if "panel_concluded" in r.guards}
    assert guarded == set(PANEL_DECIDED)
    assert guarded >= {Action.PASS_PLAN_ARGUMENTATION, Action.PASS_VERIFICATION, Action.REQUEST_RECTIFICATION,
                       Action.FAIL_VERIFICATION, Action.PASS_ACCEPTANCE_MEETING, Action.FAIL_ACCEPTANCE_MEETING,
                       Action.PASS_EVALUATION, Action.FAIL_EVALUATION, Action.PASS_RECHECK, Action.FAIL_RECHECK}
    # people's decisions are never taken by a panel: they are proposed
    for action in (Action.NAME_PARK, Action.WARN, Action.REVOKE, Action.STOP_CREATION):
        assert action not in PANEL_DECIDED
    proposed = {r.proposes.action for r in PANEL_OUTCOMES if r.proposes}
    assert proposed == {Action.NAME_PARK, Action.WARN, Action.REVOKE, Action.STOP_CREATION}


@pytest.mark.parametrize(("kind", "conclusion", "state", "steps"), [
    (PanelKind.PLAN_ARGUMENTATION, Conclusion.PASS, State.UNDER_PROVINCIAL_REVIEW,
     (Action.PASS_PLAN_ARGUMENTATION,)),
    (PanelKind.PLAN_ARGUMENTATION, Conclusion.FAIL, State.UNDER_PROVINCIAL_REVIEW, (Action.RETURN_MATERIALS,)),
    (PanelKind.CHANGE_ARGUMENTATION, Conclusion.PASS_AFTER_RECTIFICATION, State.UNDER_CONSTRUCTION,
     (Action.ARGUE_MAJOR_CHANGE, Action.REQUIRE_PLAN_REVISION)),
    (PanelKind.PLAN_REVISION, Conclusion.FAIL, State.UNDER_CONSTRUCTION, ()),
    (PanelKind.TECHNICAL_VERIFICATION, Conclusion.PASS, State.AWAITING_VERIFICATION,
     (Action.START_VERIFICATION, Action.PASS_VERIFICATION)),
    (PanelKind.TECHNICAL_VERIFICATION, Conclusion.PASS_AFTER_RECTIFICATION, State.UNDER_VERIFICATION,
     (Action.REQUEST_RECTIFICATION,)),
    (PanelKind.ACCEPTANCE_MEETING, Conclusion.FAIL, State.VERIFICATION_PASSED, (Action.FAIL_ACCEPTANCE_MEETING,)),
    (PanelKind.PERFORMANCE_EVALUATION, Conclusion.FAIL, State.NAMED, (Action.FAIL_EVALUATION,)),
    (PanelKind.RECHECK, Conclusion.PASS, State.UNDER_RECHECK, (Action.PASS_RECHECK,)),
])
def test_steps(kind, conclusion, state, steps):
    assert outcome_steps(outcome_rule(kind, conclusion), state) == steps


def test_an_action_a_panel_decides_needs_its_conclusion_or_an_override():
    facts = ParkFacts(today=TODAY)
    state = State.UNDER_VERIFICATION
    with pytest.raises(GuardFailed) as info:
        apply(state, Action.PASS_VERIFICATION, Party.OFFICE, facts)
    assert (info.value.code, info.value.article) == ("panel_conclusion_required", 37)
    assert "technical verification" in info.value.message_en
    from scheduling.wording import rule_text  # the rule holds the msgid; the catalog has its Chinese

    assert "现场技术核查" in rule_text(info.value.text).zh
    options = {o.action: o.blocked for o in action_options(state, Party.OFFICE, facts)}
    assert options[Action.PASS_VERIFICATION].code == "panel_conclusion_required"
    assert Action.PASS_VERIFICATION not in allowed_actions(state, Party.OFFICE, facts)
    # the Office's override steps the panel guard aside, and only that guard
    assert apply(state, Action.PASS_VERIFICATION, Party.OFFICE, facts, panel_override=True).to_state is (
        State.VERIFICATION_PASSED)
    # a conclusion of another kind, or one that decides another action, does not do
    wrong = (outcome(PanelKind.ACCEPTANCE_MEETING, Conclusion.PASS),
             outcome(PanelKind.TECHNICAL_VERIFICATION, Conclusion.PASS_AFTER_RECTIFICATION))
    with pytest.raises(GuardFailed):
        apply(state, Action.PASS_VERIFICATION, Party.OFFICE, replace(facts, panel_outcomes=wrong))
    right = (*wrong, outcome(PanelKind.TECHNICAL_VERIFICATION, Conclusion.PASS))
    assert apply(state, Action.PASS_VERIFICATION, Party.OFFICE, replace(facts, panel_outcomes=right)).to_state is (
        State.VERIFICATION_PASSED)
    assert outcome_for(Action.PASS_VERIFICATION, right) == right[-1]
    assert outcome_for(Action.REQUEST_RECTIFICATION, right) == right[1]
    assert outcome_for(Action.START_VERIFICATION, right) is None  # not an action a panel decides


def test_other_guards_come_first():
    """A late major change blocks the verification whatever the panel says: the panel guard is the last."""
    from scheduling.rules.lifecycle import MajorChange

    facts = ParkFacts(today=TODAY, major_changes=(MajorChange(D(2026, 1, 1), None),),
                      panel_outcomes=(outcome(PanelKind.TECHNICAL_VERIFICATION, Conclusion.PASS),))
    with pytest.raises(GuardFailed) as info:
        apply(State.UNDER_VERIFICATION, Action.PASS_VERIFICATION, Party.OFFICE, facts)
    assert info.value.code == "major_change_not_reported_in_time"
