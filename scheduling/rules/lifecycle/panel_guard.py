"""The guard of the actions a review panel decides (see :mod:`.panel_outcomes`), kept apart from
:mod:`.guards` because it reads the panel outcomes the facts carry; the table imports it, which registers it."""

from __future__ import annotations

from scheduling.rules.lifecycle.guards import Blocked, GuardContext, register_guard
from scheduling.rules.lifecycle.panel_outcomes import PANEL_DECIDED, outcome_for
from scheduling.rules.lifecycle.vocabulary import PANEL_KIND_NAMES

NAME = "panel_concluded"


@register_guard
def panel_concluded(ctx: GuardContext) -> Blocked | None:
    """Art. 10, 12, 17-18, 24-26, 37: an action a review panel decides follows that panel's conclusion."""
    if ctx.panel_override or ctx.action is None or ctx.action not in PANEL_DECIDED:
        return None
    if outcome_for(ctx.action, ctx.facts.panel_outcomes) is not None:
        return None
    zh, en = PANEL_KIND_NAMES[PANEL_DECIDED[ctx.action]]
    return Blocked(
        "panel_conclusion_required",
        37,
        f"此操作须依据{zh}评审组的会议结论：请在该评审组的会议记录中录入结论（办公室可说明理由越过）。",
        f"This action follows the conclusion of a {en} panel: record the conclusion on that panel's meeting "
        "(the Office may override with a stated reason).",
    )
