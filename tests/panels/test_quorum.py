"""The meeting's quorum and its documents' rules (pure, no app)."""

from __future__ import annotations

import pytest

from panels.rules.meeting_documents import (
    CHECKLIST_ITEMS,
    SCORE_SHEET_TEMPLATE,
    checklist_gaps,
    items_not_met,
    score_sheet_problems,
    score_total,
)
from panels.rules.quorum import QuorumRule, assess_quorum, quorum_rule, required_present
from panels.rules.rulesets import effective_rules


@pytest.mark.parametrize(("seats", "required"), [(1, 1), (3, 2), (5, 4), (6, 4), (7, 5), (9, 6), (31, 21)])
def test_two_thirds_rounds_up(seats, required):
    assert required_present(seats, QuorumRule()) == required


def test_quorum_counts_the_present_and_needs_the_chair():
    rule = QuorumRule()
    five = {1: "present", 2: "present", 3: "present", 4: "left_early", 5: "absent"}
    verdict = assess_quorum(5, five, chair=1, rule=rule)
    assert (verdict.required, verdict.present, verdict.met) == (4, 3, False)  # left early does not count
    assert assess_quorum(5, {**five, 4: "present"}, chair=1, rule=rule).met
    no_chair = assess_quorum(5, {**five, 4: "present", 1: "absent", 5: "present"}, chair=1, rule=rule)
    assert no_chair.present == 4 and not no_chair.chair_present and not no_chair.met
    lenient = QuorumRule(numerator=1, denominator=2, chair_present=False, left_early_counts=True)
    assert assess_quorum(5, five, chair=5, rule=lenient).met
    # a vacant seat counts as absent: seats are the panel's size, not who was recorded
    assert not assess_quorum(6, {1: "present", 2: "present", 3: "present"}, chair=1, rule=rule).met


def test_rule_sets_without_a_quorum_use_the_default_and_a_bad_share_is_refused():
    assert quorum_rule({}) == QuorumRule()
    assert quorum_rule(effective_rules({})) == QuorumRule()
    assert quorum_rule({"quorum": {"numerator": 1, "denominator": 2}}) == QuorumRule(1, 2)
    with pytest.raises(ValueError):
        QuorumRule(numerator=4, denominator=3)


def test_the_check_list_has_art_17s_seven_items():
    assert len(CHECKLIST_ITEMS) == 7
    from ground.i18n import _l  # the rules hold the English msgids; the Measures' Chinese is in the catalog

    assert "严重污染环境事件" in _l(CHECKLIST_ITEMS[0]).zh and "年度工作报告" in _l(CHECKLIST_ITEMS[6]).zh
    assert checklist_gaps({}) == ["1", "2", "3", "4", "5", "6", "7"]
    full = {str(n): {"finding": "met"} for n in range(1, 8)}
    assert checklist_gaps(full) == [] and items_not_met(full) == []
    assert items_not_met({**full, "3": {"finding": "not_met"}}) == ["3"]


def test_the_score_sheet_is_on_100_points():
    rows = [{"item": item, "max": weight, "score": weight * 0.8} for item, weight in SCORE_SHEET_TEMPLATE]
    assert sum(w for _, w in SCORE_SHEET_TEMPLATE) == 100
    assert score_sheet_problems(rows) == [] and score_total(rows) == 80.0
    assert score_total([{**rows[0], "score": None}, *rows[1:]]) is None
    problems = score_sheet_problems([{"item": "a", "max": 60, "score": 70}, {"item": "b", "max": 30}])
    assert len(problems) == 2 and "100" in str(problems[0])
