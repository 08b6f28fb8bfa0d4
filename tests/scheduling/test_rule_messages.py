"""The lifecycle rules hold English msgids only; people read them in their language, dates their way."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

from scheduling.rules.lifecycle import Action, ParkFacts, Party, State, action_options
from scheduling.rules.messages import Term, Text
from scheduling.wording import conclusion_name, panel_kind_name, rule_text, state_name

RULES = Path(__file__).resolve().parents[2] / "scheduling" / "rules" / "lifecycle"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_lifecycle_rules_carry_no_chinese_text():
    found = []
    # proposals.py writes a warning proposal's message in both languages: the proposal stores both (data)
    for path in (p for p in RULES.glob("*.py") if p.name != "proposals.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        found += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)
                  and id(node) not in docstrings]
    assert not found, found


def test_a_guard_message_reads_in_each_language_with_its_date_written_the_readers_way():
    facts = ParkFacts(today=date(2027, 4, 1), public_notice_last_day=date(2027, 4, 6))
    [blocked] = [o.blocked for o in action_options(State.IN_PUBLIC_NOTICE, Party.PROVINCE, facts)
                 if o.action is Action.APPROVE_CONSTRUCTION]
    assert blocked.code == "public_notice_running"
    message = rule_text(blocked.text)
    assert message.zh == "公示期至 2027年4月6日 结束，之后方可批准。"
    assert message.en == "The public notice runs until April 6, 2027; approval is possible from the next day."
    assert str(blocked.text) == blocked.message_en == (
        "The public notice runs until 2027-04-06; approval is possible from the next day.")  # logs: ISO


def test_terms_and_lists_among_the_values_are_translated_too():
    text = Text("A {kind} panel concludes {words}.", {"kind": Term("acceptance meeting"),
                                                       "words": (Term("pass", "panel conclusion"),
                                                                 Term("fail", "panel conclusion"))})
    assert rule_text(text).zh == "验收会评审组的结论只能是：通过和不通过。"
    assert rule_text(text).en == "A acceptance meeting panel concludes pass and fail."
    assert state_name("under_construction").zh == "建设中" and state_name("under_construction").en == (
        "under construction")
    assert panel_kind_name("recheck").zh == "复核" and conclusion_name("fail").zh == "不通过"
    assert panel_kind_name("no_such_kind").zh == "no_such_kind"
