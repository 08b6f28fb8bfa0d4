"""Whether a panel's meeting may conclude: its quorum (rule-set data, pure).

The rule set's ``quorum`` says what share of the panel's seats must be present, whether the meeting's chair
must be among them, and whether a member who left early still counts (by default not: they did not take part
in the conclusion). Seats are the panel's size, the members it was formed with (应到人数), so a vacant seat
counts as absent. The default (at least 2/3 of the seats, the chair present) follows common practice for expert
review meetings [rule]; rule sets without a ``quorum`` use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PRESENT, ABSENT, LEFT_EARLY = "present", "absent", "left_early"
ATTENDANCE_STATUSES = (PRESENT, ABSENT, LEFT_EARLY)
QUORUM_DEFAULT: dict[str, Any] = {"numerator": 2, "denominator": 3, "chair_present": True,
                                  "left_early_counts": False}


@dataclass(frozen=True)
class QuorumRule:
    numerator: int = 2
    denominator: int = 3
    chair_present: bool = True
    left_early_counts: bool = False

    def __post_init__(self) -> None:
        if not (self.denominator > 0 and 0 <= self.numerator <= self.denominator):
            raise ValueError("the quorum is a share between 0 and 1")


def quorum_rule(rules: Mapping[str, Any]) -> QuorumRule:
    """The quorum of a rule set's rules (its ``quorum``, completed with the defaults)."""
    return QuorumRule(**{**QUORUM_DEFAULT, **(rules.get("quorum") or {})})


@dataclass(frozen=True)
class Quorum:
    """The verdict: how many seats, how many must be present, how many count, whether the chair is there."""

    seats: int
    required: int
    present: int
    chair_required: bool
    chair_present: bool

    @property
    def met(self) -> bool:
        return self.present >= self.required and (self.chair_present or not self.chair_required)


def required_present(seats: int, rule: QuorumRule) -> int:
    """The fewest members present that make the share: ceil(seats x numerator / denominator)."""
    return -(-seats * rule.numerator // rule.denominator)


def assess_quorum(seats: int, attendance: Mapping[int, str], chair: int | None, rule: QuorumRule) -> Quorum:
    """The quorum of a meeting with ``seats`` seats, given each member's attendance and the meeting's chair."""
    counting = {PRESENT, LEFT_EARLY} if rule.left_early_counts else {PRESENT}
    present = sum(1 for status in attendance.values() if status in counting)
    return Quorum(seats=seats, required=required_present(seats, rule), present=present,
                  chair_required=rule.chair_present,
                  chair_present=chair is not None and attendance.get(chair) in counting)
