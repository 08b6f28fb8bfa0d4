"""What the park must do next, in sentences: its deadlines ahead (those the park answers for, Art. 10-26) and the
steps the lifecycle lets it take now, with the materials each needs. Read from the timeline and the action
forms the page already has (nothing here decides)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ground.i18n import Msg, _l, _ln
from scheduling.notices import RESPONSIBLE
from scheduling.pages.actions_view import ActionForm
from scheduling.pages.common import article, day, lang, say

#: What the park has to hand in or do before each deadline it answers for.
DUE_WORDS: dict[str, Msg] = {
    "annual_report": _l(
        "Submit the annual work report for {year}: upload it under Materials, then submit it under Annual reports"),
    "construction_period": _l(
        "The construction period ends: complete the plan and apply for the technical verification"),
    "major_change_report": _l("Report the major change in writing"),
    "verification_rectification": _l("Complete and report the rectification the technical verification asked for"),
    "performance_evaluation": _l("Prepare the materials for the performance evaluation"),
    "warning_rectification": _l("Complete and report the rectification after the warning"),
    "reapplication_ban": _l("The ban ends: the park may apply again after it"),
}


@dataclass
class NextStep:
    text: str
    when: str = ""
    article: str = ""
    tone: str = "due"  # due, overdue, action


def _left(days_left: int) -> str:
    if days_left > 0:
        return say(_ln("{n} day left", "{n} days left", days_left, n=days_left))
    if days_left == 0:
        return say(_l("due today"))
    return say(_ln("{n} day overdue", "{n} days overdue", -days_left, n=-days_left))


def next_steps(due: list[dict[str, Any]], forms: list[ActionForm], submitted_years: set[int]) -> list[NextStep]:
    """The park's deadlines ahead (soonest first), then the steps it may take now that hand in materials.

    An annual report the park has submitted is off its list (the province's review and forwarding remain)."""
    steps = []
    for d in sorted(due, key=lambda d: d["due"]):
        if "park" not in RESPONSIBLE.get(d["kind"], ()) or d["kind"] not in DUE_WORDS:
            continue
        year = d["key"].rpartition(":")[2] if d["kind"] == "annual_report" else ""
        if year.isdigit() and int(year) in submitted_years:
            continue
        when = say(_l("by {on} ({left})").format(on=day(d["due"]), left=_left(d["days_left"])))
        steps.append(NextStep(say(DUE_WORDS[d["kind"]].format(year=year)), when, article(d.get("article")),
                              "overdue" if d["days_left"] < 0 else "due"))
    for form in forms:
        if form.party != "park" or not form.required:
            continue  # a step that hands in nothing is on the actions card below
        needs = ("、" if lang() == "zh" else ", ").join(form.required)
        text = say(_l("You may now: {name}, handing in: {needs}").format(
            name=form.name, needs=needs))
        steps.append(NextStep(text, "", form.article, "action"))
    return steps
