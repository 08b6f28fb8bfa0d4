"""The documents of a panel's meeting, as pure data: the technical verification check-list of Art. 17 and the
performance evaluation score sheet (Art. 25), with the checks a conclusion needs of them.

A technical verification panel assesses the seven items of Art. 17; each item is found in order (符合),
with problems to rectify (存在问题，需整改) or not met (不符合). A "pass" cannot stand on an item not met, and
every item is assessed before the panel concludes [rule]. A performance evaluation scores the programme's
triennial evaluation on 100 points: rows of an item, its weight and the score; the weights add up to 100
[rule]. :data:`SCORE_SHEET_TEMPLATE` weighs the focus areas Art. 25 names; a panel may use other rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scheduling.rules.messages import N_, NP_, Text

#: Art. 17 (1)-(7) in our English (msgids; the Chinese, in the Measures' words, is in the catalog).
CHECKLIST_ITEMS: tuple[str, ...] = (
    N_("Serious environmental pollution incidents, or major or especially major environmental emergencies, "
       "since approval (except those following force majeure such as natural disasters)"),
    N_("Attainment of the Standard"),
    N_("Implementation of the construction plan and attainment of its targets"),
    N_("Authenticity and effective operation of the key supporting projects"),
    N_("Whether the supporting data of the indicators is comprehensive, complete and true"),
    N_("Correct calculation methods and accurate results of the indicators"),
    N_("Consistency of the annual reports' contents and data with the acceptance application materials"),
)
CHECKLIST_KEYS = tuple(str(n) for n in range(1, len(CHECKLIST_ITEMS) + 1))
FINDINGS: Mapping[str, str] = {
    "met": NP_("checklist finding", "met"),
    "rectify": NP_("checklist finding", "problems to rectify"),
    "not_met": NP_("checklist finding", "not met"),
}
SCORE_TOTAL = 100
SCORE_SHEET_TEMPLATE: tuple[tuple[str, int], ...] = (
    ("建设指标优化提升情况", 20),
    ("环境质量改善", 20),
    ("减污降碳绩效", 20),
    ("持续推进示范园区建设成效", 15),
    ("管理创新", 10),
    ("示范引领作用", 15),
)


def checklist_gaps(checklist: Mapping[str, Any] | None) -> list[str]:
    """The Art. 17 items not assessed yet (their numbers)."""
    checklist = checklist or {}
    return [key for key in CHECKLIST_KEYS if not (checklist.get(key) or {}).get("finding")]


def items_not_met(checklist: Mapping[str, Any] | None) -> list[str]:
    return [key for key, entry in (checklist or {}).items() if (entry or {}).get("finding") == "not_met"]


def score_sheet_problems(rows: Sequence[Mapping[str, Any]]) -> list[Text]:
    """What is wrong with a score sheet (messages); empty when its weights make 100 and every score fits."""
    problems: list[Text] = []
    weights = sum(int(r["max"]) for r in rows)
    if weights != SCORE_TOTAL:
        problems.append(Text(N_("The items' weights must add up to {total}; they add up to {weights}."),
                             {"total": SCORE_TOTAL, "weights": weights}))
    for number, row in enumerate(rows, start=1):
        score = row.get("score")
        if score is not None and not 0 <= score <= row["max"]:
            problems.append(Text(N_("Row {number}: the score must lie between 0 and {max}."),
                                 {"number": number, "max": row["max"]}))
    return problems


def score_total(rows: Sequence[Mapping[str, Any]]) -> float | None:
    """The sheet's total, or None while a row is not scored."""
    if not rows or any(r.get("score") is None for r in rows):
        return None
    return round(sum(float(r["score"]) for r in rows), 2)
